import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { say } from '../../src/fake-dingtalk/people.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

describe('talking to the bot through the real SDK and the fake DingTalk', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('acks 帮助 and replies with Chinese help through the session webhook', async () => {
    const { messageId } = say(h.fake, { userId: 'rep01', text: '帮助' });
    const ack = await h.fake.stream.waitForAck(messageId);
    expect(ack.code).toBe(200);
    const reply = await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep01');
    expect(reply.via).toBe('session');
    expect(reply.type).toBe('markdown');
    expect(reply.text).toContain('帮助');
    expect(reply.text).toMatch(/目标 → 行为 → 结果/);
    const webhookCalls = h.fake.callsTo('robot.sessionWebhook');
    expect(webhookCalls).toHaveLength(1);
    expect(webhookCalls[0]!.body).toMatchObject({ msgtype: 'markdown' });
  });

  it('lists only the commands the person\'s role may use (12.8)', async () => {
    await h.stop();
    h = await startHarness({ env: { HR_USER_IDS: 'hr01' } });
    say(h.fake, { userId: 'rep01', text: '帮助' });
    const rep = await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep01');
    for (const hrOnly of ['同步组织', '季度设置', '映射', '未匹配']) expect(rep.text, hrOnly).not.toContain(hrOnly);
    expect(rep.text).not.toContain('团队看板');
    expect(rep.text).toContain('查看目标');
    say(h.fake, { userId: 'mgr01', text: '帮助' });
    const mgr = await h.fake.outbox.waitFor((d) => d.conversation === 'user:mgr01');
    expect(mgr.text).toContain('团队看板');
    expect(mgr.text).not.toContain('同步组织');
    say(h.fake, { userId: 'hr01', text: '帮助' });
    const hr = await h.fake.outbox.waitFor((d) => d.conversation === 'user:hr01');
    for (const cmd of ['同步组织', '季度设置', '映射', '团队看板']) expect(hr.text, cmd).toContain(cmd);
  });

  it('answers "help" in English', async () => {
    say(h.fake, { userId: 'rep02', text: 'help' });
    const reply = await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep02');
    expect(reply.text).toContain('Commands');
    expect(reply.text).not.toMatch(/[\u4e00-\u9fff]{4}/);
  });

  it('handles a frame delivered twice once', async () => {
    const { messageId } = say(h.fake, { userId: 'rep01', text: '帮助', copies: 2 });
    await h.fake.stream.waitForAck(messageId);
    await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep01');
    await new Promise((r) => setTimeout(r, 500));
    expect(h.fake.stream.acks.filter((a) => a.messageId === messageId)).toHaveLength(2);
    expect(h.fake.outbox.toUser('rep01')).toHaveLength(1);
    const duplicates = await eventually(
      async () => (await h.service.metrics.messagesHandled.get()).values.find((v) => v.labels.outcome === 'duplicate')?.value,
      (v) => v !== undefined,
    );
    expect(duplicates).toBe(1);
  });

  it('retries a 429 on the reply and delivers one message', async () => {
    h.fake.injectFault({ match: 'robot.sessionWebhook', status: 429, times: 1, retryAfterSec: 0 });
    say(h.fake, { userId: 'rep03', text: '帮助' });
    await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep03', 10_000);
    await new Promise((r) => setTimeout(r, 300));
    const statuses = h.fake.callsTo('robot.sessionWebhook').map((c) => c.status);
    expect(statuses).toEqual([429, 200]);
    expect(h.fake.outbox.toUser('rep03')).toHaveLength(1);
  });

  it('replies helpfully to text it does not understand, suggesting a close command', async () => {
    say(h.fake, { userId: 'rep01', text: '帮帮' });
    const reply = await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep01');
    expect(reply.text).toMatch(/没听懂「帮帮」/);
    expect(reply.text).toContain('帮助');
  });

  it('replies in a group when @-mentioned', async () => {
    say(h.fake, { userId: 'mgr01', text: '帮助', openConversationId: 'cidTeamEast' });
    const reply = await h.fake.outbox.waitFor((d) => d.conversation === 'group:cidTeamEast');
    expect(reply.userIds).toContain('rep01');
  });

  it('handles a redelivered message once across a restart', async () => {
    const first = say(h.fake, { userId: 'rep04', text: '帮助', msgId: 'msg-restart-1' });
    await h.fake.stream.waitForAck(first.messageId);
    await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep04');
    await h.service.stop();
    const second = await h.startAnother();
    await eventually(() => h.fake.stream.connectionCount(), (n) => n === 1);
    const again = say(h.fake, { userId: 'rep04', text: '帮助', msgId: 'msg-restart-1' });
    const ack = await h.fake.stream.waitForAck(again.messageId);
    expect(ack.code).toBe(200);
    await new Promise((r) => setTimeout(r, 800));
    expect(h.fake.outbox.toUser('rep04')).toHaveLength(1);
    expect(second.transport.isConnected()).toBe(true);
  });

  it('reconnects after the connection drops and keeps answering', async () => {
    h.fake.stream.dropAll();
    await eventually(() => h.service.transport.isConnected(), (c) => c === false, 3000);
    await eventually(() => h.service.transport.isConnected(), (c) => c === true, 10_000);
    say(h.fake, { userId: 'rep02', text: '帮助' });
    await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep02', 5000);
  });

  it('moves to a fresh connection when DingTalk sends a SYSTEM disconnect', async () => {
    const [sysId] = h.fake.stream.pushSystem('disconnect', { reason: 'rebalance' });
    await h.fake.stream.waitForAck(sysId!);
    await eventually(() => h.fake.callsTo('gateway.open').length, (n) => n >= 2, 5000);
    await eventually(() => h.service.transport.isConnected(), (c) => c, 5000);
    await eventually(() => h.fake.stream.connectionCount(), (n) => n === 1, 5000);
    say(h.fake, { userId: 'rep01', text: 'help' });
    await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep01', 5000);
  });
});
