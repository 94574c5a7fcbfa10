import { randomUUID } from 'node:crypto';
import type { FakeDingTalk } from './fake-dingtalk.js';

const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
const TOPIC_CARD = '/v1.0/card/instances/callback';

export interface SayOptions {
  /** The sender's staff id; must exist in the fake org. */
  userId: string;
  text: string;
  /** Send in this group (an @robot message) instead of the 1:1 chat. */
  openConversationId?: string;
  /** Push the same frame this many times (duplicate delivery). */
  copies?: number;
  msgId?: string;
  atUserIds?: string[];
}

/** What a person typing to the robot makes DingTalk push: a robot-message callback frame. */
export function say(f: FakeDingTalk, o: SayOptions): { messageId: string; msgId: string; conversation: string } {
  const user = f.org.users.get(o.userId);
  const group = o.openConversationId ? f.org.groups.get(o.openConversationId) : undefined;
  if (o.openConversationId && !group) throw new Error(`no group ${o.openConversationId} in the fake org`);
  const conversation = group ? `group:${group.openConversationId}` : `user:${o.userId}`;
  const msgId = o.msgId ?? `msg${randomUUID().replaceAll('-', '')}`;
  const now = Date.now();
  const data = {
    conversationId: group ? group.openConversationId : `cid_1to1_${o.userId}`,
    conversationType: group ? '2' : '1',
    ...(group ? { conversationTitle: group.title, isInAtList: true } : {}),
    atUsers: [{ dingtalkId: `$:LWCP_v1:$robot_${f.robotCode}` }, ...(o.atUserIds ?? []).map((u) => ({ dingtalkId: `$:LWCP_v1:$${u}`, staffId: u }))],
    chatbotCorpId: 'ding_fake_corp',
    chatbotUserId: `$:LWCP_v1:$robot_${f.robotCode}`,
    msgId,
    senderNick: user?.name ?? o.userId,
    isAdmin: false,
    senderStaffId: o.userId,
    sessionWebhookExpiredTime: now + 5_400_000,
    createAt: now,
    senderCorpId: 'ding_fake_corp',
    senderId: `$:LWCP_v1:$${o.userId}`,
    sessionWebhook: f.sessionWebhookFor(conversation, group ? group.memberIds : [o.userId]),
    robotCode: f.robotCode,
    msgtype: 'text',
    // DingTalk keeps a leading space where the @robot mention was removed.
    text: { content: group ? ` ${o.text}` : o.text },
  };
  const messageId = f.stream.pushCallback(TOPIC_ROBOT, data, { copies: o.copies ?? 1 });
  return { messageId, msgId, conversation };
}

/** What pressing a 回传请求 button (or submitting a form) on a card makes DingTalk push. */
export function clickCard(
  f: FakeDingTalk,
  o: { outTrackId: string; userId: string; params: Record<string, unknown>; actionId?: string; copies?: number },
): { messageId: string } {
  const card = f.outbox.cards.get(o.outTrackId);
  const space = card?.conversation ?? `user:${o.userId}`;
  const [kind, spaceId] = space.split(':') as [string, string];
  const data = {
    outTrackId: o.outTrackId,
    userId: o.userId,
    userIdType: 1,
    corpId: 'ding_fake_corp',
    spaceType: kind === 'group' ? 'IM_GROUP' : 'IM_ROBOT',
    spaceId,
    type: 'actionCallback',
    content: JSON.stringify({ cardPrivateData: { actionIds: [o.actionId ?? 'submit'], params: o.params } }),
    extension: '{}',
    value: '',
  };
  return { messageId: f.stream.pushCallback(TOPIC_CARD, data, { copies: o.copies ?? 1 }) };
}
