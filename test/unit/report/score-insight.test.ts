import { describe, expect, it } from 'vitest';
import { buildReports } from '../../../src/domain/report/build-report.js';
import { buildTeamSummaries } from '../../../src/domain/report/team.js';
import { topReason } from '../../../src/domain/report/insight.js';
import { DEFAULT_REPORT_SETTINGS as S } from '../../../src/domain/report/types.js';
import { act, closed, dataset, person, won } from './fixtures.js';

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
    // Win rates: A 0 of 4, B 3 of 5, C 1 of 4, D 2 of 4.
    closed: [closed('repA', 4), closed('repB', 2), closed('repC', 3), closed('repD', 2)],
  });
}

describe('health score', () => {
  it('adds each part × its weight, shows the numbers behind every part, and renormalizes when one is missing', () => {
    const { reports, peers } = buildReports(repAandB(), S);
    const a = reports.find((r) => r.personId === 'repA')!;
    expect(peers.medianCounted).toBe(8);
    expect(peers.medianWinRate).toBeCloseTo((0.25 + 0.5) / 2);
    const c = Object.fromEntries(a.health.components.map((x) => [x.key, x]));
    // No deals: progress 0; 12 counted vs median 8 → capped at 100 %; 12 of 14 counted; win rate 0 vs median.
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

  it('leaves out parts that cannot be computed and scales the other weights up; no goal counts as 0 progress, never healthy (12.4)', () => {
    const { reports } = buildReports(dataset({ people: [person('x')], activities: [act('x', '2026-W48', 2, { type: 'call' })] }), S);
    const h = reports[0]!.health;
    const byKey = Object.fromEntries(h.components.map((x) => [x.key, x]));
    expect(byKey.progress).toMatchObject({ value: 0, explain: '未设目标，目标进度记 0' });
    expect(byKey.conversion!.value).toBeNull(); // nothing closed
    expect(byKey.activity!.effectiveWeight).toBeCloseTo(0.25 / 0.8);
    expect(byKey.validity!.effectiveWeight).toBeCloseTo(0.15 / 0.8);
    expect(h.score).toBe(50);
    expect(h.cappedBy).toBe('no-goal');
    // Before: a rep without a goal scored 100 and was "healthy".
    const busy = buildReports(dataset({ people: [person('x')], goals: [], activities: [act('x', '2026-W48', 9)], wonDeals: [won('x', '2026-W48', 1, { n: 9 })] }), S).reports[0]!;
    expect(busy.health.level).not.toBe('healthy');
  });

  it('takes points off a misaligned goal, names why, and keeps it out of "healthy" (12.4)', () => {
    const org = [person('mgr01', null, '王磊'), person('x', 'mgr01', '吴敏')];
    const goals = [
      { ownerId: 'mgr01', status: 'approved', targets: [{ metric: 'signed_amount', value: 100_000 }], industries: ['制造'], keyAccounts: [] },
      { ownerId: 'x', status: 'approved', targets: [{ metric: 'signed_amount', value: 100_000 }], industries: ['金融'], keyAccounts: [] },
    ];
    const d = dataset({ people: [org[1]!], org, goals, activities: [act('x', '2026-W48', 9)], wonDeals: [won('x', '2026-W47', 100_000)] });
    const r = buildReports(d, S).reports[0]!;
    expect(r.figures.goal.state).toBe('misaligned');
    expect(r.health.deductions).toEqual([{ code: 'misaligned', points: 15, explain: expect.stringContaining('金融') }]);
    expect(r.health.level).not.toBe('healthy');
    const aligned = buildReports({ ...d, goals: [goals[0]!, { ...goals[1]!, industries: ['制造'] }] }, S).reports[0]!;
    expect(aligned.health.score - r.health.score).toBe(15);
  });
});

describe('what to look at', () => {
  it('tells rep A: enough activity, low win rate, and the lever is tailoring (the team\'s best converter tailors more)', () => {
    const { reports } = buildReports(repAandB(), S);
    expect(reports.find((r) => r.personId === 'repA')!.insight).toBe(
      '转化环节：活动量达到团队水平，赢单率 0%（赢 0 / 结单 4），团队中位数 13%。建议：方案定制率：你 8%，团队赢单率前 25% 的同事 25%，拜访前准备定制方案',
    );
  });

  it('points at not-counted activities when many of this week\'s did not count', () => {
    const notCounted = ['时长 18 分钟 < 30 分钟', '时长 22 分钟 < 30 分钟', '无定位记录'].map((r, i) => ({
      personId: 'x', type: 'visit', day: `2026-11-2${i + 3}`, accountName: null, reasons: [r],
    }));
    expect(topReason(notCounted)).toEqual({ example: '时长 18 分钟 < 30 分钟', count: 2 });
    const d = dataset({
      people: [person('x')],
      goals: [goal('x', 100_000)],
      activities: [act('x', '2026-W48', 2, { type: 'call' }), act('x', '2026-W48', 3, { counted: false })],
      reasons: [
        { personId: 'x', reason: '时长 18 分钟 < 30 分钟', n: 1 },
        { personId: 'x', reason: '时长 22 分钟 < 30 分钟', n: 1 },
        { personId: 'x', reason: '无定位记录', n: 1 },
      ],
      notCounted,
    });
    expect(buildReports(d, S).reports[0]!.insight).toBe(
      '活动环节：本季 5 次活动中 3 次（60%）未计入，最常见原因「时长 18 分钟 < 30 分钟」（2 次）；计入 2 次，团队中位数 2 次。建议：拜访时长：2 次因时长不足未计入，每次拜访留足规则要求的时长',
    );
  });

  it('asks for more activity when behind pace with fewer activities than most', () => {
    const d = dataset({
      people: [person('x'), person('y'), person('z')],
      goals: [goal('x', 1_000_000)],
      activities: [act('x', '2026-W48', 1, { type: 'call' }), act('y', '2026-W48', 9, { type: 'call' }), act('z', '2026-W48', 9, { type: 'call' })],
      wonDeals: [won('x', '2026-W45', 100_000)],
    });
    const line = buildReports(d, S).reports[0]!.insight;
    expect(line).toBe('活动环节：本季有效活动 1 次，为团队中位数 9 次的 11%。建议：活动量：本季有效活动 1 次，团队中位数 9 次，补足有效拜访');
  });
});

describe('team summary', () => {
  it('puts the lowest scores (at risk) on top and counts each level', () => {
    const { reports } = buildReports(repAandB(), S);
    const org = [person('mgr01', null, '王磊'), person('mgr02', null, '李娜'), ...repAandB().people];
    const teams = buildTeamSummaries(reports, new Map([['mgr01', '王磊'], ['mgr02', '李娜']]), org, S);
    const east = teams.find((t) => t.managerId === 'mgr01')!;
    expect(east.managerName).toBe('王磊');
    expect(east.members.map((m) => m.personId)).toEqual(['repA', 'repC']);
    expect(east.members[0]!.score).toBeLessThanOrEqual(east.members[1]!.score);
    expect(east.counts.risk).toBe(1);
    expect(east.members[0]!.headline).toBe('签约额落后进度 100%');
  });
});
