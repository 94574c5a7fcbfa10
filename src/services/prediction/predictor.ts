/**
 * Today's prediction for the quarter in progress: per rep and metric, the calibrated probability of
 * reaching the target from the latest stored model, with the top three factors against the team's
 * median; or, with thin history (or before week 4), the pace projection labelled as such.
 */
import type { Models } from '../../adapters/mongo/models/index.js';
import { factorText, type FactorText, type Lang } from '../../domain/prediction/explain-text.js';
import { featureDefs, featuresAt, paceProjection, type PredictedMetric } from '../../domain/prediction/features.js';
import { columnMedians, explain, predictProbability, type WeekModel } from '../../domain/prediction/model.js';
import { latestModel, type StoredModel } from './trainer.js';
import { loadRepQuarters, type LoadedHistory } from './rep-quarter-loader.js';
import { repSlices } from './rep-slices.js';

export const FIRST_PREDICTION_WEEK = 4;
const WEEK_MS = 7 * 86_400_000;

export interface RepPrediction {
  personId: string;
  name: string;
  managerId: string | null;
  metric: PredictedMetric;
  /** Null when thin / too early: then only the pace projection is shown. */
  probability: number | null;
  target: number;
  achieved: number;
  paceProjected: number;
  factors: FactorText[];
}

export type PredictionSet =
  | { status: 'no-quarter' }
  | {
      status: 'ok' | 'thin' | 'too-early';
      quarterId: string;
      week: number;
      asOf: Date;
      modelVersion: number | null;
      trainingQuarters: string[];
      repQuarters: number;
      rows: RepPrediction[];
    };

/** Whole weeks of the quarter passed at `asOf` (week N = the first N × 7 days), as predictions and reports count. */
export function wholeWeeks(startMs: number, asOf: Date): number {
  return Math.min(13, Math.floor((asOf.getTime() - startMs) / WEEK_MS));
}

/** Week of the quarter at `asOf`: 1 in its first seven days. */
export function weekOfQuarter(startMs: number, asOf: Date): number {
  return Math.max(1, Math.min(13, Math.floor((asOf.getTime() - startMs) / WEEK_MS) + 1));
}

/**
 * `sliceReps`: read and predict per slice of about this many reps (whole teams), so the activities held
 * at once are one slice's, not the company's (issue 14); the result is the same as all at once.
 */
export async function predictNow(models: Models, asOf: Date, o: { lang?: Lang; metrics?: readonly PredictedMetric[]; week?: number; sliceReps?: number } = {}): Promise<PredictionSet> {
  const metrics = o.metrics ?? ['signed_amount'];
  if (!o.sliceReps) return predictLoaded(await latestModel(models), await loadRepQuarters(models, asOf, metrics, { lastQuarters: 2 }), asOf, metrics, o);
  let set: PredictionSet | undefined;
  for await (const part of predictSlices(models, asOf, { ...o, sliceReps: o.sliceReps })) {
    if (part.status === 'no-quarter') return part;
    if (!set || set.status === 'no-quarter') set = part;
    else set.rows.push(...part.rows);
  }
  // A slice without a rep with a target says 'thin' on its own: the status is the whole set's.
  if (set && set.status !== 'too-early' && set.status !== 'no-quarter') set.status = set.rows.some((r) => r.probability !== null) ? 'ok' : 'thin';
  return set!;
}

/**
 * The prediction of `personIds` only, read with their whole teams (a rep's factors compare with the median
 * of their manager's reps, so the teammates are read too and the rows equal the company-wide ones). A 预测
 * asked by one rep or manager used to read and predict the whole company.
 */
export async function predictPeople(models: Models, asOf: Date, personIds: readonly string[], o: { lang?: Lang; metrics?: readonly PredictedMetric[]; week?: number } = {}): Promise<PredictionSet> {
  const metrics = o.metrics ?? ['signed_amount'];
  const people = await models.Person.find({ _id: { $in: [...personIds] } }, { managerId: 1 }).lean();
  const managers = [...new Set(people.map((p) => p.managerId).filter((m): m is string => !!m))];
  const mates = managers.length ? await models.Person.find({ role: 'rep', managerId: { $in: managers } }, { _id: 1 }).lean() : [];
  const ids = [...new Set([...personIds, ...mates.map((p) => String(p._id))])];
  return predictLoaded(await latestModel(models), await loadRepQuarters(models, asOf, metrics, { lastQuarters: 2, people: ids }), asOf, metrics, o);
}

/**
 * The prediction a slice of whole teams at a time (`sliceReps` reps), for a caller that stores or sends
 * each part and lets it go: what is held is one slice's activities and rows, not the company's (issue 14).
 * Every part is predicted by the same model version; with no reps at all, one empty part. A part's status
 * is its own slice's (a slice with no rep with a target says 'thin').
 */
export async function* predictSlices(models: Models, asOf: Date, o: { lang?: Lang; metrics?: readonly PredictedMetric[]; week?: number; sliceReps: number }): AsyncGenerator<PredictionSet> {
  const metrics = o.metrics ?? ['signed_amount'];
  const stored = await latestModel(models); // once: every slice is predicted by the same model version
  let any = false;
  for (const people of await repSlices(models, o.sliceReps)) {
    any = true;
    yield predictLoaded(stored, await loadRepQuarters(models, asOf, metrics, { lastQuarters: 2, people }), asOf, metrics, o);
  }
  if (!any) yield predictLoaded(stored, await loadRepQuarters(models, asOf, metrics, { lastQuarters: 2, people: [] }), asOf, metrics, o);
}

function predictLoaded(stored: StoredModel | null, h: LoadedHistory, asOf: Date, metrics: readonly PredictedMetric[], o: { lang?: Lang; week?: number }): PredictionSet {
  const lang = o.lang ?? 'zh';
  const current = h.quarters.at(-1);
  if (!current || current.endMs <= asOf.getTime()) return { status: 'no-quarter' };
  // Features as of the last whole week (week N = the first N weeks have passed).
  const week = o.week ?? wholeWeeks(current.startMs, asOf);
  const tooEarly = week < FIRST_PREDICTION_WEEK;
  const thin = !stored || stored.status === 'thin';
  const dims = stored && !thin ? stored.dimensions : current.dimensions;
  const defs = featureDefs(dims);
  const rows: RepPrediction[] = [];
  for (const metric of metrics) {
    const data = (h.data.get(metric) ?? []).filter((d) => d.quarterId === current.id);
    const model = !thin && !tooEarly ? modelFor(stored!.models[metric] ?? [], week) : undefined;
    const features = data.map((d) => featuresAt(d, week, dims));
    const teams = new Map<string | null, number[][]>();
    data.forEach((d, i) => {
      const m = h.managerOf.get(d.personId) ?? null;
      teams.set(m, [...(teams.get(m) ?? []), features[i]!]);
    });
    const medians = new Map([...teams].map(([m, f]) => [m, columnMedians(f)]));
    data.forEach((d, i) => {
      const managerId = h.managerOf.get(d.personId) ?? null;
      const pace = paceProjection(d, week);
      const x = features[i]!;
      rows.push({
        personId: d.personId,
        name: h.names.get(d.personId) ?? d.personId,
        managerId,
        metric,
        probability: model ? predictProbability(model, x) : null,
        target: d.target,
        achieved: pace.achieved,
        paceProjected: pace.projected,
        factors: model ? explain(model, x, medians.get(managerId) ?? x).map((e) => factorText(defs[e.index]!, e, lang)) : [],
      });
    });
  }
  return {
    status: tooEarly ? 'too-early' : thin || rows.every((r) => r.probability === null) ? 'thin' : 'ok',
    quarterId: current.id,
    week,
    asOf,
    modelVersion: stored?.version ?? null,
    trainingQuarters: stored?.trainingQuarters ?? [],
    repQuarters: stored?.repQuarters ?? 0,
    rows,
  };
}

/** The model of this week, else the nearest earlier one (a quarter's week 13 uses week 12's). */
function modelFor(list: readonly WeekModel[], week: number): WeekModel | undefined {
  return [...list].filter((m) => m.week <= week).sort((a, b) => b.week - a.week)[0];
}

/**
 * Upserts per bulkWrite. One bulkWrite of a company's rows (4,000 at 2,000 reps) was cast by mongoose and
 * serialized in one task: a 1.6 s stall of acks and replies at the start of the Friday pass
 * (docs/performance.md, "Responsive during the fan-out"). Chunks give the event loop a turn between them.
 */
const STORE_CHUNK = 250;

/** Stores the predictions (first write wins: what an alert was sent on stays what it was). */
export async function storePredictions(models: Models, set: Extract<PredictionSet, { rows: unknown }>): Promise<void> {
  const store = new PredictionStore(models);
  await store.add(set);
  await store.finish();
}

/**
 * Stores a week's predictions part by part (a slice at a time). Each row is its own $setOnInsert upsert.
 * The week counts as stored once each metric has a row (WeeklyPredictions.ensure), so each metric's first
 * row is held back and written by finish(): a crash before then leaves the week "not stored", and the next
 * pass upserts the rest without changing what was already stored.
 */
export class PredictionStore {
  private readonly held = new Map<string, { set: Extract<PredictionSet, { rows: unknown }>; row: RepPrediction }>();
  rows = 0;
  withProbability = 0;

  constructor(private readonly models: Models) {}

  async add(set: Extract<PredictionSet, { rows: unknown }>): Promise<void> {
    const rest: RepPrediction[] = [];
    for (const r of set.rows) {
      this.rows++;
      if (r.probability !== null) this.withProbability++;
      if (this.held.has(r.metric)) rest.push(r);
      else this.held.set(r.metric, { set, row: r });
    }
    for (let i = 0; i < rest.length; i += STORE_CHUNK) await storeChunk(this.models, set, rest.slice(i, i + STORE_CHUNK));
  }

  /** Writes the held-back rows: from now on the week reads as stored. */
  async finish(): Promise<void> {
    for (const { set, row } of this.held.values()) await storeChunk(this.models, set, [row]);
    this.held.clear();
  }
}

async function storeChunk(models: Models, set: Extract<PredictionSet, { rows: unknown }>, rows: readonly RepPrediction[]): Promise<void> {
  await models.Prediction.bulkWrite(
    rows.map((r) => ({
      updateOne: {
        filter: { _id: `${set.quarterId}|w${set.week}|${r.personId}|${r.metric}` },
        update: {
          $setOnInsert: {
            quarterId: set.quarterId,
            week: set.week,
            personId: r.personId,
            managerId: r.managerId,
            metric: r.metric,
            probability: r.probability,
            modelVersion: set.modelVersion,
            thin: r.probability === null,
            target: r.target,
            achieved: r.achieved,
            paceProjected: r.paceProjected,
            factors: r.factors,
            asOf: set.asOf,
          },
        },
        upsert: true,
      },
    })),
    { ordered: false },
  );
}
