import type { AttendanceSync } from '../src/activity/sync/attendance-sync.js';
import type { Logger } from '../src/logger.js';
import type { JobSpec } from './job-spec.js';

/** Pulls DingTalk 考勤 punch results by work date. */
export function syncAttendanceJob(deps: { sync: AttendanceSync; every: string | undefined; logger: Logger }): JobSpec {
  return {
    name: 'sync-dingtalk-attendance',
    ...(deps.every ? { every: { interval: deps.every } } : {}),
    concurrency: 1,
    lockLifetimeMs: 10 * 60_000,
    handler: async (job) => {
      const stats = await deps.sync.run({ heartbeat: () => job.touch() });
      deps.logger.info({ stats }, 'sync-dingtalk-attendance: done');
    },
  };
}
