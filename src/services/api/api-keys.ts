import { createHash, randomBytes } from 'node:crypto';
import type { AuditRepository } from '../../adapters/mongo/audit-repository.js';
import type { Models } from '../../adapters/mongo/models/index.js';

export type KeyScope = { kind: 'all' } | { kind: 'team'; managerId: string };

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scope: KeyScope;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  revokedBy: string | null;
  lastUsedAt: Date | null;
}

export type CreateResult = { ok: true; key: ApiKey; secret: string } | { ok: false; code: 'bad_name' | 'exists' };
export type RevokeResult = { ok: true; key: ApiKey } | { ok: false; code: 'not_found' | 'already_revoked'; key?: ApiKey };
export type AuthResult = { ok: true; key: ApiKey } | { ok: false; code: 'missing' | 'unknown' | 'revoked'; key?: ApiKey };

/** Letters (incl. Chinese), digits, dot, dash, underscore; what fits in a chat command and a log line. */
const NAME = /^[\p{L}\p{N}_.-]{1,64}$/u;
const SECRET_PREFIX = 'tck_';
// lastUsedAt is informative; writing it at most once a minute per key keeps a busy key off the write path.
const LAST_USED_EVERY_MS = 60_000;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');

/**
 * API keys for the read API: created and revoked by HR in chat, stored as SHA-256 of the secret only.
 * Every create, revoke and use goes to the audit log (entity "api_key", entityId = the key's name).
 */
export class ApiKeys {
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly d: { models: Pick<Models, 'ApiKey'>; audit: AuditRepository; now: () => Date },
  ) {}

  static validName(name: string): boolean {
    return NAME.test(name);
  }

  async create(o: { name: string; scope: KeyScope; actorId: string }): Promise<CreateResult> {
    if (!ApiKeys.validName(o.name)) return { ok: false, code: 'bad_name' };
    // 32 random bytes: guessing is hopeless, so a plain (unsalted) SHA-256 is enough to store it.
    const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
    const doc = {
      name: o.name,
      secretHash: hashSecret(secret),
      prefix: secret.slice(0, SECRET_PREFIX.length + 6),
      scope: o.scope.kind === 'team' ? { kind: 'team' as const, managerId: o.scope.managerId } : { kind: 'all' as const, managerId: null },
      createdBy: o.actorId,
    };
    try {
      const created = await this.d.models.ApiKey.create(doc);
      const key = toKey(created.toObject());
      await this.d.audit.record({ actorId: o.actorId, action: 'api_key.create', entity: 'api_key', entityId: o.name, after: { prefix: key.prefix, scope: key.scope } });
      return { ok: true, key, secret };
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return { ok: false, code: 'exists' };
      throw err;
    }
  }

  async list(): Promise<ApiKey[]> {
    const docs = await this.d.models.ApiKey.find({}).sort({ createdAt: 1, _id: 1 }).lean();
    return docs.map(toKey);
  }

  async revoke(name: string, actorId: string): Promise<RevokeResult> {
    const at = this.d.now();
    const updated = await this.d.models.ApiKey.findOneAndUpdate({ name, revokedAt: null }, { $set: { revokedAt: at, revokedBy: actorId } }, { returnDocument: 'after' }).lean();
    if (!updated) {
      const existing = await this.d.models.ApiKey.findOne({ name }).lean();
      return existing ? { ok: false, code: 'already_revoked', key: toKey(existing) } : { ok: false, code: 'not_found' };
    }
    const key = toKey(updated);
    await this.d.audit.record({ actorId, action: 'api_key.revoke', entity: 'api_key', entityId: name, after: { revokedAt: at } });
    return { ok: true, key };
  }

  /** The key behind an `Authorization: Bearer <secret>` header. */
  async authenticate(header: string | undefined): Promise<AuthResult> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) return { ok: false, code: 'missing' };
    const doc = await this.d.models.ApiKey.findOne({ secretHash: hashSecret(m[1]!) }).lean();
    if (!doc) return { ok: false, code: 'unknown' };
    const key = toKey(doc);
    if (key.revokedAt) return { ok: false, code: 'revoked', key };
    return { ok: true, key };
  }

  /** Records one use of a key: the audit entry always, lastUsedAt at most once a minute. */
  async recordUse(key: ApiKey, o: { action: string; note: string }): Promise<void> {
    const at = this.d.now();
    await this.d.audit.record({ actorId: `api-key:${key.name}`, action: o.action, entity: 'api_key', entityId: key.name, note: o.note });
    const last = this.lastUsedWritten.get(key.id) ?? 0;
    if (at.getTime() - last >= LAST_USED_EVERY_MS) {
      this.lastUsedWritten.set(key.id, at.getTime());
      await this.d.models.ApiKey.updateOne({ _id: key.id }, { $set: { lastUsedAt: at } });
    }
  }
}

interface KeyDocLike {
  _id: unknown;
  name: string;
  prefix: string;
  scope?: { kind?: string | null; managerId?: string | null } | null;
  createdBy: string;
  createdAt?: Date | null;
  revokedAt?: Date | null;
  revokedBy?: string | null;
  lastUsedAt?: Date | null;
}

function toKey(d: KeyDocLike): ApiKey {
  const scope: KeyScope = d.scope?.kind === 'team' && d.scope.managerId ? { kind: 'team', managerId: d.scope.managerId } : { kind: 'all' };
  return {
    id: String(d._id),
    name: d.name,
    prefix: d.prefix,
    scope,
    createdBy: d.createdBy,
    createdAt: d.createdAt ?? new Date(0),
    revokedAt: d.revokedAt ?? null,
    revokedBy: d.revokedBy ?? null,
    lastUsedAt: d.lastUsedAt ?? null,
  };
}
