import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { parseInstant, parseLocalOrInstant } from '../../../src/domain/activity/timestamps.js';

/** parseInstant as it was written before its fast path (kept as the reference: same answers for every string). */
function reference(s: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59) return undefined;
  if (d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return undefined;
  const t = Date.parse(s.trim().replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(t) ? undefined : new Date(t);
}

describe('parseInstant', () => {
  it('answers as before for dates, leap days, separators, fractions and offset spellings', () => {
    const dates = ['2026-11-24', '2024-02-29', '2026-02-29', '2000-02-29', '1900-02-29', '0000-02-29', '0004-02-29', '0099-02-28', '2026-04-31', '2026-12-31', '2026-13-01', '2026-00-10', '2026-01-00', '9999-12-31'];
    const times = ['10:00', '10:00:00', '23:59:59', '24:00:00', '10:60', '10:00:60', '00:00:00.5', '10:00:00.123456789', '10:00:00.1234567890'];
    const offsets = ['Z', '+08:00', '+0800', '-05:30', '-0000', '+14:00', '+99:99', '', 'z'];
    let n = 0;
    for (const d of dates) {
      for (const t of times) {
        for (const o of offsets) {
          for (const sep of ['T', ' ', 't']) {
            for (const pad of ['', ' ']) {
              const s = `${pad}${d}${sep}${t}${o}${pad}`;
              expect({ s, at: parseInstant(s)?.toISOString() }).toEqual({ s, at: reference(s)?.toISOString() });
              n++;
            }
          }
        }
      }
    }
    expect(n).toBe(dates.length * times.length * offsets.length * 6);
    expect(parseInstant('2026-11-23T10:00:00+08:00')?.toISOString()).toBe('2026-11-23T02:00:00.000Z');
    expect(parseInstant('2024-11-10T09:00:00.000+0000')?.toISOString()).toBe('2024-11-10T09:00:00.000Z');
  });
});

describe('parseLocalOrInstant (wall times in a zone)', () => {
  it('reads every wall time as luxon does, across DST starts and ends, gaps and overlaps, in zones with odd offsets', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham'];
    // Two days around each 2026 transition of these zones (and a quiet day), stepping 13 min 17 s.
    const days = ['2026-03-08', '2026-03-29', '2026-04-05', '2026-09-27', '2026-10-04', '2026-10-25', '2026-11-01', '2026-07-15'];
    let n = 0;
    for (const zone of zones) {
      for (const day of days) {
        const t0 = Date.parse(`${day}T00:00:00Z`) - 86_400_000;
        for (let t = t0; t < t0 + 2 * 86_400_000; t += 797_000) {
          const w = new Date(t);
          const [y, mo, d, h, mi, sec] = [w.getUTCFullYear(), w.getUTCMonth() + 1, w.getUTCDate(), w.getUTCHours(), w.getUTCMinutes(), w.getUTCSeconds()];
          const cell = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')} ${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
          const want = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi, second: sec }, { zone }).toJSDate().toISOString();
          expect({ zone, cell, at: parseLocalOrInstant(cell, zone)?.toISOString() }).toEqual({ zone, cell, at: want });
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(10_000);
    // Outside the quarter-hour table's years, and spellings without seconds or with slashes.
    expect(parseLocalOrInstant('1900-01-01 00:00', 'Asia/Shanghai')?.toISOString()).toBe(DateTime.fromObject({ year: 1900, month: 1, day: 1 }, { zone: 'Asia/Shanghai' }).toJSDate().toISOString());
    expect(parseLocalOrInstant('2026/11/24', 'Asia/Shanghai')?.toISOString()).toBe('2026-11-23T16:00:00.000Z');
    expect(parseLocalOrInstant('2026-11-24 10:00', 'Asia/Shanghai')?.toISOString()).toBe('2026-11-24T02:00:00.000Z');
    expect(parseLocalOrInstant('2026-11-24 10:00', 'No/Such_Zone')).toBeUndefined();
  }, 30_000);
});
