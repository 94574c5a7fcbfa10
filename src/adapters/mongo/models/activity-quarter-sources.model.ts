import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Which systems have visit records in a quarter (`_id` = quarter key). Written once per (quarter, source)
 * by the ingest, read after a bulk import: when no other system has visits in the quarter, matching has
 * nothing to find and the import skips a scan of the quarter. Never shrinks (a stale entry only costs
 * that scan).
 */
export const activityQuarterSourcesSchema = new Schema(
  {
    _id: { type: String, required: true },
    sources: { type: [String], default: [] },
  },
  { versionKey: false },
);

export type ActivityQuarterSourcesDoc = InferSchemaType<typeof activityQuarterSourcesSchema>;
export const activityQuarterSourcesModel = (conn: Connection) => conn.model('ActivityQuarterSources', activityQuarterSourcesSchema, 'activity_quarter_sources');
