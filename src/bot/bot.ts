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
  /**
   * Where the answer may be shown, declared once per command and enforced by the dispatcher.
   * `personal`: the answer shows one person's data, or a role-gated view of people (a manager's team, HR's
   * tools); asked in a group, every reply goes to the asker's 1:1 chat and the group only hears that it was
   * sent. `public`: the same for whoever asks (help, the rules, the report time); answered where asked.
   */
  privacy: CommandPrivacy;
  /**
   * What each role may do with the command, as the service enforces it (the service checks; this states
   * it once so docs/security.md's role × command matrix is generated from the registered commands).
   */
  access: CommandAccess;
}

export type CommandPrivacy = 'personal' | 'public';

/**
 * `yes`: may use it. `own`: their own data only. `team`: their own and everyone below them (skip-level
 * included). `company`: anyone's. `read`: may look, not change. `no`: refused, politely, and audited.
 */
export type AccessLevel = 'yes' | 'own' | 'team' | 'company' | 'read' | 'no';
export interface CommandAccess {
  rep: AccessLevel;
  manager: AccessLevel;
  hr: AccessLevel;
}

/** What the group hears when a personal answer went to the asker's 1:1 chat. */
/** Everything answering a command goes ahead of queued report cards in the send budget (someone is waiting). */
const INTERACTIVE = { lane: 'interactive' } as const;

export const SENT_PRIVATELY = { zh: '涉及个人数据，已私聊发送给你。', en: 'That is personal; I sent it to you in a 1:1 chat.' } as const;

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
  /**
   * Answers the person who pressed the button, in their 1:1 chat (the card may be in a group or belong to
   * someone else), in the interactive lane of the send budget: they pressed it and are waiting.
   */
  answer(msg: OutboundMessage | string): Promise<void>;
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
    const personal = match?.value.spec.privacy !== 'public' && match !== undefined;
    const ctx = this.messageContext(event, text, match?.args ?? text, lang, log.child({ command: match?.value.spec.name ?? 'unknown' }), personal);
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
    const answer = (msg: OutboundMessage | string) =>
      this.deps.messenger.send({ kind: 'user', userId: event.userId }, typeof msg === 'string' ? { type: 'text', text: msg } : msg, INTERACTIVE);
    await handler({ event, action, log: log.child({ action }), answer });
  }

  private messageContext(event: InboundMessage, text: string, args: string, lang: Lang, log: Logger, personal: boolean): MessageContext {
    const m = this.deps.messenger;
    if (personal && event.isGroup) return this.privateContext(event, text, args, lang, log);
    return {
      event,
      text,
      args,
      lang,
      log,
      reply: (msg) => m.reply(event, typeof msg === 'string' ? { type: 'text', text: msg } : msg),
      replyImage: async (png, filename) => {
        const mediaId = await m.uploadImage(png, filename);
        await m.send(destinationOf(event), { type: 'image', mediaId }, INTERACTIVE);
        return mediaId;
      },
      replyCard: (card) => m.sendCard(card, destinationOf(event), INTERACTIVE),
    };
  }

  /** A personal command asked in a group: every answer goes 1:1 to the asker; the group is told once. */
  private privateContext(event: InboundMessage, text: string, args: string, lang: Lang, log: Logger): MessageContext {
    const m = this.deps.messenger;
    const to = { kind: 'user', userId: event.senderStaffId } as const;
    let told = false;
    const tellGroup = async () => {
      if (told) return;
      told = true;
      await m.reply(event, { type: 'text', text: lang === 'en' ? SENT_PRIVATELY.en : SENT_PRIVATELY.zh });
    };
    return {
      event,
      text,
      args,
      lang,
      log,
      reply: async (msg) => {
        await m.send(to, typeof msg === 'string' ? { type: 'text', text: msg } : msg, INTERACTIVE);
        await tellGroup();
      },
      replyImage: async (png, filename) => {
        const mediaId = await m.uploadImage(png, filename);
        await m.send(to, { type: 'image', mediaId }, INTERACTIVE);
        await tellGroup();
        return mediaId;
      },
      replyCard: async (card) => {
        await m.sendCard(card, to, INTERACTIVE);
        await tellGroup();
      },
    };
  }

  private async apologize(event: InboundEvent, log: Logger): Promise<void> {
    const text = '抱歉，处理这条消息时出错了，请稍后再试。如果一直出错，请联系管理员。';
    try {
      if (event.kind === 'message') await this.deps.messenger.reply(event, { type: 'text', text });
      else await this.deps.messenger.send({ kind: 'user', userId: event.userId }, { type: 'text', text }, INTERACTIVE);
    } catch (err) {
      log.warn({ err }, 'could not deliver the apology either');
    }
  }
}
