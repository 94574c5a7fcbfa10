/**
 * Trains the prediction from the database's finished quarters and stores it as a new version with its
 * training window and backtest (weekly Agenda job, and on demand). Thin history is stored as such, so
 * the views can say "历史数据不足" instead of showing a number from nothing.
 */
import type { Models } from '../../adapters/mongo/models/index.js';
import { isDuplicateKeyError } from '../../errors.js';
import { runBacktestOnRows } from '../../domain/prediction/backtest.js';
import { featureDefs, PREDICTED_METRICS, type PredictedMetric, type TrackedDimensionRef } from '../../domain/prediction/features.js';
import { byQuarterThenPerson, repQuarterRow, rowsAt, sampleRule, type RepQuarterRow } from '../../domain/prediction/training-set.js';
import { isThin, type WeekModel } from '../../domain/prediction/model.js';
import type { Logger } from '../../logger.js';
import { loadRepQuarters, type QuarterInfo } from './rep-quarter-loader.js';
import { repSlices } from './rep-slices.js';
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

/** Reps read per slice when training: the activities held at once are one slice's (issue 14). */
export const TRAINING_SLICE_REPS = 500;
/**
 * At most this many rep-quarters per metric train a model; a larger history trains on a share of it chosen
 * by a hash of the rep-quarter (sampleRule), so the memory and time of a retrain stop growing with the
 * company. ~20 features need far fewer rows than this for stable coefficients; the demo company and any
 * history below the cap train on everything.
 */
export const MAX_TRAINING_REP_QUARTERS = 12_000;

/**
 * Finished rep-quarters reduced to their training rows (repQuarterRow at MODEL_WEEKS), per metric, read a
 * slice of reps at a time and sorted by quarter and person (the same rows whatever the slicing).
 */
async function loadTrainingRows(
  models: Models,
  asOf: Date,
  o: { sliceReps: number; cap: number },
): Promise<{ quarters: QuarterInfo[]; dims: TrackedDimensionRef[]; rows: Map<PredictedMetric, RepQuarterRow[]>; seen: Map<PredictedMetric, number> }> {
  const finishedIds = (await models.Quarter.find({ startDate: { $lt: asOf }, endDate: { $lte: asOf } }, { _id: 1 }).lean()).map((q) => String(q._id));
  const keep = new Map<PredictedMetric, (quarterId: string, personId: string) => boolean>();
  let targets = 0;
  for (const metric of PREDICTED_METRICS) {
    const total = finishedIds.length ? await models.Goal.countDocuments({ quarterId: { $in: finishedIds }, status: 'approved', targets: { $elemMatch: { metric, value: { $gt: 0 } } } }) : 0;
    keep.set(metric, sampleRule(total, o.cap));
    targets += total;
  }
  const rows = new Map<PredictedMetric, RepQuarterRow[]>(PREDICTED_METRICS.map((m) => [m, []]));
  const seen = new Map<PredictedMetric, number>(PREDICTED_METRICS.map((m) => [m, 0]));
  let quarters: QuarterInfo[] | undefined;
  let dims: TrackedDimensionRef[] = [];
  // No finished rep-quarter with a target (a new company): nothing to read per slice — at 50,000 reps the
  // slices' person, goal and deal reads alone took minutes at start-up to learn that the history is thin.
  const slices = targets === 0 ? [] : await repSlices(models, o.sliceReps);
  for (const people of slices.length ? slices : [[]]) {
    const h = await loadRepQuarters(models, asOf, PREDICTED_METRICS, { finishedOnly: true, people });
    // The features of the quarter in progress: what the model will be asked about (HR may track new ones).
    if (!quarters) (quarters = h.quarters), (dims = h.quarters.at(-1)?.dimensions ?? []);
    for (const metric of PREDICTED_METRICS) {
      for (const d of h.data.get(metric) ?? []) {
        seen.set(metric, seen.get(metric)! + 1);
        if (keep.get(metric)!(d.quarterId, d.personId)) rows.get(metric)!.push(repQuarterRow(d, MODEL_WEEKS, dims));
      }
    }
  }
  for (const list of rows.values()) list.sort(byQuarterThenPerson);
  return { quarters: quarters ?? [], dims, rows, seen };
}

/** `threads`: worker threads for the week models (default one per core, at most 4; 1 = on this thread). */
export async function trainAndStore(
  models: Models,
  asOf: Date,
  logger: Logger,
  o: { threads?: number; sliceReps?: number; maxRepQuarters?: number } = {},
): Promise<TrainResult> {
  const t0 = performance.now();
  const key = await historyKey(models, asOf);
  const h = await loadTrainingRows(models, asOf, { sliceReps: o.sliceReps ?? TRAINING_SLICE_REPS, cap: o.maxRepQuarters ?? MAX_TRAINING_REP_QUARTERS });
  const dims = h.dims;
  const keys = featureDefs(dims).map((f) => f.key);
  const byMetric: Record<string, WeekModel[]> = {};
  const backtest: Record<string, unknown> = {};
  const signed = h.rows.get('signed_amount') ?? [];
  const thin = isThin(rowsAt(signed, 8));
  if (!thin) {
    // Every (metric, week) model on the training threads at once; the backtests meanwhile on this thread.
    const tasks: Array<WeekModelTask & { metric: string }> = [];
    for (const metric of PREDICTED_METRICS) {
      const data = h.rows.get(metric) ?? [];
      for (const week of MODEL_WEEKS) {
        const rows = rowsAt(data, week);
        if (isThin(rows) || new Set(rows.map((r) => r.y)).size < 2) continue;
        tasks.push({ metric, rows, week, featureKeys: keys });
      }
    }
    // A thread that cannot start or dies: the same models on this thread instead (slower, same result).
    const trained = trainWeekModels(tasks, o.threads).catch((err: unknown) => {
      logger.warn({ err }, 'prediction: training threads failed; training on the main thread');
      return trainWeekModels(tasks, 1);
    });
    for (const metric of PREDICTED_METRICS) backtest[metric] = runBacktestOnRows(h.rows.get(metric) ?? [], { weeks: BACKTEST_WEEKS, threshold: 0.5, dimensions: dims, metric });
    (await trained).forEach((m, i) => (byMetric[tasks[i]!.metric] ??= []).push(m));
  }
  const quarters = [...new Set(signed.map((d) => d.quarterId))];
  const spans = h.quarters.filter((q) => quarters.includes(q.id));
  const sampled = [...h.seen].some(([m, n]) => n > (h.rows.get(m)?.length ?? 0));
  if (sampled) logger.info({ seen: Object.fromEntries(h.seen), kept: Object.fromEntries([...h.rows].map(([m, l]) => [m, l.length])), cap: o.maxRepQuarters ?? MAX_TRAINING_REP_QUARTERS }, 'prediction: training on a sample of the history');
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
