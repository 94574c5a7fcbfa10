import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DingTalkMessenger } from '../../src/adapters/dingtalk/dingtalk-messenger.js';
import { DingTalkOpenApi } from '../../src/adapters/dingtalk/openapi-client.js';
import { TokenProvider } from '../../src/adapters/dingtalk/token-provider.js';
import { HttpClient } from '../../src/adapters/http/http-client.js';
import { createRateLimiter, type RateLimiter, type SendLane } from '../../src/adapters/http/rate-limiter.js';
import { Bot } from '../../src/bot/bot.js';
import type { InboundCardAction } from '../../src/bot/inbound.js';
import { FakeDingTalk } from '../../src/fake-dingtalk/fake-dingtalk.js';
import { starterOrg } from '../../src/fake-dingtalk/starter-org.js';
import { registerAppeals } from '../../src/handlers/appeals.js';
import { registerReportHandlers } from '../../src/handlers/report.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { answerInChat } from '../../src/services/goals/refusal.js';
import { CardTemplates } from '../../src/adapters/cards/template-store.js';
import { buildReports } from '../../src/domain/report/build-report.js';
import { DEFAULT_REPORT_SETTINGS } from '../../src/domain/report/types.js';
import { ReportSender } from '../../src/services/weekly-report/report-sender.js';
import { act, dataset, person } from '../unit/report/fixtures.js';

/**
 * A person pressed a card button and waits for the answer: it goes in the interactive lane of the send
 * budget, ahead of report cards already queued (issue 14, "Responsive during the fan-out"), through the real
 * Bot, messenger, OpenAPI client and the DingTalk stand-in.
 */

/** Deps a handler must not touch on the path under test: any use fails the test. */
const unused = (what: string) =>
  new Proxy({}, { get: (_t, key) => (key === 'then' ? undefined : () => { throw new Error(`${what}.${String(key)} used`); }) }) as never;

function setUp(fake: FakeDingTalk, qps: number) {
  const lanes: Array<{ lane: SendLane }> = [];
  const inner = createRateLimiter(qps);
  const limiter: RateLimiter = { perSecond: qps, acquire: (lane) => (lanes.push({ lane: lane ?? 'bulk' }), inner.acquire(lane)) };
  const http = new HttpClient({ timeoutMs: 5000, maxRetries: 3, baseDelayMs: 20, maxDelayMs: 200 });
  const tokens = new TokenProvider(http, { apiBase: fake.baseUrl, clientId: fake.clientId, clientSecret: fake.clientSecret });
  const logger = createLogger({ level: 'silent' });
  const api = new DingTalkOpenApi({ apiBase: fake.baseUrl, oapiBase: fake.baseUrl, robotCode: fake.robotCode, http, tokens, sendLimiter: limiter, logger });
  const messenger = new DingTalkMessenger(api);
  const bot = new Bot({ messenger, inbox: { claim: async () => true, finish: async () => undefined }, logger, metrics: createMetrics({ defaultMetrics: false }) });
  return { api, messenger, bot, lanes, logger };
}

const click = (userId: string, outTrackId: string, params: Record<string, unknown>, n: number): InboundCardAction => ({
  kind: 'card', dedupeKey: `card-${n}`, outTrackId, userId, actionIds: [], params, spaceType: 'IM_ROBOT', spaceId: undefined,
});

/** The recipients of robot.batchSend calls, in the order the stand-in received them. */
const sendOrder = (fake: FakeDingTalk) =>
  fake
    .callsTo('robot.batchSend')
    .sort((a, b) => a.at - b.at)
    .map((c) => (c.body as { userIds: string[] }).userIds[0]);

describe('card-button answers take the interactive lane', () => {
  let fake: FakeDingTalk;
  beforeEach(async () => {
    fake = await new FakeDingTalk({ tokenTtlSec: 7200 }).start();
    fake.org.load(starterOrg());
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('the weekly report card\'s 「发给我看」 answer overtakes report sends already queued', async () => {
    const { api, messenger, bot, lanes, logger } = setUp(fake, 10);
    registerReportHandlers(bot, { models: unused('models'), views: unused('views'), runner: unused('runner'), builder: unused('builder'), audit: unused('audit'), messenger, clock: { now: () => new Date() }, logger });
    // A Friday pass's sends, queued in the bulk lane at 10/s (the first takes the idle slot at once).
    const bulk = Array.from({ length: 6 }, (_, i) => api.sendToUsers(['rep01'], { type: 'text', text: `card ${i}` }));
    // A manager presses 「发给我看」 without picking a member: the handler answers them in chat.
    await Promise.all([...bulk, bot.handle(click('mgr01', 'weekly-report-team:2026-W49:mgr01', { action: 'weekly-report.open' }, 1))]);
    expect(fake.outbox.toUser('mgr01').map((d) => d.text)).toEqual([expect.stringContaining('请先在卡片上选择一位成员')]);
    expect(lanes.filter((l) => l.lane === 'interactive')).toHaveLength(1);
    // The answer took the next slot after the first card, ahead of the five still queued.
    expect(sendOrder(fake).indexOf('mgr01')).toBe(1);
  });

  it('the Friday card\'s 申诉 answer (no activity picked) goes in the interactive lane', async () => {
    const { messenger, bot, lanes } = setUp(fake, 1000);
    const people = { get: async (id: string) => ({ _id: id, lang: 'zh' }) };
    registerAppeals(bot, { activity: { people }, appeals: unused('appeals'), messenger } as never);
    await bot.handle(click('rep01', 'weekly-report:2026-W49:rep01', { action: 'appeal.open' }, 2));
    expect(fake.outbox.toUser('rep01').map((d) => d.text)).toEqual(['请先在卡片上选择要申诉的那条行为。']);
    expect(lanes.map((l) => l.lane)).toEqual(['interactive']);
  });

  it('a card handler\'s ctx.answer and the goal cards\' answerInChat are interactive; a send to someone else stays bulk', async () => {
    const { messenger, bot, lanes } = setUp(fake, 1000);
    bot.card('probe', async (ctx) => {
      await ctx.answer('收到');
      await answerInChat(messenger, ctx.event.userId)('只有直属主管可以审批');
      // A notice to another person (e.g. the goal's owner after a manager decides) is not an answer.
      await messenger.send({ kind: 'user', userId: 'rep02' }, { type: 'text', text: '你的目标已批准' });
    });
    await bot.handle(click('mgr01', 'probe:1', { action: 'probe' }, 3));
    expect(fake.outbox.toUser('mgr01').map((d) => d.text)).toEqual(['收到', '只有直属主管可以审批']);
    expect(lanes.map((l) => l.lane)).toEqual(['interactive', 'interactive', 'bulk']);
  });

  it('a report someone asked to see (a button, 周报) is sent in the interactive lane', async () => {
    const { messenger, lanes, logger } = setUp(fake, 1000);
    // The chart renderer is not what this checks: it refuses, and the card goes without the chart (as in production).
    const pool = { size: 1, render: async () => Promise.reject(new Error('no renderer here')), close: async () => undefined, stats: () => ({ workers: 0, busy: 0, queued: 0, restarts: 0 }) };
    const sender = new ReportSender({ ledger: unused('ledger'), messenger, templates: new CardTemplates(), pool, settings: DEFAULT_REPORT_SETTINGS, logger });
    const report = buildReports(dataset({ people: [person('rep01')], activities: [act('rep01', '2026-W48', 3)] }), DEFAULT_REPORT_SETTINGS).reports[0]!;
    await sender.view({ recipientId: 'mgr01', part: 'report', report }, 'mgr01', 'weekly-report-view:2026-W48:mgr01:rep01:abc');
    expect(fake.outbox.toUser('mgr01').map((d) => d.type)).toEqual(['card']);
    expect(lanes.map((l) => l.lane)).toEqual(['interactive']);
  });
});
