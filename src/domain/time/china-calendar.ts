import chineseDays from 'chinese-days';
import { DateTime } from 'luxon';
import type { WorkingCalendar } from './working-days.js';

/**
 * Mainland China's working days: the State Council's yearly holiday schedule with its 调休 make-up working
 * days, from the `chinese-days` package (pure data + lunar conversion; updated with `npm update
 * chinese-days`, see docs/calendar.md), then the company's own overrides on top.
 *
 * A year the package does not have yet (the schedule is announced each November for the next year) gets
 * the statutory days of 《全国年节及纪念日放假办法》(2024 revision) — 元旦, 春节 (除夕 to 初三), 清明, 劳动节 (2),
 * 端午, 中秋, 国庆 (3) — with a weekend clash made up on the next working day, and no 调休; it is marked
 * provisional so HR is told to check, and is replaced as soon as the package has the official schedule.
 */

export interface CompanyDay {
  /** "YYYY-MM-DD" local. */
  day: string;
  /** off: a company day off (年会, 盘点); work: a company working day on a weekend or holiday. */
  kind: 'off' | 'work';
  note: string;
}

export interface ChinaCalendar extends WorkingCalendar {
  /** Years whose days come from the statutory rules rather than an official schedule. */
  provisionalYears(from: string, to: string): number[];
}

const { getDayDetail, getHolidaysInRange, getSolarDateFromLunar, getSolarTermsInRange } = chineseDays;

const officialYears = new Map<number, boolean>();
/** The package has the year's official schedule (some weekday of it is a public holiday). */
export function hasOfficialSchedule(year: number): boolean {
  let v = officialYears.get(year);
  if (v === undefined) officialYears.set(year, (v = getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0));
  return v;
}

const statutoryCache = new Map<number, Map<string, string>>();
/** Statutory public holidays of a year (with weekend clashes made up on the next weekday), by day. */
export function statutoryHolidays(year: number): Map<string, string> {
  const hit = statutoryCache.get(year);
  if (hit) return hit;
  const days = new Map<string, string>();
  const lunar = (m: number, d: number) => DateTime.fromISO(getSolarDateFromLunar(`${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`).date);
  const springDay1 = lunar(1, 1);
  const qingming = getSolarTermsInRange(`${year}-04-01`, `${year}-04-10`).find((t) => t.term === 'pure_brightness' && t.index === 1)?.date ?? `${year}-04-05`;
  const groups: Array<[string, DateTime[]]> = [
    ['元旦', [DateTime.fromISO(`${year}-01-01`)]],
    ['春节', [-1, 0, 1, 2].map((i) => springDay1.plus({ days: i }))],
    ['清明节', [DateTime.fromISO(qingming)]],
    ['劳动节', [DateTime.fromISO(`${year}-05-01`), DateTime.fromISO(`${year}-05-02`)]],
    ['端午节', [lunar(5, 5)]],
    ['中秋节', [lunar(8, 15)]],
    ['国庆节', [1, 2, 3].map((d) => DateTime.fromISO(`${year}-10-${String(d).padStart(2, '0')}`))],
  ];
  for (const [name, list] of groups) {
    for (const d of list) days.set(d.toISODate()!, name);
  }
  // 第六条: a holiday on a Saturday or Sunday is made up on the next working day.
  for (const [name, list] of groups) {
    let next = list[list.length - 1]!;
    for (const d of list) {
      if (d.weekday < 6) continue;
      do next = next.plus({ days: 1 });
      while (next.weekday >= 6 || days.has(next.toISODate()!));
      days.set(next.toISODate()!, `${name}（补休）`);
    }
  }
  statutoryCache.set(year, days);
  return days;
}

/** The calendar for a company: the official schedule (or the statutory days), then its overrides. */
export function chinaCalendar(overrides: readonly CompanyDay[] = []): ChinaCalendar {
  const own = new Map(overrides.map((o) => [o.day, o]));
  // A day's answer is the same for the calendar's life; asked for the same days again and again (every
  // report's pace, every activity's day), it is worked out once: the lookup goes through luxon and the
  // package's date parsing (~0.05 ms a day; profile in docs/performance.md "Responsive during the fan-out").
  const memo = new Map<string, { work: boolean; note?: string }>();
  const base = (day: string): { work: boolean; note?: string } => {
    let hit = memo.get(day);
    if (!hit) {
      // Bounded: a calendar lives minutes (CompanyCalendar's cache), but a caller may keep one for long.
      if (memo.size >= 20_000) memo.clear();
      memo.set(day, (hit = lookup(day)));
    }
    return hit;
  };
  const lookup = (day: string): { work: boolean; note?: string } => {
    const year = Number(day.slice(0, 4));
    if (hasOfficialSchedule(year)) {
      const d = getDayDetail(day);
      const name = d.name.includes(',') ? d.name.split(',')[1] : undefined;
      const weekend = DateTime.fromISO(day).weekday >= 6;
      if (d.work) return weekend ? { work: true, note: `${name ?? ''}调休上班` } : { work: true };
      return name ? { work: false, note: name } : { work: false };
    }
    const statutory = statutoryHolidays(year).get(day);
    if (statutory) return { work: false, note: `${statutory}（按法定假日推算，待国务院安排公布）` };
    return { work: DateTime.fromISO(day).weekday <= 5 };
  };
  return {
    isWorkingDay: (day) => {
      const o = own.get(day);
      return o ? o.kind === 'work' : base(day).work;
    },
    note: (day) => {
      const o = own.get(day);
      if (o) return o.kind === 'off' ? `公司假期：${o.note}` : `公司安排上班：${o.note}`;
      return base(day).note;
    },
    provisionalYears: (from, to) => {
      const out: number[] = [];
      for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y++) if (!hasOfficialSchedule(y)) out.push(y);
      return out;
    },
  };
}
