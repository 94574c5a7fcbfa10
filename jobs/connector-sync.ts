import type { RunControl } from '../src/services/activity/sync/sync-types.js';
import type { Logger } from '../src/logger.js';
import type { JobSpec } from './job-spec.js';

export interface ConnectorSyncDeps {
  sync: { run(ctl: RunControl): Promise<unknown> };
  /** Agenda interval or cron; undefined = the connector is off (defined, never scheduled). */
  every: string | undefined;
  logger: Logger;
}

/**
 * A connector pull as an Agenda job: one at a time, heartbeating the job lock after each stored page. A run
 * stops itself after its time budget (4 minutes), so a 10-minute lock outlives it comfortably.
 */
export function connectorSyncJob(name: string, deps: ConnectorSyncDeps): JobSpec {
  return {
    name,
    ...(deps.every ? { every: { interval: deps.every } } : {}),
    concurrency: 1,
    lockLifetimeMs: 10 * 60_000,
    handler: async (job) => {
      const stats = await deps.sync.run({ heartbeat: () => job.touch() });
      deps.logger.info({ stats }, `${name}: done`);
    },
  };
}
