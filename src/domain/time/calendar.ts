import { DateTime } from 'luxon';

/**
 * Calendar rules in the company time zone: ISO weeks (Monday start), quarters by calendar unless a fiscal
 * start month is configured. Pure: callers pass the instant and the zone.
 */

/** "2026-W48" for the ISO week containing `at` in `zone`. */
export function isoWeekKey(at: Date, zone: string): string {
  const d = DateTime.fromJSDate(at, { zone });
  return `${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
}

/** "2026-11-26" in `zone`. */
export function dayKey(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISODate()!;
}

/** Monday 00:00 and next Monday 00:00 of an ISO week key, as instants. */
export function isoWeekRange(key: string, zone: string): { start: Date; end: Date } {
  const m = /^(\d{4})-W(\d{2})$/.exec(key);
  if (!m) throw new RangeError(`not an ISO week key: ${key}`);
  const start = DateTime.fromObject({ weekYear: Number(m[1]), weekNumber: Number(m[2]), weekday: 1 }, { zone }).startOf('day');
  return { start: start.toJSDate(), end: start.plus({ weeks: 1 }).toJSDate() };
}

export interface QuarterSpan {
  /** "2026Q4" (fiscal year label = calendar year the quarter starts in). */
  id: string;
  start: Date;
  /** Exclusive end. */
  end: Date;
}

/**
 * The quarter containing `at`. `fiscalStartMonth` 1 = calendar quarters; 4 = quarters start Apr/Jul/Oct/Jan.
 */
export function quarterOf(at: Date, zone: string, fiscalStartMonth = 1): QuarterSpan {
  const d = DateTime.fromJSDate(at, { zone });
  const offset = (d.month - fiscalStartMonth + 12) % 12;
  const qIndex = Math.floor(offset / 3);
  const start = d.startOf('month').minus({ months: offset % 3 }).startOf('day');
  const fiscalYear = d.month >= fiscalStartMonth ? d.year : d.year - 1;
  const label = fiscalStartMonth === 1 ? `${start.year}Q${qIndex + 1}` : `FY${fiscalYear}Q${qIndex + 1}`;
  return { id: label, start: start.toJSDate(), end: start.plus({ months: 3 }).toJSDate() };
}

/** ISO week keys overlapping [start, end), in order. */
export function weeksBetween(start: Date, end: Date, zone: string): string[] {
  const keys: string[] = [];
  let d = DateTime.fromJSDate(start, { zone }).startOf('week');
  const stop = DateTime.fromJSDate(end, { zone });
  while (d < stop) {
    keys.push(`${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`);
    d = d.plus({ weeks: 1 });
  }
  return keys;
}

/** Share of [start, end) elapsed at `at`, clamped to 0..1 (for "where you should be by now"). */
export function elapsedShare(start: Date, end: Date, at: Date): number {
  const total = end.getTime() - start.getTime();
  if (total <= 0) return 1;
  return Math.min(1, Math.max(0, (at.getTime() - start.getTime()) / total));
}

/** Formats an instant for people: "11月27日 周五 17:00". */
export function formatLocal(at: Date, zone: string, lang: 'zh' | 'en' = 'zh'): string {
  const d = DateTime.fromJSDate(at, { zone });
  if (lang === 'en') return d.setLocale('en').toFormat('ccc d LLL HH:mm');
  const wd = ['一', '二', '三', '四', '五', '六', '日'][d.weekday - 1];
  return `${d.month}月${d.day}日 周${wd} ${d.toFormat('HH:mm')}`;
}
