import type { InboundMessage } from '../../bot/inbound.js';
import type { CardInstance, Destination, OutboundMessage, SendLane } from '../../bot/messages.js';
import { destinationOf, type Messenger } from '../../bot/messenger.js';
import type { DingTalkOpenApi } from './openapi-client.js';

// Stop using a session webhook a little before DingTalk expires it.
const WEBHOOK_MARGIN_MS = 60_000;

export class DingTalkMessenger implements Messenger {
  constructor(
    private readonly api: DingTalkOpenApi,
    private readonly now: () => number = Date.now,
  ) {}

  async reply(to: InboundMessage, msg: OutboundMessage): Promise<void> {
    const webhookUsable = to.sessionWebhook && (to.sessionWebhookExpiresAt ?? 0) - WEBHOOK_MARGIN_MS > this.now();
    // Images and files can't travel over a session webhook; they go through the robot API.
    if (webhookUsable && msg.type !== 'image' && msg.type !== 'file') return this.api.replyBySession(to.sessionWebhook!, msg);
    await this.send(destinationOf(to), msg, { lane: 'interactive' });
  }

  async send(to: Destination, msg: OutboundMessage, opts: { lane?: SendLane } = {}): Promise<void> {
    const r = await this.api.send(to, msg, opts.lane);
    if (r.flowControlledUserIds.length > 0) throw new Error(`flow-controlled: ${r.flowControlledUserIds.join(',')}`);
    if (r.invalidUserIds.length > 0) throw new Error(`DingTalk does not know user(s): ${r.invalidUserIds.join(',')}`);
  }

  uploadImage(png: Buffer, filename?: string): Promise<string> {
    return this.api.uploadImage(png, filename);
  }

  uploadFile(data: Buffer, filename: string, contentType?: string): Promise<string> {
    return this.api.uploadFile(data, filename, contentType);
  }

  sendCard(card: CardInstance, to: Destination, opts?: { atUserIds?: string[]; recipients?: string[]; guard?: () => Promise<void>; lane?: SendLane }): Promise<void> {
    return this.api.createAndDeliverCard(card, to, opts);
  }

  cardExists(outTrackId: string): Promise<boolean> {
    return this.api.cardExists(outTrackId);
  }

  updateCard(outTrackId: string, cardParamMap: Record<string, string>, privateData?: CardInstance['privateData']): Promise<void> {
    return this.api.updateCard(outTrackId, cardParamMap, privateData);
  }
}
