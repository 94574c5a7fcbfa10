/**
 * The red warning: is a goal in line with the direct manager's goal? Two checks, each finding carrying a
 * reason a person can read:
 * - direction: focus industries and key accounts must lie within the manager's (or, when the manager has
 *   no goal yet or there is no manager, the company's) direction;
 * - roll-up: the team's summed targets must reach the manager's target. While some of the team have not
 *   entered goals a shortfall is only amber (it is expected to shrink); once all have, it is red.
 * Pure: callers load the goals.
 */
import type { GoalContent } from './goal-form.js';
import { outside } from './lists.js';
import { metricName, rollsUp, type MetricDef } from './metrics.js';
import { joinList, msg, type Lang, type Msg } from './msg.js';
import { formatMetricValue } from './numbers.js';

export type GoalStatus = 'draft' | 'submitted' | 'approved' | 'returned';

export interface GoalLike extends Pick<GoalContent, 'targets' | 'industries' | 'keyAccounts'> {
  ownerId: string;
  status: GoalStatus;
}

export interface Direction {
  industries: readonly string[];
  keyAccounts: readonly string[];
}

export type FindingCode = 'industry_outside' | 'account_outside' | 'rollup_under' | 'team_rollup_under' | 'manager_goal_missing';

export interface Finding {
  code: FindingCode;
  severity: 'red' | 'amber';
  message: Msg;
}

export interface Alignment {
  status: 'green' | 'red';
  findings: Finding[];
}

export interface AlignmentContext {
  metrics: readonly MetricDef[];
  company: Direction;
  /** The owner's direct manager, when there is one. */
  manager?: {
    name: string;
    goal: GoalLike | null;
    /** Goals of everyone reporting directly to the manager (the owner's included, in its new state). */
    team: readonly GoalLike[];
    /** How many people report directly to the manager. */
    teamSize: number;
  };
  /** The owner's own direct reports, when the owner is a manager. */
  ownTeam?: { goals: readonly GoalLike[]; size: number };
}

/** A goal counts once it has targets (a draft that was only opened has none). */
export const hasContent = (g: GoalLike | null | undefined): g is GoalLike => !!g && g.targets.length > 0;

export function checkAlignment(goal: GoalLike, ctx: AlignmentContext): Alignment {
  const findings: Finding[] = [];
  const mgr = ctx.manager;
  const fromManager = hasContent(mgr?.goal);
  const dir: Direction = fromManager ? mgr!.goal! : ctx.company;
  const whose = fromManager ? { zh: '上级方向', en: "the manager's direction", acc: { zh: '上级重点客户', en: "the manager's key accounts" } } : { zh: '公司方向', en: 'the company direction', acc: { zh: '公司重点客户', en: 'the company key accounts' } };

  if (mgr && !fromManager) {
    const hasCompany = ctx.company.industries.length > 0 || ctx.company.keyAccounts.length > 0;
    findings.push({
      code: 'manager_goal_missing',
      severity: 'amber',
      message: hasCompany
        ? msg(`上级 ${mgr.name} 尚未设定目标，已按公司方向核对`, `${mgr.name} has not set a goal yet; checked against the company direction`)
        : msg(`上级 ${mgr.name} 尚未设定目标，暂时无法核对方向`, `${mgr.name} has not set a goal yet; direction can't be checked`),
    });
  }

  const badIndustries = dir.industries.length > 0 ? outside(goal.industries, dir.industries) : [];
  if (badIndustries.length > 0) {
    findings.push({
      code: 'industry_outside',
      severity: 'red',
      message: msg(
        `主攻行业 ${joinList(badIndustries, 'zh')} 不在${whose.zh} ${joinList(dir.industries, 'zh')} 内`,
        `Focus industry ${joinList(badIndustries, 'en')} is outside ${whose.en} (${joinList(dir.industries, 'en')})`,
      ),
    });
  }
  const badAccounts = dir.keyAccounts.length > 0 ? outside(goal.keyAccounts, dir.keyAccounts) : [];
  if (badAccounts.length > 0) {
    findings.push({
      code: 'account_outside',
      severity: 'red',
      message: msg(
        `重点客户 ${joinList(badAccounts, 'zh')} 不在${whose.acc.zh} ${joinList(dir.keyAccounts, 'zh')} 内`,
        `Key account ${joinList(badAccounts, 'en')} is outside ${whose.acc.en} (${joinList(dir.keyAccounts, 'en')})`,
      ),
    });
  }

  if (mgr && fromManager) {
    for (const gap of rollupGaps(mgr.goal!, mgr.team, mgr.teamSize, ctx.metrics)) {
      findings.push({
        code: 'rollup_under',
        severity: gap.complete ? 'red' : 'amber',
        message: gapMessage(gap, (l) => (l === 'zh' ? `团队${gap.name.zh}目标合计` : `The team's ${gap.name.en} targets add up to`), (l) =>
          l === 'zh' ? `上级 ${mgr.name} 的目标` : `${mgr.name}'s target`,
        ),
      });
    }
  }
  if (ctx.ownTeam && ctx.ownTeam.size > 0 && hasContent(goal)) {
    for (const gap of rollupGaps(goal, ctx.ownTeam.goals, ctx.ownTeam.size, ctx.metrics)) {
      findings.push({
        code: 'team_rollup_under',
        severity: gap.complete ? 'red' : 'amber',
        message: gapMessage(gap, (l) => (l === 'zh' ? `下属${gap.name.zh}目标合计` : `Direct reports' ${gap.name.en} targets add up to`), (l) =>
          l === 'zh' ? '本人目标' : 'this goal',
        ),
      });
    }
  }
  return { status: findings.some((f) => f.severity === 'red') ? 'red' : 'green', findings };
}

interface Gap {
  name: { zh: string; en: string };
  unit: MetricDef['unit'];
  sum: number;
  target: number;
  entered: number;
  size: number;
  complete: boolean;
}

/** Per metric that sums: the team's total when it falls short of the leader's target. */
export function rollupGaps(leader: GoalLike, team: readonly GoalLike[], teamSize: number, metrics: readonly MetricDef[]): Gap[] {
  const entered = team.filter(hasContent);
  const gaps: Gap[] = [];
  for (const m of metrics) {
    if (!rollsUp(m.unit)) continue;
    const target = leader.targets.find((t) => t.metric === m.key)?.value;
    if (target === undefined) continue;
    const sum = entered.reduce((s, g) => s + (g.targets.find((t) => t.metric === m.key)?.value ?? 0), 0);
    if (sum >= target) continue;
    gaps.push({
      name: { zh: metricName(m, 'zh'), en: metricName(m, 'en').toLowerCase() },
      unit: m.unit,
      sum,
      target,
      entered: entered.length,
      size: teamSize,
      complete: entered.length >= teamSize,
    });
  }
  return gaps;
}

function gapMessage(g: Gap, subject: (l: Lang) => string, object: (l: Lang) => string): Msg {
  const f = (v: number, l: Lang) => formatMetricValue(g.unit, v, l);
  return msg(
    `${subject('zh')} ${f(g.sum, 'zh')}，低于${object('zh')} ${f(g.target, 'zh')}（差 ${f(g.target - g.sum, 'zh')}；${g.entered}/${g.size} 人已填报）`,
    `${subject('en')} ${f(g.sum, 'en')}, below ${object('en')} ${f(g.target, 'en')} (short by ${f(g.target - g.sum, 'en')}; ${g.entered} of ${g.size} have entered goals)`,
  );
}
