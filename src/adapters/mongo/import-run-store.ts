import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Document } from 'mongodb';
import type { Models } from './models/index.js';

export type UndoCollection = 'activities' | 'unmatched_records';

/**
 * What a bulk import tells the stores: tag what you insert with `importId`, and hand over the stored
 * version of anything you are about to change (before changing it), so the import can be taken back.
 */
export interface WriteJournal {
  readonly importId: string;
  keepOld(coll: UndoCollection, docs: readonly Document[]): Promise<void>;
}

export interface RollbackResult {
  importId: string;
  /** Records the import had inserted, deleted again. */
  removed: number;
  /** Records the import had changed, put back as they were. */
  restored: number;
}

/** A live import's heartbeat older than this means its process is gone (it beats every HEARTBEAT_MS). */
export const IMPORT_STALE_MS = 30_000;
export const IMPORT_HEARTBEAT_MS = 5_000;

type Deps = Pick<Models, 'Activity' | 'UnmatchedRecord' | 'ActivityImport' | 'ActivityImportUndo'>;

/**
 * CSV import runs (activity_imports) and their undo journal (activity_import_undo): begin, heartbeat,
 * keep, and roll back — a refused file, a failure, or a run whose process died.
 */
export class ImportRunStore {
  constructor(
    private readonly m: Deps,
    private readonly now: () => Date,
  ) {}

  /**
   * Starts a run. Dead runs (stale heartbeat) are rolled back first; a live one refuses the start, since two
   * imports at once could each change what the other would have to restore.
   */
  async begin(file: string, staleMs = IMPORT_STALE_MS): Promise<{ journal: WriteJournal; recovered: RollbackResult[] }> {
    const recovered = await this.recoverStale(staleMs);
    const live = await this.m.ActivityImport.findOne({ state: { $in: ['running', 'rolling_back'] } }).lean();
    if (live) {
      throw new ImportBusyError(`另一个导入正在进行（${live.file}，${live.startedAt.toISOString()} 开始，主机 ${live.host ?? '?'} 进程 ${live.pid ?? '?'}）：等它结束后再导入`);
    }
    const at = this.now();
    const importId = `imp-${at.getTime().toString(36)}-${randomUUID().slice(0, 8)}`;
    await this.m.ActivityImport.collection.insertOne({ _id: importId as never, file, state: 'running', startedAt: at, heartbeatAt: at, host: hostname(), pid: process.pid });
    // Two imports started together both passed the check above: the one that started first (then by id) goes
    // on, the other steps back before writing anything. Each sees the other's run, so exactly one proceeds.
    const first = await this.m.ActivityImport.findOne({ state: { $in: ['running', 'rolling_back'] } }).sort({ startedAt: 1, _id: 1 }).lean();
    if (first && first._id !== importId) {
      await this.refusedEmpty(importId, `another import started at the same time (${first._id})`);
      throw new ImportBusyError(`另一个导入正在进行（${first.file}，${first.startedAt.toISOString()} 开始，主机 ${first.host ?? '?'} 进程 ${first.pid ?? '?'}）：等它结束后再导入`);
    }
    return { journal: this.journal(importId), recovered };
  }

  /** Still alive. False when someone else has rolled this run back meanwhile (it was taken for dead). */
  async heartbeat(importId: string): Promise<boolean> {
    const r = await this.m.ActivityImport.updateOne({ _id: importId, state: 'running' }, { $set: { heartbeatAt: this.now() } });
    return r.matchedCount === 1;
  }

  /** The import is kept: its undo journal is no longer needed. */
  async stored(importId: string): Promise<void> {
    const r = await this.m.ActivityImport.updateOne({ _id: importId, state: 'running' }, { $set: { state: 'stored', endedAt: this.now() } });
    if (r.matchedCount !== 1) throw new Error(`导入 ${importId} 已被撤销（心跳中断超过 ${IMPORT_STALE_MS / 1000} 秒，被当作已中断）：请重新导入`);
    await this.m.ActivityImportUndo.deleteMany({ importId });
  }

  /**
   * Takes a run back: every record it changed put back as it was, then every record it inserted deleted.
   * Safe to repeat (a crash during a rollback is finished by the next one).
   */
  async rollback(importId: string, reason: string): Promise<RollbackResult> {
    await this.m.ActivityImport.updateOne({ _id: importId }, { $set: { state: 'rolling_back', reason, heartbeatAt: this.now() } });
    let restored = 0;
    // Restored first: a restored record keeps the import id it had before (never this one), so the delete
    // below cannot touch it.
    for (const coll of ['activities', 'unmatched_records'] as const) {
      const target = coll === 'activities' ? this.m.Activity.collection : this.m.UnmatchedRecord.collection;
      const cursor = this.m.ActivityImportUndo.collection.find({ importId, coll }, { projection: { doc: 1 } }).batchSize(500);
      let ops: AnyBulkWriteOperation<Document>[] = [];
      for await (const u of cursor) {
        const doc = u.doc as Document;
        ops.push({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } });
        if (ops.length >= 500) {
          await target.bulkWrite(ops, { ordered: false });
          restored += ops.length;
          ops = [];
        }
      }
      if (ops.length) await target.bulkWrite(ops, { ordered: false });
      restored += ops.length;
    }
    const removed = (await this.m.Activity.collection.deleteMany({ importId })).deletedCount + (await this.m.UnmatchedRecord.collection.deleteMany({ importId })).deletedCount;
    await this.m.ActivityImportUndo.deleteMany({ importId });
    await this.m.ActivityImport.updateOne({ _id: importId }, { $set: { state: 'rolled_back', endedAt: this.now() } });
    return { importId, removed, restored };
  }

  /** A run refused before it wrote anything (a bad header, a bad row in the first batch): nothing to look for. */
  async refusedEmpty(importId: string, reason: string): Promise<RollbackResult> {
    await this.m.ActivityImport.updateOne({ _id: importId }, { $set: { state: 'rolled_back', reason, endedAt: this.now() } });
    return { importId, removed: 0, restored: 0 };
  }

  /** Rolls back every run whose process stopped beating (crashed, killed, lost its database) before it ended. */
  async recoverStale(staleMs = IMPORT_STALE_MS): Promise<RollbackResult[]> {
    const before = new Date(this.now().getTime() - staleMs);
    const dead = await this.m.ActivityImport.find({ state: { $in: ['running', 'rolling_back'] }, heartbeatAt: { $lt: before } }, { _id: 1 }).lean();
    const out: RollbackResult[] = [];
    for (const d of dead) out.push(await this.rollback(d._id, 'no heartbeat: the importing process ended before the import did'));
    // A run that reached 'stored' but died before dropping its journal (the journal is empty otherwise).
    const journals = (await this.m.ActivityImportUndo.collection.distinct('importId')) as string[];
    const kept = journals.length ? await this.m.ActivityImport.find({ _id: { $in: journals }, state: 'stored' }, { _id: 1 }).lean() : [];
    if (kept.length) await this.m.ActivityImportUndo.deleteMany({ importId: { $in: kept.map((k) => k._id) } });
    return out;
  }

  private journal(importId: string): WriteJournal {
    const undo = this.m.ActivityImportUndo.collection;
    return {
      importId,
      async keepOld(coll, docs) {
        if (docs.length === 0) return;
        try {
          await undo.insertMany(
            docs.map((doc) => ({ importId, coll, key: String(doc._id), doc })),
            { ordered: false },
          );
        } catch (err) {
          // Already kept (the unique key): the first version, from before this import, is the one to restore.
          if (!(err instanceof MongoBulkWriteError)) throw err;
          const errors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
          if (errors.some((e) => e.code !== 11000)) throw err;
        }
      },
    };
  }
}

export class ImportBusyError extends Error {
  override name = 'ImportBusyError';
}
