import { describe, expect, it } from 'vitest';
import { buildReports } from '../../../src/domain/report/build-report.js';
import { buildTeamSummaries } from '../../../src/domain/report/team.js';
import { topReason } from '../../../src/domain/report/insight.js';
import { DEFAULT_REPORT_SETTINGS as S } from '../../../src/domain/report/types.js';
import { act, dataset, person, won } from './fixtures.js';

const SHARE_W48 = (57 + 17 / 24) / 92;
const goal = (ownerId: string, signed: number) => ({ ownerId, status: 'approved', targets: [{ metric: 'signed_amount', value: signed }] });

/**
 * The source case: rep A visits a lot and closes little; rep B visits half as much, closes more, and tailors a
 * proposal before most visits. The report must show A that contrast.
 */
function repAandB() {
  const people = [person('repA', 'mgr01', '甲'), person('repB', 'mgr02', '乙'), person('repC', 'mgr01', '丙'), person('repD', 'mgr02', '丁')];
  return dataset({
    people,
    goals: people.map((p) => goal(p.id, 800_000)),
    activities: [
      act('repA', '2026-W47', 6, { dims: { proposalCustomized: 1 } }),
      act('repA', '2026-W48', 6),
      act('repB', '2026-W48', 6, { dims: { proposalCustomized: 5 } }),
      act('repC', '2026-W48', 8, { dims: { proposalCustomized: 2 } }),
      act('repD', '2026-W48', 8, { dims: { proposalCustomized: 2 } }),
      act('repA', '2026-W48', 2, { counted: false }),
    ],
    wonDeals: [won('repB', '2026-W48', 600_000, { n: 3 }), won('repC', '2026-W46', 300_000), won('repD', '2026-W46', 200_000, { n: 2 })],
  });
}

describe('health score', () => {
  it('adds each part × its weight, shows the numbers behind every part, and renormalizes when one is missing', () => {
    const { reports, peers } = buildReports(repAandB(), S);
    const a = reports.find((r) => r.personId === 'repA')!;
    expect(peers.medianCounted).toBe(8);
    expect(peers.medianConversion).toBeCloseTo((1 / 8 + 2 / 8) / 2);
    const c = Object.fromEntries(a.health.components.map((x) => [x.key, x]));
    // No deals: progress 0; 12 counted vs median 8 → capped at 100 %; 12 of 14 counted; conversion 0 vs median.
    expect(c.progress!.value).toBe(0);
    expect(c.activity!.value).toBe(1);
    expect(c.activity!.explain).toBe('本季有效活动 12 次 / 全员中位数 8 次=100%（最高 100%）');
    expect(c.validity!.value).toBeCloseTo(12 / 14);
    expect(c.conversion!.value).toBe(0);
    expect(a.health.score).toBe(Math.round(100 * (0.25 * 1 + 0.15 * (12 / 14))));
    expect(a.health.level).toBe('risk');

    // B is ahead: progress 600k / (800k × share) capped at 1.
    const b = reports.find((r) => r.personId === 'repB')!;
    const bc = Object.fromEntries(b.health.components.map((x) => [x.key, x]));
    expect(bc.progress!.value).toBe(1);
    expect(bc.progress!.explain).toContain(`签约额 60万/应达 ${(800_000 * SHARE_W48 / 1e4).toFixed(1)}万=100%`);
    expect(b.health.score).toBe(Math.round(100 * (0.4 + 0.25 * 0.75 + 0.15 + 0.2)));
  });

  it('leaves out parts that cannot be computed and scales the other weights up', () => {
    const { reports } = buildReports(dataset({ people: [person('x')], activities: [act('x', '2026-W48', 2, { type: 'call' })] }), S);
    const h = reports[0]!.health;
    const byKey = Object.fromEntries(h.components.map((x) => [x.key, x]));
    expect(byKey.progress!.value).toBeNull(); // no goal
    expect(byKey.conversion!.value).toBeNull(); // no visits
    expect(byKey.activity!.effectiveWeight).toBeCloseTo(0.25 / 0.4);
    expect(byKey.validity!.effectiveWeight).toBeCloseTo(0.15 / 0.4);
    expect(h.score).toBe(100);
  });
});

describe('what to look at', () => {
  it('tells rep A: many visits and no deal, against the top converters\' proposal customisation rate', () => {
    const { reports } = buildReports(repAandB(), S);
    expect(reports.find((r) => r.personId === 'repA')!.insight).toBe('拜访 12 次但无成交：转化率前 25% 的 1 位同事方案定制率 83%，你 8%');
  });

  it('points at not-counted activities when many of this week\'s did not count', () => {
    const notCounted = ['时长 18 分钟 < 30 分钟', '时长 22 分钟 < 30 分钟', '无定位记录'].map((r, i) => ({
      personId: 'x', type: 'visit', day: `2026-11-2${i + 3}`, accountName: null, reasons: [r],
    }));
    expect(topReason(notCounted)).toEqual({ example: '时长 18 分钟 < 30 分钟', count: 2 });
    const d = dataset({ people: [person('x')], activities: [act('x', '2026-W48', 2, { type: 'call' })], notCounted });
    expect(buildReports(d, S).reports[0]!.insight).toBe('本周 3 次活动未计入，最常见的原因：时长 18 分钟 < 30 分钟（2 次）');
  });

  it('asks for more activity when behind pace with fewer activities than most', () => {
    const d = dataset({
      people: [person('x'), person('y'), person('z')],
      goals: [goal('x', 1_000_000)],
      activities: [act('x', '2026-W48', 1, { type: 'call' }), act('y', '2026-W48', 9, { type: 'call' }), act('z', '2026-W48', 9, { type: 'call' })],
      wonDeals: [won('x', '2026-W45', 100_000)],
    });
    const line = buildReports(d, S).reports[0]!.insight;
    expect(line).toBe(`签约额落后进度 ${Math.round((1 - 100_000 / (1_000_000 * SHARE_W48)) * 100)}%，本季有效活动 1 次低于全员中位数 9 次：先把活动量补上`);
  });
});

describe('team summary', () => {
  it('puts the lowest scores (at risk) on top and counts each level', () => {
    const { reports } = buildReports(repAandB(), S);
    const teams = buildTeamSummaries(reports, new Map([['mgr01', '王磊'], ['mgr02', '李娜']]));
    const east = teams.find((t) => t.managerId === 'mgr01')!;
    expect(east.managerName).toBe('王磊');
    expect(east.members.map((m) => m.personId)).toEqual(['repA', 'repC']);
    expect(east.members[0]!.score).toBeLessThanOrEqual(east.members[1]!.score);
    expect(east.counts.risk).toBe(1);
    expect(east.members[0]!.headline).toBe('签约额落后进度 100%');
  });
});
