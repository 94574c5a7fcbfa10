/**
 * A manager's team rolled up from the members' person-quarter figures: the row a director sees for each
 * sub-team, and the head of a manager's own summary. Sums of amounts and counts (targets and actuals),
 * pooled rates (win rate = Σwon ÷ Σclosed), mean health score. Pure; never recomputes a member's figure.
 */
import { levelOf, type HealthLevel } from '../report/health.js';
import type { ReportSettings } from '../report/types.js';
import type { PersonQuarterFigures } from './person-figures.js';

export interface TeamMetricRollup {
  key: string;
  name: string;
  unit: PersonQuarterFigures['metrics'][number]['unit'];
  /** Σ members' targets (null when nobody set one), Σ actuals, actual ÷ target. Rates are not summed: null. */
  target: number | null;
  actual: number | null;
  attainment: number | null;
}

export interface TeamRollup {
  managerId: string;
  /** Members with figures in the subtree (reps and anyone carrying a personal book). */
  people: number;
  noGoal: number;
  misaligned: number;
  metrics: TeamMetricRollup[];
  counted: number;
  won: number;
  lost: number;
  winRate: number | null;
  opened: number;
  /** Mean of the members' health scores, rounded; 0 for an empty team. */
  score: number;
  level: HealthLevel;
  counts: Record<HealthLevel, number>;
}

export function rollUp(managerId: string, members: readonly PersonQuarterFigures[], settings: Pick<ReportSettings, 'thresholds'>): TeamRollup {
  const first = members[0];
  const metrics: TeamMetricRollup[] = (first?.metrics ?? []).map((m, i) => {
    if (m.unit === 'percent') return { key: m.key, name: m.name, unit: m.unit, target: null, actual: null, attainment: null };
    const targets = members.map((f) => f.metrics[i]?.target ?? null).filter((x): x is number => x !== null);
    const actuals = members.map((f) => f.metrics[i]?.actual ?? null).filter((x): x is number => x !== null);
    const target = targets.length > 0 ? targets.reduce((s, x) => s + x, 0) : null;
    const actual = actuals.length > 0 ? actuals.reduce((s, x) => s + x, 0) : null;
    return { key: m.key, name: m.name, unit: m.unit, target, actual, attainment: target !== null && target > 0 && actual !== null ? actual / target : null };
  });
  const won = members.reduce((s, f) => s + f.winRate.won, 0);
  const lost = members.reduce((s, f) => s + f.winRate.lost, 0);
  const score = members.length > 0 ? Math.round(members.reduce((s, f) => s + f.health.score, 0) / members.length) : 0;
  const counts: Record<HealthLevel, number> = { risk: 0, watch: 0, healthy: 0 };
  for (const f of members) counts[f.health.level]++;
  return {
    managerId,
    people: members.length,
    noGoal: members.filter((f) => f.goal.state === 'none').length,
    misaligned: members.filter((f) => f.goal.state === 'misaligned').length,
    metrics,
    counted: members.reduce((s, f) => s + f.activity.counted, 0),
    won,
    lost,
    winRate: won + lost > 0 ? won / (won + lost) : null,
    opened: members.reduce((s, f) => s + f.pipeline.opened, 0),
    score,
    level: members.length > 0 ? levelOf(score, settings) : 'risk',
    counts,
  };
}
