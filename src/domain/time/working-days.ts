import { DateTime } from 'luxon';

/**
 * Which days people work. Days are local "YYYY-MM-DD" strings in the company zone, so callers never mix
 * instants and dates. The China calendar (adapters' chinese-days data + HR's company days off) and the
 * plain weekend calendar both fit behind this.
 */
export interface WorkingCalendar {
  isWorkingDay(day: string): boolean;
  /** Why a day is off or on when it is not the plain weekday/weekend rule ("国庆节", "调休上班", "公司假期：…"). */
  note?(day: string): string | undefined;
}

/** Monday–Friday, no holidays: what the system did before the China calendar, and the tests' baseline. */
export const weekendCalendar: WorkingCalendar = {
  isWorkingDay: (day) => DateTime.fromISO(day).weekday <= 5,
};

/** The 7 local days of an ISO week ("2026-W40") in order, Monday first. */
export function daysOfIsoWeek(weekKey: string): string[] {
  const [y, w] = weekKey.split('-W').map(Number) as [number, number];
  const monday = DateTime.fromObject({ weekYear: y, weekNumber: w, weekday: 1 });
  return Array.from({ length: 7 }, (_, i) => monday.plus({ days: i }).toISODate()!);
}

/** Days from `start` (inclusive) to `end` (exclusive), as local date strings. */
export function daysBetween(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = DateTime.fromISO(start); d.toISODate()! < end; d = d.plus({ days: 1 })) out.push(d.toISODate()!);
  return out;
}

export function countWorkingDays(days: readonly string[], cal: WorkingCalendar): number {
  return days.reduce((n, d) => n + (cal.isWorkingDay(d) ? 1 : 0), 0);
}

/**
 * The instant `n` working days after `at`, at the same local time: an appeal opened Friday 17:00 is two
 * working days old on Tuesday 17:00 (Wednesday after a Monday holiday). Days off in between don't count.
 */
export function addWorkingDays(at: Date, n: number, cal: WorkingCalendar, zone: string): Date {
  let d = DateTime.fromJSDate(at, { zone });
  let left = n;
  // Bounded: even Spring Festival plus company days off never spans 60 days without a working day.
  for (let guard = 0; left > 0 && guard < 366; guard++) {
    d = d.plus({ days: 1 });
    if (cal.isWorkingDay(d.toISODate()!)) left--;
  }
  return d.toJSDate();
}

/**
 * The last working day of an ISO week, or null for a week without any (Spring Festival, a company
 * closure): the weekly report goes out that day instead of a Friday that is a holiday.
 */
export function lastWorkingDayOfWeek(weekKey: string, cal: WorkingCalendar): string | null {
  const days = daysOfIsoWeek(weekKey).filter((d) => cal.isWorkingDay(d));
  return days.at(-1) ?? null;
}

/**
 * The pre-review pack time: T−72h from the review, but never on the night of a day off — moved back to the
 * nearest working day before it, at the same local time. Pure; ReviewPackService.planFor calls it
 * with the team's review time and the company calendar (docs/calendar.md).
 */
export function packTimeFor(reviewAt: Date, cal: WorkingCalendar, zone = 'Asia/Shanghai'): Date {
  let d = DateTime.fromJSDate(reviewAt, { zone }).minus({ hours: 72 });
  for (let guard = 0; !cal.isWorkingDay(d.toISODate()!) && guard < 366; guard++) d = d.minus({ days: 1 });
  return d.toJSDate();
}

/**
 * Share of [start, end) elapsed at `at`, counting working days only (the linear pace): a day off adds
 * nothing to what is expected, a 调休 working Saturday adds a full day. Today counts by the hour.
 * Falls back to calendar time for a span without working days.
 */
export function workingShare(start: Date, end: Date, at: Date, cal: WorkingCalendar, zone: string): number {
  if (at.getTime() <= start.getTime()) return 0;
  if (at.getTime() >= end.getTime()) return 1;
  const days = workingDayBounds(start, end, cal, zone);
  const t = at.getTime();
  let elapsed = 0;
  for (let i = 0; i < days.length; i += 2) elapsed += Math.min(1, Math.max(0, (t - days[i]!) / (days[i + 1]! - days[i]!)));
  const total = days.length / 2;
  return total === 0 ? (t - start.getTime()) / (end.getTime() - start.getTime()) : elapsed / total;
}

/**
 * The working days of [start, end) as [day start, next day start] instants, flattened, remembered per
 * calendar and span. Walking a quarter day by day through luxon and the holiday data costs ~3–10 ms, and
 * the weekly report asks for the pace at every week of the quarter for every chunk of people it builds:
 * without this, that walk was most of a 0.2–0.5 s synchronous span per chunk during the Friday pass (the
 * bot's event loop held; profile in docs/performance.md "Responsive during the fan-out"). A calendar is
 * immutable once made, so its answers can be kept for as long as it is.
 */
const boundsMemo = new WeakMap<WorkingCalendar, Map<string, Float64Array>>();
const MEMO_SPANS_PER_CALENDAR = 64;
function workingDayBounds(start: Date, end: Date, cal: WorkingCalendar, zone: string): Float64Array {
  let byCal = boundsMemo.get(cal);
  if (!byCal) boundsMemo.set(cal, (byCal = new Map()));
  const key = `${start.getTime()}|${end.getTime()}|${zone}`;
  const hit = byCal.get(key);
  if (hit) return hit;
  const out: number[] = [];
  for (let d = DateTime.fromJSDate(start, { zone }).startOf('day'); d.toMillis() < end.getTime(); d = d.plus({ days: 1 })) {
    if (cal.isWorkingDay(d.toISODate()!)) out.push(d.toMillis(), d.plus({ days: 1 }).toMillis());
  }
  const bounds = Float64Array.from(out);
  if (byCal.size >= MEMO_SPANS_PER_CALENDAR) byCal.clear();
  byCal.set(key, bounds);
  return bounds;
}
