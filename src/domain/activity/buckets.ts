import { DateTime } from 'luxon';

export interface Buckets {
  day: string;
  isoWeek: string;
  quarterId: string;
}

const QUARTER_HOUR = 15 * 60_000;
const DAY = 86_400_000;

/**
 * day / isoWeek / quarterId of an instant in `zone` — the same answers as calendar.ts (dayKey,
 * isoWeekKey, calendar quarterOf), fast enough for a million rows: the zone offset is looked up once per
 * quarter of an hour (every offset and transition in the tz database falls on one) and the keys once
 * per local day, then it is integer arithmetic.
 */
export function createBucketer(zone: string): (at: Date) => Buckets {
  const offsets = new Map<number, number>();
  const days = new Map<number, Buckets>();
  return (at) => {
    const t = at.getTime();
    const slot = Math.floor(t / QUARTER_HOUR);
    let offsetMs = offsets.get(slot);
    if (offsetMs === undefined) {
      if (offsets.size > 50_000) offsets.clear(); // bounded: a quarter of rows touches ~9k slots
      offsetMs = DateTime.fromMillis(slot * QUARTER_HOUR, { zone }).offset * 60_000;
      offsets.set(slot, offsetMs);
    }
    const localDay = Math.floor((t + offsetMs) / DAY);
    let b = days.get(localDay);
    if (!b) {
      if (days.size > 50_000) days.clear();
      b = keysOfLocalDay(localDay);
      days.set(localDay, b);
    }
    return b;
  };
}

/** Keys of a local calendar day given as days since 1970-01-01. */
function keysOfLocalDay(localDay: number): Buckets {
  const d = new Date(localDay * DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = `${y}-${String(m).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
  // ISO week: the week (Mon–Sun) belongs to the year of its Thursday.
  const weekday = (d.getUTCDay() + 6) % 7; // Mon = 0
  const thursday = new Date((localDay - weekday + 3) * DAY);
  const wy = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(wy, 0, 1)) / DAY / 7) + 1;
  return { day, isoWeek: `${wy}-W${String(week).padStart(2, '0')}`, quarterId: `${y}Q${Math.floor((m - 1) / 3) + 1}` };
}
