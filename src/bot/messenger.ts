import type { InboundMessage } from './inbound.js';
import type { CardInstance, Destination, OutboundMessage, SendLane } from './messages.js';

/** The bot's way out to chats. Implemented over DingTalk's OpenAPI; tests use the same through the fake. */
export interface Messenger {
  /** Answers in the conversation a message came from (interactive lane: ahead of queued bulk sends). */
  reply(to: InboundMessage, msg: OutboundMessage): Promise<void>;
  /** `lane` defaults to bulk; a send that answers someone waiting in a chat passes `interactive`. */
  send(to: Destination, msg: OutboundMessage, opts?: { lane?: SendLane }): Promise<void>;
  /** Uploads a PNG; the media id can be reused in messages and cards. */
  uploadImage(png: Buffer, filename?: string): Promise<string>;
  /** Uploads a file (media type `file`, e.g. a CSV); the media id goes into a `file` message. */
  uploadFile(data: Buffer, filename: string, contentType?: string): Promise<string>;
  /** `guard` is awaited right before each attempt and throws to stop it (a lost delivery claim). */
  sendCard(card: CardInstance, to: Destination, opts?: { atUserIds?: string[]; recipients?: string[]; guard?: () => Promise<void>; lane?: SendLane }): Promise<void>;
  /** Whether DingTalk has a card with this outTrackId (settles a send whose outcome is unknown). */
  cardExists(outTrackId: string): Promise<boolean>;
  updateCard(outTrackId: string, cardParamMap: Record<string, string>, privateData?: CardInstance['privateData']): Promise<void>;
}

/** Where a reply to this message would go as a proactive send (1:1 → the sender; group → the group). */
export function destinationOf(m: InboundMessage): Destination {
  return m.isGroup ? { kind: 'group', openConversationId: m.conversationId } : { kind: 'user', userId: m.senderStaffId };
}
