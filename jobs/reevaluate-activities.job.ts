import type { Reevaluator, ReevaluationResult } from '../src/services/activity/reevaluator.js';
import type { Clock } from '../src/clock.js';
import { quarterOf } from '../src/domain/time/calendar.js';
import type { Logger } from '../src/logger.js';
import type { JobSpec } from './job-spec.js';

export interface ReevaluateData {
  quarterId?: string;
  /** Who changed the rules: told when the quarter has been judged again. */
  notifyUserId?: string;
}

export const REEVALUATE_JOB = 'reevaluate-activities';

/**
 * Judges a quarter's activities again: queued when HR changes a rule (or a batch was judged with rules
 * that changed meanwhile), and nightly for the current quarter as a safety net.
 */
export function reevaluateActivitiesJob(deps: {
  reevaluator: Reevaluator;
  clock: Clock;
  zone: string;
  logger: Logger;
  notify: (userId: string, result: ReevaluationResult) => Promise<void>;
}): JobSpec<ReevaluateData> {
  return {
    name: REEVALUATE_JOB,
    every: { interval: '40 2 * * *' },
    concurrency: 1,
    lockLifetimeMs: 30 * 60_000,
    handler: async (job) => {
      const data = job.attrs.data ?? {};
      const quarterId = data.quarterId ?? quarterOf(deps.clock.now(), deps.zone).id;
      const result = await deps.reevaluator.quarter(quarterId, () => void job.touch().catch(() => undefined));
      deps.logger.info({ result }, 'reevaluate-activities: done');
      if (data.notifyUserId) await deps.notify(data.notifyUserId, result);
    },
  };
}
