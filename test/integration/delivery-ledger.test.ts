import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryLedger, type DeliveryKey } from '../../src/adapters/mongo/delivery-ledger.js';
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
    expect(await run1.failed('weekly-report', '2026-W48')).toEqual([{ id: r.id, recipientId: 'rep04', lastError: 'HTTP 500 after 4 retries' }]);
    const run2 = new DeliveryLedger(models, 'run2', 60_000, now);
    const again = await run2.claim(key('rep04'));
    expect(again).toMatchObject({ claimed: true, attempt: 2 });
    if (!again.claimed) return;
    await run2.markSent(again.id, again.attempt);
    expect(await run2.failed('weekly-report', '2026-W48')).toEqual([]);
  });
});
