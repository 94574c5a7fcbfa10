import mongoose, { type Connection } from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { FakeDingTalk } from '../../src/fake-dingtalk/fake-dingtalk.js';
import { say } from '../../src/fake-dingtalk/people.js';
import { spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { cardCallsById, cardsTo } from '../helpers/report-e2e.js';
import { reportDueAMinuteAgo, seedReportData } from '../helpers/report-seed.js';
import { eventually, mongoUriFor, uniqueDbName } from '../helpers/service-harness.js';

const MESSAGES = 20;

/**
 * The multi-instance deployment of docs/deploy.md, as far as this machine allows: two real bot processes
 * on one database and one DingTalk (the stand-in, which like DingTalk gives each stream frame to one of
 * the app's open connections). weekly-report-faults covers two instances inside one process; this is two
 * processes, each with its own stream connection, Agenda and ledger claims.
 */
describe('two bot processes on one database', () => {
  let fake: FakeDingTalk | undefined;
  let conn: Connection | undefined;
  const bots: BotProcess[] = [];
  afterEach(async () => {
    for (const b of bots) b.child.kill('SIGTERM');
    await Promise.all(bots.map((b) => b.exited));
    await fake?.stop();
    await conn?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  it('each inbound message gets one reply, and each Friday card goes out exactly once', async () => {
    fake = await new FakeDingTalk().start();
    const uri = mongoUriFor(uniqueDbName('twoproc'));
    conn = await mongoose.createConnection(uri).asPromise();
    const models: Models = createModels(conn);
    await ensureIndexes(models);
    // Real time in the children: this week's report is due since the minute that just passed.
    const now = new Date();
    const reportSchedule = await reportDueAMinuteAgo(models, now);
    const org = await seedReportData(models, { reps: 12, repsPerManager: 4, now, seed: 5, reportSchedule });
    fake.org.load({ users: org.fakeUsers });
    const recipients = [...org.reps.map((r) => r.id), ...org.managers.map((m) => m.id)];
    const env = { ...fake.env(), MONGODB_URI: uri, PORT: '0', REPORT_TICK_SECONDS: '1', DINGTALK_SEND_QPS: '50' };

    bots.push(spawnBot(env), spawnBot(env));
    await Promise.all(bots.map((b) => b.waitFor(/trichain is up/)));
    await eventually(() => fake!.stream.connectionCount(), (n) => n === 2, 10_000);

    // Inbound: each message (and a duplicate push of some) reaches one process; one reply each.
    const sender = org.reps[0]!.id;
    const sent: string[] = [];
    for (let i = 0; i < MESSAGES; i++) sent.push(say(fake, { userId: sender, text: '帮助', copies: i % 4 === 0 ? 2 : 1 }).messageId);
    const replies = () => fake!.outbox.deliveries.filter((d) => d.conversation === `user:${sender}` && d.type !== 'card');
    await eventually(() => replies().length, (n) => n >= MESSAGES, 30_000);
    // Every frame acked, so no redelivery is pending that could add a reply later.
    await Promise.all(sent.map((id) => fake!.stream.waitForAck(id, 10_000)));
    expect(replies()).toHaveLength(MESSAGES);
    // The frames really were spread over both connections (random, like DingTalk's balancing).
    const byConnection = new Set(fake.stream.pushed.filter((f) => sent.includes(f.headers.messageId!)).map((f) => f.headers.connectionId));
    expect(byConnection.size).toBe(2);

    // Friday: both processes' Agenda and report ticks see the due run; the ledger lets each card out once.
    const run = await eventually(() => models.ReportRun.findOne({ kind: 'scheduled' }).lean(), (r) => r?.status === 'done', 90_000);
    for (const id of recipients) expect(cardsTo(fake, id), id).toHaveLength(1);
    expect([...cardCallsById(fake).values()].every((n) => n === 1)).toBe(true);
    expect(await models.Delivery.countDocuments({ kind: 'weekly-report', status: 'sent' })).toBe(recipients.length);
    expect(run!.counts).toMatchObject({ failed: 0, inFlight: 0 });
    // Seconds later, still one reply per message: no duplicate push slipped past the inbox late.
    expect(replies()).toHaveLength(MESSAGES);
  });
});
