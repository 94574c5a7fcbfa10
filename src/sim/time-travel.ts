/**
 * Moves the simulated clock and runs what would have run meanwhile. Scheduled jobs (written elsewhere:
 * the Friday report, the pre-review pack, …) read `clock.now()`; after a jump, every job whose schedule
 * fell in (old, new] is started through Agenda (`agenda.now`) so it runs the normal way (locking,
 * metrics, the delivery ledger) and sees the new time. A job that fell due several times runs once —
 * except a job with `catchUp` (the Friday report): the clock stops at each of its times in the span, every
 * job due by then runs there, and the catch-up job's work is waited for and described, so jumping over
 * three Fridays sends three weeks' reports, as a service that was running would have.
 */
import type { Agenda, Job } from 'agenda';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { assertSchedulable, dueRuns, type RecurringJob as ScheduleOnly } from './schedule.js';

/** A recurring job as time travel sees it: its schedule and, optionally, the instants it must stop at. */
export interface RecurringJob extends ScheduleOnly {
  catchUp?: { stops(from: Date, to: Date): Promise<Date[]>; settle(at: Date): Promise<string> };
}

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
  /** The simulated time the job ran at (a stop of the jump, or its end). */
  at: string;
  /** success = the job's run finished (for the Friday report's tick: it started the week's sends; `note` says what was sent). */
  outcome: 'success' | 'failed' | 'still-running';
  error?: string;
  /** What a catch-up job's run did, in words (e.g. "第47周周报：已发送，60 张新发出"). */
  note?: string;
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
      const stops = new Map<number, RecurringJob[]>();
      for (const job of this.jobs.filter((j) => j.catchUp)) {
        for (const at of await job.catchUp!.stops(from, to)) stops.set(at.getTime(), [...(stops.get(at.getTime()) ?? []), job]);
      }
      const ran: JobRun[] = [];
      let prev = from;
      for (const ms of [...stops.keys()].sort((a, b) => a - b)) {
        ran.push(...(await this.stopAt(prev, new Date(ms), stops.get(ms)!)));
        prev = new Date(ms);
      }
      ran.push(...(await this.stopAt(prev, to, [])));
      this.deps.logger.info({ from, to, ran: ran.map((r) => `${r.name}@${r.at}:${r.outcome}`) }, 'simulator: clock moved');
      return { from: from.toISOString(), to: to.toISOString(), ran };
    } finally {
      this.busy = false;
    }
  }

  /** Sets the clock to `at` and runs every job due in (prev, at] once, and `forced` (catch-up) jobs in any case. */
  private async stopAt(prev: Date, at: Date, forced: readonly RecurringJob[]): Promise<JobRun[]> {
    this.deps.clock.set(at);
    const due = this.jobs.map((job) => ({ job, runs: dueRuns(job, prev, at) })).filter((d) => d.runs.count > 0 || forced.includes(d.job));
    const ran = await Promise.all(due.map((d) => this.runNow(d.job.name, Math.max(1, d.runs.count), d.runs.last ?? at, at)));
    for (const job of forced) {
      const r = ran.find((x) => x.name === job.name);
      if (r && r.outcome === 'success') r.note = await job.catchUp!.settle(at);
    }
    return ran;
  }

  /** Back to real time; nothing runs (time never runs backwards for jobs). */
  reset(): void {
    this.deps.clock.reset();
  }

  private async runNow(name: string, dueCount: number, lastDue: Date, at: Date): Promise<JobRun> {
    const t0 = performance.now();
    const base = { name, dueCount, lastDue: lastDue.toISOString(), at: at.toISOString() };
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
