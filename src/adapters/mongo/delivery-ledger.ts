import { isDuplicateKeyError } from '../../errors.js';
import type { Models } from './models/index.js';

export interface DeliveryKey {
  kind: string;
  period: string;
  recipientId: string;
  part: string;
}

export type ClaimResult =
  | { claimed: true; id: string; attempt: number }
  | { claimed: false; id: string; reason: 'sent' | 'in-flight' };

export const deliveryId = (k: DeliveryKey): string => `${k.kind}|${k.period}|${k.recipientId}|${k.part}`;

/**
 * Exactly-once sends. A claim is the insert of a document with a unique _id, so two instances can never
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

  async claim(key: DeliveryKey, extra: { outTrackId?: string } = {}): Promise<ClaimResult> {
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
        { $set: { status: 'sending', attempt, claimedBy: this.instanceId, claimedAt: at } },
      );
      const mine = await this.m.Delivery.findById(id).lean();
      if (mine?.status === 'sent') return { claimed: false, id, reason: 'sent' };
      return { claimed: true, id, attempt };
    }
    return { claimed: false, id, reason: 'in-flight' };
  }

  async markSent(id: string, attempt: number, info: { mediaId?: string } = {}): Promise<void> {
    await this.m.Delivery.updateOne({ _id: id, attempt }, { $set: { status: 'sent', sentAt: this.now(), ...info }, $unset: { lastError: 1 } });
  }

  async markFailed(id: string, attempt: number, error: string): Promise<void> {
    await this.m.Delivery.updateOne({ _id: id, attempt, status: 'sending' }, { $set: { status: 'failed', lastError: error.slice(0, 500) } });
  }

  async failed(kind: string, period?: string): Promise<Array<{ id: string; recipientId: string; lastError: string }>> {
    const rows = await this.m.Delivery.find({ kind, status: 'failed', ...(period ? { period } : {}) }).lean();
    return rows.map((r) => ({ id: r._id, recipientId: r.recipientId, lastError: r.lastError ?? '' }));
  }

  async statusOf(key: DeliveryKey): Promise<string | undefined> {
    return (await this.m.Delivery.findById(deliveryId(key)).lean())?.status;
  }
}
