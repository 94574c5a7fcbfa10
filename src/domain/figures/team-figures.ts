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

/** What a roll-up reads of a member's figures (a full PersonQuarterFigures, or the small row the Friday pass keeps). */
export interface RollupMember {
  metrics: ReadonlyArray<Pick<PersonQuarterFigures['metrics'][number], 'key' | 'name' | 'unit' | 'target' | 'actual'>>;
  winRate: Pick<PersonQuarterFigures['winRate'], 'won' | 'lost'>;
  health: Pick<PersonQuarterFigures['health'], 'score' | 'level'>;
  goal: Pick<PersonQuarterFigures['goal'], 'state'>;
  activity: Pick<PersonQuarterFigures['activity'], 'counted'>;
  pipeline: Pick<PersonQuarterFigures['pipeline'], 'opened'>;
}

/**
 * A roll-up's running sums. Sums and counts merge, so the Friday pass adds each member once as their slice
 * is built and merges a sub-team's sums into its parent's, without keeping the members (issue 14).
 */
export class RollupSums {
  people = 0;
  noGoal = 0;
  misaligned = 0;
  counted = 0;
  won = 0;
  lost = 0;
  opened = 0;
  scoreSum = 0;
  readonly counts: Record<HealthLevel, number> = { risk: 0, watch: 0, healthy: 0 };
  /** Per metric of the first member, in order: Σ targets / actuals and whether anyone had one. */
  metrics: Array<{ key: string; name: string; unit: TeamMetricRollup['unit']; target: number; targets: number; actual: number; actuals: number }> | undefined;

  add(f: RollupMember): this {
    this.metrics ??= f.metrics.map((m) => ({ key: m.key, name: m.name, unit: m.unit, target: 0, targets: 0, actual: 0, actuals: 0 }));
    this.metrics.forEach((m, i) => {
      const x = f.metrics[i];
      if (x?.target != null) (m.target += x.target), m.targets++;
      if (x?.actual != null) (m.actual += x.actual), m.actuals++;
    });
    this.people++;
    if (f.goal.state === 'none') this.noGoal++;
    if (f.goal.state === 'misaligned') this.misaligned++;
    this.counted += f.activity.counted;
    this.won += f.winRate.won;
    this.lost += f.winRate.lost;
    this.opened += f.pipeline.opened;
    this.scoreSum += f.health.score;
    this.counts[f.health.level]++;
    return this;
  }

  merge(o: RollupSums): this {
    if (o.people === 0) return this;
    this.metrics ??= o.metrics!.map((m) => ({ ...m, target: 0, targets: 0, actual: 0, actuals: 0 }));
    this.metrics.forEach((m, i) => {
      const x = o.metrics![i];
      if (!x) return;
      m.target += x.target;
      m.targets += x.targets;
      m.actual += x.actual;
      m.actuals += x.actuals;
    });
    this.people += o.people;
    this.noGoal += o.noGoal;
    this.misaligned += o.misaligned;
    this.counted += o.counted;
    this.won += o.won;
    this.lost += o.lost;
    this.opened += o.opened;
    this.scoreSum += o.scoreSum;
    for (const k of Object.keys(this.counts) as HealthLevel[]) this.counts[k] += o.counts[k];
    return this;
  }

  finish(managerId: string, settings: Pick<ReportSettings, 'thresholds'>): TeamRollup {
    const metrics: TeamMetricRollup[] = (this.metrics ?? []).map((m) => {
      if (m.unit === 'percent') return { key: m.key, name: m.name, unit: m.unit, target: null, actual: null, attainment: null };
      const target = m.targets > 0 ? m.target : null;
      const actual = m.actuals > 0 ? m.actual : null;
      return { key: m.key, name: m.name, unit: m.unit, target, actual, attainment: target !== null && target > 0 && actual !== null ? actual / target : null };
    });
    const score = this.people > 0 ? Math.round(this.scoreSum / this.people) : 0;
    return {
      managerId,
      people: this.people,
      noGoal: this.noGoal,
      misaligned: this.misaligned,
      metrics,
      counted: this.counted,
      won: this.won,
      lost: this.lost,
      winRate: this.won + this.lost > 0 ? this.won / (this.won + this.lost) : null,
      opened: this.opened,
      score,
      level: this.people > 0 ? levelOf(score, settings) : 'risk',
      counts: { ...this.counts },
    };
  }
}

export function rollUp(managerId: string, members: readonly RollupMember[], settings: Pick<ReportSettings, 'thresholds'>): TeamRollup {
  const sums = new RollupSums();
  for (const f of members) sums.add(f);
  return sums.finish(managerId, settings);
}
