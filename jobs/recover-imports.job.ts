import type { ActivityCore } from '../src/services/activity/activity-core.js';
import type { Logger } from '../src/logger.js';
import type { JobSpec } from './job-spec.js';

/**
 * Rolls back CSV imports whose process died mid-import (no heartbeat for IMPORT_STALE_MS): their rows are
 * visible while an import runs, and must not stay as a half import until someone imports again. Runs when
 * the service starts (Agenda runs an interval job at once) and every 10 minutes.
 */
export function recoverImportsJob(deps: { core: ActivityCore; logger: Logger }): JobSpec {
  return {
    name: 'recover-imports',
    every: { interval: '10 minutes' },
    concurrency: 1,
    handler: async () => {
      for (const r of await deps.core.imports.recoverStale()) deps.logger.warn(r, 'recover-imports: a CSV import that ended half-way was rolled back');
    },
  };
}
