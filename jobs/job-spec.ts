import type { Job } from 'agenda';

/** One Agenda job: its name, options, schedule and handler. Jobs stay thin; services do the work. */
export interface JobSpec<D = unknown> {
  name: string;
  /** Agenda `every` interval (human interval or cron) and the time zone cron times are read in. */
  every?: { interval: string; timezone?: string };
  concurrency?: number;
  lockLifetimeMs?: number;
  handler: (job: Job<D>) => Promise<void>;
}
