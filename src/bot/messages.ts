/** What the bot can say; transports map these to DingTalk's msgKey/msgtype shapes. */
export type OutboundMessage =
  | { type: 'text'; text: string; atUserIds?: string[] }
  | { type: 'markdown'; title: string; text: string; atUserIds?: string[] }
  | { type: 'image'; mediaId: string }
  /** A file (CSV, xlsx, pdf…) uploaded with Messenger.uploadFile; shows as a downloadable attachment. */
  | { type: 'file'; mediaId: string; fileName: string; fileType: string }
  | { type: 'actionCard'; title: string; text: string; buttons: Array<{ title: string; url: string }> };

/**
 * Which queue a send waits in for the one DingTalk send budget: `interactive` answers someone waiting in a
 * chat and goes ahead of queued `bulk` sends (report cards, packs, reminders). See adapters/http/rate-limiter.
 */
export type SendLane = 'interactive' | 'bulk';

/** Where a proactive message goes. */
export type Destination = { kind: 'user'; userId: string } | { kind: 'group'; openConversationId: string };

/** An interactive card instance to create or update, filled from a `cards/*.json` template. */
export interface CardInstance {
  templateId: string;
  /** Our idempotent id for the card: creating twice with one id delivers once. */
  outTrackId: string;
  /** All values are strings on the wire; objects are JSON-encoded by the caller. */
  cardParamMap: Record<string, string>;
  /** Per-user overrides, keyed by userId. */
  privateData?: Record<string, Record<string, string>>;
}
