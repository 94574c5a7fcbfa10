import { describe, expect, it } from 'vitest';
import { byQuarter } from '../../../src/domain/prediction/backtest.js';
import { featuresAt, paceProjection, reachedTarget, type RepQuarterData } from '../../../src/domain/prediction/features.js';
import { hashA } from '../../../src/domain/text/hash.js';
import { byQuarterThenPerson, repQuarterRow, rowsAt, sampleRule } from '../../../src/domain/prediction/training-set.js';

const DAY = 86_400_000;
const start = Date.UTC(2026, 6, 1);
const dims = [{ key: 'proposalCustomized', name: '方案定制率' }];

function rep(personId: string, quarterId: string, startMs: number, over: Partial<RepQuarterData> = {}): RepQuarterData {
  return {
    personId, quarterId, startMs, endMs: startMs + 91 * DAY, metric: 'signed_amount', target: 50_000, lastAttainment: null,
    activities: [{ t: startMs + 3 * DAY, type: 'visit', counted: true, merged: false, dims: ['proposalCustomized'] }],
    deals: [{ opened: startMs, close: startMs + 20 * DAY, closed: true, won: true, amount: 60_000, isNew: true, account: 'a1' }],
    ...over,
  };
}

describe('a rep-quarter reduced to its training rows', () => {
  it('keeps the label, last attainment and, per week, the features and the pace feature of the full data', () => {
    const d = rep('r1', '2026Q3', start, { lastAttainment: 0.7 });
    const row = repQuarterRow(d, [4, 8], dims);
    expect(row).toMatchObject({ personId: 'r1', quarterId: '2026Q3', startMs: start, y: 1, last: 0.7 });
    expect(reachedTarget(d)).toBe(true);
    for (const w of [4, 8]) {
      expect(row.weeks.get(w)!.x).toEqual(featuresAt(d, w, dims));
      // The pace feature, from the pace projection: log(0.05 + projected ÷ target).
      expect(row.weeks.get(w)!.pace).toBeCloseTo(Math.log(0.05 + paceProjection(d, w).projected / 50_000), 12);
    }
    expect(repQuarterRow(rep('r2', '2026Q3', start, { deals: [] }), [4], dims)).toMatchObject({ y: 0, last: Number.NaN });
    expect(rowsAt([row], 8)).toEqual([{ quarterId: '2026Q3', x: featuresAt(d, 8, dims), y: 1 }]);
    expect(() => rowsAt([row], 6)).toThrow(/no features for week 6/);
  });

  it('sorts by quarter start, then person, and groups by quarter in time order', () => {
    const later = start + 91 * DAY;
    const rows = [rep('b', 'Q2', later), rep('a', 'Q2', later), rep('c', 'Q1', start), rep('a', 'Q1', start)].map((d) => repQuarterRow(d, [4], dims));
    rows.sort(byQuarterThenPerson);
    expect(rows.map((r) => `${r.quarterId}|${r.personId}`)).toEqual(['Q1|a', 'Q1|c', 'Q2|a', 'Q2|b']);
    expect(byQuarter(rows).map((q) => [q.quarterId, q.reps.length])).toEqual([['Q1', 2], ['Q2', 2]]);
  });
});

describe('the training sample above the cap', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => [['2025Q4', '2026Q1', '2026Q2', '2026Q3'][i % 4]!, `rep${String(Math.floor(i / 4)).padStart(5, '0')}`] as const);

  it('keeps everything at or below the cap', () => {
    const keep = sampleRule(500, 500);
    expect(ids(500).every(([q, p]) => keep(q, p))).toBe(true);
  });

  it('keeps about cap of total, the same ids whatever order they are asked in', () => {
    const all = ids(40_000);
    const keep = sampleRule(40_000, 12_000);
    const kept = all.filter(([q, p]) => keep(q, p));
    // Binomial(40,000, 0.3): sd ≈ 92; 5 sd either side.
    expect(Math.abs(kept.length - 12_000)).toBeLessThan(460);
    const again = sampleRule(40_000, 12_000);
    expect([...all].reverse().filter(([q, p]) => again(q, p)).reverse()).toEqual(kept);
    // Neighbouring ids (rep00001, rep00002 …) are not kept or dropped in runs.
    let longest = 0;
    let run = 0;
    let prev: boolean | undefined;
    for (const [q, p] of all.filter(([q]) => q === '2026Q1')) {
      const k = keep(q, p);
      run = k === prev ? run + 1 : 1;
      prev = k;
      longest = Math.max(longest, run);
    }
    expect(longest).toBeLessThan(40);
  });

  it('hashes to a spread of 32-bit values', () => {
    const buckets = new Array<number>(16).fill(0);
    for (let i = 0; i < 64_000; i++) buckets[Math.floor((hashA(`2026Q1|u${i}`) / 2 ** 32) * 16)]!++;
    for (const b of buckets) expect(Math.abs(b - 4000)).toBeLessThan(400);
  });
});
