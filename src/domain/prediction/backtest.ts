/**
 * Rolling-origin backtest: for each finished quarter with at least two earlier ones, train only on the
 * earlier quarters (penalty and calibration chosen inside them), predict each rep of the held-out quarter
 * at week N, and compare with whether they reached the target at quarter end. The two baselines are fitted
 * on the same training quarters: pace (achieved so far × weeks ÷ weeks elapsed, as a ratio to target) and
 * last quarter's attainment. Pure.
 */
import { featureDefs, type RepQuarterData, type TrackedDimensionRef } from './features.js';
import { at, repQuarterRow, rowsAt, type RepQuarterRow } from './training-set.js';
import { fitBaseline, predictBaseline, predictProbability, THIN, trainWeekModel, type WeekModelOptions } from './model.js';
import { fitGbt, predictGbt } from './gbt.js';
import { scorePredictions, type Scores } from './metrics.js';

/** Where it always was for the bench and the backtest callers; it lives with the other features now. */
export { paceFeature } from './features.js';

export interface BacktestWeek {
  week: number;
  /** Held-out quarters scored at this week. */
  quarters: string[];
  model: Scores;
  pace: Scores;
  lastQuarter: Scores;
}

export type BacktestModel = 'logistic' | 'gbt';

export interface BacktestResult {
  metric: string;
  /** Which model the "model" rows are: the default logistic regression, or gradient-boosted trees. */
  model: BacktestModel;
  threshold: number;
  weeks: BacktestWeek[];
  /** Quarters in the data, oldest first, and those skipped as origins (fewer than two before them). */
  quartersSeen: string[];
  skipped: string[];
}

export interface BacktestOptions {
  weeks: readonly number[];
  /** Only held-out quarters from this one on (e.g. "2025Q1"); earlier ones still train. */
  fromQuarter?: string;
  threshold: number;
  dimensions: readonly TrackedDimensionRef[];
  /** Default logistic; 'gbt' = gradient-boosted trees with GBT_DEFAULTS (fixed in advance, not tuned). */
  model?: BacktestModel;
  /** Options of the logistic week models (default: as the retrain job trains them). */
  logistic?: WeekModelOptions;
}

/** Rep-quarters grouped by quarter, quarters in time order. */
export function byQuarter<T extends { quarterId: string; startMs: number }>(data: readonly T[]): Array<{ quarterId: string; startMs: number; reps: T[] }> {
  const m = new Map<string, { quarterId: string; startMs: number; reps: T[] }>();
  for (const d of data) {
    const q = m.get(d.quarterId) ?? { quarterId: d.quarterId, startMs: d.startMs, reps: [] };
    q.reps.push(d);
    m.set(d.quarterId, q);
  }
  return [...m.values()].sort((a, b) => a.startMs - b.startMs);
}

export function runBacktest(finished: readonly RepQuarterData[], o: BacktestOptions): BacktestResult {
  return runBacktestOnRows(
    finished.map((d) => repQuarterRow(d, o.weeks, o.dimensions)),
    { ...o, metric: finished[0]?.metric ?? 'signed_amount' },
  );
}

/** The backtest on rep-quarters already reduced to their rows (repQuarterRow with every week of `o.weeks`). */
export function runBacktestOnRows(finished: readonly RepQuarterRow[], o: BacktestOptions & { metric: string }): BacktestResult {
  const quarters = byQuarter(finished);
  const keys = featureDefs(o.dimensions).map((f) => f.key);
  const origins = quarters.filter((q, i) => i >= THIN.minQuarters && (!o.fromQuarter || q.quarterId >= o.fromQuarter));
  const skipped = quarters.filter((q) => !origins.includes(q)).map((q) => q.quarterId);
  const weeks: BacktestWeek[] = o.weeks.map((week) => {
    const acc = { model: [] as number[], pace: [] as number[], last: [] as number[], y: [] as number[] };
    for (const origin of origins) {
      const train = quarters.filter((q) => q.startMs < origin.startMs).flatMap((q) => q.reps);
      const rows = rowsAt(train, week);
      if (new Set(rows.map((r) => r.y)).size < 2) continue;
      const kind = o.model ?? 'logistic';
      const model = kind === 'logistic' ? trainWeekModel(rows, week, keys, undefined, o.logistic) : undefined;
      const trees = kind === 'gbt' ? fitGbt(rows.map((r) => r.x), rows.map((r) => r.y)) : undefined;
      const pace = fitBaseline(train.map((d) => at(d, week).pace), rows.map((r) => r.y));
      const last = fitBaseline(train.map((d) => d.last), rows.map((r) => r.y));
      for (const d of origin.reps) {
        const { x, pace: p } = at(d, week);
        acc.model.push(model ? predictProbability(model, x) : predictGbt(trees!, x));
        acc.pace.push(predictBaseline(pace, p));
        acc.last.push(predictBaseline(last, d.last));
        acc.y.push(d.y);
      }
    }
    return {
      week,
      quarters: origins.map((q) => q.quarterId),
      model: scorePredictions(acc.model, acc.y, o.threshold),
      pace: scorePredictions(acc.pace, acc.y, o.threshold),
      lastQuarter: scorePredictions(acc.last, acc.y, o.threshold),
    };
  });
  return { metric: o.metric, model: o.model ?? 'logistic', threshold: o.threshold, weeks, quartersSeen: quarters.map((q) => q.quarterId), skipped };
}

