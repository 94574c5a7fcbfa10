import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/adapters/http/rate-limiter.js';
import { backoffDelay, retryAfterMs } from '../../src/adapters/http/backoff.js';

describe('rate limiter', () => {
  it('spaces concurrent callers evenly at the configured rate', async () => {
    const limiter = createRateLimiter(50); // one slot every 20 ms
    const started = performance.now();
    const times: number[] = [];
    await Promise.all(Array.from({ length: 10 }, () => limiter.acquire().then(() => times.push(performance.now() - started))));
    times.sort((a, b) => a - b);
    // 10 calls at 50/s take at least 9 intervals; none may bunch up.
    expect(times[9]!).toBeGreaterThanOrEqual(175);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(10);
  });
});

describe('backoff', () => {
  it('grows exponentially, stays within the cap, and jitters', () => {
    expect(backoffDelay(0, 100, 1000, () => 0)).toBe(50);
    expect(backoffDelay(3, 100, 1000, () => 1)).toBe(800);
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
