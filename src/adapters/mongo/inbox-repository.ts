import { isDuplicateKeyError } from '../../errors.js';
import type { Models } from './models/index.js';

/** Remembers inbound frames by dedupe key, so a redelivered frame (even after a restart) is handled once. */
export class InboxRepository {
  constructor(private readonly m: Pick<Models, 'InboundMessage'>) {}

  /** True if this call took the frame; false if it was seen before. */
  async claim(key: string, kind: 'message' | 'card', userId: string | undefined): Promise<boolean> {
    try {
      await this.m.InboundMessage.create({ _id: key, kind, userId, receivedAt: new Date(), status: 'processing' });
      return true;
    } catch (err) {
      if (isDuplicateKeyError(err)) return false;
      throw err;
    }
  }

  async finish(key: string, outcome: 'done' | 'failed', error?: string): Promise<void> {
    await this.m.InboundMessage.updateOne({ _id: key }, { $set: { status: outcome, finishedAt: new Date(), ...(error ? { error } : {}) } });
  }

  /** Deletes rows older than the retention window (FerretDB has no TTL indexes, so a job does this). */
  async purgeOlderThan(cutoff: Date): Promise<number> {
    const r = await this.m.InboundMessage.deleteMany({ receivedAt: { $lt: cutoff } });
    return r.deletedCount;
  }
}
