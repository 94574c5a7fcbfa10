import type { WriteJournal } from './import-run-store.js';
import type { Models } from './models/index.js';

export interface ParkedRef {
  system: string;
  externalUserId?: string;
  externalEmail?: string;
  externalName?: string;
}

export interface UnmatchedUser extends ParkedRef {
  records: number;
  activities: number;
  deals: number;
  lastSeenAt: Date;
}

/** Records whose owner is not a known person yet: parked, listed for HR, replayed once mapped. */
export class UnmatchedStore {
  constructor(
    private readonly m: Pick<Models, 'UnmatchedRecord'>,
    private readonly now: () => Date,
  ) {}

  /** `journal` (a CSV import): new ones are tagged with its id, ones parked before are handed to it first. */
  async park(items: ReadonlyArray<{ kind: 'activity' | 'deal'; source: string; sourceId: string; ref: ParkedRef; payload: unknown }>, journal?: WriteJournal): Promise<void> {
    if (items.length === 0) return;
    const at = this.now();
    if (journal) {
      const before = await this.m.UnmatchedRecord.collection.find({ $or: items.map((i) => ({ kind: i.kind, source: i.source, sourceId: i.sourceId })) }).toArray();
      await journal.keepOld('unmatched_records', before);
    }
    await this.m.UnmatchedRecord.collection.bulkWrite(
      items.map((i) => ({
        updateOne: {
          filter: { kind: i.kind, source: i.source, sourceId: i.sourceId },
          update: {
            $set: { system: i.ref.system, externalUserId: i.ref.externalUserId ?? null, externalEmail: i.ref.externalEmail ?? null, externalName: i.ref.externalName ?? null, payload: i.payload, lastSeenAt: at },
            $setOnInsert: { firstSeenAt: at, ...(journal ? { importId: journal.importId } : {}) },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  /** Once a record is stored for a known person it is no longer unmatched. */
  async release(kind: 'activity' | 'deal', keys: ReadonlyArray<{ source: string; sourceId: string }>): Promise<void> {
    if (keys.length === 0) return;
    await this.m.UnmatchedRecord.deleteMany({ kind, $or: keys.map((k) => ({ source: k.source, sourceId: k.sourceId })) });
  }

  async count(): Promise<number> {
    return this.m.UnmatchedRecord.countDocuments();
  }

  /** Grouped by external user, most records first: what HR has to map. */
  async users(limit = 50): Promise<UnmatchedUser[]> {
    const rows = await this.m.UnmatchedRecord.aggregate<{
      _id: { system: string; id: string | null; email: string | null };
      name: string | null;
      records: number;
      activities: number;
      deals: number;
      lastSeenAt: Date;
    }>([
      {
        $group: {
          _id: { system: '$system', id: '$externalUserId', email: '$externalEmail' },
          name: { $first: '$externalName' },
          records: { $sum: 1 },
          activities: { $sum: { $cond: [{ $eq: ['$kind', 'activity'] }, 1, 0] } },
          deals: { $sum: { $cond: [{ $eq: ['$kind', 'deal'] }, 1, 0] } },
          lastSeenAt: { $max: '$lastSeenAt' },
        },
      },
      { $sort: { records: -1 } },
      { $limit: limit },
    ]);
    return rows.map((r) => ({
      system: r._id.system,
      ...(r._id.id ? { externalUserId: r._id.id } : {}),
      ...(r._id.email ? { externalEmail: r._id.email } : {}),
      ...(r.name ? { externalName: r.name } : {}),
      records: r.records,
      activities: r.activities,
      deals: r.deals,
      lastSeenAt: r.lastSeenAt,
    }));
  }

  /** Parked records of one external user (by id or email), oldest first, in pages. */
  async *recordsOf(match: { system?: string; externalUserId?: string; externalEmail?: string }, pageSize = 500) {
    const filter: Record<string, unknown> = {};
    if (match.system) filter.system = match.system;
    if (match.externalUserId) filter.externalUserId = match.externalUserId;
    if (match.externalEmail) filter.externalEmail = match.externalEmail.toLowerCase();
    let page: Array<{ kind: string; source: string; sourceId: string; payload: unknown }>;
    let skip = 0;
    do {
      page = await this.m.UnmatchedRecord.find(filter, { kind: 1, source: 1, sourceId: 1, payload: 1 }).sort({ firstSeenAt: 1, _id: 1 }).skip(skip).limit(pageSize).lean();
      skip += page.length;
      if (page.length) yield page;
    } while (page.length === pageSize);
  }

  /** All parked records, in pages (a sync run retries them: the org directory may know their owner now). */
  async *all(pageSize = 500) {
    yield* this.recordsOf({}, pageSize);
  }
}
