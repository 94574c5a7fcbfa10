import { detectLang, matchKeyword, normalizeText, type Lang } from '../domain/command-text.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { InboundCardAction, InboundEvent, InboundMessage } from './inbound.js';
import { KeyedQueue } from './keyed-queue.js';
import { Semaphore } from './semaphore.js';
import type { CardInstance, OutboundMessage } from './messages.js';
import { destinationOf, type Messenger } from './messenger.js';

export interface CommandSpec {
  /** Stable id, e.g. "help". */
  name: string;
  /** Chinese and English keywords that start the command. */
  keywords: readonly string[];
  /** One line for the help text. */
  summary: { zh: string; en: string };
  /** Example of use, shown in help (e.g. "目标"). */
  example?: string;
  /** Hidden from help (aliases, dev commands). */
  hidden?: boolean;
  /** Who may use it (absent: everyone). Help lists it only to them; the service still checks the role. */
  roles?: ReadonlyArray<'rep' | 'manager' | 'hr'>;
}

export interface MessageContext {
  event: InboundMessage;
  /** Normalized full text. */
  text: string;
  /** Text after the command keyword. */
  args: string;
  lang: Lang;
  log: Logger;
  reply(msg: OutboundMessage | string): Promise<void>;
  /** Uploads the PNG and posts it as an image message in this conversation. */
  replyImage(png: Buffer, filename?: string): Promise<string>;
  /** Delivers a card into this conversation (1:1 or group). */
  replyCard(card: CardInstance): Promise<void>;
}

export interface CardContext {
  event: InboundCardAction;
  /** `params.action` of the pressed button. */
  action: string;
  log: Logger;
}

export type MessageHandler = (ctx: MessageContext) => Promise<void>;
export type CardHandler = (ctx: CardContext) => Promise<void>;

/** Thrown by the inbox when the frame was already handled. */
export interface Inbox {
  claim(key: string, kind: 'message' | 'card', userId: string | undefined): Promise<boolean>;
  finish(key: string, outcome: 'done' | 'failed', error?: string): Promise<void>;
}

export interface BotDeps {
  messenger: Messenger;
  inbox: Inbox;
  logger: Logger;
  metrics: Metrics;
  /** Events handled at once across all people (default 16). */
  maxConcurrent?: number;
}

/**
 * Transport-agnostic dispatcher: dedupes inbound events, routes chat text to commands and card clicks to
 * card handlers, serializes work per person, and turns failures into a short apology.
 */
export class Bot {
  private readonly commandList: Array<{ spec: CommandSpec; handler: MessageHandler }> = [];
  private readonly cardHandlers = new Map<string, CardHandler>();
  private unknownHandler: MessageHandler | undefined;
  private readonly queue = new KeyedQueue();
  private readonly slots: Semaphore;

  constructor(private readonly deps: BotDeps) {
    this.slots = new Semaphore(deps.maxConcurrent ?? 16);
  }

  command(spec: CommandSpec, handler: MessageHandler): this {
    this.commandList.push({ spec, handler });
    return this;
  }

  /** Handles card clicks whose button carries `action=<action>` (or whose outTrackId starts with `<action>:`). */
  card(action: string, handler: CardHandler): this {
    this.cardHandlers.set(action, handler);
    return this;
  }

  unknown(handler: MessageHandler): this {
    this.unknownHandler = handler;
    return this;
  }

  commands(): readonly CommandSpec[] {
    return this.commandList.map((c) => c.spec);
  }

  /** Entry point for every inbound event; never throws. */
  handle(event: InboundEvent): Promise<void> {
    const person = event.kind === 'message' ? event.senderStaffId : event.userId;
    return this.queue.run(person || 'anonymous', () => this.slots.run(() => this.process(event)));
  }

  /** Waits for in-flight handlers (graceful shutdown). */
  drain(): Promise<void> {
    return this.queue.drain();
  }

  private async process(event: InboundEvent): Promise<void> {
    const log = this.deps.logger.child(
      event.kind === 'message' ? { msgId: event.msgId, user: event.senderStaffId } : { outTrackId: event.outTrackId, user: event.userId },
    );
    let fresh: boolean;
    try {
      fresh = await this.deps.inbox.claim(event.dedupeKey, event.kind, event.kind === 'message' ? event.senderStaffId : event.userId);
    } catch (err) {
      log.error({ err }, 'inbox unavailable; event not handled');
      this.deps.metrics.messagesHandled.inc({ kind: event.kind, outcome: 'error' });
      await this.apologize(event, log);
      return;
    }
    if (!fresh) {
      log.info('duplicate delivery ignored');
      this.deps.metrics.messagesHandled.inc({ kind: event.kind, outcome: 'duplicate' });
      return;
    }
    try {
      if (event.kind === 'message') await this.onMessage(event, log);
      else await this.onCard(event, log);
      await this.deps.inbox.finish(event.dedupeKey, 'done');
      this.deps.metrics.messagesHandled.inc({ kind: event.kind, outcome: 'ok' });
    } catch (err) {
      log.error({ err }, 'handler failed');
      this.deps.metrics.messagesHandled.inc({ kind: event.kind, outcome: 'error' });
      await this.deps.inbox.finish(event.dedupeKey, 'failed', err instanceof Error ? err.message : String(err)).catch(() => undefined);
      await this.apologize(event, log);
    }
  }

  private async onMessage(event: InboundMessage, log: Logger): Promise<void> {
    const text = normalizeText(event.text);
    const match = matchKeyword(
      text,
      this.commandList.map((c) => ({ keywords: c.spec.keywords, value: c })),
    );
    const lang = detectLang(match ? match.keyword : text);
    const ctx = this.messageContext(event, text, match?.args ?? text, lang, log.child({ command: match?.value.spec.name ?? 'unknown' }));
    if (match) return match.value.handler(ctx);
    if (this.unknownHandler) return this.unknownHandler(ctx);
  }

  private async onCard(event: InboundCardAction, log: Logger): Promise<void> {
    const action = typeof event.params.action === 'string' ? event.params.action : (event.outTrackId.split(':')[0] ?? '');
    const handler = this.cardHandlers.get(action);
    if (!handler) {
      log.warn({ action }, 'card action without handler');
      return;
    }
    await handler({ event, action, log: log.child({ action }) });
  }

  private messageContext(event: InboundMessage, text: string, args: string, lang: Lang, log: Logger): MessageContext {
    const m = this.deps.messenger;
    return {
      event,
      text,
      args,
      lang,
      log,
      reply: (msg) => m.reply(event, typeof msg === 'string' ? { type: 'text', text: msg } : msg),
      replyImage: async (png, filename) => {
        const mediaId = await m.uploadImage(png, filename);
        await m.send(destinationOf(event), { type: 'image', mediaId });
        return mediaId;
      },
      replyCard: (card) => m.sendCard(card, destinationOf(event)),
    };
  }

  private async apologize(event: InboundEvent, log: Logger): Promise<void> {
    const text = '抱歉，处理这条消息时出错了，请稍后再试。如果一直出错，请联系管理员。';
    try {
      if (event.kind === 'message') await this.deps.messenger.reply(event, { type: 'text', text });
      else await this.deps.messenger.send({ kind: 'user', userId: event.userId }, { type: 'text', text });
    } catch (err) {
      log.warn({ err }, 'could not deliver the apology either');
    }
  }
}
