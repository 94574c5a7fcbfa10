import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';

/** Polls until `check` holds (playwright-core has no `expect`; @playwright/test is not a dependency). */
export async function until(check: () => Promise<boolean>, what: string, timeout = 15_000): Promise<void> {
  const end = Date.now() + timeout;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The simulator page as a person uses it: a page object for browser tests and the screenshot script.
 * Steps for later features read like the user story: `sim.say('目标')`, `sim.card().fill('签约额', '80万')`,
 * `sim.card().press('提交')`, `sim.become('mgr01')`, `sim.moveClock('weekly-report')`.
 */
export class SimPage {
  constructor(
    readonly page: Page,
    readonly baseUrl: string,
    private readonly artifactsDir: string,
  ) {
    mkdirSync(artifactsDir, { recursive: true });
  }

  async open(as: string, conversation?: string): Promise<void> {
    const q = new URLSearchParams({ as, ...(conversation ? { c: conversation } : {}) });
    await this.page.goto(`${this.baseUrl}/sim?${q}`);
    await this.page.locator('#whoami').filter({ hasText: await this.nameOf(as) }).waitFor();
    await until(async () => ((await this.page.locator('#chat-title').textContent()) ?? '') !== '', 'the chat to open');
  }

  async nameOf(id: string): Promise<string> {
    const res = await this.page.request.get(`${this.baseUrl}/sim/api/bootstrap`);
    const people = ((await res.json()) as { people: Array<{ id: string; name: string }> }).people;
    const p = people.find((x) => x.id === id);
    if (!p) throw new Error(`no ${id} in the simulator's org`);
    return p.name;
  }

  /** Messages in the open conversation. */
  messages(): Locator {
    return this.page.locator('#messages .msg');
  }

  botMessages(): Locator {
    return this.page.locator('#messages .msg:not(.mine)');
  }

  /** Types into the composer and presses Enter; resolves when the message shows as sent. */
  async say(text: string): Promise<void> {
    const before = await this.page.locator('#messages .msg.mine').count();
    await this.page.fill('#composer', text);
    await this.page.press('#composer', 'Enter');
    await until(async () => (await this.page.locator('#messages .msg.mine').count()) === before + 1, `"${text}" to show as sent`);
  }

  /** Waits for a bot message containing `text` in the open conversation. */
  async expectReply(text: string | RegExp, timeout = 15_000): Promise<Locator> {
    const msg = this.botMessages().filter({ hasText: text }).last();
    await msg.waitFor({ state: 'visible', timeout });
    return msg;
  }

  /** The newest interactive card in the conversation (or the one containing `text`). */
  card(text?: string | RegExp): SimCard {
    const cards = this.page.locator('#messages .card-holder .card');
    return new SimCard(text ? cards.filter({ hasText: text }).last() : cards.last());
  }

  /** Sends 目标 in the open chat and resolves with the goal card once its form is there. */
  async openGoalForm(): Promise<SimCard> {
    await this.say('目标');
    const form = this.card('季度目标');
    await form.root.getByRole('button', { name: '提交目标' }).waitFor();
    return form;
  }

  async openConversation(title: string | RegExp): Promise<void> {
    await this.page.locator('#conversations .conv').filter({ hasText: title }).first().click();
    await this.page.locator('#chat-title').filter({ hasText: title }).waitFor();
  }

  /** Switches identity through the picker, as a person would. */
  async become(id: string): Promise<void> {
    const name = await this.nameOf(id);
    await this.page.click('#whoami');
    await this.page.fill('#picker-search', id);
    await this.page.locator(`#picker-list .person[data-id="${id}"]`).click();
    await this.page.locator('#whoami').filter({ hasText: name }).waitFor();
  }

  /** Presses a clock button (weekly-report | pre-review | next-day | next-week | reset) and waits for the jump. */
  async moveClock(key: string, timeout = 60_000): Promise<string> {
    const status = this.page.locator('#clock-status');
    await this.page.locator(`.clock-preset[data-key="${key}"]`).click();
    await status.filter({ hasText: /已运行定时任务|没有到期的定时任务|已回到真实时间|没能调整时间/ }).waitFor({ timeout });
    const text = (await status.textContent()) ?? '';
    // A refused jump says why on the page; fail with that instead of waiting out the timeout.
    if (text.startsWith('没能调整时间')) throw new Error(`clock preset ${key}: ${text}`);
    return text;
  }

  async showOutbox(): Promise<void> {
    await this.page.click('#nav-outbox');
    await this.page.locator('#outbox-calls tr').first().waitFor();
  }

  async showChat(): Promise<void> {
    await this.page.click('#nav-chat');
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(this.artifactsDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}

export class SimCard {
  constructor(readonly root: Locator) {}

  /** A string label matches exactly; a RegExp when the label carries a unit hint, e.g. /^签约额/. */
  async fill(label: string | RegExp, value: string): Promise<void> {
    await this.root.getByLabel(label, { exact: true }).fill(value);
  }

  async select(label: string, value: string): Promise<void> {
    await this.root.getByLabel(label, { exact: true }).selectOption(value);
  }

  /** Ticks the given options of a multiselect. */
  async check(label: string | RegExp, options: string[]): Promise<void> {
    const group = this.root.getByLabel(label, { exact: true });
    for (const o of options) await group.locator('label.chip', { hasText: o }).locator('input').check();
  }

  async press(buttonText: string): Promise<void> {
    await this.root.getByRole('button', { name: buttonText }).click();
  }

  /** Presses a button and waits until the bot has redrawn the card without it (e.g. 通过 on an approval). */
  async pressUntilGone(buttonText: string): Promise<void> {
    await this.press(buttonText);
    await this.root.getByRole('button', { name: buttonText }).waitFor({ state: 'detached' });
  }

  /** The demo goal's targets and plan on the goal form (industries are the caller's, to show a refusal). */
  async fillDemoGoal(): Promise<void> {
    await this.fill(/^签约额/, '120万');
    await this.fill(/^新客户数/, '8');
    await this.fill(/^方案定制率/, '40%');
    await this.fill('行动计划（简述）', '每周拜访 4 家重点客户，每家带定制方案');
  }
}
