import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const REPORT_RUN_STATUSES = ['pending', 'running', 'done'] as const;

/**
 * One weekly-report fan-out: the Friday run of a week (`_id` "scheduled|2026-W48", created once by a unique
 * insert) or a run HR asked for ("manual|<uuid>"). It holds what every pass of the run must reuse (asOf and
 * the peer figures) and a lease, so one instance at a time works on it and another resumes it if that one
 * dies. Who got what is NOT here: that is the delivery ledger, which alone guarantees exactly-once.
 */
export const reportRunSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['scheduled', 'manual'], required: true },
    quarterId: { type: String, required: true },
    week: { type: String, required: true },
    /** The instant the reports describe (the scheduled time, or when HR asked). */
    asOf: { type: Date, required: true },
    /** Who the run is for: everyone, one person (`id` = userid) or a manager's team (`id` = the manager). */
    scope: {
      kind: { type: String, enum: ['all', 'person', 'team'], required: true },
      id: { type: String, default: null },
    },
    requestedBy: { type: String, default: null },
    status: { type: String, enum: REPORT_RUN_STATUSES, required: true },
    heldBy: { type: String, default: null },
    heartbeatAt: { type: Date, default: null },
    /** PeerStats of the first pass; later passes and opened reports compare against the same figures. */
    peers: { type: Schema.Types.Mixed, default: null },
    passes: { type: Number, default: 0 },
    /** Cards this run sent, over all its passes. */
    sentTotal: { type: Number, default: 0 },
    /** Outcome of the last pass. */
    counts: {
      recipients: { type: Number, default: 0 },
      sent: { type: Number, default: 0 },
      alreadySent: { type: Number, default: 0 },
      inFlight: { type: Number, default: 0 },
      failed: { type: Number, default: 0 },
    },
    /** When to look at it again: failed sends are retried, claims held elsewhere are re-checked. */
    nextRetryAt: { type: Date, default: null },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
reportRunSchema.index({ status: 1, nextRetryAt: 1 });
reportRunSchema.index({ week: 1 });

export type ReportRunDoc = InferSchemaType<typeof reportRunSchema>;
export const reportRunModel = (conn: Connection) => conn.model('ReportRun', reportRunSchema, 'report_runs');
