import type { SyncCursorStore } from '../../../adapters/mongo/sync-cursor-store.js';

/** What a connector run reports (logged, stored on its cursor, returned to tests). */
export interface SyncStats {
  pages: number;
  records: number;
  created: number;
  updated: number;
  unchanged: number;
  parked: number;
  /** The run stopped at its time budget; the next run continues from the stored position. */
  more: boolean;
}

export const emptyStats = (): SyncStats => ({ pages: 0, records: 0, created: 0, updated: 0, unchanged: 0, parked: 0, more: false });

export function addStats(s: SyncStats, r: { created?: number; updated?: number; unchanged?: number; parked?: number; written?: number }): void {
  s.created += r.created ?? 0;
  s.updated += (r.updated ?? 0) + (r.written ?? 0);
  s.unchanged += r.unchanged ?? 0;
  s.parked += r.parked ?? 0;
}

export interface RunControl {
  /** Called after each durably stored page (Agenda's job.touch keeps the lock alive). */
  heartbeat?: () => Promise<void>;
  /** Stop after this long and leave the rest to the next run (default 4 minutes). */
  budgetMs?: number;
}

/**
 * Runs one sync and records its outcome on the cursor document (last run, last success, last error), then
 * returns its stats or rethrows its error. Recording a failure is best effort: the run's error is the one
 * that matters.
 */
export async function recordRun(cursors: Pick<SyncCursorStore, 'runFinished'>, cursorId: string, run: () => Promise<SyncStats>): Promise<SyncStats> {
  try {
    const stats = await run();
    await cursors.runFinished(cursorId, { ok: true, stats: { ...stats, more: Number(stats.more) } });
    return stats;
  } catch (err) {
    await cursors.runFinished(cursorId, { ok: false, error: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
    throw err;
  }
}
