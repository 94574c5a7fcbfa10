import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DingTalkApiError, DingTalkOpenApi } from '../../src/adapters/dingtalk/openapi-client.js';
import { TokenProvider } from '../../src/adapters/dingtalk/token-provider.js';
import { HttpClient, HttpError } from '../../src/adapters/http/http-client.js';
import { createRateLimiter, type RateLimiter, type SendLane } from '../../src/adapters/http/rate-limiter.js';
import { DingTalkMessenger } from '../../src/adapters/dingtalk/dingtalk-messenger.js';
import type { InboundMessage } from '../../src/bot/inbound.js';
import { FakeDingTalk } from '../../src/fake-dingtalk/fake-dingtalk.js';
import { starterOrg } from '../../src/fake-dingtalk/starter-org.js';
import { silentLogger } from '../../src/logger.js';

function client(fake: FakeDingTalk, opts: { qps?: number; timeoutMs?: number; now?: () => number; limiter?: RateLimiter } = {}) {
  const http = new HttpClient({ timeoutMs: opts.timeoutMs ?? 2000, maxRetries: 3, baseDelayMs: 20, maxDelayMs: 200 });
  const tokens = new TokenProvider(http, { apiBase: fake.baseUrl, clientId: fake.clientId, clientSecret: fake.clientSecret, ...(opts.now ? { now: opts.now } : {}) });
  return new DingTalkOpenApi({
    apiBase: fake.baseUrl,
    oapiBase: fake.baseUrl,
    robotCode: fake.robotCode,
    http,
    tokens,
    sendLimiter: opts.limiter ?? createRateLimiter(opts.qps ?? 1000),
    logger: silentLogger,
  });
}

describe('DingTalk OpenAPI client against the fake', () => {
  let fake: FakeDingTalk;
  beforeEach(async () => {
    fake = await new FakeDingTalk({ tokenTtlSec: 7200 }).start();
    fake.org.load(starterOrg());
  });
  afterEach(async () => {
    await fake.stop();
  });

  it('fetches the token once for many calls, and again shortly before it expires', async () => {
    let now = Date.now();
    const api = client(fake, { now: () => now });
    await Promise.all([api.sendToUsers(['rep01'], { type: 'text', text: 'a' }), api.sendToUsers(['rep02'], { type: 'text', text: 'b' })]);
    await api.sendToGroup('cidTeamEast', { type: 'text', text: 'c' });
    expect(fake.callsTo('oauth2.accessToken')).toHaveLength(1);
    now += 7200_000 - 4 * 60_000; // inside the 5-minute refresh margin
    await api.sendToUsers(['rep01'], { type: 'text', text: 'd' });
    expect(fake.callsTo('oauth2.accessToken')).toHaveLength(2);
  });

  it('refetches a token the server no longer accepts, once', async () => {
    const api = client(fake);
    await api.sendToUsers(['rep01'], { type: 'text', text: 'a' });
    fake.tokens.clear(); // server-side revocation
    await api.sendToUsers(['rep01'], { type: 'text', text: 'b' });
    expect(fake.callsTo('robot.batchSend').map((c) => c.status)).toEqual([200, 401, 200]);
    expect(fake.outbox.toUser('rep01')).toHaveLength(2);
  });

  it('retries 429 and 5xx with backoff, delivering once', async () => {
    const api = client(fake);
    fake.injectFault({ match: 'robot.batchSend', status: 503, times: 1 });
    fake.injectFault({ match: 'robot.batchSend', status: 429, times: 1 });
    await api.sendToUsers(['rep01'], { type: 'text', text: '你好' });
    expect(fake.callsTo('robot.batchSend').map((c) => c.status)).toEqual([503, 429, 200]);
    expect(fake.outbox.toUser('rep01')).toHaveLength(1);
  });

  it('gives up after the retries and says which endpoint failed', async () => {
    const api = client(fake);
    fake.injectFault({ match: 'robot.groupSend', status: 500, times: 10 });
    await expect(api.sendToGroup('cidTeamEast', { type: 'text', text: 'x' })).rejects.toMatchObject({ endpoint: 'robot.groupSend', status: 500 });
    expect(fake.callsTo('robot.groupSend')).toHaveLength(4);
    expect(fake.outbox.inGroup('cidTeamEast')).toHaveLength(0);
  });

  it('does not retry a 4xx that repeating cannot fix', async () => {
    const api = client(fake);
    await expect(api.sendToGroup('cidUnknown', { type: 'text', text: 'x' })).rejects.toBeInstanceOf(HttpError);
    expect(fake.callsTo('robot.groupSend')).toHaveLength(1);
  });

  it('times out a hanging call and retries it', async () => {
    const api = client(fake, { timeoutMs: 300 });
    fake.injectFault({ match: 'robot.batchSend', status: 200, times: 1, delayMs: 1500 });
    await api.sendToUsers(['rep01'], { type: 'text', text: 'x' });
    expect(fake.outbox.toUser('rep01')).toHaveLength(1);
  });

  it('splits more than 20 recipients into batches and reports unknown users', async () => {
    fake.org.load({ users: Array.from({ length: 45 }, (_, i) => ({ userid: `u${i}`, name: `用户${i}`, deptIds: [1] })) });
    const api = client(fake);
    const r = await api.sendToUsers([...Array.from({ length: 45 }, (_, i) => `u${i}`), 'ghost'], { type: 'text', text: 'hi' });
    expect(fake.callsTo('robot.batchSend').map((c) => (c.body as { userIds: string[] }).userIds.length)).toEqual([20, 20, 6]);
    expect(r.invalidUserIds).toEqual(['ghost']);
  });

  it('keeps a steady send rate under the configured QPS', async () => {
    const api = client(fake, { qps: 10 });
    const t0 = performance.now();
    const wall0 = Date.now();
    await Promise.all(Array.from({ length: 6 }, (_, i) => api.sendToUsers(['rep01'], { type: 'text', text: String(i) })));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(480); // 6 sends at 10/s: ≥ 5 intervals of 100 ms
    // The k-th request can't arrive before its slot (k × 100 ms). Checked against the start, not between
    // neighbours: on a starved CPU two delayed requests may arrive close together without any burst.
    const at = fake.callsTo('robot.batchSend').map((c) => c.at).sort((a, b) => a - b);
    expect(at).toHaveLength(6);
    at.forEach((t, k) => expect(t - wall0).toBeGreaterThanOrEqual(k * 100 - 20));
  });

  it('a chat reply takes the next send slot ahead of report sends already queued (the interactive lane)', async () => {
    const api = client(fake, { qps: 10 });
    const bulk = Array.from({ length: 6 }, (_, i) => api.sendToUsers(['rep01'], { type: 'text', text: `card ${i}` }));
    const reply = api.send({ kind: 'user', userId: 'rep02' }, { type: 'text', text: 'reply' }, 'interactive');
    await Promise.all([...bulk, reply]);
    const order = fake.callsTo('robot.batchSend').sort((a, b) => a.at - b.at).map((c) => (c.body as { userIds: string[] }).userIds[0]);
    // The first bulk send had the idle slot at once; the reply took the next one, ahead of the other five.
    expect(order.indexOf('rep02')).toBe(1);
  });

  it('the messenger sends replies (session webhook or robot API) in the interactive lane and the rest in bulk', async () => {
    const lanes: SendLane[] = [];
    const inner = createRateLimiter(1000);
    const limiter: RateLimiter = { perSecond: 1000, acquire: (lane) => (lanes.push(lane ?? 'bulk'), inner.acquire(lane)) };
    const messenger = new DingTalkMessenger(client(fake, { limiter }));
    const asked: InboundMessage = {
      kind: 'message', dedupeKey: 'm1', msgId: 'm1', msgtype: 'text', text: '帮助', isGroup: false, conversationId: 'c1', conversationTitle: undefined,
      senderStaffId: 'rep01', senderNick: 'rep01', sessionWebhook: fake.sessionWebhookFor('user:rep01', ['rep01']), sessionWebhookExpiresAt: Date.now() + 3_600_000,
      robotCode: fake.robotCode, atStaffIds: [], createdAt: Date.now(),
    };
    await messenger.reply(asked, { type: 'text', text: 'help' });
    await messenger.reply({ ...asked, sessionWebhook: undefined }, { type: 'text', text: 'help again' });
    await messenger.send({ kind: 'user', userId: 'rep02' }, { type: 'text', text: 'a reminder' });
    expect(lanes).toEqual(['interactive', 'interactive', 'bulk']);
  });

  it('paces retries after a 429 through the limiter too, so retrying never exceeds the QPS', async () => {
    const api = client(fake, { qps: 10 }); // the test client's own backoff is only 10–20 ms
    fake.injectFault({ match: 'card.createAndDeliver', status: 429, times: 3 });
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        api.createAndDeliverCard({ templateId: 't.schema', outTrackId: `pace:${i}`, cardParamMap: { title: String(i) } }, { kind: 'user', userId: 'rep01' }),
      ),
    );
    const calls = fake.callsTo('card.createAndDeliver');
    expect(calls.map((c) => c.status).filter((s) => s === 429)).toHaveLength(3);
    expect(calls).toHaveLength(7);
    // 7 attempts at 10/s span ≥ 6 slots of 100 ms; unpaced, a retry would follow its 429 within ~20 ms.
    // (Gaps are measured where the fake receives them, so allow for connection set-up jitter.)
    const at = calls.map((c) => c.at);
    expect(at.at(-1)! - at[0]!).toBeGreaterThanOrEqual(560);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(50);
    expect(fake.outbox.toUser('rep01').filter((d) => d.type === 'card')).toHaveLength(4);
  });

  it('uploads an image and turns legacy errcodes into errors', async () => {
    const api = client(fake);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const id = await api.uploadImage(png);
    expect(fake.media.get(id)?.data.equals(png)).toBe(true);
    await expect(api.uploadImage(Buffer.from('not an image'))).rejects.toBeInstanceOf(DingTalkApiError);
  });

  it('updates a card by key; the stand-in delivers a repeated outTrackId again, as DingTalk promises nothing else', async () => {
    const api = client(fake);
    const card = { templateId: 't.schema', outTrackId: 'notice:1', cardParamMap: { title: '旧', body: 'x' } };
    await api.createAndDeliverCard(card, { kind: 'user', userId: 'rep01' });
    expect(await api.cardExists('notice:1')).toBe(true);
    expect(await api.cardExists('notice:never-sent')).toBe(false);
    // The lookup changed nothing on the card.
    expect(fake.outbox.cards.get('notice:1')?.updates).toBe(0);
    await api.updateCard('notice:1', { title: '新' });
    expect(fake.outbox.cards.get('notice:1')?.cardParamMap).toEqual({ title: '新', body: 'x' });
    // Which is why the client never repeats a create blindly (next test); a caller that does gets two cards.
    await api.createAndDeliverCard(card, { kind: 'user', userId: 'rep01' });
    expect(fake.outbox.toUser('rep01').filter((d) => d.type === 'card')).toHaveLength(2);
  });

  it('a create that timed out after DingTalk made the card is looked up, not sent again', async () => {
    const api = client(fake, { timeoutMs: 400 });
    fake.injectFault({ match: 'card.createAndDeliver', status: 200, answerAfterMs: 1500, times: 1 });
    await api.createAndDeliverCard({ templateId: 't.schema', outTrackId: 'slow:1', cardParamMap: { title: 't' } }, { kind: 'user', userId: 'rep01' });
    expect(fake.callsTo('card.createAndDeliver')).toHaveLength(1);
    expect(fake.outbox.toUser('rep01').filter((d) => d.type === 'card')).toHaveLength(1);
  });

  it('a create refused with a 5xx before it took effect is looked up, then sent once', async () => {
    const api = client(fake);
    fake.injectFault({ match: 'card.createAndDeliver', status: 503, times: 1 });
    await api.createAndDeliverCard({ templateId: 't.schema', outTrackId: 'flaky:1', cardParamMap: { title: 't' } }, { kind: 'user', userId: 'rep01' });
    expect(fake.callsTo('card.createAndDeliver').map((c) => c.status)).toEqual([503, 200]);
    expect(fake.callsTo('card.update')).toHaveLength(1); // the lookup in between
    expect(fake.outbox.toUser('rep01').filter((d) => d.type === 'card')).toHaveLength(1);
  });

  it('stops before a create when the sender no longer holds the card (the fencing guard)', async () => {
    const api = client(fake);
    const lost = new Error('claim lost');
    await expect(
      api.createAndDeliverCard({ templateId: 't.schema', outTrackId: 'fenced:1', cardParamMap: { title: 't' } }, { kind: 'user', userId: 'rep01' }, { guard: () => Promise.reject(lost) }),
    ).rejects.toBe(lost);
    expect(fake.callsTo('card.createAndDeliver')).toHaveLength(0);
  });
});
