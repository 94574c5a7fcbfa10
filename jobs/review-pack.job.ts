import type { ReviewPackService } from '../src/services/review-pack/review-pack-service.js';
import { TEAM_JOB } from '../src/services/review-pack/review-pack-service.js';
import type { JobSpec } from './job-spec.js';

/**
 * The pre-review pack. `review-pack-team` is one Agenda job per team and quarter, planned at T−72h before
 * the team's review and re-planned when that time moves. `review-pack` ticks every minute: it plans new
 * teams and quarters, and delivers what is due by the injected clock (after downtime, or when the
 * simulator moves time). Both deliver through the ledger, so a team gets its pack once.
 */
export function reviewPackJobs(deps: { service: ReviewPackService; tickSeconds: number }): [JobSpec, JobSpec<{ quarterId: string; managerId: string }>] {
  return [
    {
      name: 'review-pack',
      every: { interval: `${deps.tickSeconds} seconds` },
      concurrency: 1,
      lockLifetimeMs: 10 * 60_000,
      handler: () => deps.service.tick(),
    },
    {
      name: TEAM_JOB,
      concurrency: 2,
      lockLifetimeMs: 10 * 60_000,
      handler: async (job) => {
        const { quarterId, managerId } = job.attrs.data ?? ({} as { quarterId?: string; managerId?: string });
        if (quarterId && managerId) await deps.service.runTeamJob(quarterId, managerId);
      },
    },
  ];
}
