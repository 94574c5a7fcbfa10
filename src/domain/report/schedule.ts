import { DateTime } from 'luxon';
import { isoWeekKey } from '../time/calendar.js';
import { lastWorkingDayOfWeek, type WorkingCalendar } from '../time/working-days.js';

/** When the weekly report goes out, in the quarter's time zone: ISO weekday (1 = Monday) and "HH:mm". */
export interface ReportSchedule {
  weekday: number;
  time: string;
}

const WEEKDAYS_ZH = ['一', '二', '三', '四', '五', '六', '日'];
const WEEKDAYS_EN = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function at(schedule: ReportSchedule, weekStart: DateTime): DateTime {
  const [h, m] = schedule.time.split(':').map(Number) as [number, number];
  return weekStart.plus({ days: schedule.weekday - 1 }).set({ hour: h, minute: m, second: 0, millisecond: 0 });
}

/** The latest scheduled instant at or before `now` (this week's, or last week's if this week's is ahead). */
export function latestDue(schedule: ReportSchedule, zone: string, now: Date): Date {
  const local = DateTime.fromJSDate(now, { zone });
  const thisWeek = at(schedule, local.startOf('week'));
  return (thisWeek <= local ? thisWeek : at(schedule, local.startOf('week').minus({ weeks: 1 }))).toJSDate();
}

/** The first scheduled instant after `now`. */
export function nextDue(schedule: ReportSchedule, zone: string, now: Date): Date {
  const local = DateTime.fromJSDate(now, { zone });
  const thisWeek = at(schedule, local.startOf('week'));
  return (thisWeek > local ? thisWeek : at(schedule, local.startOf('week').plus({ weeks: 1 }))).toJSDate();
}

export function describeSchedule(s: ReportSchedule, lang: 'zh' | 'en' = 'zh'): string {
  if (lang === 'en') return `every ${['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][s.weekday - 1]} at ${s.time}`;
  return `每周${WEEKDAYS_ZH[s.weekday - 1]} ${s.time}`;
}

export function isValidSchedule(s: { weekday?: unknown; time?: unknown } | null | undefined): s is ReportSchedule {
  return (
    !!s &&
    typeof s.weekday === 'number' &&
    Number.isInteger(s.weekday) &&
    s.weekday >= 1 &&
    s.weekday <= 7 &&
    typeof s.time === 'string' &&
    /^([01]\d|2[0-3]):[0-5]\d$/.test(s.time)
  );
}

/**
 * Reads "周五 17:00", "星期五 5:30", "fri 17:00", "Friday 9:05" into a schedule.
 * Returns a problem in words when the text can't be read.
 */
export function parseSchedule(text: string): { ok: true; schedule: ReportSchedule } | { ok: false; problem: string } {
  const t = text.trim().toLowerCase();
  const time = /(\d{1,2})[:：](\d{2})/.exec(t);
  let weekday = 0;
  const zh = /(?:周|星期|礼拜)([一二三四五六日天])/.exec(t);
  if (zh) weekday = zh[1] === '天' ? 7 : WEEKDAYS_ZH.indexOf(zh[1]!) + 1;
  else {
    const en = WEEKDAYS_EN.findIndex((d) => new RegExp(`\\b${d}`).test(t));
    if (en >= 0) weekday = en + 1;
  }
  if (!weekday) return { ok: false, problem: '没看懂星期几，例如「周五 17:00」' };
  if (!time) return { ok: false, problem: '没看懂时间，例如「周五 17:00」' };
  const h = Number(time[1]);
  const m = Number(time[2]);
  if (h > 23 || m > 59) return { ok: false, problem: `${time[0]} 不是有效的时间` };
  return { ok: true, schedule: { weekday, time: `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}` } };
}

/**
 * The week's report instant on a working-day calendar: the scheduled day if people work then; when it is a
 * day off (Friday of National Day week), the last working day of that week at the same time; null for a
 * week without any working day (Spring Festival plus company days off), which gets no report.
 */
export function dueInWeek(schedule: ReportSchedule, weekStart: DateTime, cal: WorkingCalendar): DateTime | null {
  const planned = at(schedule, weekStart);
  if (cal.isWorkingDay(planned.toISODate()!)) return planned;
  const last = lastWorkingDayOfWeek(isoWeekKey(weekStart.toJSDate(), weekStart.zoneName ?? 'UTC'), cal);
  if (!last) return null;
  const day = DateTime.fromISO(last, { zone: weekStart.zone });
  return planned.set({ year: day.year, month: day.month, day: day.day });
}

/** latestDue() on a working-day calendar; null when none of the last 8 weeks had a report day. */
export function latestDueOn(schedule: ReportSchedule, zone: string, now: Date, cal: WorkingCalendar): Date | null {
  const local = DateTime.fromJSDate(now, { zone });
  for (let w = 0; w < 8; w++) {
    const due = dueInWeek(schedule, local.startOf('week').minus({ weeks: w }), cal);
    if (due && due <= local) return due.toJSDate();
  }
  return null;
}

/** nextDue() on a working-day calendar; null when none of the next 8 weeks has a report day. */
export function nextDueOn(schedule: ReportSchedule, zone: string, now: Date, cal: WorkingCalendar): Date | null {
  const local = DateTime.fromJSDate(now, { zone });
  for (let w = 0; w < 8; w++) {
    const due = dueInWeek(schedule, local.startOf('week').plus({ weeks: w }), cal);
    if (due && due > local) return due.toJSDate();
  }
  return null;
}
