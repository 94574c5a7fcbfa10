import type { Models } from './models/index.js';

/** Connector positions. A position is saved only after the records before it are stored (resume = no gap). */
export class SyncCursorStore {
  constructor(
    private readonly m: Pick<Models, 'SyncCursor'>,
    private readonly now: () => Date,
  ) {}

  async load<T extends object>(id: string): Promise<T | undefined> {
    const doc = await this.m.SyncCursor.findById(id, { state: 1 }).lean();
    return doc?.state && Object.keys(doc.state as object).length ? (doc.state as T) : undefined;
  }

  async save<T extends object>(id: string, state: T): Promise<void> {
    await this.m.SyncCursor.updateOne({ _id: id }, { $set: { state } }, { upsert: true });
  }

  async runFinished(id: string, outcome: { ok: true; stats: Record<string, number> } | { ok: false; error: string }): Promise<void> {
    const at = this.now();
    const set = outcome.ok ? { lastRunAt: at, lastSuccessAt: at, lastStats: outcome.stats, lastError: null } : { lastRunAt: at, lastError: outcome.error };
    await this.m.SyncCursor.updateOne({ _id: id }, { $set: set }, { upsert: true });
  }

  async all() {
    return this.m.SyncCursor.find({}).lean();
  }
}
