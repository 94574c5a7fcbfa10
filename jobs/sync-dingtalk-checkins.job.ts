import type { CheckinSync } from '../src/activity/sync/checkin-sync.js';
import type { Logger } from '../src/logger.js';
import type { JobSpec } from './job-spec.js';

/** Pulls DingTalk 签到 records from the stored window onwards. */
export function syncCheckinsJob(deps: { sync: CheckinSync; every: string | undefined; logger: Logger }): JobSpec {
  return {
    name: 'sync-dingtalk-checkins',
    ...(deps.every ? { every: { interval: deps.every } } : {}),
    concurrency: 1,
    lockLifetimeMs: 10 * 60_000,
    handler: async (job) => {
      const stats = await deps.sync.run({ heartbeat: () => job.touch() });
      deps.logger.info({ stats }, 'sync-dingtalk-checkins: done');
    },
  };
}
