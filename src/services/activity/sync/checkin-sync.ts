import { CHECKIN_LIMITS, type FieldWorkApi } from '../../../adapters/dingtalk/field-work-api.js';
import type { SyncCursorStore } from '../../../adapters/mongo/sync-cursor-store.js';
import type { Clock } from '../../../clock.js';
import { checkinToActivity } from '../../../domain/activity/dingtalk-records.js';
import type { ActivityInput } from '../../../domain/activity/types.js';
import type { Logger } from '../../../logger.js';
import type { ActivityMetrics } from '../activity-metrics.js';
import type { ActivityIngest } from '../ingest.js';
import { addStats, emptyStats, recordRun, type RunControl, type SyncStats } from './sync-types.js';

export const CHECKIN_CURSOR = 'dingtalk:checkin';

/**
 * Where the check-in sync stands. `watermark`: everything before it is stored. Inside a window, the
 * users up to `afterUserId` are done and `pageCursor` is the next page of the batch after them — so a
 * crash mid-page resumes at that page, not at the start.
 */
export interface CheckinCursor {
  watermark: number;
  window?: { from: number; to: number };
  afterUserId?: string;
  /** The batch being paged and its next page: resumed as is, even if the directory changed meanwhile. */
  batch?: string[];
  pageCursor?: number;
}

export interface CheckinSyncDeps {
  api: FieldWorkApi;
  ingest: ActivityIngest;
  cursors: SyncCursorStore;
  /** Active people's DingTalk userids (the org directory). */
  people: () => Promise<string[]>;
  clock: Clock;
  /** First run starts here (ACTIVITY_BACKFILL_FROM). */
  backfillFrom: Date;
  metrics: ActivityMetrics;
  logger: Logger;
  /** Each run reads this far back again: late submissions and edits (default 1 hour). */
  overlapMs?: number;
}

/** 签到 → activities, incrementally by time window, 10 users and 100 records a page, as the API allows. */
export class CheckinSync {
  constructor(private readonly d: CheckinSyncDeps) {}

  /** One run; its outcome is recorded on the cursor document (last run, last success, last error). */
  async run(ctl: RunControl = {}): Promise<SyncStats> {
    return recordRun(this.d.cursors, CHECKIN_CURSOR, () => this.runOnce(ctl));
  }

  private async runOnce(ctl: RunControl): Promise<SyncStats> {
    const stats = emptyStats();
    const started = Date.now();
    const budget = ctl.budgetMs ?? 240_000;
    // Records of the last minute may still be in flight at DingTalk; they are read next time.
    const end = this.d.clock.now().getTime() - 60_000;
    let state: CheckinCursor = (await this.d.cursors.load<CheckinCursor>(CHECKIN_CURSOR)) ?? { watermark: this.d.backfillFrom.getTime() };
    const users = [...new Set(await this.d.people())].sort();
    if (users.length === 0) {
      this.d.logger.warn('check-in sync: no people in the directory yet (org sync has not run)');
      return stats;
    }
    let from = state.window?.from ?? Math.max(this.d.backfillFrom.getTime(), state.watermark - (this.d.overlapMs ?? 3_600_000));
    while (from < end) {
      const window = state.window ?? { from, to: Math.min(from + CHECKIN_LIMITS.maxSpanMsMultiUser, end) };
      const resumed = state.batch && state.pageCursor !== undefined ? state.batch : undefined;
      const after = resumed?.at(-1) ?? state.afterUserId;
      const todo = users.filter((u) => after === undefined || u > after);
      const batches = [...(resumed ? [resumed] : [])];
      for (let i = 0; i < todo.length; i += CHECKIN_LIMITS.maxUsers) batches.push(todo.slice(i, i + CHECKIN_LIMITS.maxUsers));
      for (const batch of batches) {
        let cursor: number | undefined = batch === resumed ? state.pageCursor : 0;
        while (cursor !== undefined) {
          const page = await this.d.api.checkins({ userIds: batch, startMs: window.from, endMs: window.to, cursor });
          const inputs = page.records.map(checkinToActivity).filter((a): a is ActivityInput => a !== undefined);
          addStats(stats, await this.d.ingest.ingest(inputs, { reconcile: 'inline' }));
          stats.pages++;
          stats.records += page.records.length;
          cursor = page.nextCursor;
          if (cursor !== undefined) {
            state = { ...state, window, batch, pageCursor: cursor };
            await this.d.cursors.save(CHECKIN_CURSOR, clean(state));
          }
          await ctl.heartbeat?.();
        }
        state = { window, afterUserId: batch.at(-1)!, watermark: state.watermark };
        await this.d.cursors.save(CHECKIN_CURSOR, clean(state));
      }
      state = { watermark: window.to };
      await this.d.cursors.save(CHECKIN_CURSOR, state);
      this.d.metrics.syncLag.set({ connector: CHECKIN_CURSOR }, Math.max(0, (this.d.clock.now().getTime() - state.watermark) / 1000));
      from = window.to;
      if (Date.now() - started > budget) {
        stats.more = from < end;
        break;
      }
    }
    return stats;
  }
}

function clean(s: CheckinCursor): CheckinCursor {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) as unknown as CheckinCursor;
}
