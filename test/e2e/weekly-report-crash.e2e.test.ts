import mongoose, { type Connection } from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { FakeDingTalk } from '../../src/fake-dingtalk/fake-dingtalk.js';
import { spawnBot, type BotProcess } from '../helpers/bot-process.js';
import { cardCallsById, cardsTo } from '../helpers/report-e2e.js';
import { reportDueAMinuteAgo, seedReportData } from '../helpers/report-seed.js';
import { eventually, mongoUriFor, uniqueDbName } from '../helpers/service-harness.js';

const CONCURRENCY = 2;

describe('weekly report: the bot is SIGKILLed in the middle of the Friday fan-out', () => {
  let fake: FakeDingTalk | undefined;
  let conn: Connection | undefined;
  const bots: BotProcess[] = [];
  afterEach(async () => {
    for (const b of bots) b.child.kill('SIGKILL');
    await fake?.stop();
    await conn?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  it('resumes after a restart and every recipient gets their card exactly once', async () => {
    fake = await new FakeDingTalk().start();
    const uri = mongoUriFor(uniqueDbName('crash'));
    conn = await mongoose.createConnection(uri).asPromise();
    const models: Models = createModels(conn);
    await ensureIndexes(models);
    // Real time in the child: schedule this week's report for the minute that just passed.
    const now = new Date();
    const reportSchedule = await reportDueAMinuteAgo(models, now);
    const org = await seedReportData(models, { reps: 20, repsPerManager: 5, now, seed: 3, reportSchedule });
    fake.org.load({ users: org.fakeUsers });
    const recipients = [...org.reps.map((r) => r.id), ...org.managers.map((m) => m.id)];
    const env = {
      ...fake.env(),
      MONGODB_URI: uri,
      PORT: '0',
      DINGTALK_SEND_QPS: '4',
      REPORT_TICK_SECONDS: '1',
      REPORT_LEASE_SECONDS: '3',
      REPORT_CONCURRENCY: String(CONCURRENCY),
    };
    const cardsOut = () => fake!.outbox.deliveries.filter((d) => d.type === 'card').length;

    const first = spawnBot(env);
    bots.push(first);
    await first.waitFor(/trichain is up/);
    await eventually(cardsOut, (n) => n >= 6, 60_000);
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const beforeRestart = cardsOut();
    expect(beforeRestart).toBeLessThan(recipients.length); // really killed mid-run

    const second = spawnBot(env);
    bots.push(second);
    await second.waitFor(/trichain is up/);
    await eventually(cardsOut, (n) => n >= recipients.length, 90_000);
    const run = await eventually(() => models.ReportRun.findOne({ kind: 'scheduled' }).lean(), (r) => r?.status === 'done', 30_000);
    await new Promise((r) => setTimeout(r, 1000)); // anything extra would show up now

    for (const id of recipients) {
      const cards = cardsTo(fake, id);
      expect(cards, id).toHaveLength(1);
      expect(fake.media.has(cards[0]!.cardParamMap.chartMediaId!), id).toBe(true);
    }
    expect(cardsOut()).toBe(recipients.length);
    expect(second.output()).toMatch(/weekly report: pass started/);
    expect(run!.counts!.alreadySent).toBeGreaterThanOrEqual(beforeRestart - CONCURRENCY);
    // Not even the cards in flight at the kill were created twice: a retaken claim is looked up at
    // DingTalk first (docs/exactly-once.md), and the stand-in would deliver a repeat again.
    const repeated = [...cardCallsById(fake).values()].filter((n) => n > 1);
    expect(repeated).toEqual([]);
    expect(await models.Delivery.countDocuments({ kind: 'weekly-report', status: 'sent' })).toBe(recipients.length);
  });
});
