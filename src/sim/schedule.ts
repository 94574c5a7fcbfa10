/**
 * When would a recurring job have run? Pure: the simulator asks this for the span its clock jumped over.
 * Jobs are declared with Agenda's `every` interval: a cron expression (read in the job's time zone) or a
 * plain interval ("30 minutes", "1 day", or milliseconds).
 */
import { CronExpressionParser } from 'cron-parser';

export interface RecurringJob {
  name: string;
  interval: string;
  timezone: string;
}

export interface DueRuns {
  /** How many scheduled runs fell in (from, to]. */
  count: number;
  /** The earliest and the latest of them (undefined when count is 0). */
  first: Date | undefined;
  last: Date | undefined;
}

const UNITS_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  second: 1000,
  sec: 1000,
  minute: 60_000,
  min: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/** "30 minutes", "2 hours", "1 day", "15000" → ms; undefined for anything else (cron, prose). */
export function intervalMs(interval: string): number | undefined {
  const t = interval.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+?)s?$/.exec(t);
  if (!m) return undefined;
  const unit = UNITS_MS[m[2]!];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

/**
 * Scheduled runs of `job` in the half-open span (from, to]: a run exactly at `to` is due (jumping to
 * Friday 17:00 runs the Friday 17:00 job), one exactly at `from` already happened. Plain intervals count
 * from `from`, as if the job had just run (Agenda anchors them at the last run, which we don't model).
 * Counting stops at `cap`; the simulator runs each due job once anyway.
 */
export function dueRuns(job: RecurringJob, from: Date, to: Date, cap = 1000): DueRuns {
  const none: DueRuns = { count: 0, first: undefined, last: undefined };
  if (to.getTime() <= from.getTime()) return none;
  const every = intervalMs(job.interval);
  if (every !== undefined) {
    if (every <= 0) return none;
    const count = Math.min(cap, Math.floor((to.getTime() - from.getTime()) / every));
    if (count === 0) return none;
    return { count, first: new Date(from.getTime() + every), last: new Date(from.getTime() + count * every) };
  }
  const expr = CronExpressionParser.parse(job.interval, { currentDate: from, endDate: to, tz: job.timezone });
  let count = 0;
  let first: Date | undefined;
  let last: Date | undefined;
  while (count < cap && expr.hasNext()) {
    const at = expr.next().toDate();
    if (at.getTime() <= from.getTime()) continue;
    if (at.getTime() > to.getTime()) break;
    count++;
    first ??= at;
    last = at;
  }
  return { count, first, last };
}

/** Throws if Agenda could not schedule this interval either (so a typo fails at start, not at a jump). */
export function assertSchedulable(job: RecurringJob): void {
  if (intervalMs(job.interval) !== undefined) return;
  CronExpressionParser.parse(job.interval, { tz: job.timezone });
}
