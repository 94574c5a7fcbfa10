import { newDownloadCode, newMsgId, oneToOneConversationId, threadIdOf, unionIdOf } from './opaque-ids.js';
import type { FakeDingTalk } from './fake-dingtalk.js';

const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
const TOPIC_CARD = '/v1.0/card/instances/callback';
/** spaceType of a card callback from a chat; other DingTalk values: ONE_BOX, COOPERATION_FEED, DOC. */
export const CARD_SPACE_TYPE_IM = 'IM';

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
  /** The sender's client, as DingTalk reports it (`senderPlatform`). */
  senderPlatform?: 'Android' | 'iOS' | 'Mac' | 'Win' | 'Web';
}

/** Message bodies other than text, shaped as DingTalk's robot-message document shows them. */
export type RobotContent =
  | { msgtype: 'text'; text: string }
  | { msgtype: 'picture' }
  | { msgtype: 'richText'; parts: Array<{ text: string } | { picture: true }> }
  | { msgtype: 'file'; fileName: string };

/** What a person typing to the robot makes DingTalk push: a robot-message callback frame. */
export function say(f: FakeDingTalk, o: SayOptions): { messageId: string; msgId: string; conversation: string; conversationId: string } {
  return post(f, o, { msgtype: 'text', text: o.text });
}

/** A picture, rich text (text and pictures) or file sent to the robot. */
export function post(
  f: FakeDingTalk,
  o: Omit<SayOptions, 'text'>,
  body: RobotContent,
): { messageId: string; msgId: string; conversation: string; conversationId: string } {
  const user = f.org.users.get(o.userId);
  const group = o.openConversationId ? f.org.groups.get(o.openConversationId) : undefined;
  if (o.openConversationId && !group) throw new Error(`no group ${o.openConversationId} in the fake org`);
  // The stand-in's own name for where a reply lands (outbox), not a DingTalk id.
  const conversation = group ? `group:${group.openConversationId}` : `user:${o.userId}`;
  const conversationId = group ? group.openConversationId : oneToOneConversationId(f.robotCode, o.userId);
  const msgId = o.msgId ?? newMsgId();
  const now = Date.now();
  const robotDingtalkId = `$:LWCP_v1:$${unionIdOf(`robot:${f.robotCode}`)}`;
  const data = {
    conversationId,
    // Only group messages list who was @-mentioned (the robot by dingtalkId alone).
    ...(group
      ? {
          atUsers: [
            { dingtalkId: robotDingtalkId },
            ...(o.atUserIds ?? []).map((u) => ({ dingtalkId: `$:LWCP_v1:$${unionIdOf(`dt:${u}`)}`, staffId: u, unionId: unionIdOf(u) })),
          ],
        }
      : {}),
    chatbotCorpId: 'ding_fake_corp',
    chatbotUserId: robotDingtalkId,
    msgId,
    senderNick: user?.name ?? o.userId,
    isAdmin: false,
    senderStaffId: o.userId,
    senderUnionId: unionIdOf(o.userId),
    sessionWebhookExpiredTime: now + 5_400_000,
    createAt: now,
    senderCorpId: 'ding_fake_corp',
    conversationType: group ? '2' : '1',
    senderId: `$:LWCP_v1:$${unionIdOf(`dt:${o.userId}`)}`,
    senderPlatform: o.senderPlatform ?? 'Android',
    openThreadId: threadIdOf(conversationId),
    ...(group ? { conversationTitle: group.title, isInAtList: true } : {}),
    sessionWebhook: f.sessionWebhookFor(conversation, group ? group.memberIds : [o.userId]),
    robotCode: f.robotCode,
    ...content(body, Boolean(group)),
  };
  const messageId = f.stream.pushCallback(TOPIC_ROBOT, data, { copies: o.copies ?? 1 });
  return { messageId, msgId, conversation, conversationId };
}

function content(b: RobotContent, inGroup: boolean): Record<string, unknown> {
  switch (b.msgtype) {
    case 'text':
      // DingTalk keeps a leading space where the @robot mention was removed.
      return { msgtype: 'text', text: { content: inGroup ? ` ${b.text}` : b.text } };
    case 'picture': {
      const code = newDownloadCode();
      return { msgtype: 'picture', content: { downloadCode: code, pictureDownloadCode: code } };
    }
    case 'richText':
      return {
        msgtype: 'richText',
        content: {
          richText: b.parts.map((p) => {
            if ('text' in p) return { text: p.text };
            const code = newDownloadCode();
            return { type: 'picture', downloadCode: code, pictureDownloadCode: code };
          }),
        },
      };
    case 'file':
      return {
        msgtype: 'file',
        content: { downloadCode: newDownloadCode(), fileName: b.fileName, fileId: `${Date.now()}${Math.floor(Math.random() * 1e6)}`, spaceId: String(Math.floor(Math.random() * 1e10)) },
      };
  }
}

/** What pressing a 回传请求 button (or submitting a form) on a card makes DingTalk push. */
export function clickCard(
  f: FakeDingTalk,
  o: { outTrackId: string; userId: string; params: Record<string, unknown>; actionId?: string; copies?: number },
): { messageId: string } {
  const card = f.outbox.cards.get(o.outTrackId);
  const space = card?.conversation ?? `user:${o.userId}`;
  const [kind, target] = space.split(':') as [string, string];
  const content = JSON.stringify({ cardPrivateData: { actionIds: [o.actionId ?? 'submit'], params: o.params } });
  const data = {
    outTrackId: o.outTrackId,
    userId: o.userId,
    userIdType: 1,
    corpId: 'ding_fake_corp',
    // A card in a chat (1:1 with the robot or a group) reports spaceType "IM" and the chat's cid.
    spaceType: CARD_SPACE_TYPE_IM,
    spaceId: kind === 'group' ? target : oneToOneConversationId(f.robotCode, target),
    type: 'actionCallback',
    content,
    extension: '{}',
    // DingTalk repeats the content JSON in `value`.
    value: content,
  };
  return { messageId: f.stream.pushCallback(TOPIC_CARD, data, { copies: o.copies ?? 1 }) };
}
