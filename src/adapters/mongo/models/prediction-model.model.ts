import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * One training of the attainment prediction (issue 11): every metric's week-of-quarter models, the
 * quarters they learnt from and how they did in the rolling-origin backtest. `_id` is the version, a
 * counter taken by unique insert, so two instances retraining at once can't both write version n.
 * `status: 'thin'` records a training that found too little history (then no weeks are stored).
 */
export const predictionModelSchema = new Schema(
  {
    _id: { type: Number, required: true },
    trainedAt: { type: Date, required: true },
    /** The instant the training read the database as of. */
    asOf: { type: Date, required: true },
    status: { type: String, enum: ['trained', 'thin'], required: true },
    /** Finished quarters with targets it learnt from, oldest first, and the span they cover. */
    trainingQuarters: { type: [String], default: [] },
    window: { from: { type: Date, default: null }, to: { type: Date, default: null } },
    repQuarters: { type: Number, default: 0 },
    /** What the history looked like (finished quarters and their approved goals): a change means retrain. */
    historyKey: { type: String, default: '' },
    /** Tracked dimensions the features used (their order is the feature order). */
    dimensions: { type: [{ key: String, name: String, _id: false }], default: [] },
    /** metric → WeekModel[] (src/domain/prediction/model.ts), plain numbers. */
    models: { type: Schema.Types.Mixed, default: {} },
    /** metric → BacktestResult of the training quarters (weeks 4, 6, 8, 10). */
    backtest: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false },
);
predictionModelSchema.index({ trainedAt: -1 });

export type PredictionModelDoc = InferSchemaType<typeof predictionModelSchema>;
export const predictionModelModel = (conn: Connection) => conn.model('PredictionModel', predictionModelSchema, 'prediction_models');
