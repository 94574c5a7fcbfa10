import { createHash } from 'node:crypto';
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { classifyNewCustomers } from '../../domain/crm/new-customer.js';
import type { DealInput } from '../../domain/crm/salesforce-records.js';
import { isoWeekKey, quarterOf } from '../../domain/time/calendar.js';
import type { Models } from './models/index.js';

export interface DealWriteResult {
  written: number;
  unchanged: number;
  stale: number;
}

/**
 * Deals (the outcome chain), idempotent on (source, sourceId). After each batch, new-vs-existing customer
 * is recomputed for the accounts it touched: a deal arriving late can change which one came first.
 */
export class DealStore {
  constructor(
    private readonly m: Pick<Models, 'Deal'>,
    private readonly zone: string,
    private readonly now: () => Date,
  ) {}

  async write(source: string, deals: ReadonlyArray<DealInput & { personId: string }>): Promise<DealWriteResult> {
    const result: DealWriteResult = { written: 0, unchanged: 0, stale: 0 };
    if (deals.length === 0) return result;
    const existing = new Map(
      (await this.m.Deal.find({ source, sourceId: { $in: deals.map((d) => d.sourceId) } }, { sourceId: 1, contentHash: 1, sourceUpdatedAt: 1 }).lean()).map((d) => [d.sourceId, d]),
    );
    const ops: AnyBulkWriteOperation<Document>[] = [];
    const at = this.now();
    for (const d of deals) {
      const hash = createHash('sha1').update(JSON.stringify([d, d.personId])).digest('base64url');
      const old = existing.get(d.sourceId);
      if (old?.contentHash === hash) {
        result.unchanged++;
        continue;
      }
      if (old?.sourceUpdatedAt && d.sourceUpdatedAt && old.sourceUpdatedAt.getTime() > d.sourceUpdatedAt.getTime()) {
        result.stale++;
        continue;
      }
      const set = {
        personId: d.personId,
        name: d.name,
        accountId: d.accountId ?? null,
        stage: d.stage,
        amountCny: d.amountCny,
        isWon: d.isWon,
        isClosed: d.isClosed,
        closeDate: d.closeDate ?? null,
        openedDate: d.openedDate ?? null,
        dealType: d.dealType ?? null,
        probability: d.probability ?? null,
        deleted: d.deleted,
        quarterId: d.closeDate ? quarterOf(d.closeDate, this.zone).id : null,
        isoWeek: d.closeDate ? isoWeekKey(d.closeDate, this.zone) : null,
        sourceUpdatedAt: d.sourceUpdatedAt ?? null,
        raw: d.raw,
        contentHash: hash,
        updatedAt: at,
      };
      ops.push({ updateOne: { filter: { source, sourceId: d.sourceId }, update: { $set: set, $setOnInsert: { createdAt: at, isNewCustomer: false } }, upsert: true } });
      result.written++;
    }
    if (ops.length) await this.m.Deal.collection.bulkWrite(ops, { ordered: false });
    await this.reclassify(deals.map((d) => d.accountId).filter((a): a is string => !!a), deals.filter((d) => !d.accountId).map((d) => d.sourceId));
    return result;
  }

  private async reclassify(accountIds: string[], withoutAccount: string[]): Promise<void> {
    const rows = await this.m.Deal.find(
      { $or: [{ accountId: { $in: [...new Set(accountIds)] } }, { sourceId: { $in: withoutAccount } }], deleted: { $ne: true } },
      { sourceId: 1, accountId: 1, isWon: 1, closeDate: 1, dealType: 1, isNewCustomer: 1 },
    ).lean();
    const verdicts = classifyNewCustomers(rows.map((r) => ({ sourceId: r.sourceId, accountId: r.accountId ?? null, isWon: r.isWon ?? false, closeDate: r.closeDate ?? null, dealType: r.dealType ?? null })));
    const ops = rows
      .filter((r) => verdicts.get(r.sourceId) !== r.isNewCustomer)
      .map((r) => ({ updateOne: { filter: { _id: r._id }, update: { $set: { isNewCustomer: verdicts.get(r.sourceId) ?? false } } } }));
    if (ops.length) await this.m.Deal.collection.bulkWrite(ops, { ordered: false });
  }
}
