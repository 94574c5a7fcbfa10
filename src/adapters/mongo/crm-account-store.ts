import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { customerNameKey } from '../../domain/activity/customer-key.js';
import type { LatLng } from '../../domain/activity/types.js';
import type { SfAccount } from '../../domain/crm/salesforce-records.js';
import type { Models } from './models/index.js';

export interface AccountInfo {
  sourceId: string;
  name: string;
  location?: LatLng;
}

/** CRM accounts: upserted by the Salesforce connector, looked up by id or by name when activities arrive. */
export class CrmAccountStore {
  constructor(private readonly m: Pick<Models, 'CrmAccount'>) {}

  async upsert(source: string, accounts: readonly SfAccount[]): Promise<number> {
    if (accounts.length === 0) return 0;
    const ops: AnyBulkWriteOperation<Document>[] = accounts.map((a) => ({
      updateOne: {
        filter: { source, sourceId: a.sourceId },
        update: {
          $set: {
            name: a.name,
            nameKey: customerNameKey(a.name) ?? null,
            industry: a.industry ?? null,
            type: a.type ?? null,
            location: a.location ?? null,
            address: a.address ?? null,
            deleted: a.deleted,
            sourceUpdatedAt: a.sourceUpdatedAt ?? null,
            updatedAt: new Date(),
          },
          $setOnInsert: { createdAt: new Date() },
        },
        upsert: true,
      },
    }));
    await this.m.CrmAccount.collection.bulkWrite(ops, { ordered: false });
    return ops.length;
  }

  /** Accounts by CRM id and by name key, for one batch of activities. */
  async lookup(ids: readonly string[], nameKeys: readonly string[]): Promise<{ byId: Map<string, AccountInfo>; byName: Map<string, AccountInfo> }> {
    const or: Document[] = [];
    if (ids.length) or.push({ sourceId: { $in: [...new Set(ids)] } });
    if (nameKeys.length) or.push({ nameKey: { $in: [...new Set(nameKeys)] } });
    const byId = new Map<string, AccountInfo>();
    const byName = new Map<string, AccountInfo>();
    if (or.length === 0) return { byId, byName };
    const rows = await this.m.CrmAccount.find({ $or: or, deleted: { $ne: true } }, { sourceId: 1, name: 1, nameKey: 1, location: 1 }).lean();
    for (const r of rows) {
      const info: AccountInfo = {
        sourceId: r.sourceId,
        name: r.name,
        ...(typeof r.location?.lat === 'number' && typeof r.location?.lng === 'number' ? { location: { lat: r.location.lat, lng: r.location.lng } } : {}),
      };
      byId.set(r.sourceId, info);
      // Two accounts with one name are ambiguous: a check-in naming it is not tied to either.
      if (r.nameKey) byName.set(r.nameKey, byName.has(r.nameKey) && byName.get(r.nameKey)!.sourceId !== r.sourceId ? { sourceId: '', name: r.name } : info);
    }
    for (const [k, v] of byName) if (!v.sourceId) byName.delete(k);
    return { byId, byName };
  }
}
