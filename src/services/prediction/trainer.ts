/**
 * Trains the prediction from the database's finished quarters and stores it as a new version with its
 * training window and backtest (weekly Agenda job, and on demand). Thin history is stored as such, so
 * the views can say "历史数据不足" instead of showing a number from nothing.
 */
import type { Models } from '../../adapters/mongo/models/index.js';
import { isDuplicateKeyError } from '../../errors.js';
import { runBacktest, trainingRows } from '../../domain/prediction/backtest.js';
import { featureDefs, PREDICTED_METRICS, type RepQuarterData } from '../../domain/prediction/features.js';
import { isThin, type WeekModel } from '../../domain/prediction/model.js';
import type { Logger } from '../../logger.js';
import { loadRepQuarters } from './rep-quarter-loader.js';
import { trainWeekModels, type WeekModelTask } from './training-threads.js';

/** Weeks of the quarter a model is trained for (predictions start at week 4; a quarter has 13). */
export const MODEL_WEEKS: readonly number[] = [4, 5, 6, 7, 8, 9, 10, 11, 12];
export const BACKTEST_WEEKS: readonly number[] = [4, 6, 8, 10];

export interface TrainResult {
  version: number;
  status: 'trained' | 'thin';
  trainingQuarters: string[];
  repQuarters: number;
  ms: number;
}

/** Finished quarters and how many approved goals they hold: cheap to read, and changes when the history does. */
export async function historyKey(models: Models, asOf: Date): Promise<string> {
  const ids = (await models.Quarter.find({ endDate: { $lte: asOf } }, { _id: 1 }).lean()).map((q) => String(q._id)).sort();
  const goals = ids.length ? await models.Goal.countDocuments({ quarterId: { $in: ids }, status: 'approved' }) : 0;
  return `${ids.join(',')}|${goals}`;
}

/** `threads`: worker threads for the week models (default one per core, at most 4; 1 = on this thread). */
export async function trainAndStore(models: Models, asOf: Date, logger: Logger, o: { threads?: number } = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const key = await historyKey(models, asOf);
  const h = await loadRepQuarters(models, asOf, PREDICTED_METRICS, { finishedOnly: true });
  const dims = h.quarters.at(-1)?.dimensions ?? [];
  const keys = featureDefs(dims).map((f) => f.key);
  const finishedBy = (list: readonly RepQuarterData[]) => list.filter((d) => d.endMs <= asOf.getTime());
  const byMetric: Record<string, WeekModel[]> = {};
  const backtest: Record<string, unknown> = {};
  const signed = finishedBy(h.data.get('signed_amount') ?? []);
  const rowsSigned = trainingRows(signed, 8, dims);
  const thin = isThin(rowsSigned);
  if (!thin) {
    // Every (metric, week) model on the training threads at once; the backtests meanwhile on this thread.
    const tasks: Array<WeekModelTask & { metric: string }> = [];
    for (const metric of PREDICTED_METRICS) {
      const data = finishedBy(h.data.get(metric) ?? []);
      for (const week of MODEL_WEEKS) {
        const rows = trainingRows(data, week, dims);
        if (isThin(rows) || new Set(rows.map((r) => r.y)).size < 2) continue;
        tasks.push({ metric, rows, week, featureKeys: keys });
      }
    }
    // A thread that cannot start or dies: the same models on this thread instead (slower, same result).
    const trained = trainWeekModels(tasks, o.threads).catch((err: unknown) => {
      logger.warn({ err }, 'prediction: training threads failed; training on the main thread');
      return trainWeekModels(tasks, 1);
    });
    for (const metric of PREDICTED_METRICS) backtest[metric] = runBacktest(finishedBy(h.data.get(metric) ?? []), { weeks: BACKTEST_WEEKS, threshold: 0.5, dimensions: dims });
    (await trained).forEach((m, i) => (byMetric[tasks[i]!.metric] ??= []).push(m));
  }
  const quarters = [...new Set(signed.map((d) => d.quarterId))];
  const spans = h.quarters.filter((q) => quarters.includes(q.id));
  const doc = {
    trainedAt: new Date(),
    asOf,
    status: thin ? ('thin' as const) : ('trained' as const),
    trainingQuarters: quarters,
    window: { from: spans[0] ? new Date(spans[0].startMs) : null, to: spans.at(-1) ? new Date(spans.at(-1)!.endMs) : null },
    repQuarters: signed.length,
    historyKey: key,
    dimensions: dims,
    models: byMetric,
    backtest,
  };
  // The version is a counter taken by unique insert: a concurrent training takes the next number.
  for (let attempt = 0; attempt < 5; attempt++) {
    const last = await models.PredictionModel.findOne({}, { _id: 1 }).sort({ _id: -1 }).lean();
    const version = (last?._id ?? 0) + 1;
    try {
      await models.PredictionModel.create({ _id: version, ...doc });
      const r = { version, status: doc.status, trainingQuarters: quarters, repQuarters: signed.length, ms: Math.round(performance.now() - t0) };
      logger.info(r, 'prediction: model trained');
      return r;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
  throw new Error('prediction: could not take a model version after 5 tries');
}

export interface StoredModel {
  version: number;
  status: 'trained' | 'thin';
  trainingQuarters: string[];
  repQuarters: number;
  dimensions: Array<{ key: string; name: string }>;
  models: Record<string, WeekModel[]>;
  trainedAt: Date;
}

export async function latestModel(models: Models): Promise<StoredModel | null> {
  const d = await models.PredictionModel.findOne({}).sort({ _id: -1 }).lean();
  if (!d) return null;
  return {
    version: d._id,
    status: d.status as 'trained' | 'thin',
    trainingQuarters: d.trainingQuarters ?? [],
    repQuarters: d.repQuarters ?? 0,
    dimensions: (d.dimensions ?? []).map((x) => ({ key: x.key ?? '', name: x.name ?? '' })),
    models: (d.models ?? {}) as Record<string, WeekModel[]>,
    trainedAt: d.trainedAt,
  };
}
