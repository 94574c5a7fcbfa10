import type { Models } from './models/index.js';

export interface AuditEntry {
  actorId: string;
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  note?: string;
}

/** Append-only change log: who did what, when, from what to what. */
export class AuditRepository {
  constructor(
    private readonly m: Pick<Models, 'AuditLog'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(e: AuditEntry): Promise<void> {
    await this.m.AuditLog.create({ ...e, before: e.before ?? null, after: e.after ?? null, at: this.now() });
  }

  async history(entity: string, entityId: string) {
    return this.m.AuditLog.find({ entity, entityId }).sort({ at: 1, _id: 1 }).lean();
  }
}
