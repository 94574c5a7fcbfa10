import { describe, expect, it } from 'vitest';
import { computeFigures, reasonKind, workingDaysElapsed } from '../../../src/domain/figures/person-figures.js';
import { DEFAULT_REPORT_SETTINGS as S } from '../../../src/domain/report/types.js';
import { act, closed, dataset, FRIDAY_W48, person, Q4, won } from '../report/fixtures.js';

const Q = {
  ...Q4,
  metrics: [...Q4.metrics, { key: 'proposal_rate', name: '方案定制率', unit: 'percent' as const }],
  direction: { industries: ['制造', '金融'], keyAccounts: [] },
};

describe('person quarter figures', () => {
  it('attainment per metric; a metric without target is null ("未设目标"), never a division by zero', () => {
    const d = { ...dataset({ people: [person('a')], goals: [{ ownerId: 'a', status: 'approved', targets: [{ metric: 'signed_amount', value: 800_000 }, { metric: 'new_customers', value: 0 }] }], wonDeals: [won('a', '2026-W47', 200_000)] }), quarter: Q };
    const f = computeFigures(d, S).byPerson.get('a')!;
    expect(f.metrics[0]).toMatchObject({ key: 'signed_amount', target: 800_000, actual: 200_000, attainment: 0.25 });
    expect(f.metrics[1]).toMatchObject({ key: 'new_customers', target: null, attainment: null, status: 'no-target' });
  });

  it('win rate = won ÷ closed opportunities; visits per won deal and average deal size separately; new opportunities', () => {
    const d = dataset({
      people: [person('a'), person('b')],
      activities: [act('a', '2026-W47', 18)],
      wonDeals: [won('a', '2026-W47', 300_000, { n: 3 })],
      closed: [closed('a', 9, 14)],
    });
    const s = computeFigures(d, S);
    const a = s.byPerson.get('a')!;
    expect(a.winRate).toEqual({ won: 3, lost: 9, closed: 12, rate: 0.25 });
    expect(a.visitsPerWon).toBe(6);
    expect(a.avgWonDealCny).toBe(100_000);
    expect(a.pipeline.opened).toBe(14);
    const b = s.byPerson.get('b')!;
    expect(b.winRate.rate).toBeNull();
    expect(b.visitsPerWon).toBeNull();
    expect(b.avgWonDealCny).toBeNull();
  });

  it('counted activity in total, per type and per working week; not-counted share and top reasons with their kind', () => {
    const d = dataset({
      people: [person('a')],
      activities: [act('a', '2026-W47', 6), act('a', '2026-W48', 4, { type: 'call' }), act('a', '2026-W48', 10, { counted: false })],
      reasons: [
        { personId: 'a', reason: '时长 12 分钟 < 30 分钟', n: 6 },
        { personId: 'a', reason: '时长 20 分钟 < 30 分钟', n: 2 },
        { personId: 'a', reason: '没有签到记录', n: 2 },
      ],
    });
    const a = computeFigures(d, S).byPerson.get('a')!;
    expect(a.activity.counted).toBe(10);
    expect(a.activity.byType).toEqual([{ type: 'visit', name: '拜访', n: 6 }, { type: 'call', name: '电话', n: 4 }]);
    // Thu 1 Oct → Fri 27 Nov 17:00: 22 weekdays in October + 20 in November (holidays are feat/appeals' calendar).
    expect(workingDaysElapsed(Q4, FRIDAY_W48)).toBe(42);
    expect(a.activity.perWorkingWeek).toBeCloseTo(10 / (42 / 5));
    expect(a.notCounted.total).toBe(10);
    expect(a.notCounted.share).toBe(0.5);
    expect(a.notCounted.topReasons[0]).toEqual({ example: '时长 12 分钟 < 30 分钟', count: 8, kind: 'duration' });
    expect(a.notCounted.topReasons[1]).toMatchObject({ count: 2, kind: 'checkin' });
    expect(reasonKind('距客户 3.2 公里 > 1 公里')).toBe('location');
  });

  it('measures a percent metric (方案定制率) by its tracked dimension, so a target is compared with the rate (12.5)', () => {
    const d = {
      ...dataset({
        people: [person('a')],
        goals: [{ ownerId: 'a', status: 'approved', targets: [{ metric: 'proposal_rate', value: 3500 }] }],
        activities: [act('a', '2026-W47', 10, { dims: { proposalCustomized: 4 } })],
      }),
      quarter: Q,
    };
    const a = computeFigures(d, S).byPerson.get('a')!;
    const rate = a.metrics.find((m) => m.key === 'proposal_rate')!;
    expect(rate).toMatchObject({ actual: 4000, target: 3500, status: 'ahead' });
    expect(rate.status).not.toBe('no-source');
    expect(a.dimensions[0]).toMatchObject({ key: 'proposalCustomized', hits: 4, visits: 10, rate: 0.4, target: 0.35 });
  });

  it('checks alignment live in the org tree: own direction is red; the team not covering the manager is red on the manager only (12.1)', () => {
    const org = [person('dir', null, '总监'), person('mgr', 'dir', '主管'), person('r1', 'mgr', '甲'), person('r2', 'mgr', '乙')];
    const g = (ownerId: string, value: number, industries: string[]) => ({ ownerId, status: 'approved', targets: [{ metric: 'signed_amount', value }], industries, keyAccounts: [] });
    const d = {
      ...dataset({ people: org, org, goals: [g('dir', 2_000_000, ['制造']), g('mgr', 1_500_000, ['制造']), g('r1', 500_000, ['制造']), g('r2', 500_000, ['医疗'])] }),
      quarter: Q,
    };
    const s = computeFigures(d, S).byPerson;
    expect(s.get('r2')!.goal.state).toBe('misaligned');
    expect(s.get('r2')!.goal.alignment!.findings.map((x) => x.code)).toContain('industry_outside');
    // The team (1.0M) does not cover the manager's 1.5M: red for the manager, amber for r1.
    expect(s.get('mgr')!.goal.state).toBe('misaligned');
    expect(s.get('mgr')!.goal.alignment!.findings.find((x) => x.code === 'team_rollup_under')!.severity).toBe('red');
    expect(s.get('r1')!.goal.state).toBe('aligned');
    expect(s.get('r1')!.goal.alignment!.findings.find((x) => x.code === 'rollup_under')!.severity).toBe('amber');
    expect(s.get('dir')!.goal.state).toBe('misaligned'); // 1.5M under 2.0M, all entered
  });

  it('a person without a goal has state "none" and no alignment', () => {
    const a = computeFigures(dataset({ people: [person('a')] }), S).byPerson.get('a')!;
    expect(a.goal).toEqual({ status: null, state: 'none', alignment: null });
    expect(a.health.cappedBy).toBe('no-goal');
  });
});

describe('working days elapsed, remembered per calendar (the Friday pass asks once per chunk of people)', () => {
  it('gives the same count again without asking the calendar again; another asOf or calendar is its own count', () => {
    let asked = 0;
    // Weekdays only, counted: Thu 1 Oct → Fri 27 Nov 17:00 is 42 weekdays (as above).
    const weekdays = { isWorkingDay: (day: string) => (asked++, ![0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay())) };
    expect(workingDaysElapsed(Q4, FRIDAY_W48, weekdays)).toBe(42);
    const once = asked;
    expect(once).toBe(58); // 1 Oct … 27 Nov, each day once
    expect(workingDaysElapsed(Q4, FRIDAY_W48, weekdays)).toBe(42);
    expect(asked).toBe(once);
    // A week later: 5 more weekdays, a walk of its own.
    expect(workingDaysElapsed(Q4, new Date(FRIDAY_W48.getTime() + 7 * 86_400_000), weekdays)).toBe(47);
    expect(asked).toBe(once + 65);
    // Without a calendar: Mon–Fri, the same count.
    expect(workingDaysElapsed(Q4, FRIDAY_W48)).toBe(42);
  });
});
