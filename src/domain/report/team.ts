import { rollUp, type RollupMember, type TeamRollup } from '../figures/team-figures.js';
import type { ReportPrediction } from './prediction-lines.js';
import type { RepReport } from './build-report.js';
import { attainmentPct, metricValue, pct } from './format.js';
import type { HealthLevel } from './health.js';
import type { ReportPerson, ReportSettings } from './types.js';

export interface TeamMemberLine {
  personId: string;
  name: string;
  /** A rep (their own figures) or a sub-team (its manager's row = the team's roll-up; opening it drills down). */
  kind: 'rep' | 'team';
  score: number;
  level: HealthLevel;
  /** none / aligned / misaligned: a member without a goal is listed first. */
  goalState: 'none' | 'aligned' | 'misaligned';
  /** The most telling progress fact, e.g. "签约额落后进度 35%", "未设目标", or the team's totals. */
  headline: string;
  insight: string;
  /** The sub-team's roll-up, for kind 'team'. */
  rollup?: TeamRollup;
  /** The rep's stored predictions (one per metric with a target), when there are any. */
  predictions?: readonly ReportPrediction[];
}

/** What a manager gets on Friday instead of one card per rep: everyone's score, no-goal and at-risk first. */
export interface TeamSummary {
  managerId: string;
  managerName: string;
  quarterId: string;
  week: string;
  asOf: Date;
  timeZone: string;
  members: TeamMemberLine[];
  counts: Record<HealthLevel, number>;
  /** The whole team below the manager rolled up (every level). */
  rollup: TeamRollup;
}

/**
 * What a team summary reads of a member's report: a whole RepReport, or the small row the Friday pass keeps
 * per person once the report itself has been sent and dropped (teamSourceOf).
 */
export type TeamSource = Pick<RepReport, 'personId' | 'name' | 'managerId' | 'quarterId' | 'week' | 'asOf' | 'timeZone' | 'insight' | 'predictions'> & {
  health: Pick<RepReport['health'], 'score' | 'level'>;
  progress: ReadonlyArray<Pick<RepReport['progress'][number], 'name' | 'paceRatio' | 'status'>>;
  figures: RollupMember & { personalBook: boolean };
};

/** The small row of a report a team summary needs (a few hundred bytes instead of the whole report). */
export function teamSourceOf(r: RepReport): TeamSource {
  const f = r.figures;
  return {
    personId: r.personId,
    name: r.name,
    managerId: r.managerId,
    quarterId: r.quarterId,
    week: r.week,
    asOf: r.asOf,
    timeZone: r.timeZone,
    insight: r.insight,
    ...(r.predictions ? { predictions: r.predictions } : {}),
    health: { score: r.health.score, level: r.health.level },
    progress: r.progress.map((p) => ({ name: p.name, paceRatio: p.paceRatio, status: p.status })),
    figures: {
      personalBook: f.personalBook,
      metrics: f.metrics.map((m) => ({ key: m.key, name: m.name, unit: m.unit, target: m.target, actual: m.actual })),
      winRate: { won: f.winRate.won, lost: f.winRate.lost },
      health: { score: f.health.score, level: f.health.level },
      goal: { state: f.goal.state },
      activity: { counted: f.activity.counted },
      pipeline: { opened: f.pipeline.opened },
    },
  };
}

/** A direct report who is a rep: a line of their own figures. */
export function repLine(r: TeamSource): TeamMemberLine {
  return { personId: r.personId, name: r.name, kind: 'rep', score: r.health.score, level: r.health.level, goalState: r.figures.goal.state, headline: headlineOf(r), insight: r.insight, ...(r.predictions ? { predictions: r.predictions } : {}) };
}

/** A direct report who leads a team: a line of that team's roll-up; `leader` is their own goal state. */
export function subTeamLine(id: string, name: string, rollup: TeamRollup, leader: 'none' | 'aligned' | 'misaligned'): TeamMemberLine {
  return {
    personId: id,
    name,
    kind: 'team',
    score: rollup.score,
    level: rollup.level,
    goalState: leader,
    headline: rollupHeadline(rollup),
    insight: leader === 'none' ? '主管本人未设目标' : leader === 'misaligned' ? '主管目标与上级不一致（见目标看板）' : '选中后点「发给我看」查看该团队汇总',
    rollup,
  };
}

/** The summary from its lines (sorted here) and the whole team's roll-up; `first` gives the week and quarter. */
export function teamSummaryOf(managerId: string, managerName: string, lines: TeamMemberLine[], rollup: TeamRollup, first: Pick<TeamSource, 'quarterId' | 'week' | 'asOf' | 'timeZone'>): TeamSummary {
  const members = sortForTeam(lines);
  const counts: Record<HealthLevel, number> = { risk: 0, watch: 0, healthy: 0 };
  for (const m of members) counts[m.level]++;
  return { managerId, managerName, quarterId: first.quarterId, week: first.week, asOf: first.asOf, timeZone: first.timeZone, members, counts, rollup };
}

function headlineOf(r: Pick<TeamSource, 'figures' | 'progress'>): string {
  if (r.figures.goal.state === 'none') return '未设目标';
  const measured = r.progress.filter((p) => p.paceRatio !== null);
  const misaligned = r.figures.goal.state === 'misaligned' ? '目标方向与上级不一致（扣分）' : '';
  if (measured.length === 0) return misaligned || '目标指标暂无数据';
  const worst = measured.reduce((a, b) => (b.paceRatio! < a.paceRatio! ? b : a));
  const pace =
    worst.status === 'behind'
      ? `${worst.name}落后进度 ${pct(1 - worst.paceRatio!)}`
      : worst.status === 'ahead'
        ? `各项都超过进度（最低：${worst.name}为进度的 ${pct(worst.paceRatio!)}）`
        : `${worst.name}接近进度（为进度的 ${pct(worst.paceRatio!)}）`;
  return misaligned ? `${misaligned}；${pace}` : pace;
}

/** "团队 7 人 · 签约额 320万 / 目标 650万（49%） · 赢单率 31% · 未设目标 1 人". */
export function rollupHeadline(r: TeamRollup): string {
  const parts = [`团队 ${r.people} 人`];
  const m = r.metrics.find((x) => x.target !== null && x.actual !== null);
  if (m) parts.push(`${m.name} ${metricValue(m.actual!, m.unit)} / 目标 ${metricValue(m.target!, m.unit)}（${attainmentPct(m.attainment!)}）`);
  parts.push(`本季有效活动 ${r.counted} 次`);
  parts.push(r.winRate === null ? '赢单率 —' : `赢单率 ${pct(r.winRate)}`);
  if (r.noGoal > 0) parts.push(`未设目标 ${r.noGoal} 人`);
  if (r.misaligned > 0) parts.push(`方向不一致 ${r.misaligned} 人`);
  return parts.join(' · ');
}

/** No goal first, then lowest score (at risk) on top, then by name so the order is stable. */
export function sortForTeam(lines: TeamMemberLine[]): TeamMemberLine[] {
  const rank = (l: TeamMemberLine) => (l.goalState === 'none' ? 0 : 1);
  return lines.sort((a, b) => rank(a) - rank(b) || a.score - b.score || a.name.localeCompare(b.name, 'zh') || a.personId.localeCompare(b.personId));
}

/**
 * One summary per manager in the org (someone with direct reports) whose subtree has anyone with a
 * personal report. A direct report who is a rep is a line of their own figures; a direct report who leads
 * a team is a line of that team's roll-up (their whole subtree), never their personal activity.
 */
export function buildTeamSummaries(
  reports: readonly TeamSource[],
  names: ReadonlyMap<string, string>,
  org: readonly ReportPerson[],
  settings: Pick<ReportSettings, 'thresholds'>,
): TeamSummary[] {
  const active = new Set(org.map((p) => p.id));
  const children = new Map<string, ReportPerson[]>();
  for (const p of org) if (p.managerId && active.has(p.managerId)) children.set(p.managerId, [...(children.get(p.managerId) ?? []), p]);
  const byId = new Map(reports.map((r) => [r.personId, r]));
  const personal = (id: string) => {
    const r = byId.get(id);
    return r && r.figures.personalBook ? r : undefined;
  };
  // Everyone with a personal book in a subtree (the manager themself included when they carry one).
  const below = new Map<string, TeamSource[]>();
  const subtree = (id: string, seen = new Set<string>()): TeamSource[] => {
    const hit = below.get(id);
    if (hit) return hit;
    if (seen.has(id)) return [];
    seen.add(id);
    const out: TeamSource[] = [];
    for (const c of children.get(id) ?? []) {
      const own = personal(c.id);
      if (own) out.push(own);
      out.push(...subtree(c.id, seen));
    }
    below.set(id, out);
    return out;
  };
  const summaries: TeamSummary[] = [];
  for (const [managerId, kids] of children) {
    const all = subtree(managerId);
    if (all.length === 0) continue;
    const lines: TeamMemberLine[] = [];
    for (const k of kids) {
      if ((children.get(k.id)?.length ?? 0) > 0) {
        const team = subtree(k.id);
        const own = personal(k.id);
        const members = own ? [own, ...team] : team;
        if (members.length === 0) continue;
        const rollup = rollUp(k.id, members.map((r) => r.figures), settings);
        lines.push(subTeamLine(k.id, names.get(k.id) ?? k.name, rollup, byId.get(k.id)?.figures.goal.state ?? 'none'));
        continue;
      }
      const r = personal(k.id);
      if (!r) continue;
      lines.push(repLine(r));
    }
    if (lines.length === 0) continue;
    summaries.push(teamSummaryOf(managerId, names.get(managerId) ?? managerId, lines, rollUp(managerId, all.map((r) => r.figures), settings), all[0]!));
  }
  return summaries.sort((a, b) => a.managerId.localeCompare(b.managerId));
}
