/**
 * Where the simulator's clock buttons jump to, computed from the current (simulated) time and the
 * quarter as HR configured it. Pure.
 */
import { DateTime } from 'luxon';
import { nextDueOn } from '../domain/report/schedule.js';
import { formatLocal } from '../domain/time/calendar.js';
import type { WorkingCalendar } from '../domain/time/working-days.js';

export interface QuarterTimes {
  reviewAt: Date;
  /** Weekly report: ISO weekday (1 = Monday) and "HH:mm" local. */
  reportSchedule: { weekday: number; time: string };
  endDate: Date;
}

export interface ClockPreset {
  key: 'weekly-report' | 'pre-review' | 'next-day' | 'next-week' | 'national-day';
  label: string;
  /** Undefined when it is not ahead of now (e.g. the review already passed). */
  at: string | undefined;
  /** Local time of `at`, or why it is unavailable. */
  note: string;
}

const DEFAULT_SCHEDULE = { weekday: 5, time: '17:00' };
export const PRE_REVIEW_HOURS = 72;
/** Monday of the week of 2026-10-01 (ISO 2026-W40), 09:00 local. */
const NATIONAL_DAY_WEEK = '2026-09-28T09:00:00';

/** The next weekly report time strictly after `now` (a report exactly now already ran). */
export function nextWeeklyReport(now: Date, zone: string, schedule = DEFAULT_SCHEDULE): Date {
  const [h, m] = schedule.time.split(':').map(Number) as [number, number];
  const local = DateTime.fromJSDate(now, { zone });
  let at = local.set({ weekday: schedule.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7, hour: h, minute: m, second: 0, millisecond: 0 });
  if (at <= local) at = at.plus({ weeks: 1 });
  return at.toJSDate();
}

export function clockPresets(now: Date, zone: string, quarter: QuarterTimes | undefined, cal?: WorkingCalendar): ClockPreset[] {
  const weekdayNames = ['一', '二', '三', '四', '五', '六', '日'];
  const schedule = quarter?.reportSchedule ?? DEFAULT_SCHEDULE;
  // On the working-day calendar the report moves off a holiday (国庆 Friday → Wednesday 9/30).
  const report = (cal && nextDueOn(schedule, zone, now, cal)) || nextWeeklyReport(now, zone, schedule);
  const moved = DateTime.fromJSDate(report, { zone }).weekday !== schedule.weekday;
  const presets: ClockPreset[] = [
    { key: 'weekly-report', label: `跳到周${weekdayNames[schedule.weekday - 1]} ${schedule.time}（周报）`, at: report.toISOString(), note: `${formatLocal(report, zone)}${moved ? '（节假日，周报提前到本周最后一个工作日）' : ''}` },
  ];
  if (quarter) {
    const pre = new Date(quarter.reviewAt.getTime() - PRE_REVIEW_HOURS * 3_600_000);
    const ahead = pre.getTime() > now.getTime();
    presets.push({
      key: 'pre-review',
      label: `跳到评审前 ${PRE_REVIEW_HOURS} 小时`,
      at: ahead ? pre.toISOString() : undefined,
      note: ahead ? `${formatLocal(pre, zone)}（评审会 ${formatLocal(quarter.reviewAt, zone)}）` : `评审会 ${formatLocal(quarter.reviewAt, zone)} 的 T−${PRE_REVIEW_HOURS}h 已过`,
    });
  } else {
    presets.push({ key: 'pre-review', label: `跳到评审前 ${PRE_REVIEW_HOURS} 小时`, at: undefined, note: '本季度还没有配置评审会' });
  }
  const day = DateTime.fromJSDate(now, { zone }).plus({ days: 1 }).toJSDate();
  const week = DateTime.fromJSDate(now, { zone }).plus({ weeks: 1 }).toJSDate();
  presets.push({ key: 'next-day', label: '+1 天', at: day.toISOString(), note: formatLocal(day, zone) });
  presets.push({ key: 'next-week', label: '+1 周', at: week.toISOString(), note: formatLocal(week, zone) });
  // The working-day calendar's showcase: 国庆 week, where the Friday report moves to Wednesday 9/30.
  const nationalDay = DateTime.fromISO(NATIONAL_DAY_WEEK, { zone }).toJSDate();
  presets.push({ key: 'national-day', label: '跳到 2026 国庆周', at: nationalDay.toISOString(), note: `${formatLocal(nationalDay, zone)}：10/1–10/7 放假，周报改在 9/30（周三）发` });
  return presets;
}
