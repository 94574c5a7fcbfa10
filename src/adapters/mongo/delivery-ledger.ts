import { isDuplicateKeyError } from '../../errors.js';
import type { Models } from './models/index.js';

export interface DeliveryKey {
  kind: string;
  period: string;
  recipientId: string;
  part: string;
}

/**
 * A held claim. `attempt` is its fencing token: every later claim of the same entry has a higher one, and
 * `confirm` (called right before each send) succeeds only while this attempt still holds the entry.
 * `previous` describes the attempt before this one when there was one: if it was `sending` (its holder
 * died or paused past its lease) or failed uncertainly, the card may already exist at DingTalk.
 */
export type Claim = {
  claimed: true;
  id: string;
  attempt: number;
  previous?: { status: 'sending' | 'failed'; runId: string | undefined };
};

export type ClaimResult = Claim | { claimed: false; id: string; reason: 'sent' | 'in-flight' };

/** Thrown by `ClaimGuard`s when another attempt now holds the entry: the caller must not send. */
export class ClaimLostError extends Error {
  constructor(readonly id: string, readonly attempt: number) {
    super(`delivery ${id}: attempt ${attempt} no longer holds the claim`);
    this.name = 'ClaimLostError';
  }
}

export const deliveryId = (k: DeliveryKey): string => `${k.kind}|${k.period}|${k.recipientId}|${k.part}`;

/**
 * Exactly-once sends. Claims carry a fencing token (the attempt) that the sender re-checks right before
 * each send (`confirm`/`guard`); a retaken claim tells the sender what the previous attempt was, so a
 * card it may already have created is looked up at DingTalk before it is sent again (report-sender.ts). A claim is the insert of a document with a unique _id, so two instances can never
 * both hold one, on any MongoDB-wire server (no reliance on findAndModify atomicity). A claim whose holder
 * died is retaken after `leaseMs`, as a new numbered attempt, itself claimed by a unique insert.
 */
export class DeliveryLedger {
  constructor(
    private readonly m: Pick<Models, 'Delivery' | 'DeliveryClaim'>,
    private readonly instanceId: string,
    private readonly leaseMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async claim(key: DeliveryKey, extra: { outTrackId?: string; runId?: string } = {}): Promise<ClaimResult> {
    const id = deliveryId(key);
    const at = this.now();
    try {
      await this.m.Delivery.create({ _id: id, ...key, ...extra, status: 'sending', attempt: 1, claimedBy: this.instanceId, claimedAt: at });
      return { claimed: true, id, attempt: 1 };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const existing = await this.m.Delivery.findById(id).lean();
    if (!existing) throw new Error(`delivery ${id}: duplicate key but no document`);
    if (existing.status === 'sent') return { claimed: false, id, reason: 'sent' };
    if (existing.status === 'sending' && at.getTime() - existing.claimedAt.getTime() < this.leaseMs) {
      return { claimed: false, id, reason: 'in-flight' };
    }
    // Failed, or a holder that went silent: take the next attempt number that nobody holds.
    for (let attempt = existing.attempt + 1; attempt < existing.attempt + 50; attempt++) {
      try {
        await this.m.DeliveryClaim.create({ _id: `${id}#${attempt}`, claimedBy: this.instanceId, at });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        const other = await this.m.DeliveryClaim.findById(`${id}#${attempt}`).lean();
        if (other && at.getTime() - other.at.getTime() < this.leaseMs) return { claimed: false, id, reason: 'in-flight' };
        continue;
      }
      await this.m.Delivery.updateOne(
        { _id: id, attempt: { $lt: attempt }, status: { $ne: 'sent' } },
        { $set: { status: 'sending', attempt, claimedBy: this.instanceId, claimedAt: at, ...(extra.runId ? { runId: extra.runId } : {}) } },
      );
      const mine = await this.m.Delivery.findById(id).lean();
      if (mine?.status === 'sent') return { claimed: false, id, reason: 'sent' };
      if (mine?.attempt !== attempt || mine.claimedBy !== this.instanceId) return { claimed: false, id, reason: 'in-flight' };
      const previous = { status: existing.status === 'failed' ? ('failed' as const) : ('sending' as const), runId: existing.runId ?? undefined };
      return { claimed: true, id, attempt, previous };
    }
    return { claimed: false, id, reason: 'in-flight' };
  }

  /**
   * The fencing check, made right before each send: true (and the lease renewed) only while `attempt` still
   * holds the entry and its lease has not run out. Once a lease has run out it can't be renewed, so an
   * instance that was paused past it finds out here instead of sending a card another instance now owns.
   */
  async confirm(id: string, attempt: number): Promise<boolean> {
    const at = this.now();
    const res = await this.m.Delivery.updateOne(
      { _id: id, attempt, status: 'sending', claimedBy: this.instanceId, claimedAt: { $gt: new Date(at.getTime() - this.leaseMs) } },
      { $set: { claimedAt: at } },
    );
    return res.matchedCount === 1;
  }

  /** A guard for `confirm`: throws ClaimLostError when the claim is gone. Pass it to the sender's call. */
  guard(claim: Pick<Claim, 'id' | 'attempt'>): () => Promise<void> {
    return async () => {
      if (!(await this.confirm(claim.id, claim.attempt))) throw new ClaimLostError(claim.id, claim.attempt);
    };
  }

  /**
   * Records the send. `sentByRunId`: the run whose attempt created the card (for a card found at DingTalk
   * after its sender died, the run of that earlier attempt). Returns false if another attempt holds the entry.
   */
  async markSent(id: string, attempt: number, info: { mediaId?: string; sentByRunId?: string } = {}): Promise<boolean> {
    const res = await this.m.Delivery.updateOne({ _id: id, attempt }, { $set: { status: 'sent', sentAt: this.now(), ...info }, $unset: { lastError: 1, throttled: 1 } });
    return res.matchedCount === 1;
  }

  async markFailed(id: string, attempt: number, error: string, opts: { throttled?: boolean } = {}): Promise<void> {
    await this.m.Delivery.updateOne({ _id: id, attempt, status: 'sending' }, { $set: { status: 'failed', lastError: error.slice(0, 500), throttled: opts.throttled === true } });
  }

  async failed(kind: string, period?: string): Promise<Array<{ id: string; recipientId: string; lastError: string; throttled: boolean }>> {
    const rows = await this.m.Delivery.find({ kind, status: 'failed', ...(period ? { period } : {}) }).lean();
    return rows.map((r) => ({ id: r._id, recipientId: r.recipientId, lastError: r.lastError ?? '', throttled: r.throttled === true }));
  }

  /** Cards a run sent, over all its passes and instances (crashed passes included): HR's "本次发出 N 份". */
  async countSentBy(kind: string, runId: string): Promise<number> {
    return this.m.Delivery.countDocuments({ kind, status: 'sent', sentByRunId: runId });
  }

  async statusOf(key: DeliveryKey): Promise<string | undefined> {
    return (await this.m.Delivery.findById(deliveryId(key)).lean())?.status;
  }
}
