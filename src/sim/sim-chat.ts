/**
 * The chat history the simulator page shows: what people typed (which DingTalk never echoes back to the
 * bot's side, so the fake has no record of it) merged with what the bot delivered (the fake's outbox),
 * stamped with the simulated time, and filtered to what one person may see.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.js';
import type { FakeDingTalk } from '../fake-dingtalk/fake-dingtalk.js';
import { say } from '../fake-dingtalk/people.js';
import { SimAccessError } from './errors.js';
import type { CardRecord, Delivery } from '../fake-dingtalk/types.js';

export type SimItem =
  | { id: number; at: number; conversation: string; kind: 'person'; senderId: string; text: string }
  | { id: number; at: number; conversation: string; kind: 'bot'; delivery: Delivery };

type SimItemDraft = { conversation: string; kind: 'person'; senderId: string; text: string } | { conversation: string; kind: 'bot'; delivery: Delivery };

export interface SimConversation {
  /** `user:<id>` (1:1 with the bot) or `group:<openConversationId>`. */
  id: string;
  kind: 'bot' | 'group';
  title: string;
  memberCount: number;
}

export class SimChat extends EventEmitter {
  private readonly items: SimItem[] = [];
  /** Simulated time of each delivery by outbox seq (a Friday run for 10,000 reps is 20,000 of them). */
  private readonly deliveryAt = new Map<number, number>();
  private seq = 0;
  private readonly onDelivery = (d: Delivery) => this.push({ kind: 'bot', conversation: d.conversation, delivery: d });
  private readonly onCardUpdated = (card: CardRecord) => this.emit('card', card);

  constructor(
    private readonly fake: FakeDingTalk,
    private readonly clock: Clock,
  ) {
    super();
    this.setMaxListeners(0); // one listener per open simulator tab
    // Whatever the bot sent before the simulator existed (e.g. during start-up) is history too.
    for (const d of fake.outbox.deliveries) this.onDelivery(d);
    fake.outbox.on('delivery', this.onDelivery);
    fake.outbox.on('card-updated', this.onCardUpdated);
  }

  close(): void {
    this.fake.outbox.off('delivery', this.onDelivery);
    this.fake.outbox.off('card-updated', this.onCardUpdated);
    this.removeAllListeners();
  }

  /** The person types `text` into a conversation they belong to; it reaches the bot over the stream. */
  say(userId: string, conversation: string, text: string): SimItem {
    if (!this.canSee(userId, conversation)) throw new SimAccessError(`${userId} is not in ${conversation}`);
    const group = conversation.startsWith('group:') ? conversation.slice('group:'.length) : undefined;
    // Shown first, then sent: the bot's answer must come after the question in the timeline.
    const item = this.push({ kind: 'person', conversation, senderId: userId, text });
    say(this.fake, { userId, text, ...(group ? { openConversationId: group } : {}) });
    return item;
  }

  /** A message that reached the bot some other way (POST /dev/say): shown as the sender's bubble, not re-sent. */
  record(userId: string, conversation: string, text: string): SimItem | undefined {
    if (!this.canSee(userId, conversation)) return undefined;
    return this.push({ kind: 'person', conversation, senderId: userId, text });
  }

  conversationsFor(userId: string): SimConversation[] {
    const out: SimConversation[] = [{ id: `user:${userId}`, kind: 'bot', title: '三链助手', memberCount: 2 }];
    for (const g of this.fake.org.groups.values()) {
      if (g.memberIds.includes(userId)) out.push({ id: `group:${g.openConversationId}`, kind: 'group', title: g.title, memberCount: g.memberIds.length });
    }
    return out;
  }

  canSee(userId: string, conversation: string): boolean {
    if (conversation === `user:${userId}`) return this.fake.org.users.has(userId);
    if (!conversation.startsWith('group:')) return false;
    return this.fake.org.groups.get(conversation.slice('group:'.length))?.memberIds.includes(userId) ?? false;
  }

  /** When (simulated) the page saw a delivery, by its outbox seq. */
  simulatedAt(deliverySeq: number): number | undefined {
    return this.deliveryAt.get(deliverySeq);
  }

  /** A group card delivered to some members only (recipients) is hidden from the others, as in DingTalk. */
  visible(userId: string, item: SimItem): boolean {
    if (!this.canSee(userId, item.conversation)) return false;
    return item.kind === 'person' || item.delivery.userIds.includes(userId);
  }

  history(userId: string, conversation: string, afterId = 0): SimItem[] {
    return this.items.filter((i) => i.id > afterId && i.conversation === conversation && this.visible(userId, i));
  }

  /** The newest visible item of each of the person's conversations (for the conversation list). */
  latest(userId: string): Record<string, SimItem> {
    const out: Record<string, SimItem> = {};
    for (const c of this.conversationsFor(userId)) {
      for (let i = this.items.length - 1; i >= 0; i--) {
        const it = this.items[i]!;
        if (it.conversation === c.id && this.visible(userId, it)) {
          out[c.id] = it;
          break;
        }
      }
    }
    return out;
  }

  cardVisibleTo(userId: string, card: CardRecord): boolean {
    const delivery = this.items.find((i) => i.kind === 'bot' && i.delivery.outTrackId === card.outTrackId);
    return delivery !== undefined && this.visible(userId, delivery);
  }

  private push(draft: SimItemDraft): SimItem {
    const item: SimItem = { ...draft, id: ++this.seq, at: this.clock.now().getTime() };
    this.items.push(item);
    if (item.kind === 'bot') this.deliveryAt.set(item.delivery.seq, item.at);
    this.emit('item', item);
    return item;
  }
}
