import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** Inbound frames already taken, keyed by dedupe key; survives restarts. Old rows are purged by a job. */
export const inboundMessageSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ['message', 'card'], required: true },
    userId: { type: String },
    receivedAt: { type: Date, required: true },
    status: { type: String, enum: ['processing', 'done', 'failed'], required: true },
    finishedAt: { type: Date },
    error: { type: String },
  },
  { versionKey: false },
);
inboundMessageSchema.index({ receivedAt: 1 });

export type InboundMessageDoc = InferSchemaType<typeof inboundMessageSchema>;
export const inboundMessageModel = (conn: Connection) => conn.model('InboundMessage', inboundMessageSchema, 'inbound_messages');
