import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { say } from '../../src/fake-dingtalk/people.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';

/** Frames DingTalk documents (or might send) that the SDK alone would throw on: the loop must survive. */
describe('the stream survives the frames DingTalk really sends', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ fake: { disconnectCloseAfterMs: 10_000 } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a SYSTEM disconnect without messageId moves to a new connection before the old one closes', async () => {
    const opensBefore = h.fake.callsTo('gateway.open').length;
    expect(h.fake.stream.pushDisconnect('connection is expired')).toBe(1);
    // A fresh ticket and socket while the told one is still open (its close comes 10 s later).
    await eventually(() => h.fake.stream.connectionCount(), (n) => n === 1, 5000);
    expect(h.fake.callsTo('gateway.open').length).toBe(opensBefore + 1);
    expect(h.service.transport.isConnected()).toBe(true);
    const { messageId } = say(h.fake, { userId: 'rep01', text: 'help' });
    await h.fake.stream.waitForAck(messageId);
    await h.fake.outbox.waitFor((d) => d.conversation.startsWith('user:rep01'), 5000);
    // The bot closes the told socket itself once the new one is up.
    await eventually(() => h.fake.stream.drainingCount(), (n) => n === 0, 5000);
    // And it keeps doing so: the loop was not killed by the first one.
    expect(h.fake.stream.pushDisconnect()).toBe(1);
    await eventually(() => h.fake.callsTo('gateway.open').length, (n) => n === opensBefore + 2, 5000);
    await eventually(() => h.fake.stream.connectionCount(), (n) => n === 1, 5000);
  });

  it('logs and acks frames it cannot use, and keeps the connection', async () => {
    const opensBefore = h.fake.callsTo('gateway.open').length;
    h.fake.stream.pushRaw('not json at all');
    h.fake.stream.pushRaw('[1,2,3]');
    h.fake.stream.pushRaw(JSON.stringify({ specVersion: '1.0', type: 'CALLBACK', data: '{}' }));
    // Broken JSON that still names its messageId: acked so DingTalk stops redelivering it.
    h.fake.stream.pushRaw('{"type":"CALLBACK","headers":{"topic":"/v1.0/im/bot/messages/get","messageId":"broken_1"},"data":"{');
    // A callback whose data is not JSON: acked, dropped.
    h.fake.stream.pushRaw(
      JSON.stringify({ specVersion: '1.0', type: 'CALLBACK', headers: { topic: TOPIC_ROBOT, messageId: 'baddata_1', contentType: 'application/json' }, data: '{nope' }),
    );
    // A type DingTalk might add later: 404 "topic not handled", as the protocol reserves.
    h.fake.stream.pushRaw(JSON.stringify({ specVersion: '1.0', type: 'NEWTYPE', headers: { topic: 'x', messageId: 'new_1' }, data: '{}' }));
    // DingTalk's own EVENT example spells `headers` as `header`.
    h.fake.stream.pushRaw(
      JSON.stringify({ specVersion: '1.0', type: 'EVENT', header: { topic: '*', messageId: 'evt_typo_1', eventType: 'user_add_org', eventId: 'e1' }, data: '{}' }),
    );
    expect((await h.fake.stream.waitForAck('broken_1')).code).toBe(200);
    expect((await h.fake.stream.waitForAck('baddata_1')).code).toBe(200);
    expect((await h.fake.stream.waitForAck('new_1')).code).toBe(404);
    expect((await h.fake.stream.waitForAck('evt_typo_1')).data).toMatchObject({ status: 'SUCCESS' });
    const { messageId } = say(h.fake, { userId: 'rep02', text: 'help' });
    await h.fake.stream.waitForAck(messageId);
    await h.fake.outbox.waitFor((d) => d.conversation.startsWith('user:rep02'), 5000);
    expect(h.fake.callsTo('gateway.open').length).toBe(opensBefore);
    expect(h.service.transport.isConnected()).toBe(true);
  });

  it('answers a SYSTEM ping with its opaque', async () => {
    const [id] = h.fake.stream.pushPing();
    const a = await h.fake.stream.waitForAck(id!);
    expect(a.code).toBe(200);
    expect(a.data).toHaveProperty('opaque');
  });
});
