/** Inbound events, independent of how they arrived (stream socket, simulator, tests). */
export interface InboundMessage {
  kind: 'message';
  /** Dedupe key: DingTalk's msgId, stable across redeliveries. */
  dedupeKey: string;
  msgId: string;
  msgtype: string;
  /** Plain text of the message (text content, rich-text text parts, or speech recognition). */
  text: string;
  isGroup: boolean;
  conversationId: string;
  conversationTitle: string | undefined;
  senderStaffId: string;
  senderNick: string;
  /** Reply URL for this conversation, valid until sessionWebhookExpiresAt (epoch ms). */
  sessionWebhook: string | undefined;
  sessionWebhookExpiresAt: number | undefined;
  robotCode: string | undefined;
  /** Staff ids of people @-mentioned (besides the robot). */
  atStaffIds: string[];
  createdAt: number;
}

export interface InboundCardAction {
  kind: 'card';
  /** Dedupe key: the stream frame's messageId, stable across redeliveries. */
  dedupeKey: string;
  outTrackId: string;
  userId: string;
  actionIds: string[];
  /** Button/form params from cardPrivateData.params. */
  params: Record<string, unknown>;
  spaceType: string | undefined;
  spaceId: string | undefined;
}

export type InboundEvent = InboundMessage | InboundCardAction;
