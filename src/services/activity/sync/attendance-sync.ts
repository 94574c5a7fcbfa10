import { DateTime } from 'luxon';
import { ATTENDANCE_LIMITS, type FieldWorkApi } from '../../../adapters/dingtalk/field-work-api.js';
import type { SyncCursorStore } from '../../../adapters/mongo/sync-cursor-store.js';
import type { Clock } from '../../../clock.js';
import { attendanceToActivity } from '../../../domain/activity/dingtalk-records.js';
import type { ActivityInput } from '../../../domain/activity/types.js';
import type { Logger } from '../../../logger.js';
import type { ActivityMetrics } from '../activity-metrics.js';
import type { ActivityIngest } from '../ingest.js';
import { addStats, emptyStats, recordRun, type RunControl, type SyncStats } from './sync-types.js';

export const ATTENDANCE_CURSOR = 'dingtalk:attendance';

/**
 * Work dates before `nextDate` are stored. Inside a window, users up to `afterUserId` are done and the
 * batch `batch` continues at `offset`.
 */
export interface AttendanceCursor {
  nextDate: string;
  window?: { from: string; to: string };
  afterUserId?: string;
  batch?: string[];
  offset?: number;
}

export interface AttendanceSyncDeps {
  api: FieldWorkApi;
  ingest: ActivityIngest;
  cursors: SyncCursorStore;
  people: () => Promise<string[]>;
  clock: Clock;
  zone: string;
  backfillFrom: Date;
  metrics: ActivityMetrics;
  logger: Logger;
}

const DAY = 'yyyy-MM-dd';

/**
 * 考勤 punch results → attendance records, by work date: 7 days, 50 users and 50 results a page. Each
 * run reads yesterday and today again: a result changes when someone punches late or an approval lands.
 */
export class AttendanceSync {
  constructor(private readonly d: AttendanceSyncDeps) {}

  /** One run; its outcome is recorded on the cursor document (last run, last success, last error). */
  async run(ctl: RunControl = {}): Promise<SyncStats> {
    return recordRun(this.d.cursors, ATTENDANCE_CURSOR, () => this.runOnce(ctl));
  }

  private async runOnce(ctl: RunControl): Promise<SyncStats> {
    const stats = emptyStats();
    const started = Date.now();
    const budget = ctl.budgetMs ?? 240_000;
    const today = DateTime.fromJSDate(this.d.clock.now(), { zone: this.d.zone }).startOf('day');
    const first = DateTime.fromJSDate(this.d.backfillFrom, { zone: this.d.zone }).toFormat(DAY);
    let state: AttendanceCursor = (await this.d.cursors.load<AttendanceCursor>(ATTENDANCE_CURSOR)) ?? { nextDate: first };
    const users = [...new Set(await this.d.people())].sort();
    if (users.length === 0) {
      this.d.logger.warn('attendance sync: no people in the directory yet (org sync has not run)');
      return stats;
    }
    const day = (s: string) => DateTime.fromFormat(s, DAY, { zone: this.d.zone });
    let from = state.window ? day(state.window.from) : DateTime.max(day(first), day(state.nextDate).minus({ days: 2 }));
    while (from <= today) {
      const window = state.window ?? { from: from.toFormat(DAY), to: DateTime.min(from.plus({ days: ATTENDANCE_LIMITS.maxSpanDays - 1 }), today).toFormat(DAY) };
      const resumed = state.batch && state.offset !== undefined ? state.batch : undefined;
      const after = resumed?.at(-1) ?? state.afterUserId;
      const todo = users.filter((u) => after === undefined || u > after);
      const batches = [...(resumed ? [resumed] : [])];
      for (let i = 0; i < todo.length; i += ATTENDANCE_LIMITS.maxUsers) batches.push(todo.slice(i, i + ATTENDANCE_LIMITS.maxUsers));
      for (const batch of batches) {
        let offset = batch === resumed ? state.offset! : 0;
        for (let more = true; more; ) {
          const page = await this.d.api.attendance({ userIds: batch, from: `${window.from} 00:00:00`, to: `${window.to} 00:00:00`, offset });
          const inputs = page.records.map(attendanceToActivity).filter((a): a is ActivityInput => a !== undefined);
          addStats(stats, await this.d.ingest.ingest(inputs, { reconcile: 'inline' }));
          stats.pages++;
          stats.records += page.records.length;
          more = page.hasMore && page.records.length > 0;
          offset += page.records.length;
          if (more) {
            state = { ...state, window, batch, offset };
            await this.d.cursors.save(ATTENDANCE_CURSOR, state);
          }
          await ctl.heartbeat?.();
        }
        state = { nextDate: state.nextDate, window, afterUserId: batch.at(-1)! };
        await this.d.cursors.save(ATTENDANCE_CURSOR, state);
      }
      const next = day(window.to).plus({ days: 1 });
      state = { nextDate: next.toFormat(DAY) };
      await this.d.cursors.save(ATTENDANCE_CURSOR, state);
      this.d.metrics.syncLag.set({ connector: ATTENDANCE_CURSOR }, Math.max(0, (this.d.clock.now().getTime() - next.toMillis()) / 1000));
      from = next;
      if (Date.now() - started > budget) {
        stats.more = from <= today;
        break;
      }
    }
    return stats;
  }
}
