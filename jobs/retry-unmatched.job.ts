import type { ActivityCore } from '../src/services/activity/activity-core.js';
import type { Logger } from '../src/logger.js';
import type { JobSpec } from './job-spec.js';

/** Tries parked records again: the org sync may have brought the owner's email since. */
export function retryUnmatchedJob(deps: { core: ActivityCore; logger: Logger }): JobSpec {
  return {
    name: 'retry-unmatched',
    every: { interval: '1 hour' },
    concurrency: 1,
    handler: async () => {
      const r = await deps.core.replayUnmatched();
      if (r.stored || r.stillUnmatched) deps.logger.info(r, 'retry-unmatched: done');
    },
  };
}
