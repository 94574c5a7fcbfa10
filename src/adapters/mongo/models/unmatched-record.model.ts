import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A record whose owner is not (yet) a known DingTalk person: parked here, not dropped. HR sees these
 * grouped by external user; adding a mapping replays them into activities/deals.
 */
export const unmatchedRecordSchema = new Schema(
  {
    kind: { type: String, enum: ['activity', 'deal'], required: true },
    source: { type: String, required: true },
    sourceId: { type: String, required: true },
    /** salesforce, or the webhook/CSV system name. */
    system: { type: String, required: true },
    externalUserId: { type: String },
    externalEmail: { type: String },
    externalName: { type: String },
    /** The normalized record (ActivityInput or DealInput) to replay once the owner is known. */
    payload: { type: Schema.Types.Mixed, required: true },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    /** The CSV import run that parked it first (see activity.model importId). */
    importId: { type: String },
  },
  { versionKey: false, minimize: false },
);
unmatchedRecordSchema.index({ kind: 1, source: 1, sourceId: 1 }, { unique: true });
unmatchedRecordSchema.index({ system: 1, externalUserId: 1 });
unmatchedRecordSchema.index({ externalEmail: 1 });

export type UnmatchedRecordDoc = InferSchemaType<typeof unmatchedRecordSchema>;
export const unmatchedRecordModel = (conn: Connection) => conn.model('UnmatchedRecord', unmatchedRecordSchema, 'unmatched_records');
