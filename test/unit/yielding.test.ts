import { describe, expect, it } from 'vitest';
import { yielding } from '../../src/adapters/mongo/yielding.js';

/** A cursor whose documents are all buffered: iterating it never waits for I/O (like one big batch). */
async function* buffered(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) yield i;
}

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* synchronous work per document */
  }
}

describe('yielding cursor iteration', () => {
  it('a buffered batch read with plain for-await holds the event loop until the end', async () => {
    let turns = 0;
    const t = setInterval(() => turns++, 0);
    for await (const _ of buffered(200)) busy(0.25);
    clearInterval(t);
    expect(turns).toBe(0);
  });

  it('gives timers and I/O a turn every budget of work, and keeps every document in order', async () => {
    let turns = 0;
    const t = setInterval(() => turns++, 0);
    const seen: number[] = [];
    for await (const i of yielding(buffered(200), 5)) {
      seen.push(i);
      busy(0.25);
    }
    clearInterval(t);
    expect(seen).toEqual(Array.from({ length: 200 }, (_, i) => i));
    // 50 ms of work in 5 ms budgets: about ten turns (timers are coarse; at least a few).
    expect(turns).toBeGreaterThanOrEqual(3);
  });

  it('breaking out closes the source', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const i of yielding(source(), 1)) if (i === 10) break;
    expect(closed).toBe(true);
  });
});
