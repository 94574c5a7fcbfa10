import type { Db } from 'mongodb';
import type { Logger } from '../../logger.js';
import { createLaneLimiter, localSlots, type RateLimiter } from '../http/rate-limiter.js';

interface SlotDoc {
  _id: string;
  /** Wall-clock ms of the next free slot. */
  next: number;
}

/**
 * The send pace shared by every instance on one database: DingTalk's limit is per app, not per process, so
 * two instances each pacing themselves at the limit collect 429s together. Each caller reserves the next
 * free slots (one every 1000/perSecond ms; several at once when several sends wait) in one document with a compare-and-set (plain updateOne on the
 * value read, so it works on every MongoDB-wire server), then waits for it. Wall-clock time, so instances'
 * clocks must agree (NTP) to within a slot or two. If the database can't be reached the instance falls
 * back to pacing itself, which only fails safe (under the limit) when it runs alone.
 *
 * Within the instance, booked slots are handed out by the lane limiter (interactive replies first, see
 * createLaneLimiter); up to half a second of slots is booked ahead, so a slow database round trip during a
 * busy pass does not slow the pace, and a reply still takes the next slot that comes due.
 */
export function createSharedRateLimiter(o: { db: Db; key: string; perSecond: number; logger: Logger }): RateLimiter {
  const interval = 1000 / o.perSecond;
  const coll = o.db.collection<SlotDoc>('rate_slots');
  const local = localSlots(o.perSecond, () => Date.now());
  let lastWarn = 0;
  const reserve = async (count: number): Promise<number> => {
    for (let i = 0; i < 50; i++) {
      const now = Date.now();
      const doc = await coll.findOne({ _id: o.key });
      if (!doc) {
        try {
          await coll.insertOne({ _id: o.key, next: now + count * interval });
          return now;
        } catch (err) {
          if ((err as { code?: number }).code === 11000) continue; // another instance created it first
          throw err;
        }
      }
      const slot = Math.max(now, doc.next);
      const res = await coll.updateOne({ _id: o.key, next: doc.next }, { $set: { next: slot + count * interval } });
      if (res.matchedCount === 1) return slot;
    }
    throw new Error('shared rate limiter: too much contention');
  };
  const source = {
    now: () => Date.now(),
    async reserve(count: number): Promise<number[]> {
      try {
        const first = await reserve(count);
        return Array.from({ length: count }, (_, i) => first + i * interval);
      } catch (err) {
        if (Date.now() - lastWarn > 60_000) {
          lastWarn = Date.now();
          o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'shared rate limiter unavailable; pacing this instance alone');
        }
        return local.reserve(count) as number[];
      }
    },
  };
  return createLaneLimiter(o.perSecond, source, { lookahead: Math.max(2, Math.ceil(o.perSecond / 2)) });
}
