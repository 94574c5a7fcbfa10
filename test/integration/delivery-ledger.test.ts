import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaimLostError, DeliveryLedger, type DeliveryKey } from '../../src/adapters/mongo/delivery-ledger.js';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { connectTestDb } from '../helpers/mongo.js';

describe('delivery ledger (exactly-once claims)', () => {
  let conn: Connection;
  let drop: () => Promise<void>;
  let models: Models;
  let clock = new Date('2026-11-27T09:00:00Z');
  const now = () => clock;
  const key = (recipientId: string): DeliveryKey => ({ kind: 'weekly-report', period: '2026-W48', recipientId, part: 'card' });

  beforeAll(async () => {
    ({ conn, drop } = await connectTestDb('ledger'));
    models = createModels(conn);
    await ensureIndexes(models);
  });
  afterAll(async () => {
    await drop();
  });

  it('lets exactly one of many concurrent instances claim a send', async () => {
    const ledgers = Array.from({ length: 8 }, (_, i) => new DeliveryLedger(models, `inst${i}`, 60_000, now));
    const results = await Promise.all(ledgers.map((l) => l.claim(key('rep01'))));
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect(results.filter((r) => !r.claimed).every((r) => !r.claimed && r.reason === 'in-flight')).toBe(true);
  });

  it('never claims a sent delivery again', async () => {
    const a = new DeliveryLedger(models, 'a', 60_000, now);
    const r = await a.claim(key('rep02'));
    if (!r.claimed) throw new Error('expected a claim');
    await a.markSent(r.id, r.attempt);
    clock = new Date(clock.getTime() + 3600_000);
    expect(await new DeliveryLedger(models, 'b', 60_000, now).claim(key('rep02'))).toMatchObject({ claimed: false, reason: 'sent' });
  });

  it('retakes a claim whose holder died once the lease is over, as a new attempt, for one taker only', async () => {
    const dead = new DeliveryLedger(models, 'dead', 60_000, now);
    expect(await dead.claim(key('rep03'))).toMatchObject({ claimed: true, attempt: 1 });
    const early = new DeliveryLedger(models, 'x', 60_000, now);
    expect(await early.claim(key('rep03'))).toMatchObject({ claimed: false, reason: 'in-flight' });
    clock = new Date(clock.getTime() + 61_000);
    const takers = Array.from({ length: 5 }, (_, i) => new DeliveryLedger(models, `t${i}`, 60_000, now));
    const results = await Promise.all(takers.map((l) => l.claim(key('rep03'))));
    const won = results.filter((r) => r.claimed);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ attempt: 2 });
    // The dead holder's late "sent" for attempt 1 must not overwrite the new attempt's state.
    await dead.markSent(won[0]!.id, 1);
    expect(await early.statusOf(key('rep03'))).toBe('sending');
  });

  it('retries a failed send on the next run and lists it for the operator meanwhile', async () => {
    const run1 = new DeliveryLedger(models, 'run1', 60_000, now);
    const r = await run1.claim(key('rep04'));
    if (!r.claimed) throw new Error('expected a claim');
    await run1.markFailed(r.id, r.attempt, 'HTTP 500 after 4 retries');
    expect(await run1.failed('weekly-report', '2026-W48')).toEqual([{ id: r.id, recipientId: 'rep04', lastError: 'HTTP 500 after 4 retries', throttled: false }]);
    const run2 = new DeliveryLedger(models, 'run2', 60_000, now);
    const again = await run2.claim(key('rep04'));
    expect(again).toMatchObject({ claimed: true, attempt: 2 });
    if (!again.claimed) return;
    await run2.markSent(again.id, again.attempt);
    expect(await run2.failed('weekly-report', '2026-W48')).toEqual([]);
  });

  it('fences a holder paused past its lease: its confirm fails once the lease ran out, and a retake says what came before', async () => {
    const paused = new DeliveryLedger(models, 'paused', 60_000, now);
    const mine = await paused.claim(key('rep05'), { runId: 'run-A' });
    if (!mine.claimed) throw new Error('expected a claim');
    expect(mine.previous).toBeUndefined();
    // Within the lease, confirming renews it.
    clock = new Date(clock.getTime() + 50_000);
    expect(await paused.confirm(mine.id, mine.attempt)).toBe(true);
    clock = new Date(clock.getTime() + 50_000);
    expect(await new DeliveryLedger(models, 'x', 60_000, now).claim(key('rep05'))).toMatchObject({ claimed: false, reason: 'in-flight' });
    // Paused past the lease: nobody took it yet, but a lapsed lease can't be renewed.
    clock = new Date(clock.getTime() + 61_000);
    expect(await paused.confirm(mine.id, mine.attempt)).toBe(false);
    await expect(paused.guard(mine)()).rejects.toThrow(ClaimLostError);
    const taker = new DeliveryLedger(models, 'taker', 60_000, now);
    const next = await taker.claim(key('rep05'), { runId: 'run-B' });
    expect(next).toMatchObject({ claimed: true, attempt: 2, previous: { status: 'sending', runId: 'run-A' } });
    if (!next.claimed) return;
    expect(await taker.confirm(next.id, next.attempt)).toBe(true);
    expect(await paused.confirm(mine.id, mine.attempt)).toBe(false);
    // The card the paused attempt had created is recorded as sent by its run.
    expect(await taker.markSent(next.id, next.attempt, { sentByRunId: 'run-A' })).toBe(true);
    expect(await paused.markSent(mine.id, mine.attempt)).toBe(false);
    expect(await taker.countSentBy('weekly-report', 'run-A')).toBe(1);
    expect(await taker.countSentBy('weekly-report', 'run-B')).toBe(0);
  });

  it('remembers a throttled failure so the runner can retry it within minutes', async () => {
    const l = new DeliveryLedger(models, 'thr', 60_000, now);
    const r = await l.claim(key('rep06'));
    if (!r.claimed) throw new Error('expected a claim');
    await l.markFailed(r.id, r.attempt, 'card.createAndDeliver answered HTTP 429', { throttled: true });
    expect((await l.failed('weekly-report', '2026-W48')).find((f) => f.recipientId === 'rep06')).toMatchObject({ throttled: true });
  });
});
