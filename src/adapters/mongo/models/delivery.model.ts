import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const DELIVERY_STATUSES = ['sending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * The delivery ledger: one document per (kind, period, recipient, part), `_id` = that key.
 * Creating it is the claim to send; a unique _id means only one instance ever holds a claim.
 */
export const deliverySchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    period: { type: String, required: true },
    recipientId: { type: String, required: true },
    part: { type: String, required: true },
    status: { type: String, enum: DELIVERY_STATUSES, required: true },
    /** Which claim attempt owns the send; later attempts need a fresh claim (see delivery-claims). */
    attempt: { type: Number, default: 1 },
    claimedBy: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    sentAt: { type: Date },
    lastError: { type: String },
    /** Card outTrackId: deterministic from the key, so a resend after a crash can't deliver twice. */
    outTrackId: { type: String },
    mediaId: { type: String },
    /** The run (or other job) whose attempt holds the claim, and, once sent, whose attempt sent it. */
    runId: { type: String },
    sentByRunId: { type: String },
    /** The last failure was DingTalk's rate limiting (429 / flow control): worth retrying within minutes. */
    throttled: { type: Boolean },
  },
  { timestamps: true, versionKey: false },
);
deliverySchema.index({ kind: 1, period: 1, status: 1 });
deliverySchema.index({ sentByRunId: 1 }, { sparse: true });

/** One row per claim attempt of a ledger entry: `_id` = `<ledger id>#<attempt>`. */
export const deliveryClaimSchema = new Schema(
  { _id: { type: String, required: true }, claimedBy: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false },
);

// The read API pages by (updatedAt, _id) (src/services/api/cursor.ts).
deliverySchema.index({ updatedAt: 1, _id: 1 });

export type DeliveryDoc = InferSchemaType<typeof deliverySchema>;
export const deliveryModel = (conn: Connection) => conn.model('Delivery', deliverySchema, 'deliveries');
export const deliveryClaimModel = (conn: Connection) => conn.model('DeliveryClaim', deliveryClaimSchema, 'delivery_claims');
