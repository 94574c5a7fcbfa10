/**
 * The week's stored predictions: from week 4 of a quarter on, each rep's prediction for every metric the
 * model predicts (and the rep has a target for), stored once per rep, week and metric with the model
 * version that made it. The Friday report pass calls this before it builds the cards, so the rep's card and
 * the manager's team summary show what is stored (and the cards of one week agree with each other); the
 * week-N risk alert calls it for its week. Thin history stores the pace projection with no probability,
 * so the views say "历史数据不足". First write wins: what a card or an alert showed stays what it was.
 */
import type { Models } from '../../adapters/mongo/models/index.js';
import { PREDICTED_METRICS } from '../../domain/prediction/features.js';
import type { Logger } from '../../logger.js';
import type { ModelKeeper } from './model-keeper.js';
import { FIRST_PREDICTION_WEEK, PredictionStore, predictSlices, wholeWeeks } from './predictor.js';

/** Reps per slice when the week's predictions are read and built (whole teams; see predictNow). */
export const PREDICTION_SLICE_REPS = 500;

export type WeekPredictionResult =
  | { state: 'no-quarter' | 'too-early' | 'stored-before'; quarterId?: string; week?: number }
  | { state: 'stored'; quarterId: string; week: number; status: 'ok' | 'thin'; modelVersion: number | null; rows: number; ms: number };

export class WeeklyPredictions {
  constructor(private readonly d: { models: Models; keeper: ModelKeeper; logger: Logger; sliceReps?: number }) {}

  /**
   * Stores the predictions of `quarterId` at `week` (default: the whole weeks passed at `asOf`) unless
   * every predicted metric already has some for that week. Features are cut at the week; the data is read
   * as of `asOf`.
   */
  async ensure(quarterId: string, asOf: Date, week?: number): Promise<WeekPredictionResult> {
    const q = await this.d.models.Quarter.findById(quarterId, { startDate: 1, endDate: 1 }).lean();
    if (!q || asOf < q.startDate || asOf >= q.endDate) return { state: 'no-quarter', quarterId };
    const w = week ?? wholeWeeks(q.startDate.getTime(), asOf);
    if (w < FIRST_PREDICTION_WEEK) return { state: 'too-early', quarterId, week: w };
    const have = await this.d.models.Prediction.distinct('metric', { quarterId, week: w });
    if (PREDICTED_METRICS.every((m) => have.includes(m))) return { state: 'stored-before', quarterId, week: w };
    const t0 = performance.now();
    await this.d.keeper.ensure();
    // Read, predicted and stored per slice of whole teams: the activities and rows held at once are one
    // slice's, not the company's (issue 14).
    const store = new PredictionStore(this.d.models);
    let modelVersion: number | null = null;
    for await (const part of predictSlices(this.d.models, asOf, { week: w, metrics: PREDICTED_METRICS, sliceReps: this.d.sliceReps ?? PREDICTION_SLICE_REPS })) {
      if (part.status === 'no-quarter' || part.quarterId !== quarterId) return { state: 'no-quarter', quarterId };
      modelVersion = part.modelVersion;
      await store.add(part);
    }
    await store.finish();
    // 'ok' when any rep got a model-based probability (a slice alone may say 'thin': the week's is the whole's).
    const status = store.withProbability > 0 ? ('ok' as const) : ('thin' as const);
    const r = { state: 'stored' as const, quarterId, week: w, status, modelVersion, rows: store.rows, ms: Math.round(performance.now() - t0) };
    this.d.logger.info(r, 'prediction: week stored');
    return r;
  }
}
