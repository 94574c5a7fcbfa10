import type { InboundCardAction, InboundMessage } from '../../bot/inbound.js';

/** Maps the parsed `data` of a robot-message callback frame. Pure; throws on frames it can't use. */
export function mapRobotMessage(data: Record<string, unknown>): InboundMessage {
  const msgId = str(data.msgId);
  const senderStaffId = str(data.senderStaffId);
  if (!msgId) throw new Error('robot message without msgId');
  const atUsers = Array.isArray(data.atUsers) ? (data.atUsers as Array<Record<string, unknown>>) : [];
  return {
    kind: 'message',
    dedupeKey: `msg:${msgId}`,
    msgId,
    msgtype: str(data.msgtype) || 'text',
    text: extractText(data),
    isGroup: str(data.conversationType) === '2',
    conversationId: str(data.conversationId),
    conversationTitle: str(data.conversationTitle) || undefined,
    senderStaffId,
    senderNick: str(data.senderNick),
    sessionWebhook: str(data.sessionWebhook) || undefined,
    sessionWebhookExpiresAt: num(data.sessionWebhookExpiredTime),
    robotCode: str(data.robotCode) || undefined,
    atStaffIds: atUsers.map((u) => str(u.staffId)).filter((s) => s.length > 0 && s !== senderStaffId),
    createdAt: num(data.createAt) ?? Date.now(),
  };
}

/** Maps the parsed `data` of a card callback frame; `content` is itself a JSON string. */
export function mapCardCallback(data: Record<string, unknown>, frameMessageId: string): InboundCardAction {
  const outTrackId = str(data.outTrackId);
  const userId = str(data.userId);
  if (!outTrackId || !userId) throw new Error('card callback without outTrackId/userId');
  let actionIds: string[] = [];
  let params: Record<string, unknown> = {};
  const content = typeof data.content === 'string' ? safeJson(data.content) : data.content;
  const priv = (content as { cardPrivateData?: { actionIds?: unknown; params?: unknown } } | undefined)?.cardPrivateData;
  if (priv) {
    if (Array.isArray(priv.actionIds)) actionIds = priv.actionIds.map(String);
    if (priv.params && typeof priv.params === 'object') params = priv.params as Record<string, unknown>;
  }
  return {
    kind: 'card',
    dedupeKey: `card:${frameMessageId}`,
    outTrackId,
    userId,
    actionIds,
    params,
    spaceType: str(data.spaceType) || undefined,
    spaceId: str(data.spaceId) || undefined,
  };
}

function extractText(data: Record<string, unknown>): string {
  const text = data.text as { content?: unknown } | undefined;
  if (text && typeof text.content === 'string') return text.content.trim();
  const content = data.content as Record<string, unknown> | undefined;
  if (content) {
    if (Array.isArray(content.richText)) {
      return (content.richText as Array<{ text?: unknown }>)
        .map((p) => (typeof p.text === 'string' ? p.text : ''))
        .join('')
        .trim();
    }
    if (typeof content.recognition === 'string') return content.recognition.trim();
  }
  return '';
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
