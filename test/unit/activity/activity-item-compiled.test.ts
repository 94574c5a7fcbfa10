import { describe, expect, it } from 'vitest';
import { activityItemSchema, validateItem } from '../../../src/domain/activity/activity-item.js';

/**
 * validateItem runs zod's compiled parser (z.compile) first. It must accept exactly what the schema's runtime
 * parser accepts, with the same output, and report the runtime's issues for the rest: checked here on a grid of
 * edge cases of every field, one field changed at a time and in pairs.
 */
const good = {
  id: 'evt-1',
  system: 'hubspot',
  type: 'visit',
  person: { email: 'Zhang.Wei@Example.com' },
  startAt: '2026-11-24T10:00:00+08:00',
  endAt: '2026-11-24T10:45:00+08:00',
  customer: { id: 'C-9', name: '华为技术有限公司', lat: 31.2, lng: 121.4 },
  location: { lat: 31.201, lng: 121.401, place: '华为上海研究所' },
  completed: true,
  dims: { proposalCustomized: true, 金额: 12.5, note: '多行\n备注' },
};

const variants: Record<string, unknown[]> = {
  id: ['  a1  ', '', '   ', 'x'.repeat(200), 'x'.repeat(201), 'a\u0007b', 'a\u202eb', 7, null, undefined],
  system: ['crm', 'Crm', '-x', 'a'.repeat(40), 'a'.repeat(41), '', 3, undefined],
  type: ['call', 'Visit', 'visit_2', '2visit', '', undefined, 1],
  person: [{ userId: 'rep01' }, { userId: '  rep01 ' }, { userId: '' }, { email: 'bad@' }, { email: 'a@b.co', userId: 'x' }, {}, { mail: 'a@b.co' }, 'rep01', null, undefined],
  startAt: ['2026-11-24T10:00:00Z', '2026-11-24 10:00:00+0800', '2026-11-24T10:00+08:00', '2026-11-24T10:00:00.123456+08:00', '2026-02-30T10:00:00+08:00', '1999-12-31T23:00:00+08:00', '2100-01-01T00:00:00Z', '2026-11-24 10:00', 'tomorrow', ' 2026-11-24T10:00:00+08:00 ', 1764000000000, undefined],
  endAt: ['2026-11-24T09:00:00+08:00', '2026-11-25T10:00:00+08:00', '2026-11-25T10:00:01+08:00', '2026-11-24T10:00:00+08:00', 'x', undefined],
  durationMin: [0, 30, 1440, 1441, -1, Number.NaN, Number.POSITIVE_INFINITY, '30', undefined],
  customer: [{ name: '腾讯' }, { lat: 1 }, { lat: 91, lng: 0 }, { lat: 0, lng: -181 }, { name: '  ' }, { name: 'x'.repeat(201) }, { id: 'C1', extra: 1 }, {}, [], undefined],
  location: [{ place: '上海' }, { lat: 31, lng: 121 }, { lng: 121 }, { lat: -90, lng: 180 }, { lat: -90.1, lng: 0 }, { place: 'a\nb' }, undefined],
  completed: [false, 'true', 1, undefined],
  deleted: [true, false, 'yes'],
  dims: [{}, { '1x': 1 }, { a_1: 'v' }, { 名: 'x'.repeat(201) }, { n: Number.NaN }, { n: null }, { v: 'a\u0001' }, Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])), [], undefined],
  updatedAt: ['2026-11-24T11:00:00+08:00', '2026-11-24', undefined],
  extra: ['x'],
};

function runtime(value: unknown) {
  const r = activityItemSchema.safeParse(value);
  return r.success ? { ok: true, item: r.data } : { ok: false, messages: r.error.issues.map((i) => [i.path.join('.'), i.code === 'unrecognized_keys' ? `不认识的字段：${i.keys.join(', ')}` : i.message]) };
}
function compiled(value: unknown) {
  const r = validateItem(value);
  return r.ok ? { ok: true, item: r.item } : { ok: false, messages: r.issues.map((i) => [i.path === '(item)' ? '' : i.path, i.message]) };
}
const withField = (base: Record<string, unknown>, k: string, v: unknown) => {
  const out = { ...base };
  if (v === undefined) delete out[k];
  else out[k] = v;
  return out;
};

describe('validateItem (compiled) agrees with the schema at runtime', () => {
  it('on every single-field variant and every pair of them', () => {
    const cases: unknown[] = [good, null, [], 'item', 42];
    const singles = Object.entries(variants).flatMap(([k, vs]) => vs.map((v) => [k, v] as const));
    for (const [k, v] of singles) cases.push(withField(good, k, v));
    for (let i = 0; i < singles.length; i++) {
      for (let j = i + 1; j < singles.length; j++) {
        if (singles[i]![0] === singles[j]![0]) continue;
        cases.push(withField(withField(good, singles[i]![0], singles[i]![1]), singles[j]![0], singles[j]![1]));
      }
    }
    let accepted = 0;
    for (const c of cases) {
      const want = runtime(c);
      const got = compiled(c);
      expect({ case: c, ok: got.ok }).toEqual({ case: c, ok: want.ok });
      if (want.ok) {
        accepted++;
        expect(got.item).toEqual(want.item);
      } else {
        expect(got.messages).toEqual(want.messages);
      }
    }
    // The grid holds both kinds in numbers.
    expect(accepted).toBeGreaterThan(500);
    expect(cases.length - accepted).toBeGreaterThan(1000);
  });
});
