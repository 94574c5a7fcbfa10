import { describe, expect, it } from 'vitest';
import { dayKey, elapsedShare, formatLocal, isoWeekKey, isoWeekRange, quarterOf, weeksBetween } from '../../src/domain/time/calendar.js';

const SH = 'Asia/Shanghai';

describe('calendar', () => {
  it('buckets instants by the company time zone, not UTC', () => {
    // 2026-11-29 17:30 UTC is Monday 01:30 in Shanghai: a new ISO week there.
    const at = new Date('2026-11-29T17:30:00Z');
    expect(isoWeekKey(at, 'UTC')).toBe('2026-W48');
    expect(isoWeekKey(at, SH)).toBe('2026-W49');
    expect(dayKey(at, SH)).toBe('2026-11-30');
  });

  it('uses ISO week-years at year boundaries', () => {
    expect(isoWeekKey(new Date('2027-01-01T04:00:00Z'), SH)).toBe('2026-W53');
    expect(isoWeekKey(new Date('2025-12-29T04:00:00Z'), SH)).toBe('2026-W01');
  });

  it('gives a week its Monday-to-Monday range in the zone', () => {
    const r = isoWeekRange('2026-W48', SH);
    expect(r.start.toISOString()).toBe('2026-11-22T16:00:00.000Z');
    expect(r.end.toISOString()).toBe('2026-11-29T16:00:00.000Z');
    expect(() => isoWeekRange('2026-48', SH)).toThrow(RangeError);
  });

  it('finds calendar and fiscal quarters', () => {
    const q = quarterOf(new Date('2026-11-26T04:00:00Z'), SH);
    expect(q).toEqual({ id: '2026Q4', start: new Date('2026-09-30T16:00:00Z'), end: new Date('2026-12-31T16:00:00Z') });
    expect(quarterOf(new Date('2026-02-10T04:00:00Z'), SH, 4).id).toBe('FY2025Q4');
    expect(quarterOf(new Date('2026-04-01T04:00:00Z'), SH, 4).id).toBe('FY2026Q1');
  });

  it('lists a quarter as 13 or 14 ISO weeks', () => {
    const q = quarterOf(new Date('2026-11-26T04:00:00Z'), SH);
    const weeks = weeksBetween(q.start, q.end, SH);
    expect(weeks[0]).toBe('2026-W40');
    expect(weeks.at(-1)).toBe('2026-W53');
    expect(weeks).toHaveLength(14);
  });

  it('clamps elapsed share', () => {
    const s = new Date('2026-01-01T00:00:00Z');
    const e = new Date('2026-01-11T00:00:00Z');
    expect(elapsedShare(s, e, new Date('2026-01-06T00:00:00Z'))).toBe(0.5);
    expect(elapsedShare(s, e, new Date('2027-01-01T00:00:00Z'))).toBe(1);
    expect(elapsedShare(s, e, new Date('2025-01-01T00:00:00Z'))).toBe(0);
  });

  it('formats local times for people', () => {
    expect(formatLocal(new Date('2026-11-27T09:00:00Z'), SH)).toBe('11月27日 周五 17:00');
  });
});
