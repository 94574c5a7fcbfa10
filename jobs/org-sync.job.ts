import type { Logger } from '../src/logger.js';
import type { OrgSync } from '../src/services/org-sync.js';
import type { JobSpec } from './job-spec.js';

/** People and reporting lines from DingTalk, on a schedule (ORG_SYNC_CRON); HR can also run it now (同步组织). */
export function orgSyncJob(deps: { orgSync: OrgSync; cron: string; logger: Logger }): JobSpec {
  return {
    name: 'org-sync',
    every: { interval: deps.cron },
    concurrency: 1,
    // 10k people at a few user/get calls per second take minutes; keep the lock well beyond that.
    lockLifetimeMs: 60 * 60_000,
    handler: async () => {
      const r = await deps.orgSync.run('system');
      deps.logger.info({ users: r.users, managerChanges: r.managerChanges.length, deactivated: r.deactivated.length }, 'org-sync: done');
    },
  };
}
