import type { ReportRunner } from '../src/services/weekly-report/report-runner.js';
import type { JobSpec } from './job-spec.js';

/**
 * The weekly activity health report. Runs every `tickSeconds` (default a minute) rather than as a Friday
 * cron: the runner compares the injected clock with each quarter's schedule (which HR can change in chat,
 * and which the simulator can jump to), resumes runs a dead instance left, and retries failed sends.
 * The tick only starts work; the fan-out runs in the background under its own lease.
 */
export function weeklyReportJob(deps: { runner: ReportRunner; tickSeconds: number }): JobSpec {
  return {
    name: 'weekly-report',
    every: { interval: `${deps.tickSeconds} seconds` },
    concurrency: 1,
    // A tick takes milliseconds; a short lock means a tick locked by an instance that was killed is picked
    // up again soon (Agenda waits out the lock before running the job anywhere else).
    lockLifetimeMs: Math.max(10_000, 2 * deps.tickSeconds * 1000),
    handler: () => deps.runner.tick(),
    catchUp: { stops: (from, to) => deps.runner.reportTimesBetween(from, to), settle: (at) => deps.runner.settleReportAt(at) },
  };
}
