import { describe, expect, it } from 'vitest';
import { createLaneLimiter, createRateLimiter, localSlots, MAX_INTERACTIVE_RUN, type SendLane, type SlotSource, type Timers } from '../../src/adapters/http/rate-limiter.js';
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

/** A clock that only moves when told to, with the timers the limiter sets on it. */
function fakeClock() {
  let t = 1_000;
  const timers: { at: number; fn: () => void }[] = [];
  const api: Timers = { setTimeout: (fn, ms) => timers.push({ at: t + ms, fn }) };
  return {
    now: () => t,
    timers: api,
    /** Moves the clock to `to`, firing due timers in time order (each at its own time). */
    async advanceTo(to: number) {
      await Promise.resolve(); // grants made at once (an idle limiter) are recorded at the current time
      await Promise.resolve();
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const first = timers[0];
        if (!first || first.at > to) break;
        timers.shift();
        t = Math.max(t, first.at);
        first.fn();
        await Promise.resolve(); // let resolved acquirers record their time
        await Promise.resolve();
      }
      t = to;
      await Promise.resolve();
    },
  };
}

describe('send limiter lanes (fake clock)', () => {
  const setup = (perSecond = 20) => {
    const clock = fakeClock();
    const limiter = createRateLimiter(perSecond, clock.now, clock.timers);
    const grants: { lane: SendLane; id: number; at: number }[] = [];
    let id = 0;
    const ask = (lane: SendLane) => {
      const me = id++;
      void limiter.acquire(lane).then(() => grants.push({ lane, id: me, at: clock.now() }));
      return me;
    };
    return { clock, limiter, grants, ask };
  };

  it('gives a reply the next free slot ahead of report cards already queued', async () => {
    const { clock, grants, ask } = setup(20); // a slot every 50 ms
    for (let i = 0; i < 10; i++) ask('bulk');
    await clock.advanceTo(1_000 + 60); // two bulk slots have gone (at 0 and 50 ms)
    const reply = ask('interactive');
    await clock.advanceTo(1_000 + 5_000);
    expect(grants.map((g) => g.id).slice(0, 4)).toEqual([0, 1, reply, 2]);
    // The reply waited for the next slot only (100 ms), not behind the 8 bulk sends still queued.
    expect(grants.find((g) => g.id === reply)!.at).toBe(1_000 + 100);
    expect(grants).toHaveLength(11);
  });

  it('never exceeds the rate: slots are at least 1000/perSecond ms apart, whatever the lanes', async () => {
    const { clock, grants, ask } = setup(20);
    for (let i = 0; i < 30; i++) ask(i % 3 === 0 ? 'interactive' : 'bulk');
    await clock.advanceTo(1_000 + 700);
    for (let i = 0; i < 20; i++) ask(i % 2 === 0 ? 'interactive' : 'bulk');
    await clock.advanceTo(1_000 + 10_000);
    expect(grants).toHaveLength(50);
    const at = grants.map((g) => g.at);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(50);
    // And it uses the whole budget while callers wait: 50 sends in 49 intervals.
    expect(at.at(-1)! - at[0]!).toBe(49 * 50);
  });

  it('keeps bulk moving under a steady stream of replies (no starvation)', async () => {
    const { clock, grants, ask } = setup(20);
    for (let i = 0; i < 40; i++) ask('bulk');
    // Replies arrive faster than the budget for 2 s: the interactive lane is never empty.
    for (let k = 0; k < 40; k++) {
      ask('interactive');
      ask('interactive');
      await clock.advanceTo(1_000 + (k + 1) * 50);
    }
    const lanes = grants.map((g) => g.lane);
    const bulk = lanes.filter((l) => l === 'bulk').length;
    // At least one slot in MAX_INTERACTIVE_RUN + 1 goes to bulk while both lanes wait.
    expect(bulk).toBeGreaterThanOrEqual(Math.floor(lanes.length / (MAX_INTERACTIVE_RUN + 1)));
    let run = 0;
    for (const l of lanes) {
      run = l === 'interactive' ? run + 1 : 0;
      expect(run).toBeLessThanOrEqual(MAX_INTERACTIVE_RUN);
    }
  });

  it('an idle limiter grants at once, then spaces the next call', async () => {
    const { clock, grants, ask } = setup(10);
    ask('interactive');
    await clock.advanceTo(1_000);
    expect(grants).toEqual([{ lane: 'interactive', id: 0, at: 1_000 }]);
    ask('bulk');
    await clock.advanceTo(1_050);
    expect(grants).toHaveLength(1);
    await clock.advanceTo(1_100);
    expect(grants.at(-1)).toEqual({ lane: 'bulk', id: 1, at: 1_100 });
  });

  it('books several slots ahead from a slow source, one booking at a time, and still serves a reply first', async () => {
    const clock = fakeClock();
    const slots = localSlots(20, clock.now);
    const bookings: number[] = [];
    let pendingBookings = 0;
    let maxConcurrentBookings = 0;
    // A remote book (like the shared limiter's database) answering after 80 ms, longer than a slot.
    const slow: SlotSource = {
      now: clock.now,
      reserve: (count) =>
        new Promise((resolve) => {
          bookings.push(count);
          pendingBookings++;
          maxConcurrentBookings = Math.max(maxConcurrentBookings, pendingBookings);
          clock.timers.setTimeout(() => {
            pendingBookings--;
            resolve(slots.reserve(count) as number[]);
          }, 80);
        }),
    };
    const limiter = createLaneLimiter(20, slow, { lookahead: 10, timers: clock.timers });
    const grants: { lane: SendLane; at: number }[] = [];
    for (let i = 0; i < 30; i++) void limiter.acquire('bulk').then(() => grants.push({ lane: 'bulk', at: clock.now() }));
    await clock.advanceTo(1_000 + 500);
    void limiter.acquire('interactive').then(() => grants.push({ lane: 'interactive', at: clock.now() }));
    await clock.advanceTo(1_000 + 5_000);
    expect(grants).toHaveLength(31);
    expect(maxConcurrentBookings).toBe(1);
    const at = grants.map((g) => g.at);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(50);
    // The 80 ms booking round trip does not slow the pace once slots are booked ahead (the first two
    // bookings are one slot, then the rest): from the second send on, one every 50 ms.
    expect(at.at(-1)! - at[1]!).toBe(29 * 50);
    const reply = grants.find((g) => g.lane === 'interactive')!;
    expect(reply.at - 1_500).toBeLessThanOrEqual(50);
  });

  it('a failed booking fails one caller and the rest carry on', async () => {
    const clock = fakeClock();
    let fail = true;
    const slots = localSlots(20, clock.now);
    const source: SlotSource = { now: clock.now, reserve: (n) => (fail ? ((fail = false), Promise.reject(new Error('db down'))) : slots.reserve(n)) };
    const limiter = createLaneLimiter(20, source, { timers: clock.timers });
    const a = limiter.acquire('bulk');
    const b = limiter.acquire('bulk');
    await expect(a).rejects.toThrow('db down');
    await clock.advanceTo(2_000);
    await expect(b).resolves.toBeUndefined();
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
