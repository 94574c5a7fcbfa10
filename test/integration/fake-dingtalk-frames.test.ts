import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DWClient, EventAck, TOPIC_CARD, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import { StreamTransport } from '../../src/adapters/dingtalk/stream-transport.js';
import type { InboundEvent } from '../../src/bot/inbound.js';
import { FakeDingTalk } from '../../src/fake-dingtalk/fake-dingtalk.js';
import { clickCard, post, say } from '../../src/fake-dingtalk/people.js';
import { starterOrg } from '../../src/fake-dingtalk/starter-org.js';
import { STAND_IN_TLS_CERT } from '../../src/fake-dingtalk/tls-cert.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { eventually } from '../helpers/service-harness.js';

/** Issue 15.11: the stand-in's frames have the fields and types of DingTalk's documented examples. */

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/dingtalk/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
const shape = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeOf(v)]));
/** Every field of `documented` is in `actual` with the same type. */
function expectFields(actual: Record<string, unknown>, documented: Record<string, unknown>): void {
  const a = shape(actual);
  for (const [k, t] of Object.entries(shape(documented))) expect({ [k]: a[k] }).toEqual({ [k]: t });
}

/** The real SDK, pointed at the stand-in (its getEndpoint is hard-wired to api.dingtalk.com). */
async function connectSdk(fake: FakeDingTalk, client: DWClient): Promise<void> {
  const res = await fetch(`${fake.baseUrl}/v1.0/gateway/connections/open`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ clientId: fake.clientId, clientSecret: fake.clientSecret, subscriptions: client.getConfig().subscriptions }),
  });
  const { endpoint, ticket } = (await res.json()) as { endpoint: string; ticket: string };
  Object.assign(client, { dw_url: `${endpoint}?ticket=${ticket}` });
  await client._connect();
}

describe('the stand-in speaks DingTalk’s documented frames', () => {
  let fake: FakeDingTalk;
  let client: DWClient;
  const received: DWClientDownStream[] = [];
  let eventAnswer: EventAck = EventAck.SUCCESS;
  let cardResponse: unknown = {};
  beforeEach(async () => {
    received.length = 0;
    eventAnswer = EventAck.SUCCESS;
    cardResponse = {};
    fake = await new FakeDingTalk({ redeliverAfterMs: 300 }).start();
    fake.org.load(starterOrg());
    client = new DWClient({ clientId: fake.clientId, clientSecret: fake.clientSecret });
    (client as unknown as { config: { autoReconnect: boolean } }).config.autoReconnect = false;
    client.registerCallbackListener(TOPIC_ROBOT, (m: DWClientDownStream) => {
      received.push(m);
      client.socketCallBackResponse(m.headers.messageId, null);
    });
    client.registerCallbackListener(TOPIC_CARD, (m: DWClientDownStream) => {
      received.push(m);
      client.socketCallBackResponse(m.headers.messageId, cardResponse);
    });
    client.registerAllEventListener((m) => {
      received.push(m);
      return { status: eventAnswer };
    });
    await connectSdk(fake, client);
  });
  const frameWith = async (messageId: string) => (await eventually(() => received.find((f) => f.headers.messageId === messageId)))!;
  afterEach(async () => {
    client.disconnect();
    await fake.stop();
  });

  it('a group message has every field of the documented one, plus the ones DingTalk adds', async () => {
    const doc = fixture('robot-message-group.frame.json');
    const docData = JSON.parse(doc.data as string) as Record<string, unknown>;
    // The document's one typo: createA for createAt.
    docData.createAt = docData.createA;
    delete docData.createA;
    const sent = say(fake, { userId: 'rep01', text: '我的目标', openConversationId: 'cidTeamEast', atUserIds: ['rep02'] });
    const frame = await frameWith(sent.messageId);
    expectFields(frame as unknown as Record<string, unknown>, doc);
    expectFields(frame.headers as unknown as Record<string, unknown>, doc.headers as Record<string, unknown>);
    const data = JSON.parse(frame.data) as Record<string, unknown>;
    expectFields(data, docData);
    const extras = ['senderPlatform', 'openThreadId', 'senderUnionId'];
    expect(Object.keys(data).sort()).toEqual([...Object.keys(docData), ...extras].sort());
    for (const k of extras) expect(typeof data[k]).toBe('string');
    const atUsers = data.atUsers as Array<Record<string, unknown>>;
    expect(Object.keys(atUsers[0]!)).toEqual(['dingtalkId']); // the robot
    expect(atUsers[1]).toMatchObject({ staffId: 'rep02', unionId: expect.any(String), dingtalkId: expect.stringMatching(/^\$:LWCP_v1:\$/) });
    expect(data.msgId).toMatch(/^msg[A-Za-z0-9+/]{20,}={0,2}$/);
    expect(frame.headers.messageId).toMatch(/^[0-9a-f]{8}_\d{3}_[0-9a-f]+_[0-9a-f]{5}$/);
    expect(data.text).toEqual({ content: ' 我的目标' });
  });

  it('a 1:1 message has no atUsers and an opaque, stable conversationId', async () => {
    const a = say(fake, { userId: 'rep01', text: 'hi' });
    const b = say(fake, { userId: 'rep01', text: 'again' });
    const c = say(fake, { userId: 'rep02', text: 'hi' });
    await eventually(() => received.length, (n) => n === 3);
    const data = received.map((f) => JSON.parse(f.data) as Record<string, unknown>);
    expect(data[0]).not.toHaveProperty('atUsers');
    expect(data[0]).not.toHaveProperty('conversationTitle');
    expect(data[0]).not.toHaveProperty('isInAtList');
    expect(data[0]!.conversationType).toBe('1');
    expect(data[0]!.conversationId).toMatch(/^cid[A-Za-z0-9+/]+==$/);
    expect(String(data[0]!.conversationId)).not.toContain('rep01');
    expect(String(data[0]!.senderUnionId)).not.toContain('rep01');
    expect(a.conversationId).toBe(b.conversationId);
    expect(c.conversationId).not.toBe(a.conversationId);
  });

  it('picture, richText and file messages carry DingTalk’s content shapes', async () => {
    post(fake, { userId: 'rep01' }, { msgtype: 'picture' });
    post(fake, { userId: 'rep01' }, { msgtype: 'richText', parts: [{ text: '拜访照片' }, { picture: true }] });
    post(fake, { userId: 'rep01' }, { msgtype: 'file', fileName: '成交.csv' });
    await eventually(() => received.length, (n) => n === 3);
    const [pic, rich, file] = received.map((f) => JSON.parse(f.data) as { msgtype: string; content: Record<string, unknown>; text?: unknown });
    expect(pic!.msgtype).toBe('picture');
    expect(pic!.text).toBeUndefined();
    expect(shape(pic!.content)).toEqual({ downloadCode: 'string', pictureDownloadCode: 'string' });
    expect(rich!.msgtype).toBe('richText');
    expect(rich!.content.richText).toEqual([{ text: '拜访照片' }, { type: 'picture', downloadCode: expect.any(String), pictureDownloadCode: expect.any(String) }]);
    expect(file!.msgtype).toBe('file');
    expect(shape(file!.content)).toEqual({ downloadCode: 'string', fileName: 'string', fileId: 'string', spaceId: 'string' });
    expect(file!.content.fileName).toBe('成交.csv');
  });

  it('EVENT frames have the documented headers, and one acked LATER is pushed again', async () => {
    const doc = fixture('event.frame.json');
    eventAnswer = EventAck.LATER;
    const id = fake.stream.pushEvent('user_add_org', { timestamp: String(Date.now()), userId: ['rep01'] });
    const first = await frameWith(id);
    expect(first.type).toBe('EVENT');
    expect(first.headers.topic).toBe('*');
    expectFields(first as unknown as Record<string, unknown>, doc);
    expectFields(first.headers as unknown as Record<string, unknown>, doc.headers as Record<string, unknown>);
    expect((await fake.stream.waitForAck(id)).data).toEqual({ status: 'LATER' });
    eventAnswer = EventAck.SUCCESS;
    await eventually(() => received.filter((f) => f.headers.messageId === id).length, (n) => n >= 2, 5000);
    await eventually(() => fake.stream.acks.filter((a) => a.messageId === id).map((a) => (a.data as { status: string }).status), (s) => s.includes('SUCCESS'));
  });

  it('a card callback has the documented fields; the cardData/privateData in its ack change the card', async () => {
    const doc = fixture('card-callback.data.json');
    const token = ((await (await fetch(`${fake.baseUrl}/v1.0/oauth2/accessToken`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ appKey: fake.clientId, appSecret: fake.clientSecret }) })).json()) as { accessToken: string }).accessToken;
    const created = await fetch(`${fake.baseUrl}/v1.0/card/instances/createAndDeliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-acs-dingtalk-access-token': token },
      body: JSON.stringify({
        cardTemplateId: 't.schema',
        outTrackId: 'frames-card-1',
        callbackType: 'STREAM',
        cardData: { cardParamMap: { title: '本周目标', status: 'open' } },
        openSpaceId: 'dtv1.card//IM_ROBOT.rep01',
        imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: fake.robotCode },
      }),
    });
    expect(created.status).toBe(200);
    cardResponse = { cardUpdateOptions: { updateCardDataByKey: true }, cardData: { cardParamMap: { status: 'submitted' } }, userPrivateData: { cardParamMap: { mine: 'yes' } } };
    const { messageId } = clickCard(fake, { outTrackId: 'frames-card-1', userId: 'rep01', params: { action: 'submit' } });
    const frame = await frameWith(messageId);
    const data = JSON.parse(frame.data) as Record<string, unknown>;
    expectFields(data, doc);
    expect(Object.keys(data).sort()).toEqual(Object.keys(doc).sort());
    expect(data.value).toBe(data.content);
    expect(data.spaceType).toBe('IM');
    expect(data.spaceId).toBe(say(fake, { userId: 'rep01', text: 'x' }).conversationId);
    const card = await eventually(() => fake.outbox.cards.get('frames-card-1')!, (c) => c.cardParamMap.status === 'submitted');
    expect(card.cardParamMap).toEqual({ title: '本周目标', status: 'submitted' });
    expect(card.privateData.rep01).toEqual({ mine: 'yes' });
  });

  it('ping and disconnect are the documented SYSTEM frames', async () => {
    fake.stream.pushPing();
    expect(fake.stream.pushDisconnect()).toBe(1);
    await eventually(() => fake.stream.pushed.filter((f) => f.type === 'SYSTEM').length, (n) => n === 2);
    const [ping, disconnect] = fake.stream.pushed.filter((f) => f.type === 'SYSTEM');
    expect(Object.keys(ping!.headers).sort()).toEqual([...Object.keys(fixture('ping.frame.json').headers as object), 'time'].sort());
    expect(Object.keys(disconnect!.headers).sort()).toEqual([...Object.keys(fixture('disconnect.frame.json').headers as object), 'time'].sort());
    expect(disconnect!.headers).not.toHaveProperty('messageId');
    expect(shape(JSON.parse(disconnect!.data) as Record<string, unknown>)).toEqual({ reason: 'string' });
  });
});

describe('wss:// endpoints', () => {
  it('hands out wss:// when asked, and the bot’s transport connects over TLS trusting the stand-in’s certificate', async () => {
    const fake = await new FakeDingTalk({ wss: true }).start();
    fake.org.load(starterOrg());
    const events: InboundEvent[] = [];
    const transport = new StreamTransport({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      gatewayUrl: `${fake.baseUrl}/v1.0/gateway/connections/open`,
      keepAlive: false,
      httpTimeoutMs: 5000,
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics({ defaultMetrics: false }),
      onEvent: (e) => events.push(e),
      tlsCa: STAND_IN_TLS_CERT,
    });
    try {
      await transport.start();
      const opened = fake.calls.find((c) => c.api === 'gateway.open');
      expect(opened?.status).toBe(200);
      expect(fake.streamEndpoint()).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/connect$/);
      const { messageId } = say(fake, { userId: 'rep01', text: 'help' });
      expect((await fake.stream.waitForAck(messageId)).code).toBe(200);
      await eventually(() => events.length, (n) => n === 1);
    } finally {
      await transport.stop();
      await fake.stop();
    }
  });
});
