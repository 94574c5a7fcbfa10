import { describe, expect, it } from 'vitest';
import { assertSchedulable, dueRuns, intervalMs } from '../../src/sim/schedule.js';

const sh = (s: string) => new Date(`${s}+08:00`);
const friday = { name: 'friday-report', interval: '0 17 * * 5', timezone: 'Asia/Shanghai' };
const nightly = { name: 'purge-inbox', interval: '0 4 * * *', timezone: 'Asia/Shanghai' };

describe('which scheduled runs fall in (from, to]', () => {
  it('includes a run exactly at the new time and excludes one exactly at the old time', () => {
    // 2026-11-24 is a Tuesday; 11-27 a Friday.
    const r = dueRuns(friday, sh('2026-11-24T10:00:00'), sh('2026-11-27T17:00:00'));
    expect(r.count).toBe(1);
    expect(r.last?.toISOString()).toBe('2026-11-27T09:00:00.000Z');
    expect(dueRuns(friday, sh('2026-11-27T17:00:00'), sh('2026-11-27T18:00:00')).count).toBe(0);
    expect(dueRuns(friday, sh('2026-11-24T10:00:00'), sh('2026-11-27T16:59:59')).count).toBe(0);
  });

  it('reads cron in the job\'s time zone', () => {
    // 17:00 in Shanghai is 09:00 UTC; the same cron in UTC fires 8 hours later.
    const utc = { ...friday, timezone: 'UTC' };
    expect(dueRuns(utc, sh('2026-11-27T16:00:00'), sh('2026-11-27T18:00:00')).count).toBe(0);
    expect(dueRuns(utc, sh('2026-11-27T16:00:00'), sh('2026-11-28T01:00:00')).count).toBe(1);
  });

  it('counts every run over a long jump, first and last', () => {
    const r = dueRuns(nightly, sh('2026-11-24T10:00:00'), sh('2026-12-01T10:00:00'));
    expect(r.count).toBe(7);
    expect(r.first?.toISOString()).toBe('2026-11-24T20:00:00.000Z');
    expect(r.last?.toISOString()).toBe('2026-11-30T20:00:00.000Z');
    expect(dueRuns(friday, sh('2026-10-01T00:00:00'), sh('2026-12-31T23:00:00')).count).toBe(13);
    expect(dueRuns({ ...nightly, interval: '* * * * *' }, sh('2026-11-01T00:00:00'), sh('2026-12-01T00:00:00'), 50).count).toBe(50);
  });

  it('runs nothing when the clock goes back or stays', () => {
    expect(dueRuns(nightly, sh('2026-12-01T10:00:00'), sh('2026-11-24T10:00:00')).count).toBe(0);
    expect(dueRuns(nightly, sh('2026-12-01T10:00:00'), sh('2026-12-01T10:00:00')).count).toBe(0);
  });

  it('handles plain intervals as counted from the old time', () => {
    expect(intervalMs('30 minutes')).toBe(1_800_000);
    expect(intervalMs('1 day')).toBe(86_400_000);
    expect(intervalMs('15000')).toBe(15_000);
    expect(intervalMs('0 4 * * *')).toBeUndefined();
    const hourly = { name: 'sync', interval: '1 hour', timezone: 'Asia/Shanghai' };
    expect(dueRuns(hourly, sh('2026-11-24T10:00:00'), sh('2026-11-24T12:30:00')).count).toBe(2);
    expect(dueRuns(hourly, sh('2026-11-24T10:00:00'), sh('2026-11-24T10:59:00')).count).toBe(0);
  });

  it('refuses an interval Agenda could not schedule', () => {
    expect(() => assertSchedulable({ name: 'x', interval: 'every blue moon', timezone: 'UTC' })).toThrow();
    expect(() => assertSchedulable(friday)).not.toThrow();
  });
});
