import type { Agenda } from 'agenda';
import type { Logger } from '../src/logger.js';
import type { Metrics } from '../src/metrics.js';
import type { JobSpec } from './job-spec.js';

/**
 * The one place jobs are defined and scheduled. Each run is counted in /metrics; failures are rethrown
 * so Agenda records them on the job.
 */
export async function registerJobs(agenda: Agenda, specs: ReadonlyArray<JobSpec<never>>, deps: { metrics: Metrics; logger: Logger; timeZone: string }): Promise<void> {
  for (const spec of specs) {
    agenda.define(
      spec.name,
      async (job) => {
        const log = deps.logger.child({ job: spec.name });
        try {
          await spec.handler(job as never);
          deps.metrics.jobRuns.inc({ job: spec.name, outcome: 'success' });
        } catch (err) {
          deps.metrics.jobRuns.inc({ job: spec.name, outcome: 'failure' });
          log.error({ err }, 'job failed');
          throw err;
        }
      },
      { concurrency: spec.concurrency ?? 1, ...(spec.lockLifetimeMs ? { lockLifetime: spec.lockLifetimeMs } : {}) },
    );
  }
  // Scheduled one after another: concurrent `every()` upserts of one job could create two documents.
  for (const spec of specs) {
    if (spec.every) await agenda.every(spec.every.interval, spec.name, undefined, { timezone: spec.every.timezone ?? deps.timeZone, skipImmediate: true });
  }
}
