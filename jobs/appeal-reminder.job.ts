import type { Logger } from '../src/logger.js';
import type { AppealService } from '../src/services/appeals/appeal-service.js';
import type { JobSpec } from './job-spec.js';

/**
 * Hourly: reminds a manager once about an appeal undecided for 2 working days, and sends approval cards
 * that did not go out when the appeal was opened. Hourly is enough: a reminder is about days.
 */
export function appealReminderJob(deps: { appeals: AppealService; logger: Logger }): JobSpec {
  return {
    name: 'appeal-reminder',
    every: { interval: '5 * * * *' },
    concurrency: 1,
    handler: async () => {
      const r = await deps.appeals.remindOverdue();
      if (r.reminded || r.resent) deps.logger.info(r, 'appeal-reminder: done');
    },
  };
}
