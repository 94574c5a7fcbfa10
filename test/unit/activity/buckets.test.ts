import { describe, expect, it } from 'vitest';
import { createBucketer } from '../../../src/domain/activity/buckets.js';
import { dayKey, isoWeekKey, quarterOf } from '../../../src/domain/time/calendar.js';

describe('createBucketer', () => {
  it.each(['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'UTC'])(
    'agrees with calendar.ts in %s for 3,000 instants across years, DST changes and week-53 years',
    (zone) => {
      const b = createBucketer(zone);
      let seed = 7;
      const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      const from = Date.parse('2019-12-20T00:00:00Z');
      const span = Date.parse('2027-01-10T00:00:00Z') - from;
      for (let i = 0; i < 3000; i++) {
        const at = new Date(from + Math.floor(rand() * span));
        expect(b(at), at.toISOString()).toEqual({ day: dayKey(at, zone), isoWeek: isoWeekKey(at, zone), quarterId: quarterOf(at, zone).id });
      }
    },
    30_000, // the luxon reference is slow on a busy machine
  );

  it('handles the minutes around a daylight-saving change exactly', () => {
    const b = createBucketer('America/New_York');
    // 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
    for (const iso of ['2026-03-08T06:59:59Z', '2026-03-08T07:00:00Z', '2026-11-01T04:59:59Z', '2026-11-01T05:00:00Z', '2026-11-01T05:59:59Z', '2026-11-01T06:00:00Z']) {
      const at = new Date(iso);
      expect(b(at).day, iso).toBe(dayKey(at, 'America/New_York'));
    }
    expect(createBucketer('Asia/Shanghai')(new Date('2026-12-31T16:00:00Z'))).toEqual({ day: '2027-01-01', isoWeek: '2026-W53', quarterId: '2027Q1' });
  });
});
