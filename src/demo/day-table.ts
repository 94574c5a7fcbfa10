import { DateTime } from 'luxon';
import { dayKey, isoWeekKey, quarterOf } from '../domain/time/calendar.js';

/** One local calendar day: its start instant and the buckets activities store. */
export interface DayInfo {
  /** Local midnight as epoch ms. */
  startMs: number;
  day: string;
  isoWeek: string;
  quarterId: string;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
}

/**
 * Precomputed days from `from` for `days` days. Millions of activities need day/week/quarter keys;
 * computing them with luxon per activity would dominate generation time, so each day is computed once.
 */
export class DayTable {
  readonly days: DayInfo[] = [];

  constructor(from: Date, days: number, readonly zone: string) {
    let d = DateTime.fromJSDate(from, { zone }).startOf('day');
    for (let i = 0; i < days; i++) {
      const at = d.toJSDate();
      this.days.push({ startMs: at.getTime(), day: dayKey(at, zone), isoWeek: isoWeekKey(at, zone), quarterId: quarterOf(at, zone).id, weekday: d.weekday });
      d = d.plus({ days: 1 });
    }
  }

  /** The day containing `ms` (clamped to the table's ends). */
  at(ms: number): DayInfo {
    const first = this.days[0]!;
    let i = Math.max(0, Math.min(this.days.length - 1, Math.floor((ms - first.startMs) / 86_400_000)));
    // Days are not always 24 h long (DST); step to the right one.
    while (i > 0 && this.days[i]!.startMs > ms) i--;
    while (i < this.days.length - 1 && this.days[i + 1]!.startMs <= ms) i++;
    return this.days[i]!;
  }

  index(ms: number): number {
    return this.days.indexOf(this.at(ms));
  }
}
