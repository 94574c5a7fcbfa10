import { describe, expect, it } from 'vitest';
import { parseInstant } from '../../../src/domain/activity/timestamps.js';

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
