import { describe, expect, it } from 'vitest';
import { checkAlignment, type GoalLike } from '../../../src/domain/goals/alignment.js';
import { DEFAULT_METRICS } from '../../../src/domain/goals/metrics.js';

const goal = (ownerId: string, amount: number, industries: string[], keyAccounts: string[] = [], status: GoalLike['status'] = 'submitted'): GoalLike => ({
  ownerId,
  status,
  targets: [
    { metric: 'signed_amount', value: amount },
    { metric: 'new_customers', value: 10 },
  ],
  industries,
  keyAccounts,
});
const company = { industries: ['制造业', '能源', '金融'], keyAccounts: [] };
const boss = goal('mgr01', 3_000_000, ['制造业', '能源'], ['三一重工', '宁德时代']);

describe('alignment with the manager', () => {
  it('is green when direction is within the manager and the team covers the target', () => {
    const mine = goal('rep01', 2_000_000, ['制造业'], ['三一重工']);
    const team = [mine, goal('rep02', 1_000_000, ['能源'])];
    const a = checkAlignment(mine, { metrics: DEFAULT_METRICS, company, manager: { name: '王磊', goal: boss, team, teamSize: 2 } });
    expect(a).toEqual({ status: 'green', findings: [] });
  });

  it('flags an industry outside the manager direction with a readable reason', () => {
    const mine = goal('rep01', 3_000_000, ['教育']);
    const a = checkAlignment(mine, { metrics: DEFAULT_METRICS, company, manager: { name: '王磊', goal: boss, team: [mine], teamSize: 1 } });
    expect(a.status).toBe('red');
    expect(a.findings.map((f) => f.message.zh)).toEqual(['主攻行业 教育 不在上级方向 制造业、能源 内']);
    expect(a.findings[0]!.message.en).toBe("Focus industry 教育 is outside the manager's direction (制造业, 能源)");
  });

  it('flags key accounts the manager does not list', () => {
    const mine = goal('rep01', 3_000_000, ['制造业'], ['万科']);
    const a = checkAlignment(mine, { metrics: DEFAULT_METRICS, company, manager: { name: '王磊', goal: boss, team: [mine], teamSize: 1 } });
    expect(a.findings.map((f) => f.message.zh)).toEqual(['重点客户 万科 不在上级重点客户 三一重工、宁德时代 内']);
  });

  it('rolls the team up: amber while people are missing, red once everyone has entered', () => {
    const mine = goal('rep01', 1_200_000, ['制造业']);
    const partial = checkAlignment(mine, { metrics: DEFAULT_METRICS, company, manager: { name: '王磊', goal: boss, team: [mine], teamSize: 2 } });
    expect(partial.status).toBe('green');
    // New customers: 10 of 10 already, so only the amount falls short.
    expect(partial.findings.map((f) => [f.severity, f.message.zh])).toEqual([
      ['amber', '团队签约额目标合计 120万，低于上级 王磊 的目标 300万（差 180万；1/2 人已填报）'],
    ]);
    const full = checkAlignment(mine, {
      metrics: DEFAULT_METRICS,
      company,
      manager: { name: '王磊', goal: boss, team: [mine, goal('rep02', 1_000_000, ['能源'])], teamSize: 2 },
    });
    expect(full.status).toBe('red');
    expect(full.findings[0]!.message.zh).toBe('团队签约额目标合计 220万，低于上级 王磊 的目标 300万（差 80万；2/2 人已填报）');
  });

  it('ignores drafts in the roll-up and does not sum percentages', () => {
    const metrics = [...DEFAULT_METRICS, { key: 'proposal_rate', name: '方案定制率', nameEn: 'Proposal rate', unit: 'percent' as const, kind: 'kpi' as const }];
    const lead = { ...boss, targets: [...boss.targets, { metric: 'proposal_rate', value: 4000 }] };
    const mine = { ...goal('rep01', 3_000_000, ['制造业']), targets: [...goal('rep01', 3_000_000, ['制造业']).targets, { metric: 'proposal_rate', value: 3000 }] };
    const draft: GoalLike = { ownerId: 'rep02', status: 'draft', targets: [], industries: [], keyAccounts: [] };
    const a = checkAlignment(mine, { metrics, company, manager: { name: '王磊', goal: lead, team: [mine, draft], teamSize: 2 } });
    expect(a).toEqual({ status: 'green', findings: [] });
  });

  it("falls back to the company direction when the manager has no goal yet, and says so", () => {
    const mine = goal('rep01', 1_000_000, ['教育']);
    const a = checkAlignment(mine, { metrics: DEFAULT_METRICS, company, manager: { name: '王磊', goal: null, team: [mine], teamSize: 3 } });
    expect(a.findings.map((f) => [f.severity, f.message.zh])).toEqual([
      ['amber', '上级 王磊 尚未设定目标，已按公司方向核对'],
      ['red', '主攻行业 教育 不在公司方向 制造业、能源、金融 内'],
    ]);
  });

  it("checks a manager's own target against the sum of their reports", () => {
    const reports = [goal('rep01', 800_000, ['制造业']), goal('rep02', 700_000, ['能源'])];
    const a = checkAlignment(boss, { metrics: DEFAULT_METRICS, company, ownTeam: { goals: reports, size: 2 } });
    expect(a.status).toBe('red');
    expect(a.findings[0]!.message.zh).toBe('下属签约额目标合计 150万，低于本人目标 300万（差 150万；2/2 人已填报）');
  });
});
