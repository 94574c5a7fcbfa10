import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * One CSV import run. The import stores while it checks (one pass over the file), so until it ends its
 * rows are in `activities` tagged with its id: a refused file is taken back by that id, and a run whose
 * process died (no heartbeat) is taken back by the next import or the service's recovery job.
 */
export const activityImportSchema = new Schema(
  {
    _id: { type: String, required: true },
    file: { type: String, required: true },
    /** running → stored (kept) or rolling_back → rolled_back (removed, updated records restored). */
    state: { type: String, enum: ['running', 'stored', 'rolling_back', 'rolled_back'], required: true },
    startedAt: { type: Date, required: true },
    /** Refreshed every few seconds while the importing process lives; a stale one is a dead import. */
    heartbeatAt: { type: Date, required: true },
    endedAt: { type: Date },
    host: { type: String },
    pid: { type: Number },
    /** Why it was rolled back (refused rows, a failure, found dead). */
    reason: { type: String },
  },
  { versionKey: false, minimize: false },
);
activityImportSchema.index({ state: 1 });

/**
 * The stored version of a record a running import changed (an activity it updated, a parked record it
 * parked again), written before the change: a rollback puts it back. Deleted once the import is stored.
 */
export const activityImportUndoSchema = new Schema(
  {
    importId: { type: String, required: true },
    /** The collection the document belongs to. */
    coll: { type: String, enum: ['activities', 'unmatched_records'], required: true },
    /** String form of the document's _id: the first saved version wins (the one from before the import). */
    key: { type: String, required: true },
    doc: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false, minimize: false },
);
activityImportUndoSchema.index({ importId: 1, coll: 1, key: 1 }, { unique: true });

export type ActivityImportDoc = InferSchemaType<typeof activityImportSchema>;
export const activityImportModel = (conn: Connection) => conn.model('ActivityImport', activityImportSchema, 'activity_imports');
export const activityImportUndoModel = (conn: Connection) => conn.model('ActivityImportUndo', activityImportUndoSchema, 'activity_import_undo');
