import { describe, expect, it } from 'vitest';
import { CardTemplates } from '../../../src/adapters/cards/template-store.js';
import { trendChartSpec } from '../../../src/domain/charts/report-trend-chart.js';
import { buildReports } from '../../../src/domain/report/build-report.js';
import { repCardValues, teamCardValues } from '../../../src/domain/report/card-values.js';
import { describeSchedule, isValidSchedule, latestDue, nextDue, parseSchedule } from '../../../src/domain/report/schedule.js';
import { buildTeamSummaries } from '../../../src/domain/report/team.js';
import { DEFAULT_REPORT_SETTINGS as S } from '../../../src/domain/report/types.js';
import { act, dataset, person, Q4, won } from './fixtures.js';

const TZ = 'Asia/Shanghai';
const FRI_17 = { weekday: 5, time: '17:00' };

describe('report schedule', () => {
  it('finds the latest and next Friday 17:00 in the company zone', () => {
    // Friday 27 Nov 2026, 16:59 and 17:00 Shanghai (= 08:59Z / 09:00Z).
    expect(latestDue(FRI_17, TZ, new Date('2026-11-27T08:59:00Z'))).toEqual(new Date('2026-11-20T09:00:00Z'));
    expect(latestDue(FRI_17, TZ, new Date('2026-11-27T09:00:00Z'))).toEqual(new Date('2026-11-27T09:00:00Z'));
    expect(nextDue(FRI_17, TZ, new Date('2026-11-27T09:00:00Z'))).toEqual(new Date('2026-12-04T09:00:00Z'));
    // Sunday evening Shanghai is still the same ISO week; Monday 00:30 Shanghai is Sunday in UTC.
    expect(latestDue(FRI_17, TZ, new Date('2026-11-29T15:00:00Z'))).toEqual(new Date('2026-11-27T09:00:00Z'));
    expect(latestDue({ weekday: 1, time: '09:30' }, TZ, new Date('2026-11-29T16:30:00Z'))).toEqual(new Date('2026-11-23T01:30:00Z'));
  });

  it('reads what HR types, and refuses what it cannot read', () => {
    expect(parseSchedule('周五 17:00')).toEqual({ ok: true, schedule: FRI_17 });
    expect(parseSchedule('星期四 9:05')).toEqual({ ok: true, schedule: { weekday: 4, time: '09:05' } });
    expect(parseSchedule('礼拜天 18：30')).toEqual({ ok: true, schedule: { weekday: 7, time: '18:30' } });
    expect(parseSchedule('Friday 16:30')).toEqual({ ok: true, schedule: { weekday: 5, time: '16:30' } });
    expect(parseSchedule('周五')).toMatchObject({ ok: false, problem: expect.stringContaining('时间') });
    expect(parseSchedule('17:00')).toMatchObject({ ok: false, problem: expect.stringContaining('星期') });
    expect(parseSchedule('周五 25:00')).toMatchObject({ ok: false, problem: '25:00 不是有效的时间' });
    expect(describeSchedule(FRI_17)).toBe('每周五 17:00');
    expect(isValidSchedule({ weekday: 5, time: '7:00' })).toBe(false);
    expect(isValidSchedule(FRI_17)).toBe(true);
  });
});

describe('report cards', () => {
  const templates = new CardTemplates();
  const d = dataset({
    people: [person('rep01', 'mgr01', '张伟'), person('rep02', 'mgr01', '刘洋')],
    goals: [{ ownerId: 'rep01', status: 'approved', targets: [{ metric: 'signed_amount', value: 800_000 }, { metric: 'new_customers', value: 15 }] }],
    activities: [act('rep01', '2026-W48', 5), act('rep01', '2026-W47', 7, { type: 'call' }), act('rep02', '2026-W48', 9)],
    wonDeals: [won('rep01', '2026-W47', 420_000, { accountId: 'a1', isNewCustomer: true })],
    notCounted: [{ personId: 'rep01', type: 'visit', day: '2026-11-25', accountName: '上海华诚', reasons: ['时长 18 分钟 < 30 分钟', '无定位记录'] }],
  });
  const { reports } = buildReports(d, S);
  const r = reports[0]!;

  it('fills the rep card with the figures, the reasons and how the score was computed', () => {
    const card = templates.instance('weekly-report', 'wr:test', repCardValues(r, '@lAmedia'));
    const m = card.cardParamMap;
    expect(m.title).toBe('张伟 · 第48周活动健康报告');
    expect(m.hasChart).toBe('true');
    expect(m.chartMediaId).toBe('@lAmedia');
    expect(m.progress).toContain('- 签约额：42万 / 目标 80万（53%），按进度应达 50.2万 → **落后进度 16%**');
    expect(m.progress).toContain('- 新客户：1 / 目标 15（7%），按进度应达 9.4 → **落后进度 89%**');
    expect(m.activities).toContain('**本周有效活动 5 次**（上周 7 次）：拜访 5');
    expect(m.activities).toContain('**赢单率**：赢单 1 / 结单 1 = 100%');
    expect(m.notCounted).toContain('- 11-25 拜访 上海华诚：时长 18 分钟 < 30 分钟；无定位记录');
    for (const c of r.health.components) expect(m.scoreParts).toContain(c.name);
    expect(m.scoreParts).toContain(`→ **${r.health.score} 分**`);
    expect(m.footer).toContain('11月27日 周五 17:00');
  });

  it('says when targets are not approved yet, or missing', () => {
    expect(repCardValues(r, undefined).progress).toMatch(/^\*\*目标进度\*\*（按线性进度，现在应完成目标的 63%）/);
    expect(repCardValues({ ...r, goalStatus: 'submitted' }, undefined).progress).toContain('；目标待主管审批，按当前填写的数字计算）');
    expect(repCardValues(reports[1]!, undefined).progress).toContain('；本季度还没有目标）');
  });

  it('hides the chart block when there is no chart', () => {
    const card = templates.instance('weekly-report', 'wr:test', repCardValues(r, undefined));
    expect(card.cardParamMap.hasChart).toBe('false');
    expect(card.cardParamMap.chartMediaId).toBeUndefined();
  });

  it('fills the team card with everyone, lowest score first, and a picker to open any report', () => {
    const org = [person('mgr01', null, '王磊'), ...d.people];
    const [team] = buildTeamSummaries(reports, new Map([['mgr01', '王磊']]), org, S);
    const m = templates.instance('team-report', 'wr:team', teamCardValues(team!, '@lAteam', S.thresholds)).cardParamMap;
    expect(m.title).toBe('王磊的团队 · 第48周活动健康');
    const options = JSON.parse(m.memberOptions!) as Array<{ value: string; label: string }>;
    expect(options.map((o) => o.value)).toEqual(team!.members.map((x) => x.personId));
    // rep02 has no goal: listed first whatever the scores (12.4).
    expect(team!.members[0]!).toMatchObject({ personId: 'rep02', goalState: 'none', headline: '未设目标' });
    // One numbered line per member (a continuation line would restart the numbering in chat markdown),
    // each naming what is behind.
    const lines = m.members!.split('\n');
    expect(lines.map((l) => l.match(/^(\d+)\. /)?.[1])).toEqual(team!.members.map((_, i) => String(i + 1)));
    lines.forEach((l, i) => expect(l).toContain(team!.members[i]!.headline));
    expect(lines[0]).toMatch(/^1\. .+ \*\*.+\*\* \d+ 分 · /);
    expect(m.week).toBe('2026-W48');
  });

  it('builds chart specs that differ between reps only in their data (so the compiled spec is reused)', () => {
    const [a, b] = reports.map((x) => trendChartSpec({ metricName: '签约额', rows: x.trend, reportWeek: x.week }));
    const { data: da, ...restA } = a as unknown as { data: { values: unknown[] } };
    const { data: db, ...restB } = b as unknown as { data: { values: unknown[] } };
    expect(restA).toEqual(restB);
    expect(da.values).not.toEqual(db.values);
    const bars = da.values.filter((v) => (v as { kind: string }).kind === 'bar') as Array<{ w: string; value: number | null; now: boolean }>;
    expect(bars.find((v) => v.w === 'W48')).toEqual(expect.objectContaining({ value: 5, now: true }));
    expect(bars.find((v) => v.w === 'W49')!.value).toBeNull();
  });
});

describe('a tracked rate with a target (12.5)', () => {
  it('shows 方案定制率 measured against its target, never "暂无数据来源" above a measured rate', () => {
    const quarter = { ...Q4, metrics: [...Q4.metrics, { key: 'proposal_rate', name: '方案定制率', unit: 'percent' as const }] };
    const d = {
      ...dataset({
        people: [person('rep01', 'mgr01', '张伟')],
        goals: [{ ownerId: 'rep01', status: 'approved', targets: [{ metric: 'signed_amount', value: 800_000 }, { metric: 'proposal_rate', value: 3500 }] }],
        activities: [act('rep01', '2026-W48', 10, { dims: { proposalCustomized: 4 } })],
      }),
      quarter,
    };
    const m = repCardValues(buildReports(d, S).reports[0]!, undefined);
    expect(m.progress).not.toContain('暂无数据来源');
    expect(m.progress).toContain('- 方案定制率：40% / 目标 35%（114%）');
    expect(m.activities).toContain('**方案定制率**（有效拜访中）：你 40%｜目标 35%');
  });
});
