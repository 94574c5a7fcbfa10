/**
 * Paces calls to at most `perSecond`, evenly spaced (no bursts), across all callers of one limiter.
 * Each caller reserves the next free slot, so concurrent callers never share one.
 */
export interface RateLimiter {
  acquire(): Promise<void>;
  readonly perSecond: number;
}

export function createRateLimiter(perSecond: number, now: () => number = () => performance.now()): RateLimiter {
  const interval = 1000 / perSecond;
  let nextSlot = 0;
  return {
    perSecond,
    acquire() {
      const t = now();
      const slot = Math.max(t, nextSlot);
      nextSlot = slot + interval;
      const wait = slot - t;
      return wait <= 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, wait));
    },
  };
}
