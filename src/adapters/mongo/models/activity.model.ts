import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { ACTIVITY_SOURCES } from '../../../domain/activity/types.js';

export { ACTIVITY_SOURCES };

/**
 * One sales activity from any source. (source, sourceId) is unique: the same record arriving twice,
 * or edited at the source, updates this one document.
 */
export const activitySchema = new Schema(
  {
    personId: { type: String, required: true },
    /** Configurable type key: visit, call, email, meeting, proposal, … */
    type: { type: String, required: true },
    source: { type: String, enum: ACTIVITY_SOURCES, required: true },
    sourceId: { type: String, required: true },
    accountId: { type: String },
    accountName: { type: String },
    startAt: { type: Date, required: true },
    endAt: { type: Date },
    durationMin: { type: Number, min: 0 },
    location: {
      lat: Number,
      lng: Number,
      place: String,
    },
    /** Extra dimensions (e.g. proposalCustomized) that HR can track. */
    dims: { type: Schema.Types.Mixed, default: {} },
    counted: { type: Boolean, default: false },
    /** Why it did not count, in words a rep can read (e.g. "时长 18 分钟 < 30 分钟"). */
    reasons: { type: [String], default: [] },
    ruleVersion: { type: Number, default: 0 },
    /** Precomputed buckets in the company time zone, so reports group without date operators. */
    day: { type: String, required: true },
    isoWeek: { type: String, required: true },
    quarterId: { type: String, required: true },
    /** Records of one real-world event seen in several systems share a match group. */
    matchGroup: { type: String },
    sourceUpdatedAt: { type: Date },
    /** The version of the record stored (sourceUpdatedAt, or the signed webhook time); only moves forward. */
    versionAt: { type: Date },
    raw: { type: Schema.Types.Mixed },
    /** customerNameKey() of the customer name: ties records of different systems to one customer. */
    customerKey: { type: String },
    /** The customer's address coordinates, for distance rules. */
    customerLocation: { lat: Number, lng: Number },
    /** False for an open/planned task. */
    completed: { type: Boolean },
    /** Deleted at the source: kept for audit, never counted. */
    deleted: { type: Boolean },
    /** This record is the same visit as another one that is counted instead (see domain/activity/matching). */
    mergedInto: { source: String, sourceId: String },
    /** What the match group adds to its counted record: a check-in, the check-ins' span, coordinates. */
    evidence: {
      checkin: Boolean,
      checkinCount: Number,
      durationMin: Number,
      location: { lat: Number, lng: Number },
    },
    /**
     * An accepted appeal (申诉): who accepted it, when and why. Not source content, so a re-import keeps it,
     * and every verdict (ingest, re-evaluation, matching) counts the record while it is set.
     */
    appealOverride: {
      appealId: String,
      by: String,
      at: Date,
      reason: String,
    },
    /** Hash of the source content: a re-delivered, unchanged record costs no write. */
    contentHash: { type: String },
    /** The CSV import run that inserted this record (activity_imports): a refused or dead import is removed by it. */
    importId: { type: String },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
activitySchema.index({ source: 1, sourceId: 1 }, { unique: true });
activitySchema.index({ personId: 1, isoWeek: 1 });
activitySchema.index({ quarterId: 1, personId: 1, type: 1 });
activitySchema.index({ personId: 1, day: 1 });

// The read API pages by (updatedAt, _id) (src/services/api/cursor.ts).
activitySchema.index({ updatedAt: 1, _id: 1 });

export type ActivityDoc = InferSchemaType<typeof activitySchema>;
export const activityModel = (conn: Connection) => conn.model('Activity', activitySchema, 'activities');
