/** The backtest over the database: finished quarters only (a quarter still running has no outcome yet). */
import type { Models } from '../../adapters/mongo/models/index.js';
import { runBacktest, type BacktestModel, type BacktestResult } from '../../domain/prediction/backtest.js';
import type { PredictedMetric } from '../../domain/prediction/features.js';
import { loadRepQuarters } from './rep-quarter-loader.js';

export async function backtestFromDb(models: Models, o: { asOf: Date; weeks: readonly number[]; threshold: number; metric: PredictedMetric; fromQuarter?: string; model?: BacktestModel }): Promise<BacktestResult> {
  const h = await loadRepQuarters(models, o.asOf, [o.metric]);
  const finished = (h.data.get(o.metric) ?? []).filter((d) => d.endMs <= o.asOf.getTime());
  const dims = h.quarters.at(-1)?.dimensions ?? [];
  return runBacktest(finished, { weeks: o.weeks, threshold: o.threshold, dimensions: dims, ...(o.fromQuarter ? { fromQuarter: o.fromQuarter } : {}), ...(o.model ? { model: o.model } : {}) });
}
