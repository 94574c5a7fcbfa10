import type { SendLane } from '../../bot/messages.js';

export type { SendLane };

/**
 * Paces calls to at most `perSecond`, evenly spaced (no bursts), across all callers of one limiter.
 * A waiting interactive call gets the next slot before waiting bulk calls, except that after
 * `MAX_INTERACTIVE_RUN` interactive slots in a row while bulk waits, one slot goes to bulk (bulk never starves).
 */
export interface RateLimiter {
  acquire(lane?: SendLane): Promise<void>;
  readonly perSecond: number;
}

/** Where slots come from: `reserve(n)` books the next n free slots and says when they are (on `now()`'s clock). */
export interface SlotSource {
  reserve(count: number): number[] | Promise<number[]>;
  now(): number;
}

/** Timers, injectable so the tests can run the limiter on a fake clock. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
}

/** Interactive slots in a row while bulk is waiting, before one slot goes to bulk: bulk keeps ≥ 1/4 of the budget. */
export const MAX_INTERACTIVE_RUN = 3;

/** The in-process slot book: one slot every 1000/perSecond ms, the next one never before now. */
export function localSlots(perSecond: number, now: () => number = () => performance.now()): SlotSource {
  const interval = 1000 / perSecond;
  let nextSlot = -Infinity;
  return {
    now,
    reserve(count) {
      const first = Math.max(now(), nextSlot);
      nextSlot = first + count * interval;
      return Array.from({ length: count }, (_, i) => first + i * interval);
    },
  };
}

/**
 * Hands the slots of `source` to waiting callers, interactive lane first. A slot is given to a caller only
 * when it comes due, not when it is booked, so a reply that arrives while bulk slots are booked ahead takes
 * the next one due. At most `lookahead` slots are booked ahead, and never more than there are callers
 * waiting, so every booked slot is used and the total rate is the source's. `lookahead` > 1 hides the
 * booking's latency when the source is remote (the shared limiter's database round trip).
 */
export function createLaneLimiter(
  perSecond: number,
  source: SlotSource,
  o: { lookahead?: number; timers?: Timers; maxInteractiveRun?: number } = {},
): RateLimiter {
  const lookahead = Math.max(1, o.lookahead ?? 1);
  const timers: Timers = o.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms) };
  const maxRun = o.maxInteractiveRun ?? MAX_INTERACTIVE_RUN;
  type Waiter = { resolve: () => void; reject: (err: unknown) => void };
  const lanes: Record<SendLane, Waiter[]> = { interactive: [], bulk: [] };
  let booked = 0;
  let interactiveRun = 0;
  const waiting = () => lanes.interactive.length + lanes.bulk.length;

  const next = (): Waiter => {
    const takeInteractive = lanes.interactive.length > 0 && (lanes.bulk.length === 0 || interactiveRun < maxRun);
    if (takeInteractive) interactiveRun = lanes.bulk.length > 0 ? interactiveRun + 1 : 0;
    else interactiveRun = 0;
    return (takeInteractive ? lanes.interactive : lanes.bulk).shift()!;
  };
  const due = () => {
    booked--;
    next().resolve();
    book();
  };
  const onSlot = (slot: number) => {
    const wait = slot - source.now();
    if (wait <= 0) due();
    else timers.setTimeout(due, wait);
  };
  // One booking at a time: a remote source books several slots in one round trip instead of racing itself.
  let booking = false;
  const book = () => {
    const count = Math.min(lookahead, waiting()) - booked;
    if (count <= 0 || booking) return;
    booked += count;
    let slots: number[] | Promise<number[]>;
    try {
      slots = source.reserve(count);
    } catch (err) {
      slots = Promise.reject(err);
    }
    if (Array.isArray(slots)) {
      for (const slot of slots) onSlot(slot);
      return;
    }
    booking = true;
    slots.then(
      (got) => {
        booking = false;
        for (const slot of got) onSlot(slot);
        book();
      },
      (err: unknown) => {
        // No slots: the first caller that would have had one hears why; the others keep their places.
        booking = false;
        booked -= count;
        next().reject(err);
        book();
      },
    );
  };
  return {
    perSecond,
    acquire(lane: SendLane = 'bulk') {
      return new Promise<void>((resolve, reject) => {
        lanes[lane].push({ resolve, reject });
        book();
      });
    },
  };
}

/** The in-process limiter: this process alone paces its sends at `perSecond`. */
export function createRateLimiter(perSecond: number, now: () => number = () => performance.now(), timers?: Timers): RateLimiter {
  return createLaneLimiter(perSecond, localSlots(perSecond, now), timers ? { timers } : {});
}
