import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** Who changed what, when, from what to what. Append-only. */
export const auditLogSchema = new Schema(
  {
    at: { type: Date, required: true },
    actorId: { type: String, required: true },
    action: { type: String, required: true },
    entity: { type: String, required: true },
    entityId: { type: String, required: true },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
    note: { type: String, default: '' },
  },
  { versionKey: false },
);
auditLogSchema.index({ entity: 1, entityId: 1, at: 1 });
auditLogSchema.index({ actorId: 1, at: -1 });

export type AuditLogDoc = InferSchemaType<typeof auditLogSchema>;
export const auditLogModel = (conn: Connection) => conn.model('AuditLog', auditLogSchema, 'audit_log');
