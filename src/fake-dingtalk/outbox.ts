import { EventEmitter } from 'node:events';
import type { CardRecord, Delivery } from './types.js';

type Draft = Omit<Delivery, 'seq' | 'at'>;

/** Everything the bot delivered through the fake, in order; what a person in DingTalk would see. */
export class Outbox extends EventEmitter {
  readonly deliveries: Delivery[] = [];
  readonly cards = new Map<string, CardRecord>();
  private seq = 0;

  add(d: Draft): Delivery {
    const full: Delivery = { ...d, seq: ++this.seq, at: Date.now() };
    this.deliveries.push(full);
    this.emit('delivery', full);
    return full;
  }

  /** What one person sees in their 1:1 chat with the robot. */
  toUser(userId: string): Delivery[] {
    return this.deliveries.filter((d) => d.conversation === `user:${userId}`);
  }

  inGroup(openConversationId: string): Delivery[] {
    return this.deliveries.filter((d) => d.conversation === `group:${openConversationId}`);
  }

  /** Resolves with the first delivery (now or later) that matches. */
  waitFor(pred: (d: Delivery) => boolean, timeoutMs = 5000): Promise<Delivery> {
    const found = this.deliveries.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.off('delivery', on);
        reject(new Error(`no matching delivery within ${timeoutMs} ms`));
      }, timeoutMs);
      const on = (d: Delivery) => {
        if (!pred(d)) return;
        clearTimeout(t);
        this.off('delivery', on);
        resolve(d);
      };
      this.on('delivery', on);
    });
  }

  /** Parses a robot-API msgKey/msgParam into what a person would see. */
  static fromRobotApi(msgKey: string, msgParam: Record<string, unknown>): Pick<Delivery, 'type' | 'title' | 'text' | 'mediaId' | 'buttons' | 'fileName' | 'fileType'> {
    const s = (k: string) => (typeof msgParam[k] === 'string' ? (msgParam[k] as string) : undefined);
    if (msgKey === 'sampleText') return { type: 'text', text: s('content') ?? '' };
    if (msgKey === 'sampleMarkdown') return { type: 'markdown', title: s('title') ?? '', text: s('text') ?? '' };
    if (msgKey === 'sampleImageMsg') return { type: 'image', mediaId: s('photoURL') ?? '' };
    if (msgKey === 'sampleFile') return { type: 'file', mediaId: s('mediaId') ?? '', fileName: s('fileName') ?? '', fileType: s('fileType') ?? '' };
    if (msgKey.startsWith('sampleActionCard')) {
      const buttons: Array<{ title: string; url: string }> = [];
      if (s('singleTitle')) buttons.push({ title: s('singleTitle')!, url: s('singleURL') ?? '' });
      for (let i = 1; i <= 5; i++) {
        const t = s(`actionTitle${i}`) ?? s(`buttonTitle${i}`);
        if (t) buttons.push({ title: t, url: s(`actionURL${i}`) ?? s(`buttonUrl${i}`) ?? '' });
      }
      return { type: 'actionCard', title: s('title') ?? '', text: s('text') ?? '', buttons };
    }
    return { type: 'text', text: JSON.stringify(msgParam) };
  }

  /** Parses a sessionWebhook body. */
  static fromWebhook(body: Record<string, unknown>): Pick<Delivery, 'type' | 'title' | 'text' | 'mediaId' | 'buttons'> | undefined {
    const type = body.msgtype;
    if (type === 'text') return { type: 'text', text: String((body.text as { content?: unknown })?.content ?? '') };
    if (type === 'markdown') {
      const md = body.markdown as { title?: unknown; text?: unknown };
      return { type: 'markdown', title: String(md?.title ?? ''), text: String(md?.text ?? '') };
    }
    if (type === 'actionCard') {
      const ac = body.actionCard as { title?: unknown; text?: unknown; btns?: Array<{ title?: unknown; actionURL?: unknown }>; singleTitle?: unknown; singleURL?: unknown };
      const buttons = (ac?.btns ?? []).map((b) => ({ title: String(b.title ?? ''), url: String(b.actionURL ?? '') }));
      if (ac?.singleTitle) buttons.push({ title: String(ac.singleTitle), url: String(ac.singleURL ?? '') });
      return { type: 'actionCard', title: String(ac?.title ?? ''), text: String(ac?.text ?? ''), buttons };
    }
    return undefined;
  }
}
