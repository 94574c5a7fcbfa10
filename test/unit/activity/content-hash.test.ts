import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createBucketer } from '../../../src/domain/activity/buckets.js';
import { customerNameKey } from '../../../src/domain/activity/customer-key.js';
import { toContent } from '../../../src/domain/activity/normalize.js';
import { hasLatLng, type ActivityInput } from '../../../src/domain/activity/types.js';

/**
 * Stored records carry a content hash: a re-import compares it to tell "unchanged" from "updated". toContent
 * is written for speed; this is how it was written before (spreads, then the JSON of the record without its
 * buckets), kept as the reference: the records and their hashes must come out the same, key order included.
 */
const bucketer = createBucketer('Asia/Shanghai');
function reference(input: ActivityInput, personId: string) {
  const durationMin = input.endAt ? (input.endAt.getTime() - input.startAt.getTime()) / 60_000 : input.durationMin;
  const l = input.location;
  const loc = l ? { ...(hasLatLng(l) ? { lat: l.lat, lng: l.lng } : {}), ...(l.place ? { place: l.place } : {}) } : undefined;
  const location = loc && Object.keys(loc).length ? loc : undefined;
  const accountLoc = input.account?.location;
  const customerKey = customerNameKey(input.account?.name);
  const buckets = bucketer(input.startAt);
  const content = {
    personId,
    type: input.type,
    source: input.source,
    sourceId: input.sourceId,
    ...(input.account?.id ? { accountId: input.account.id } : {}),
    ...(input.account?.name ? { accountName: input.account.name } : {}),
    ...(customerKey ? { customerKey } : {}),
    ...(hasLatLng(accountLoc) ? { customerLocation: { lat: accountLoc.lat, lng: accountLoc.lng } } : {}),
    startAt: input.startAt,
    ...(input.endAt ? { endAt: input.endAt } : {}),
    ...(durationMin !== undefined ? { durationMin } : {}),
    ...(location ? { location } : {}),
    ...(input.completed !== undefined ? { completed: input.completed } : {}),
    ...(input.deleted ? { deleted: true } : {}),
    dims: input.dims ?? {},
    day: buckets.day,
    isoWeek: buckets.isoWeek,
    quarterId: buckets.quarterId,
    ...(input.sourceUpdatedAt ? { sourceUpdatedAt: input.sourceUpdatedAt } : {}),
    raw: input.raw,
  };
  const { day: _d, isoWeek: _w, quarterId: _q, ...rest } = content;
  const contentHash = createHash('sha1').update(JSON.stringify(rest)).digest('base64url');
  return { ...content, contentHash, ...(input.versionAt ? { versionAt: input.versionAt } : {}) };
}

const base: ActivityInput = { source: 'csv', sourceId: 'csv:a1', person: { kind: 'email', email: 'a@b.co' }, type: 'visit', startAt: new Date('2026-11-24T02:00:00Z'), raw: { id: 'a1' } };
const parts: Array<Partial<ActivityInput>> = [
  {},
  { endAt: new Date('2026-11-24T02:45:00Z') },
  { durationMin: 12 },
  { account: { id: 'C-9', name: '华为技术有限公司', location: { lat: 31.2, lng: 121.4 } } },
  { account: { name: '腾讯, 深圳 "总部"' } },
  { account: { id: 'only-id' } },
  { location: { lat: 31.201, lng: 121.401, place: '上海\n浦东' } },
  { location: { place: '' } },
  { location: { lat: 1 } as never },
  { completed: false },
  { completed: true, deleted: true },
  { dims: { 方案定制: true, n: 1.5, s: 'x' } },
  { sourceUpdatedAt: new Date('2026-11-25T00:00:00.123Z') },
  { versionAt: new Date('2026-11-26T00:00:00Z') },
  { raw: undefined },
  { raw: { nested: [1, 'a', null, { b: true }], date: new Date(0) } },
  { source: 'salesforce', sourceId: '00T1', raw: 'text' },
];

describe('toContent', () => {
  it('gives the same record and content hash as before, key order included, for every combination of parts', () => {
    let n = 0;
    for (let mask = 0; mask < 1 << parts.length; mask += 1 + (mask % 97)) {
      const input = { ...base, ...Object.assign({}, ...parts.filter((_, i) => mask & (1 << i))) } as ActivityInput;
      const got = toContent(input, 'rep01', { zone: 'Asia/Shanghai' });
      const want = reference(input, 'rep01');
      expect(got).toStrictEqual(want);
      expect(Object.keys(got)).toEqual(Object.keys(want));
      n++;
    }
    expect(n).toBeGreaterThan(2_000);
  });
});
