import type { SalesforceSync } from '../src/activity/sync/salesforce-sync.js';
import type { Logger } from '../src/logger.js';
import type { JobSpec } from './job-spec.js';

/** Pulls Salesforce accounts, opportunities, events and tasks changed since the stored cursor. */
export function syncSalesforceJob(deps: { sync: SalesforceSync; every: string | undefined; logger: Logger }): JobSpec {
  return {
    name: 'sync-salesforce',
    ...(deps.every ? { every: { interval: deps.every } } : {}),
    concurrency: 1,
    // A run stops itself after 4 minutes (and heartbeats per page); the lock outlives that comfortably.
    lockLifetimeMs: 10 * 60_000,
    handler: async (job) => {
      const stats = await deps.sync.run({ heartbeat: () => job.touch() });
      deps.logger.info({ stats }, 'sync-salesforce: done');
    },
  };
}
