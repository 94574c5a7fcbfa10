import { DateTime } from 'luxon';

const WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const LOCAL = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * An instant written with its offset ("2026-11-23T10:00:00+08:00", "…Z", Salesforce's "…+0000").
 * Anything without an offset is refused: a webhook must not leave the time zone to guesswork.
 */
export function parseInstant(s: string): Date | undefined {
  const t = s.trim();
  const m = WITH_OFFSET.exec(t);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec] = m;
  if (!validParts(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(sec ?? 0))) return undefined;
  // Already what Date.parse reads exactly (the usual "2026-11-23T10:00:00+08:00" or "…Z"): no rewriting.
  const iso = t.charCodeAt(10) === 0x54 /* T */ && !OFFSET_WITHOUT_COLON.test(t) ? t : t.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

const OFFSET_WITHOUT_COLON = /[+-]\d{4}$/;

/** Whether `s` carries its own offset (then it is passed on as written, not re-formatted). */
export function hasOffset(s: string): boolean {
  return WITH_OFFSET.test(s.trim());
}

/**
 * A spreadsheet time: with an offset it is exact; without one ("2026-11-23 10:00", "2026/11/23") it is
 * read in `zone` — the company's — the way the person who typed it meant it.
 */
export function parseLocalOrInstant(s: string, zone: string): Date | undefined {
  const exact = parseInstant(s);
  if (exact) return exact;
  const m = LOCAL.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, sec] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (!validParts(y, mo, d, h, mi, sec)) return undefined;
  return localToInstant(y, mo, d, h, mi, sec, zone);
}

const QUARTER_HOUR = 15 * 60_000;
/** Per zone: local quarter-hour slot (wall time read as UTC, in quarter hours) → wall minus instant, in ms. */
const slotOffsets = new Map<string, Map<number, number>>();

/**
 * A wall time in `zone` as luxon reads it (DST gaps and overlaps included), with luxon asked once per local
 * quarter hour rather than once per cell (~14 µs each: a million-row import has two times a row, read twice).
 * Exact because every zone offset and transition of these years falls on a quarter hour (as in buckets.ts),
 * so one quarter hour of wall time has one offset; outside 1970–2100, or for an offset that is not a
 * multiple of 15 minutes, luxon answers directly. A unit test compares both across DST changes of several zones.
 */
function localToInstant(y: number, mo: number, d: number, h: number, mi: number, sec: number, zone: string): Date | undefined {
  const viaLuxon = () => {
    const dt = DateTime.fromObject({ year: y, month: mo, day: d, hour: h, minute: mi, second: sec }, { zone });
    return dt.isValid ? dt.toJSDate() : undefined;
  };
  if (y < 1970 || y > 2100) return viaLuxon();
  const wall = Date.UTC(y, mo - 1, d, h, mi, sec);
  const slot = Math.floor(wall / QUARTER_HOUR);
  let offsets = slotOffsets.get(zone);
  if (!offsets) slotOffsets.set(zone, (offsets = new Map()));
  let offset = offsets.get(slot);
  if (offset === undefined) {
    const start = new Date(slot * QUARTER_HOUR);
    const dt = DateTime.fromObject(
      { year: start.getUTCFullYear(), month: start.getUTCMonth() + 1, day: start.getUTCDate(), hour: start.getUTCHours(), minute: start.getUTCMinutes() },
      { zone },
    );
    if (!dt.isValid) return undefined;
    offset = start.getTime() - dt.toMillis();
    if (offset % QUARTER_HOUR !== 0) return viaLuxon();
    if (offsets.size > 50_000) offsets.clear(); // bounded: a year of quarter hours is 35k
    offsets.set(slot, offset);
  }
  return new Date(wall - offset);
}

/** A Salesforce date ("2024-11-10") as local midnight in `zone`. */
export function parseDateInZone(s: string, zone: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return undefined;
  const dt = DateTime.fromISO(s, { zone });
  return dt.isValid ? dt.toJSDate() : undefined;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return false;
  // Gregorian leap years, counted as Date.UTC did here before (years 0–99 taken as 1900–1999), without a Date
  // (this runs for every time of a million-row import).
  const yy = y >= 0 && y <= 99 ? y + 1900 : y;
  const leap = mo === 2 && yy % 4 === 0 && (yy % 100 !== 0 || yy % 400 === 0);
  const days = DAYS_IN_MONTH[mo - 1]! + (leap ? 1 : 0);
  return d >= 1 && d <= days;
}
