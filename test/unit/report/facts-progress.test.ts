import { describe, expect, it } from 'vitest';

import { median, peerStats } from '../../../src/domain/report/peers.js';
import { cumulativeAttainment, progressOf } from '../../../src/domain/report/progress.js';
import { DEFAULT_REPORT_SETTINGS as S } from '../../../src/domain/report/types.js';
import { act, closed, dataset, person, Q4, won } from './fixtures.js';

// Oct 1 00:00 → Nov 27 17:00 is 57 days 17 h of a 92-day quarter.
const SHARE_W48 = (57 + 17 / 24) / 92;

describe('facts per person', () => {
  it('counts only counted activities towards totals by week and type, but all towards the validity base', () => {
    const f = (
      dataset({
        people: [person('a')],
        activities: [
          act('a', '2026-W47', 4, { dims: { proposalCustomized: 1 } }),
          act('a', '2026-W48', 2, { type: 'call' }),
          act('a', '2026-W48', 3, { counted: false, dims: { proposalCustomized: 3 } }),
          act('zz', '2026-W48', 9), // not a subject of the report
        ],
      })
    ).facts.get('a')!;
    expect(f.countedTotal).toBe(6);
    expect(f.allTotal).toBe(9);
    expect(f.visits).toBe(4);
    expect(f.dimHits.get('proposalCustomized')).toBe(1); // not-counted visits don't count towards the rate
    expect(f.weekly.get('2026-W48')).toEqual({ counted: 2, byType: new Map([['call', 2]]) });
  });

  it('counts a new customer once per account, in the week of its first won deal; deals without an account each count', () => {
    const f = (
      dataset({
        people: [person('a')],
        wonDeals: [
          won('a', '2026-W46', 100_000, { accountId: 'acc1', isNewCustomer: true }),
          won('a', '2026-W44', 50_000, { accountId: 'acc1', isNewCustomer: true }),
          won('a', '2026-W45', 30_000, { accountId: null, isNewCustomer: true, n: 2 }),
          won('a', null, 20_000, { accountId: 'acc2', isNewCustomer: false }),
        ],
      })
    ).facts.get('a')!;
    expect(f.wonDeals).toBe(5);
    expect(f.signedCny).toBe(200_000);
    expect(f.newCustomers).toBe(3);
    expect(f.newCustomersByWeek).toEqual(new Map([['2026-W45', 2], ['2026-W44', 1]]));
    expect(f.signedByWeek.get('2026-W46')).toBe(100_000);
  });
});

describe('peer figures', () => {
  it('takes medians and pools the top quarter by win rate (won ÷ closed) among reps with enough closed opportunities', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
    const people = ['a', 'b', 'c', 'd', 'e'].map((id) => person(id));
    const d = dataset({
      people,
      activities: [
        act('a', '2026-W48', 10, { dims: { proposalCustomized: 8 } }),
        act('b', '2026-W48', 10, { dims: { proposalCustomized: 2 } }),
        act('c', '2026-W48', 10),
        act('d', '2026-W48', 10),
        act('e', '2026-W48', 2), // too few visits to compare conversion
      ],
      wonDeals: [won('a', '2026-W48', 1, { n: 5 }), won('b', '2026-W48', 1, { n: 2 }), won('c', '2026-W48', 1, { n: 1 }), won('e', '2026-W48', 1, { n: 2 })],
      // Closed: a 5 won of 10, b 2 of 10, c 1 of 10, d 0 of 10, e 2 of 2 (too few closed to compare).
      closed: [closed('a', 5), closed('b', 8), closed('c', 9), closed('d', 10)],
    });
    const p = peerStats(d.facts, S);
    expect(p.medianCounted).toBe(10);
    expect(p.winRatePeers).toBe(4);
    expect(p.medianWinRate).toBeCloseTo(0.15); // 0.5, 0.2, 0.1, 0 → (0.1 + 0.2) / 2
    expect(p.topWinners).toEqual({ people: 1, winRate: 0.5, dimRates: { proposalCustomized: 0.8 } });
    expect(p.dimRates.proposalCustomized).toBeCloseTo(10 / 42);
  });
});

describe('progress against the linear pace', () => {
  const goal = { ownerId: 'a', status: 'approved', targets: [{ metric: 'signed_amount', value: 800_000 }, { metric: 'visit_count', value: 100 }] };
  const quarter = { ...Q4, metrics: [...Q4.metrics, { key: 'visit_count', name: '拜访次数', unit: 'count' as const }, { key: 'nps', name: 'NPS', unit: 'count' as const }] };

  it('compares to-date with target × share of the quarter elapsed, and says when a metric has no target or no source', () => {
    const d = { ...dataset({ people: [person('a')], activities: [act('a', '2026-W48', 70)], wonDeals: [won('a', '2026-W47', 420_000)] }), quarter };
    const f = d.facts.get('a')!;
    const [signed, customers, visits, nps] = progressOf(quarter, goal, f, SHARE_W48);
    expect(signed!.expected).toBeCloseTo(800_000 * SHARE_W48);
    expect(signed!.paceRatio).toBeCloseTo(420_000 / (800_000 * SHARE_W48));
    expect(signed).toMatchObject({ actual: 420_000, target: 800_000, attainment: 0.525, status: 'behind' });
    expect(customers).toMatchObject({ actual: 0, target: null, status: 'no-target' });
    expect(visits).toMatchObject({ actual: 70, status: 'ahead' }); // 70 / 62.7 = 112 %
    expect(nps).toMatchObject({ actual: null, status: 'no-source' });
  });

  it('is on pace at the very start of the quarter (nothing expected yet)', () => {
    const f = dataset({ people: [person('a')] }).facts.get('a')!;
    expect(progressOf(Q4, goal, f, 0)[0]).toMatchObject({ expected: 0, paceRatio: null, status: 'on-pace' });
  });

  it('accumulates attainment week by week and stops after the report week', () => {
    const d = dataset({ people: [person('a')], wonDeals: [won('a', '2026-W40', 100_000), won('a', '2026-W42', 300_000)] });
    const f = d.facts.get('a')!;
    expect(cumulativeAttainment('signed_amount', Q4, f, 800_000, ['2026-W40', '2026-W41', '2026-W42', '2026-W43'], '2026-W42')).toEqual([0.125, 0.125, 0.5, null]);
  });
});
