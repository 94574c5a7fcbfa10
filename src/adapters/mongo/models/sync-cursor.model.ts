import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Where each connector stands ("salesforce:Task", "dingtalk:checkin", …): its resume position after the
 * last durably written page, and how the last run went (for HR/ops and the lag metric).
 */
export const syncCursorSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Connector-specific position; written only after the records it covers are stored. */
    state: { type: Schema.Types.Mixed, default: {} },
    lastRunAt: { type: Date },
    lastSuccessAt: { type: Date },
    lastError: { type: String },
    lastStats: { type: Schema.Types.Mixed },
  },
  { timestamps: true, versionKey: false, minimize: false },
);

export type SyncCursorDoc = InferSchemaType<typeof syncCursorSchema>;
export const syncCursorModel = (conn: Connection) => conn.model('SyncCursor', syncCursorSchema, 'sync_cursors');
