import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A bearer key for the read API (/api/v1), created by HR in chat. Only the SHA-256 of the secret is
 * stored; the secret itself is shown once, 1:1, to the HR person who created it. Revoked keys stay for
 * the audit trail. `name` is unique among all keys ever created, so the audit log's entityId stays unambiguous.
 */
export const apiKeySchema = new Schema(
  {
    name: { type: String, required: true, maxlength: 64 },
    /** Hex SHA-256 of the whole secret. */
    secretHash: { type: String, required: true },
    /** The secret's first characters, to tell keys apart in 列表 without storing the secret. */
    prefix: { type: String, required: true },
    /** `all`: every person; `team`: the manager `managerId` and everyone under them (direct and indirect). */
    scope: {
      kind: { type: String, enum: ['all', 'team'], required: true },
      managerId: { type: String, default: null },
    },
    createdBy: { type: String, required: true },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: String, default: null },
    lastUsedAt: { type: Date, default: null },
  },
  { timestamps: true, versionKey: false },
);
apiKeySchema.index({ name: 1 }, { unique: true });
apiKeySchema.index({ secretHash: 1 }, { unique: true });

export type ApiKeyDoc = InferSchemaType<typeof apiKeySchema>;
export const apiKeyModel = (conn: Connection) => conn.model('ApiKey', apiKeySchema, 'api_keys');

/**
 * Requests per key per fixed window, shared by every instance (so two bot processes don't double a key's
 * limit). `_id` = `<key id>|<window start ms>`; the counter is a single atomic $inc upsert.
 */
export const apiRateWindowSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    /** Window start; old windows are deleted by the limiter (TTL indexes don't fire on the local server). */
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
// Real MongoDB expires old windows itself; the limiter's own cleanup covers the local server (database-compat.md).
apiRateWindowSchema.index({ at: 1 }, { expireAfterSeconds: 3600 });

export const apiRateWindowModel = (conn: Connection) => conn.model('ApiRateWindow', apiRateWindowSchema, 'api_rate_windows');
