import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A stored prediction: one rep, one metric, at week N of a quarter, from one model version. The week-N risk
 * alert stores what it alerted on here first (insert-if-absent by `_id`), so the alert, a later look and
 * the pre-review pack's "what week N predicted" all read the same figures.
 */
export const predictionSchema = new Schema(
  {
    /** `<quarterId>|w<week>|<personId>|<metric>` */
    _id: { type: String, required: true },
    quarterId: { type: String, required: true },
    week: { type: Number, required: true },
    personId: { type: String, required: true },
    managerId: { type: String, default: null },
    metric: { type: String, required: true },
    /** Null when the history is too thin for a model: then only the pace projection is given. */
    probability: { type: Number, default: null },
    modelVersion: { type: Number, default: null },
    thin: { type: Boolean, required: true },
    target: { type: Number, required: true },
    achieved: { type: Number, required: true },
    paceProjected: { type: Number, required: true },
    /** Top factors: key, label, value, team median, effect in percentage points, the sentence shown. */
    factors: { type: [Schema.Types.Mixed], default: [] },
    asOf: { type: Date, required: true },
  },
  { timestamps: true, versionKey: false },
);
predictionSchema.index({ quarterId: 1, week: 1, managerId: 1 });
// The Friday pass reads a slice of people's predictions (quarterId + personId $in or range, week <= N).
predictionSchema.index({ quarterId: 1, personId: 1, week: 1 });

export type PredictionDoc = InferSchemaType<typeof predictionSchema>;
export const predictionModel = (conn: Connection) => conn.model('Prediction', predictionSchema, 'predictions');
