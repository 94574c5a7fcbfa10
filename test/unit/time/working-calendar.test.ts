import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { latestDueOn, nextDueOn } from '../../../src/domain/report/schedule.js';
import { clockPresets } from '../../../src/sim/clock-presets.js';
import { buildReports } from '../../../src/domain/report/build-report.js';
import { repCardValues } from '../../../src/domain/report/card-values.js';
import { DEFAULT_REPORT_SETTINGS } from '../../../src/domain/report/types.js';
import { act, dataset, person } from '../report/fixtures.js';
import { chinaCalendar, hasOfficialSchedule } from '../../../src/domain/time/china-calendar.js';
import { parseCompanyDays } from '../../../src/domain/time/company-days-command.js';
import { addWorkingDays, countWorkingDays, daysOfIsoWeek, packTimeFor, weekendCalendar, workingShare } from '../../../src/domain/time/working-days.js';

const ZONE = 'Asia/Shanghai';
const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();
const local = (d: Date | null) => (d ? DateTime.fromJSDate(d, { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm") : null);
const FRIDAY_17 = { weekday: 5, time: '17:00' };
const cal = chinaCalendar();

describe('2026 National Day week (国庆 10/1–10/7, 调休 Sun 9/20 and Sat 10/10; 中秋 Fri 9/25)', () => {
  it('knows the holidays and the 调休 working weekend days', () => {
    expect(hasOfficialSchedule(2026)).toBe(true);
    expect(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', '2026-09-25'].map(cal.isWorkingDay)).toEqual([false, false, false, false, false, false]);
    // The 调休 Sunday before and Saturday after count as working days.
    expect(cal.isWorkingDay('2026-09-20')).toBe(true);
    expect(cal.isWorkingDay('2026-10-10')).toBe(true);
    expect(cal.note?.('2026-09-20')).toContain('调休上班');
    expect(cal.isWorkingDay('2026-10-11')).toBe(false);
  });

  it('moves the Friday report to the last working day of the week', () => {
    // W40: Mon 9/28–Wed 9/30 work, Thu 10/1 on holiday → Wednesday.
    expect(local(nextDueOn(FRIDAY_17, ZONE, at('2026-09-28T09:00'), cal))).toBe('2026-09-30T17:00');
    expect(local(latestDueOn(FRIDAY_17, ZONE, at('2026-10-02T18:00'), cal))).toBe('2026-09-30T17:00');
    // W39: 中秋 Friday → Thursday.
    expect(local(nextDueOn(FRIDAY_17, ZONE, at('2026-09-21T09:00'), cal))).toBe('2026-09-24T17:00');
    // W41: Friday 10/9 is a working day → Friday as usual.
    expect(local(nextDueOn(FRIDAY_17, ZONE, at('2026-10-05T09:00'), cal))).toBe('2026-10-09T17:00');
    // Without the calendar (weekends only) it stays on Friday.
    expect(local(nextDueOn(FRIDAY_17, ZONE, at('2026-09-28T09:00'), weekendCalendar))).toBe('2026-10-02T17:00');
  });

  it('counts working days per week, the 调休 Saturday included', () => {
    expect(countWorkingDays(daysOfIsoWeek('2026-W40'), cal)).toBe(3);
    expect(countWorkingDays(daysOfIsoWeek('2026-W41'), cal)).toBe(3); // Thu 10/8, Fri 10/9, Sat 10/10
    expect(countWorkingDays(daysOfIsoWeek('2026-W38'), cal)).toBe(6); // Mon–Fri + Sun 9/20
  });

  it('keeps the linear pace still over the holidays and counts the 调休 Saturday', () => {
    const start = at('2026-10-01T00:00');
    const end = at('2027-01-01T00:00');
    // Independent count: 66 weekdays in Q4 2026, less 5 weekday holidays, plus Saturday 10/10.
    const total = 66 - 5 + 1;
    expect(workingShare(start, end, at('2026-10-08T00:00'), cal, ZONE)).toBe(0);
    expect(workingShare(start, end, at('2026-10-11T00:00'), cal, ZONE)).toBeCloseTo(3 / total, 12);
    expect(workingShare(start, end, at('2026-10-11T12:00'), cal, ZONE)).toBeCloseTo(3 / total, 12); // a Sunday adds nothing
    expect(workingShare(start, end, at('2026-10-12T12:00'), cal, ZONE)).toBeCloseTo(3.5 / total, 12);
    // Calendar time would already expect 7/92 of the quarter on 10/8.
    expect(workingShare(start, end, at('2026-10-08T00:00'), weekendCalendar, ZONE)).toBeGreaterThan(0);
  });

  it('never puts the T−72h pack on a holiday night: back to the working day before, same time', () => {
    // Review Fri 10/9 10:00 → T−72h Tue 10/6 10:00 (holiday) → Wed 9/30 10:00.
    expect(local(packTimeFor(at('2026-10-09T10:00'), cal, ZONE))).toBe('2026-09-30T10:00');
    // Review Mon 10/12 10:00 → Fri 10/9 10:00, a working day: unchanged (hours, not working days).
    expect(local(packTimeFor(at('2026-10-12T10:00'), cal, ZONE))).toBe('2026-10-09T10:00');
    // Review Tue 10/13 20:00 → Sat 10/10 20:00, the 调休 working Saturday: unchanged.
    expect(local(packTimeFor(at('2026-10-13T20:00'), cal, ZONE))).toBe('2026-10-10T20:00');
  });

  it('adds working days for the appeal reminder across the holiday', () => {
    expect(local(addWorkingDays(at('2026-09-30T17:00'), 2, cal, ZONE))).toBe('2026-10-09T17:00');
    expect(local(addWorkingDays(at('2026-11-27T17:00'), 2, cal, ZONE))).toBe('2026-12-01T17:00');
  });
});

describe('Spring Festival 2027 (除夕 Fri 2/5; the official schedule is not in the data package yet)', () => {
  it('uses the statutory days — 除夕 to 初三, weekend clashes made up — and says it is provisional', () => {
    expect(hasOfficialSchedule(2027)).toBe(false);
    expect(cal.provisionalYears('2026-12-01', '2027-12-31')).toEqual([2027]);
    expect(['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10'].map(cal.isWorkingDay)).toEqual([false, false, false, false]);
    expect(cal.isWorkingDay('2027-02-11')).toBe(true);
    expect(cal.note?.('2027-02-05')).toContain('待国务院安排公布');
  });

  it('moves the report to Thursday before 除夕 and skips a week without working days', () => {
    expect(local(nextDueOn(FRIDAY_17, ZONE, at('2027-02-01T09:00'), cal))).toBe('2027-02-04T17:00');
    expect(local(nextDueOn(FRIDAY_17, ZONE, at('2027-02-08T09:00'), cal))).toBe('2027-02-12T17:00');
    // HR closes the company for the rest of that week: no report in W06; the next is Friday 2/19.
    const closed = chinaCalendar([
      { day: '2027-02-11', kind: 'off', note: '春节公司假' },
      { day: '2027-02-12', kind: 'off', note: '春节公司假' },
    ]);
    expect(countWorkingDays(daysOfIsoWeek('2027-W06'), closed)).toBe(0);
    expect(local(nextDueOn(FRIDAY_17, ZONE, at('2027-02-05T09:00'), closed))).toBe('2027-02-19T17:00');
    expect(local(latestDueOn(FRIDAY_17, ZONE, at('2027-02-14T20:00'), closed))).toBe('2027-02-04T17:00');
    expect(local(packTimeFor(at('2027-02-15T14:00'), closed, ZONE))).toBe('2027-02-04T14:00');
  });

  it('lets a company working day override a holiday', () => {
    const c = chinaCalendar([{ day: '2026-10-10', kind: 'off', note: '公司不补班' }, { day: '2026-12-26', kind: 'work', note: '年底冲刺' }]);
    expect(c.isWorkingDay('2026-10-10')).toBe(false);
    expect(c.isWorkingDay('2026-12-26')).toBe(true);
    expect(c.note?.('2026-12-26')).toBe('公司安排上班：年底冲刺');
  });
});

describe('公司假期 command', () => {
  it('reads days, ranges and notes', () => {
    expect(parseCompanyDays('')).toEqual({ ok: true, cmd: { kind: 'list' } });
    expect(parseCompanyDays('放假 2026-12-31 年终盘点')).toEqual({ ok: true, cmd: { kind: 'set', dayKind: 'off', days: ['2026-12-31'], note: '年终盘点' } });
    expect(parseCompanyDays('上班 2027-2-13 至 2027-02-14 补班')).toEqual({ ok: true, cmd: { kind: 'set', dayKind: 'work', days: ['2027-02-13', '2027-02-14'], note: '补班' } });
    expect(parseCompanyDays('删除 2026-12-30~2026-12-31')).toEqual({ ok: true, cmd: { kind: 'remove', days: ['2026-12-30', '2026-12-31'] } });
  });
  it('refuses what it cannot read', () => {
    expect(parseCompanyDays('放假 明天')).toMatchObject({ ok: false });
    expect(parseCompanyDays('放假 2026-02-30')).toMatchObject({ ok: false, problem: { zh: '2026-02-30 不是有效的日期。', en: '2026-02-30 is not a valid date.' } });
    // The echo of the person's text is cut by characters (an emoji is two UTF-16 units), never inside one.
    const echoed = parseCompanyDays(`放假 ${'😀'.repeat(30)}`);
    expect(echoed).toMatchObject({ ok: false, problem: { zh: `没找到日期，日期请写成 2026-12-31 这样（收到「${'😀'.repeat(20)}」）。` } });
    expect(parseCompanyDays('放假 2026-12-31 至 2026-12-01')).toMatchObject({ ok: false });
    expect(parseCompanyDays('放假 2026-01-01 至 2026-03-01')).toMatchObject({ ok: false });
    expect(parseCompanyDays('休假吧')).toMatchObject({ ok: false });
  });
});

describe('simulator clock presets on the working-day calendar', () => {
  it('jumps to the week of 2026-10-01, where the report preset lands on Wednesday 9/30', () => {
    const nd = clockPresets(at('2026-12-04T10:00'), ZONE, undefined, cal).find((p) => p.key === 'national-day')!;
    expect(nd.at).toBe(at('2026-09-28T09:00').toISOString());
    const report = clockPresets(at('2026-09-28T09:00'), ZONE, undefined, cal).find((p) => p.key === 'weekly-report')!;
    expect(report.at).toBe(at('2026-09-30T17:00').toISOString());
    expect(report.note).toContain('节假日');
  });
});

describe('the Friday report on the working-day calendar', () => {
  it('paces the quarter by working days and says the 国庆 week after is short', () => {
    const asOf = at('2026-10-09T17:00');
    const d = { ...dataset({ people: [person('rep01', 'mgr01', '张伟')], activities: [act('rep01', '2026-W41', 3)], asOf }), week: '2026-W41', calendar: cal };
    const r = buildReports(d, DEFAULT_REPORT_SETTINGS).reports[0]!;
    // Working days elapsed: Thu 10/8 and 17 of Fri 10/9's 24 hours, of Q4's 62.
    expect(r.share).toBeCloseTo((1 + 17 / 24) / 62, 12);
    expect(r.thisWeek.workingDays).toBe(3);
    expect(repCardValues(r, undefined).activities).toContain('**本周有效活动 3 次**（本周 3 个工作日）');
    // Without the calendar: calendar time, as before.
    const plain = buildReports({ ...d, calendar: undefined }, DEFAULT_REPORT_SETTINGS).reports[0]!;
    expect(plain.share).toBeCloseTo((asOf.getTime() - at('2026-10-01T00:00').getTime()) / (at('2027-01-01T00:00').getTime() - at('2026-10-01T00:00').getTime()), 12);
  });
});

describe('the working-day pace is worked out once per calendar and span (the Friday pass asks it per chunk)', () => {
  it('walks the quarter\'s days once; later shares of the same span give the same figures without asking the calendar again', () => {
    let asked = 0;
    const counting = { isWorkingDay: (day: string) => (asked++, cal.isWorkingDay(day)) };
    const start = at('2026-10-01T00:00');
    const end = at('2027-01-01T00:00');
    // Independent count, as above: Q4 2026 has 62 working days; by Mon 10/12 noon 3.5 of them have passed.
    expect(workingShare(start, end, at('2026-10-12T12:00'), counting, ZONE)).toBeCloseTo(3.5 / 62, 12);
    expect(asked).toBe(92); // every day of the quarter, once
    expect(workingShare(start, end, at('2026-10-11T12:00'), counting, ZONE)).toBeCloseTo(3 / 62, 12);
    expect(workingShare(start, end, at('2026-12-31T18:00'), counting, ZONE)).toBeCloseTo(61.75 / 62, 12);
    expect(asked).toBe(92);
    // Another span, or another calendar, is its own walk.
    expect(workingShare(start, at('2026-11-01T00:00'), at('2026-10-12T12:00'), counting, ZONE)).toBeCloseTo(3.5 / 18, 12); // October: 22 weekdays − 5 holiday + Sat 10/10
    expect(asked).toBe(92 + 31);
  });
});
