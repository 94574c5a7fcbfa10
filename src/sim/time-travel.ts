/**
 * Moves the simulated clock and runs what would have run meanwhile. Scheduled jobs (written elsewhere:
 * the Friday report, the pre-review pack, …) read `clock.now()`; after a jump, every job whose schedule
 * fell in (old, new] is started through Agenda (`agenda.now`) so it runs the normal way (locking,
 * metrics, the delivery ledger) and sees the new time. Like Agenda after downtime, a job that fell due
 * several times runs once.
 */
import type { Agenda, Job } from 'agenda';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { assertSchedulable, dueRuns, type RecurringJob } from './schedule.js';

/** A clock the simulator can move (OffsetClock). */
export interface MovableClock extends Clock {
  set(to: Date): void;
  reset(): void;
}

export function isMovable(clock: Clock): clock is MovableClock {
  const c = clock as Partial<MovableClock>;
  return typeof c.set === 'function' && typeof c.reset === 'function';
}

export interface JobRun {
  name: string;
  /** Scheduled runs that fell in the jumped span. */
  dueCount: number;
  lastDue: string;
  outcome: 'success' | 'failed' | 'still-running';
  error?: string;
  ms: number;
}

export interface JumpReport {
  from: string;
  to: string;
  ran: JobRun[];
}

type AgendaLike = Pick<Agenda, 'now' | 'on' | 'off'>;

export class TimeTravel {
  private busy = false;
  private readonly jobs: RecurringJob[];

  constructor(
    private readonly deps: {
      clock: MovableClock;
      agenda: AgendaLike;
      /** The service's recurring jobs (JobSpec name + every.interval + timezone). */
      jobs: ReadonlyArray<RecurringJob>;
      logger: Logger;
      /** How long to wait for the started jobs before answering (they keep running after). */
      waitMs?: number;
      /** Runs after the clock moved forward and before the jobs that fell due (the demo company's activity meanwhile). */
      beforeJobs?: (from: Date, to: Date) => Promise<void>;
    },
  ) {
    for (const j of deps.jobs) assertSchedulable(j);
    this.jobs = [...deps.jobs];
  }

  get clock(): MovableClock {
    return this.deps.clock;
  }

  /** Moves the clock to `to`; if that is forward, runs what fell due and waits for it (bounded). */
  async jumpTo(to: Date): Promise<JumpReport> {
    if (this.busy) throw new TimeTravelBusyError();
    this.busy = true;
    try {
      const from = this.deps.clock.now();
      this.deps.clock.set(to);
      if (to > from && this.deps.beforeJobs) await this.deps.beforeJobs(from, to);
      const due = this.jobs.map((job) => ({ job, runs: dueRuns(job, from, to) })).filter((d) => d.runs.count > 0);
      this.deps.logger.info({ from, to, due: due.map((d) => `${d.job.name}×${d.runs.count}`) }, 'simulator: clock moved');
      const ran = await Promise.all(due.map((d) => this.runNow(d.job.name, d.runs.count, d.runs.last!)));
      return { from: from.toISOString(), to: to.toISOString(), ran };
    } finally {
      this.busy = false;
    }
  }

  /** Back to real time; nothing runs (time never runs backwards for jobs). */
  reset(): void {
    this.deps.clock.reset();
  }

  private async runNow(name: string, dueCount: number, lastDue: Date): Promise<JobRun> {
    const t0 = performance.now();
    const base = { name, dueCount, lastDue: lastDue.toISOString() };
    let job: Job | undefined;
    // Listen before starting it, so a fast job can't finish unseen.
    const settled = new Promise<{ outcome: JobRun['outcome']; error?: string }>((resolve) => {
      const mine = (j: Job) => job !== undefined && String(j.attrs._id) === String(job.attrs._id);
      const onSuccess = (j: Job) => {
        if (!mine(j)) return;
        done();
        resolve({ outcome: 'success' });
      };
      const onFail = (err: Error, j: Job) => {
        if (!mine(j)) return;
        done();
        resolve({ outcome: 'failed', error: err.message });
      };
      const timer = setTimeout(() => {
        done();
        resolve({ outcome: 'still-running' });
      }, this.deps.waitMs ?? 60_000);
      const done = () => {
        clearTimeout(timer);
        this.deps.agenda.off(`success:${name}`, onSuccess);
        this.deps.agenda.off(`fail:${name}`, onFail);
      };
      this.deps.agenda.on(`success:${name}`, onSuccess);
      this.deps.agenda.on(`fail:${name}`, onFail);
    });
    // The recurring jobs are scheduled without data (registerJobs), so the catch-up run has none either.
    job = await this.deps.agenda.now(name);
    const r = await settled;
    return { ...base, ...r, ms: Math.round(performance.now() - t0) };
  }
}

export class TimeTravelBusyError extends Error {
  constructor() {
    super('the clock is already moving; wait for the jobs of the last jump');
    this.name = 'TimeTravelBusyError';
  }
}
