import type { Models } from '../../adapters/mongo/models/index.js';

export type RateDecision = { ok: true; limit: number; remaining: number } | { ok: false; limit: number; retryAfterSec: number };

const WINDOW_MS = 60_000;
const KEEP_MS = 60 * 60_000;

/**
 * Requests per API key per minute, counted in the database so that every instance behind the load
 * balancer shares one budget per key. A fixed window with one atomic $inc upsert: cheap, exact across
 * instances, and the Retry-After is simply the time to the next window.
 */
export class ApiRateLimiter {
  constructor(private readonly d: { models: Pick<Models, 'ApiRateWindow'>; perMinute: number; now: () => Date }) {}

  async hit(keyId: string): Promise<RateDecision> {
    const now = this.d.now().getTime();
    const start = now - (now % WINDOW_MS);
    const id = `${keyId}|${start}`;
    const count = await this.increment(id, new Date(start));
    if (count === 1) {
      // A new window for this key: drop its old ones (TTL indexes never fire on the local server).
      await this.d.models.ApiRateWindow.deleteMany({ _id: { $gte: `${keyId}|`, $lt: `${keyId}|~` }, at: { $lt: new Date(now - KEEP_MS) } });
    }
    const limit = this.d.perMinute;
    if (count > limit) return { ok: false, limit, retryAfterSec: Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000)) };
    return { ok: true, limit, remaining: limit - count };
  }

  private async increment(id: string, at: Date): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const doc = await this.d.models.ApiRateWindow.findOneAndUpdate({ _id: id }, { $inc: { count: 1 }, $setOnInsert: { at } }, { upsert: true, returnDocument: 'after' }).lean();
        return doc!.count;
      } catch (err) {
        // Two first requests of a window racing to insert it: the loser retries as an update.
        if ((err as { code?: number }).code !== 11000 || attempt > 2) throw err;
      }
    }
  }
}
