import mongoose, { type Connection } from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { FakeDingTalk } from '../../src/fake-dingtalk/fake-dingtalk.js';
import { spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { cardsTo } from '../helpers/report-e2e.js';
import { reportDueAMinuteAgo, seedReportData, type SeededOrg } from '../helpers/report-seed.js';
import { eventually, mongoUriFor, uniqueDbName } from '../helpers/service-harness.js';

/**
 * "Once" must hold at the OpenAPI, not only in the chat: every card is created by exactly one
 * createAndDeliver call, whatever happens to the instance that sends it. (The stand-in delivers a repeated
 * outTrackId again, as nothing DingTalk documents promises otherwise.)
 */
describe('weekly report: every card is created once at the OpenAPI', () => {
  let fake: FakeDingTalk | undefined;
  let conn: Connection | undefined;
  const bots: BotProcess[] = [];
  afterEach(async () => {
    for (const b of bots.splice(0)) {
      b.child.kill('SIGCONT');
      b.child.kill('SIGKILL');
    }
    await fake?.stop();
    await conn?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  async function setUp(reps: number): Promise<{ models: Models; org: SeededOrg; recipients: string[]; env: Record<string, string> }> {
    fake = await new FakeDingTalk().start();
    const uri = mongoUriFor(uniqueDbName('once'));
    conn = await mongoose.createConnection(uri).asPromise();
    const models = createModels(conn);
    await ensureIndexes(models);
    // Real time in the children: this week's report was due a minute ago.
    const now = new Date();
    const reportSchedule = await reportDueAMinuteAgo(models, now);
    const org = await seedReportData(models, { reps, repsPerManager: 4, now, seed: 5, reportSchedule });
    fake.org.load({ users: org.fakeUsers });
    const recipients = [...org.reps.map((r) => r.id), ...org.managers.map((m) => m.id)];
    const env = { ...fake.env(), MONGODB_URI: uri, PORT: '0', REPORT_TICK_SECONDS: '1', REPORT_LEASE_SECONDS: '3' };
    return { models, org, recipients, env };
  }

  /** createAndDeliver calls that reached DingTalk, per outTrackId, whatever their answer. */
  const createsById = () => {
    const out = new Map<string, number>();
    for (const c of fake!.callsTo('card.createAndDeliver')) {
      if (c.injected && c.status !== 200) continue; // refused before it took effect
      const id = (c.body as { outTrackId: string }).outTrackId;
      out.set(id, (out.get(id) ?? 0) + 1);
    }
    return out;
  };

  async function expectOnce(models: Models, recipients: string[]): Promise<void> {
    const run = await eventually(() => models.ReportRun.findOne({ kind: 'scheduled' }).lean(), (r) => r?.status === 'done', 60_000);
    for (const id of recipients) expect(cardsTo(fake!, id), id).toHaveLength(1);
    const creates = createsById();
    expect(creates.size).toBe(recipients.length);
    expect([...creates.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(await models.Delivery.countDocuments({ kind: 'weekly-report', status: 'sent' })).toBe(recipients.length);
    // HR's "本次发出 N 份" counts every pass, the killed instance's included.
    expect(run!.sentTotal).toBe(recipients.length);
  }

  it('an instance killed between the send and the ledger update: the next one finds the card at DingTalk and does not send it again', async () => {
    const { models, recipients, env } = await setUp(8);
    // The first card is created, but its answer never reaches the sender before it dies.
    fake!.injectFault({ match: 'card.createAndDeliver', status: 200, answerAfterMs: 30_000, times: 1 });
    const first = spawnBot({ ...env, REPORT_CONCURRENCY: '1' });
    bots.push(first);
    await eventually(() => fake!.outbox.deliveries.filter((d) => d.type === 'card').length, (n) => n === 1, 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    // Delivered, but the ledger still says 'sending': the kill came between the two.
    const hung = fake!.outbox.deliveries.find((d) => d.type === 'card')!.outTrackId;
    expect((await models.Delivery.findOne({ outTrackId: hung }).lean())?.status).toBe('sending');

    const second = spawnBot({ ...env, REPORT_CONCURRENCY: '2' });
    bots.push(second);
    await eventually(() => fake!.outbox.deliveries.filter((d) => d.type === 'card').length, (n) => n >= recipients.length, 90_000);
    await expectOnce(models, recipients);
    expect(second.output()).toMatch(/created by an earlier attempt; recorded, not sent again/);
  });

  it('the holder paused past its lease: the other instance takes over, and the paused one, resumed, sends nothing it no longer owns', async () => {
    const { models, recipients, env } = await setUp(12);
    // Slow sends, two in flight: when paused, the holder has claims it is about to send.
    const slow = { ...env, DINGTALK_SEND_QPS: '2', REPORT_CONCURRENCY: '2' };
    const holder = spawnBot(slow);
    bots.push(holder);
    await eventually(() => fake!.outbox.deliveries.filter((d) => d.type === 'card').length, (n) => n >= 2, 60_000);
    holder.child.kill('SIGSTOP');
    const sendingAtPause = await models.Delivery.countDocuments({ kind: 'weekly-report', status: 'sending' });

    const other = spawnBot(slow);
    bots.push(other);
    await eventually(() => models.ReportRun.findOne({ kind: 'scheduled' }).lean(), (r) => r?.status === 'done', 120_000);
    await eventually(() => fake!.outbox.deliveries.filter((d) => d.type === 'card').length, (n) => n >= recipients.length, 30_000);

    // Resume the paused holder, then stop it gracefully: it finishes whatever it still had in hand first.
    holder.child.kill('SIGCONT');
    await holder.waitFor(/another instance took this run over/, 30_000);
    holder.child.kill('SIGTERM');
    expect((await holder.exited).code).toBe(0);
    // What it held at the pause it either stopped before sending (claim lost) or had already sent, which
    // the other instance then found at DingTalk instead of sending again.
    if (sendingAtPause > 0) expect(holder.output() + other.output()).toMatch(/another instance took this card over|created by an earlier attempt|delivered but not recorded/);
    await expectOnce(models, recipients);
  });
});
