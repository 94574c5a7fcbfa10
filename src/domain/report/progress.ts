import type { PersonFacts } from './facts.js';
import { dimRateOf, type PersonFacts as Facts } from './facts.js';
import type { MetricUnit, ReportGoal, ReportQuarter, TrackedDimension } from './types.js';

/** no-data: measured by a rate, but nothing to measure it on yet (no counted visit). */
export type ProgressStatus = 'ahead' | 'on-pace' | 'behind' | 'no-target' | 'no-source' | 'no-data';

export interface MetricProgress {
  key: string;
  name: string;
  unit: MetricUnit;
  target: number | null;
  /** Null when nothing in the data measures this metric (configured, but no source yet). */
  actual: number | null;
  /** Where a linear pace puts the rep at `asOf`: target × share of the quarter elapsed. */
  expected: number | null;
  /** actual / target. */
  attainment: number | null;
  /** actual / expected. */
  paceRatio: number | null;
  status: ProgressStatus;
}

/** How a metric is measured from the facts: its quarter-to-date value and, if known, its value per week. */
interface MetricSource {
  total(f: PersonFacts): number;
  byWeek?(f: PersonFacts): ReadonlyMap<string, number>;
}

/** Within ±10 % of the linear pace counts as on pace. */
const BEHIND_BELOW = 0.9;
const AHEAD_FROM = 1.1;

/**
 * Metrics the report can measure. Besides the fixed ones, `<activity type>_count` (e.g. visit_count) counts
 * counted activities of that type, so HR can set activity targets without code.
 */
export function metricSource(key: string, quarter: ReportQuarter, dims: readonly TrackedDimension[] = []): MetricSource | undefined {
  // A rate metric (方案定制率) is measured by the tracked dimension that names it, in basis points like its target.
  const metric = quarter.metrics.find((m) => m.key === key);
  const dim = metric?.unit === 'percent' ? dims.find((d) => d.metric === key || (d.metric === undefined && d.name === metric.name)) : undefined;
  if (dim) return { total: (f: Facts) => Math.round((dimRateOf(f, dim.key) ?? 0) * 10_000) };
  switch (key) {
    case 'signed_amount':
      return { total: (f) => f.signedCny, byWeek: (f) => f.signedByWeek };
    case 'new_customers':
      return { total: (f) => f.newCustomers, byWeek: (f) => f.newCustomersByWeek };
    case 'won_deals':
      return { total: (f) => f.wonDeals };
  }
  const m = /^([a-z][a-z0-9_]*)_count$/.exec(key);
  const type = m?.[1];
  if (!type || !quarter.activityTypes.some((t) => t.key === type)) return undefined;
  const byWeek = (f: PersonFacts) => new Map([...f.weekly].map(([w, v]) => [w, v.byType.get(type) ?? 0]));
  return { total: (f) => [...byWeek(f).values()].reduce((s, n) => s + n, 0), byWeek };
}

export function progressOf(
  quarter: ReportQuarter,
  goal: ReportGoal | undefined,
  facts: PersonFacts,
  share: number,
  dims: readonly TrackedDimension[] = [],
): MetricProgress[] {
  return quarter.metrics.map((m) => {
    const source = metricSource(m.key, quarter, dims);
    const targetValue = goal?.targets.find((t) => t.metric === m.key)?.value;
    const target = targetValue !== undefined && targetValue > 0 ? targetValue : null;
    // A rate without a single measured visit has no value yet (not 0 %).
    const rateUnmeasured = m.unit === 'percent' && source !== undefined && facts.visits === 0;
    const actual = source && !rateUnmeasured ? source.total(facts) : null;
    // A rate is not accumulated over the quarter: the target is the pace from day one.
    const expected = target !== null ? (m.unit === 'percent' ? target : target * share) : null;
    const attainment = target !== null && actual !== null ? actual / target : null;
    const paceRatio = expected !== null && expected > 0 && actual !== null ? actual / expected : null;
    let status: ProgressStatus;
    if (actual === null) status = source ? 'no-data' : 'no-source';
    else if (target === null) status = 'no-target';
    // At the very start of the quarter nothing is expected yet: on pace by definition.
    else if (paceRatio === null) status = 'on-pace';
    else status = paceRatio >= AHEAD_FROM ? 'ahead' : paceRatio >= BEHIND_BELOW ? 'on-pace' : 'behind';
    return { key: m.key, name: m.name, unit: m.unit, target, actual, expected, attainment, paceRatio, status };
  });
}

/**
 * Cumulative share of the target reached at the end of each week, for the chart's progress line;
 * null for weeks after the report week (the line stops where the data stops).
 */
export function cumulativeAttainment(
  key: string,
  quarter: ReportQuarter,
  facts: PersonFacts,
  target: number,
  weeks: readonly string[],
  reportWeek: string,
): Array<number | null> {
  const byWeek = metricSource(key, quarter)?.byWeek?.(facts);
  let sum = 0;
  return weeks.map((w) => {
    if (w > reportWeek) return null;
    sum += byWeek?.get(w) ?? 0;
    return sum / target;
  });
}
