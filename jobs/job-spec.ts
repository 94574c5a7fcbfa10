import type { Job } from 'agenda';

/** One Agenda job: its name, options, schedule and handler. Jobs stay thin; services do the work. */
export interface JobSpec<D = unknown> {
  name: string;
  /** Agenda `every` interval (human interval or cron) and the time zone cron times are read in. */
  every?: { interval: string; timezone?: string };
  concurrency?: number;
  lockLifetimeMs?: number;
  handler: (job: Job<D>) => Promise<void>;
  /**
   * Local mode only (the simulator's time travel): the instants in (from, to] at which this job must see
   * the clock, each its own run — e.g. every Friday report time, so jumping over three Fridays sends three
   * weeks' reports as a service that was running would have. Without it a job that fell due several times
   * runs once, at the end of the jump.
   */
  catchUp?: {
    stops(from: Date, to: Date): Promise<Date[]>;
    /** Waits for the work the run at `at` started and says what it did ("第47周：发出 60 张卡片"). */
    settle(at: Date): Promise<string>;
  };
}
