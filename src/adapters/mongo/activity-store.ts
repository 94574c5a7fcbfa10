import { MongoBulkWriteError, type AnyBulkWriteOperation, type Document } from 'mongodb';
import type { Evidence } from '../../domain/activity/matching.js';
import type { ActivityContent } from '../../domain/activity/normalize.js';
import type { Verdict } from '../../domain/activity/rules/evaluate.js';
import type { WriteJournal } from './import-run-store.js';
import type { Models } from './models/index.js';

/** An activity ready to store: its content plus the verdict computed without group facts. */
export interface PreparedActivity extends ActivityContent {
  counted: boolean;
  reasons: string[];
  ruleVersion: number;
}

/** Fields matching owns; an update of the content keeps them, and the verdict is recomputed with them. */
export interface GroupFacts {
  matchGroup?: string;
  mergedInto?: { source: string; sourceId: string };
  evidence?: Evidence;
}

export interface WriteResult {
  created: number;
  updated: number;
  unchanged: number;
  /** Older than what is stored (an out-of-order redelivery): ignored. */
  stale: number;
  /** Person-days whose records changed, before and after (an edit may move a visit to another day). */
  touched: Array<{ personId: string; day: string; type: string; quarterId: string; source: string; grouped?: boolean }>;
}

type Existing = Pick<ActivityContent, 'source' | 'sourceId' | 'personId' | 'day' | 'type' | 'quarterId' | 'contentHash' | 'sourceUpdatedAt' | 'versionAt'> & GroupFacts & { appealOverride?: { appealId?: string } };

/**
 * Bulk writes of activities, idempotent on (source, sourceId). New records go in with one insertMany
 * (the fast path a fresh import or a new page takes); the duplicates that bounce off the unique index are
 * then compared by content hash and updated only if the source really changed and is not older.
 */
export class ActivityStore {
  constructor(
    private readonly m: Pick<Models, 'Activity'>,
    private readonly now: () => Date,
  ) {}

  /** `journal` (a CSV import): inserts are tagged with its id, and records about to be updated are handed to it first. */
  async write(batch: readonly PreparedActivity[], reevaluate: (doc: PreparedActivity & GroupFacts & { appealOverride?: { appealId?: string } }) => Verdict, journal?: WriteJournal): Promise<WriteResult> {
    const result: WriteResult = { created: 0, updated: 0, unchanged: 0, stale: 0, touched: [] };
    if (batch.length === 0) return result;
    const unique = dedupeLastWins(batch);
    const at = this.now();
    // The batch's own objects go in (a copy of each cost ~5 % of a million-row import's CPU): they gain
    // createdAt/updatedAt here and an _id from the driver, both taken off again below for the ones that are updates.
    const docs = unique as Array<PreparedActivity & InsertFields>;
    for (const d of docs) {
      d.createdAt = at;
      d.updatedAt = at;
      if (journal) d.importId = journal.importId;
    }
    const dupIdx = await this.insertNew(docs);
    result.created = unique.length - dupIdx.length;
    const dupSet = new Set(dupIdx);
    unique.forEach((d, i) => {
      if (!dupSet.has(i)) result.touched.push(touchOf(d));
    });
    if (dupIdx.length === 0) return result;

    const dups = dupIdx.map((i) => withoutInsertFields(docs[i]!));
    const existing = await this.existing(dups);
    const ops: AnyBulkWriteOperation<Document>[] = [];
    const changed: PreparedActivity[] = [];
    for (const d of dups) {
      const old = existing.get(`${d.source}\u0000${d.sourceId}`);
      if (!old) throw new Error(`activity ${d.source}:${d.sourceId} was reported as duplicate but is not stored`);
      const newV = d.versionAt;
      if (old.contentHash === d.contentHash) {
        result.unchanged++;
        // Remember the newer version even though nothing changed, so a replay of anything older stays stale.
        if (newV && (!old.versionAt || old.versionAt.getTime() < newV.getTime())) {
          ops.push({ updateOne: { filter: { source: d.source, sourceId: d.sourceId, ...notNewerThan('versionAt', newV) }, update: { $set: { versionAt: newV } } } });
          changed.push(d);
        }
        continue;
      }
      if (isOlder(d, old)) {
        result.stale++;
        continue;
      }
      const group: GroupFacts = {
        ...(old.matchGroup ? { matchGroup: old.matchGroup } : {}),
        ...(old.mergedInto?.source ? { mergedInto: old.mergedInto } : {}),
        ...(old.evidence ? { evidence: old.evidence } : {}),
      };
      // An accepted appeal is not source content: the new version is judged with it (and the $set keeps it).
      const verdict = reevaluate({ ...d, ...group, ...(old.appealOverride?.appealId ? { appealOverride: old.appealOverride } : {}) });
      const { unset, set } = splitUnset({ ...d, counted: verdict.counted, reasons: verdict.reasons, updatedAt: at });
      // The filter repeats the staleness guard so a concurrent newer write is never overwritten.
      const filter: Document = { source: d.source, sourceId: d.sourceId };
      if (d.sourceUpdatedAt) Object.assign(filter, notNewerThan('sourceUpdatedAt', d.sourceUpdatedAt));
      else if (newV) filter.$or = [...(notNewerThan('versionAt', newV).$or as Document[]), { sourceUpdatedAt: { $gt: new Date(0) } }];
      ops.push({ updateOne: { filter, update: { $set: set, ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [k, ''])) } : {}) } } });
      changed.push(d);
      result.updated++;
      // The old position was in a match group: that group must be looked at again wherever it was.
      result.touched.push({ ...touchOf(old), ...(old.matchGroup ? { grouped: true } : {}) }, { ...touchOf(d), ...(old.matchGroup ? { grouped: true } : {}) });
    }
    if (ops.length && journal) await journal.keepOld('activities', await this.fullDocs(changed));
    if (ops.length) await this.m.Activity.collection.bulkWrite(ops, { ordered: false });
    return result;
  }

  /** Inserts; returns the batch indexes that already existed. */
  private async insertNew(docs: Document[]): Promise<number[]> {
    try {
      await this.m.Activity.collection.insertMany(docs, { ordered: false });
      return [];
    } catch (err) {
      if (!(err instanceof MongoBulkWriteError)) throw err;
      const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      const other = errors.find((e) => e.code !== 11000);
      if (other) throw err;
      // Count from writeErrors, not insertedCount: the local server misreports the latter (database-compat.md).
      return errors.map((e) => e.index);
    }
  }

  /** The stored documents, whole (what an import's rollback puts back). */
  private async fullDocs(docs: readonly PreparedActivity[]): Promise<Document[]> {
    const out: Document[] = [];
    for (const [source, ids] of bySourceOf(docs)) out.push(...(await this.m.Activity.collection.find({ source, sourceId: { $in: ids } }).toArray()));
    return out;
  }

  private async existing(docs: readonly PreparedActivity[]): Promise<Map<string, Existing>> {
    const out = new Map<string, Existing>();
    for (const [source, ids] of bySourceOf(docs)) {
      const rows = await this.m.Activity.collection
        .find(
          { source, sourceId: { $in: ids } },
          { projection: { source: 1, sourceId: 1, personId: 1, day: 1, type: 1, quarterId: 1, contentHash: 1, sourceUpdatedAt: 1, versionAt: 1, matchGroup: 1, mergedInto: 1, evidence: 1, appealOverride: 1 } },
        )
        .toArray();
      for (const r of rows) out.set(`${String(r.source)}\u0000${String(r.sourceId)}`, r as unknown as Existing);
    }
    return out;
  }
}

function bySourceOf(docs: readonly PreparedActivity[]): Map<string, string[]> {
  const bySource = new Map<string, string[]>();
  for (const d of docs) {
    const ids = bySource.get(d.source);
    if (ids) ids.push(d.sourceId);
    else bySource.set(d.source, [d.sourceId]);
  }
  return bySource;
}

/** What an insert adds to a record: not part of an update's $set (an update keeps the import id of the insert). */
interface InsertFields {
  _id?: unknown;
  createdAt?: Date;
  updatedAt?: Date;
  importId?: string;
}

function withoutInsertFields(d: PreparedActivity & InsertFields): PreparedActivity {
  const { _id: _i, createdAt: _c, updatedAt: _u, importId: _m, ...rest } = d;
  return rest;
}

/** Within one batch the same record may appear twice (an edit right after the create): keep the last. */
function dedupeLastWins(batch: readonly PreparedActivity[]): PreparedActivity[] {
  const seen = new Map<string, PreparedActivity>();
  for (const d of batch) {
    const k = `${d.source}\u0000${d.sourceId}`;
    seen.delete(k);
    seen.set(k, d);
  }
  return [...seen.values()];
}

/**
 * Whether `d` is an older version than what is stored: by the source's modification time when both have one,
 * else by the signed time of the requests that carried them (webhook records without updatedAt); a mix of
 * the two can't be ordered, so arrival order decides.
 */
function isOlder(d: PreparedActivity, old: Existing): boolean {
  if (d.sourceUpdatedAt && old.sourceUpdatedAt) return old.sourceUpdatedAt.getTime() > d.sourceUpdatedAt.getTime();
  if (!d.sourceUpdatedAt && !old.sourceUpdatedAt && d.versionAt && old.versionAt) return old.versionAt.getTime() > d.versionAt.getTime();
  return false;
}

/** Filter: the stored field is absent or not newer than `v` (the staleness guard, repeated in the write). */
function notNewerThan(field: 'versionAt' | 'sourceUpdatedAt', v: Date): Document {
  return { $or: [{ [field]: { $lte: v } }, { [field]: { $exists: false } }, { [field]: null }] };
}

function touchOf(d: Pick<ActivityContent, 'personId' | 'day' | 'type' | 'quarterId' | 'source'>) {
  return { personId: d.personId, day: d.day, type: d.type, quarterId: d.quarterId, source: d.source };
}

/** Optional fields the new version lacks must be removed, or an edit could never clear them. */
const OPTIONAL = ['accountId', 'accountName', 'customerKey', 'customerLocation', 'endAt', 'durationMin', 'location', 'completed', 'deleted', 'sourceUpdatedAt'] as const;

function splitUnset(doc: Record<string, unknown>): { set: Record<string, unknown>; unset: string[] } {
  const unset = OPTIONAL.filter((k) => doc[k] === undefined);
  const set = Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));
  return { set, unset: [...unset] };
}
