/**
 * Driving the goal chain the way people do, through the fake DingTalk: type a command, wait for the card,
 * fill it in and press a button (with the button's params as the card data has them at click time).
 */
import { CardTemplates } from '../../src/adapters/cards/template-store.js';
import { interpolate } from '../../src/domain/cards/fill-card.js';
import { clickCard, say } from '../../src/fake-dingtalk/people.js';
import type { CardRecord, Delivery } from '../../src/fake-dingtalk/types.js';
import { eventually, type Harness } from './service-harness.js';

export const Q = '2026Q4';
/** Thursday 8 Oct 2026, 10:00 in Shanghai: week 2 of the quarter. */
export const NOW = new Date('2026-10-08T02:00:00Z');
export const fixedClock = { now: () => NOW };

export const QUARTER_FORM = {
  startDate: '2026-10-01',
  endDate: '2026-12-31',
  reviewAt: '2026-12-25 14:00',
  metrics: '签约额 元\n新客户数 个\n方案定制率 %',
  industryOptions: '制造业、能源、金融、教育、医疗',
  focusIndustries: '制造业、能源',
  keyAccounts: '',
};

export function card(h: Harness, outTrackId: string): CardRecord {
  const c = h.fake.outbox.cards.get(outTrackId);
  if (!c) throw new Error(`no card ${outTrackId}; cards: ${[...h.fake.outbox.cards.keys()].join(', ')}`);
  return c;
}

/** Sends `text` as `userId` and waits for a delivery to that person that matches. */
export async function sayAndWait(h: Harness, userId: string, text: string, pred: (d: Delivery) => boolean = () => true, timeoutMs = 10_000): Promise<Delivery> {
  const before = h.fake.outbox.deliveries.length;
  say(h.fake, { userId, text });
  return h.fake.outbox.waitFor((d) => d.seq > before && d.conversation === `user:${userId}` && pred(d), timeoutMs);
}

const templates = new CardTemplates();

/**
 * The params DingTalk sends for a button: its constant params with ${var} filled from the card data as it
 * is at click time (exactly what the card template declares), plus the form inputs.
 */
export function buttonParams(c: CardRecord, action: string): Record<string, string> {
  const t = templates.byTemplateId(c.templateId);
  const button = t?.layout.flatMap((x) => (x.type === 'buttons' ? x.buttons : [])).find((b) => b.action === action);
  if (!button) throw new Error(`card ${c.outTrackId} (${c.templateId}) has no ${action} button`);
  return { ...Object.fromEntries(Object.entries(button.params).map(([k, v]) => [k, interpolate(v, c.cardParamMap)])), action };
}

/** Presses a button on a card and waits until that card was updated. `form` may override button params (old cards). */
export async function press(h: Harness, outTrackId: string, userId: string, action: string, form: Record<string, unknown> = {}): Promise<CardRecord> {
  const c = card(h, outTrackId);
  const before = c.updates;
  const { messageId } = clickCard(h.fake, { outTrackId, userId, params: { ...buttonParams(c, action), ...form } });
  await h.fake.stream.waitForAck(messageId);
  await eventually(() => card(h, outTrackId).updates, (n) => n > before, 10_000);
  return card(h, outTrackId);
}

/** A click expected to change nothing on the card (answered in the clicker's chat instead). */
export async function pressExpectingChat(h: Harness, outTrackId: string, userId: string, action: string, params: Record<string, unknown>, pred: (d: Delivery) => boolean): Promise<Delivery> {
  const before = h.fake.outbox.deliveries.length;
  clickCard(h.fake, { outTrackId, userId, params: { ...params, action } });
  return h.fake.outbox.waitFor((d) => d.seq > before && d.conversation === `user:${userId}` && pred(d), 10_000);
}

export async function setUpQuarter(h: Harness, form: Record<string, unknown> = QUARTER_FORM): Promise<CardRecord> {
  await sayAndWait(h, 'hr01', '季度设置', (d) => d.type === 'card');
  return press(h, `quarter-setup:${Q}:hr01:r0`, 'hr01', 'quarter.save', form);
}

/** Opens the person's goal card (目标) and returns its outTrackId. */
export async function openGoalCard(h: Harness, userId: string, text = '目标'): Promise<string> {
  const d = await sayAndWait(h, userId, text, (x) => x.type === 'card');
  return d.outTrackId!;
}

export const goalForm = (amount: string, customers: string, industries: string[], extra: Record<string, unknown> = {}) => ({
  m1: amount,
  m2: customers,
  m3: '30%',
  industries,
  keyAccounts: '',
  plan: '每周拜访重点客户',
  objective: '',
  keyResults: '',
  ...extra,
});

export const approvalId = (owner: string, version: number, manager: string) => `goal-approval:${Q}:${owner}:v${version}:${manager}`;

/** Waits for the approval card a manager receives for `owner`'s goal at `version`. */
export async function approvalCard(h: Harness, owner: string, version: number, manager: string): Promise<CardRecord> {
  const id = approvalId(owner, version, manager);
  await h.fake.outbox.waitFor((d) => d.outTrackId === id && d.conversation === `user:${manager}`, 10_000);
  return card(h, id);
}
