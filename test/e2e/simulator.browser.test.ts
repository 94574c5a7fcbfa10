/**
 * The simulator page in headless Chromium (Debian's chromium + playwright-core), against the real service
 * in local mode: demo company, local DingTalk stand-in, real stream SDK, real card-callback path.
 * Screenshots land in test-artifacts/simulator/.
 *
 * The must-show flow: a rep sends 目标, fills and submits the card, the manager approves it on the approval
 * card, the clock jumps to Friday 17:00, and the rep's report card arrives with its chart image.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app.js';
import { renderPng } from '../../src/adapters/charts/vega-renderer.js';
import { OffsetClock } from '../../src/clock.js';
import { readConfig } from '../../src/config.js';
import type { DemoCompany } from '../../src/demo/company.js';
import { cardTemplateSchema } from '../../src/domain/cards/card-template.js';
import { fillCard } from '../../src/domain/cards/fill-card.js';
import { barChartSpec } from '../../src/domain/charts/bar-chart.js';
import { createLogger } from '../../src/logger.js';
import { launchBrowser, type Browser } from '../helpers/browser.js';
import { mongoUriFor, uniqueDbName, eventually } from '../helpers/service-harness.js';
import { SimPage, until } from '../helpers/sim-page.js';

const ARTIFACTS = path.resolve('test-artifacts/simulator');

/** A card that is not part of the product: every input kind and two buttons, to drive the renderer. */
const probe = cardTemplateSchema.parse({
  name: 'sim-probe',
  templateId: 'trichain-sim-probe.schema',
  description: 'test only',
  variables: [
    { name: 'title', type: 'string', required: true, description: '' },
    { name: 'intro', type: 'markdown', required: true, description: '' },
    { name: 'industryOptions', type: 'json', required: true, description: '' },
    { name: 'caseId', type: 'string', required: true, description: '' },
    { name: 'open', type: 'boolean', required: true, description: '' },
    { name: 'done', type: 'boolean', required: true, description: '' },
    { name: 'result', type: 'markdown', required: false, description: '' },
  ],
  layout: [
    { type: 'header', text: '${title}', color: 'blue' },
    { type: 'markdown', text: '${intro}' },
    { type: 'input', name: 'plan', label: '计划', required: true, visibleIf: 'open' },
    { type: 'number', name: 'amount', label: '签约额', placeholder: '如 80万', visibleIf: 'open' },
    { type: 'select', name: 'industry', label: '主攻行业', options: '${industryOptions}', visibleIf: 'open' },
    { type: 'multiselect', name: 'accounts', label: '重点客户', options: [{ value: 'ka1', label: '中能电力集团' }, { value: 'ka2', label: '华晟汽车' }, { value: 'ka3', label: '东方精工' }], visibleIf: 'open' },
    { type: 'textarea', name: 'note', label: '备注', visibleIf: 'open' },
    { type: 'divider' },
    { type: 'markdown', text: '${result}', visibleIf: 'done' },
    {
      type: 'buttons',
      visibleIf: 'open',
      buttons: [
        { text: '提交', action: 'sim-probe-submit', style: 'primary', submitForm: true, params: { caseId: '${caseId}' } },
        { text: '不需要', action: 'sim-probe-decline', style: 'danger', params: { caseId: '${caseId}' } },
      ],
    },
  ],
});

describe('the DingTalk simulator page in a browser', () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  let sim: SimPage;
  let company: DemoCompany;
  const clicks: Array<{ userId: string; params: Record<string, unknown> }> = [];

  beforeAll(async () => {
    const config = readConfig({
      DINGTALK_MODE: 'local',
      MONGODB_URI: mongoUriFor(uniqueDbName('sim')),
      PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DEMO_COMPANY_SIZE: '12',
      DEMO_SEED: '7',
      DEMO_HISTORY_QUARTERS: '0',
    });
    service = await startService(config, { logger: createLogger({ level: config.log.level }), clock: new OffsetClock(), jobPollMs: 300 });
    await service.streamReady;
    company = service.demo!.company;
    service.simulator!.catalog.add(probe);
    // A test-only handler on the real bot: the click must arrive through the stream's card callback.
    service.bot.card('sim-probe-submit', async (ctx) => {
      clicks.push({ userId: ctx.event.userId, params: ctx.event.params });
      const p = ctx.event.params;
      const accounts = Array.isArray(p.accounts) ? p.accounts.join('、') : '';
      await service.messenger.updateCard(ctx.event.outTrackId, fillCard(probe, { open: false, done: true, result: `**已收到**：${String(p.plan)}，${String(p.amount)}，${String(p.industry)}，${accounts}` }, { partial: true }));
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    sim = new SimPage(page, service.httpUrl, ARTIFACTS);
  });

  afterAll(async () => {
    await browser?.close();
    if (service) {
      await service.conn.db?.dropDatabase().catch(() => undefined);
      await service.stop();
    }
  });

  it('opens as a rep and gets the help reply to 帮助 through the real stream', async () => {
    const rep = company.manifest.repA;
    await sim.open(rep);
    expect(await page.locator('#conversations .conv').count()).toBe(2); // the bot + the team group
    await sim.say('帮助');
    const reply = await sim.expectReply('三链助手：目标 → 行为 → 结果');
    expect(await reply.locator('.bubble.md li').count()).toBeGreaterThan(0); // Markdown rendered, not shown raw
    expect(await reply.textContent()).not.toContain('###');
    await sim.screenshot('01-rep-help');
  });

  it('draws a card from its template, sends the form through the card callback, and updates it in place', async () => {
    const rep = company.manifest.repA;
    const card = { templateId: probe.templateId, outTrackId: `sim-probe:${rep}:1`, cardParamMap: fillCard(probe, { title: '试试互动卡片', intro: '填写后点 **提交**', industryOptions: [{ value: '制造业', label: '制造业' }, { value: '能源', label: '能源' }], caseId: 'c-42', open: true, done: false }) };
    await service.messenger.sendCard(card, { kind: 'user', userId: rep });
    const c = sim.card('试试互动卡片');
    await c.root.waitFor();
    expect(await c.root.locator('.card-md strong').textContent()).toBe('提交');

    // Required input left empty: refused on the card, nothing sent (as the card platform does).
    await c.press('提交');
    await c.root.locator('.card-error', { hasText: '请填写「计划」' }).waitFor();
    expect(clicks).toHaveLength(0);

    await c.fill('计划', '每周拜访 5 家重点客户');
    await c.fill('签约额', '80万');
    await c.select('主攻行业', '能源');
    await c.check('重点客户', ['中能电力集团', '东方精工']);
    await c.fill('备注', '第一周先拜访老客户');
    await sim.screenshot('02-card-filled');
    await c.press('提交');

    await until(async () => clicks.length === 1, 'the click to reach the bot');
    expect(clicks[0]).toEqual({
      userId: rep,
      params: { action: 'sim-probe-submit', caseId: 'c-42', plan: '每周拜访 5 家重点客户', amount: '80万', industry: '能源', accounts: ['ka1', 'ka3'], note: '第一周先拜访老客户' },
    });
    // Same card element, redrawn from the bot's update: inputs gone, result shown.
    await c.root.locator('.card-md', { hasText: '已收到' }).waitFor();
    expect(await page.locator('#messages .card-holder').count()).toBe(1);
    expect(await c.root.locator('input, button').count()).toBe(0);
    expect(service.localDingTalk!.outbox.cards.get(card.outTrackId)!.updates).toBe(1);
    await sim.screenshot('03-card-updated');
  });

  it('switches to the manager, sees the team group with a chart card, and talks in the group', async () => {
    const team = company.teams[0]!;
    const png = await renderPng(barChartSpec({ title: '本季度签约额（演示）', rows: team.repIds.map((id, i) => ({ label: company.reps.find((r) => r.id === id)!.name, value: 200_000 + i * 90_000 })), valueTitle: '签约额（元）' }));
    const mediaId = await service.messenger.uploadImage(png, 'signed.png');
    const templates = service.simulator!.catalog;
    expect(templates.byTemplateId('trichain-notice.schema')?.name).toBe('notice');
    await service.messenger.sendCard(
      { templateId: 'trichain-notice.schema', outTrackId: 'sim-notice:1', cardParamMap: fillCard(templates.byTemplateId('trichain-notice.schema')!, { title: '评审前数据包（演示）', color: 'orange', body: '本季度签约额见下图；<font color=#f25643>2 人</font>进度落后。', imageMediaId: mediaId, hasImage: true }) },
      { kind: 'group', openConversationId: team.groupId },
    );

    await sim.become(team.managerId);
    await sim.openConversation(`${team.name} 团队群`);
    const notice = sim.card('评审前数据包');
    await notice.root.waitFor();
    const img = notice.root.locator('img.card-img');
    await until(async () => (await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)) > 400, 'the chart image to load');
    expect(await notice.root.locator('.card-md span[style*="color"]').textContent()).toBe('2 人');
    // 12.9: a chart opens full-size on click, and Escape closes it.
    await img.click();
    const big = page.locator('.lightbox img');
    await big.waitFor();
    expect(await big.evaluate((el) => (el as unknown as { width: number; naturalWidth: number }).width)).toBe(await big.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth));
    await page.keyboard.press('Escape');
    await page.locator('.lightbox').waitFor({ state: 'detached' });
    // 12.9: Escape closes the person picker in one press.
    await page.click('#whoami');
    await page.locator('#picker[open]').waitFor();
    await page.keyboard.press('Escape');
    await until(async () => !(await page.locator('#picker').evaluate((el) => (el as unknown as { open: boolean }).open)), 'the picker to close after one Escape', 2000);

    await sim.say('帮助');
    const reply = await sim.expectReply('三链助手：目标 → 行为 → 结果');
    expect(await reply.locator('.msg-name').textContent()).toBe('三链助手');
    await sim.screenshot('04-manager-team-group');
  });

  it('a rep sends 目标, fills and submits the goal card; the manager approves it on the approval card', async () => {
    await service.demo!.ready; // the quarter and the manager's goals come with the demo company
    const { newRep, managerId } = company.manifest;
    await sim.open(newRep);
    const form = await sim.openGoalForm();
    await form.fillDemoGoal();
    // Forgot the industries: the bot refuses specifically, on the same card, and stores nothing.
    await form.press('提交目标');
    await form.root.locator('.card-md', { hasText: '主攻行业：请至少选择一个' }).waitFor();
    expect((await service.models.Goal.findOne({ ownerId: newRep }).lean())?.status ?? 'draft').toBe('draft');
    expect(await form.root.getByLabel(/^签约额/).inputValue()).toBe('120万'); // what was typed is kept
    await form.check(/^主攻行业/, ['能源', '医疗']);
    await sim.screenshot('07-goal-form-filled');
    await form.press('提交目标');
    await form.root.locator('.card-md', { hasText: '状态：待审批' }).waitFor();
    const submitted = await service.models.Goal.findOne({ ownerId: newRep }).lean();
    expect(submitted).toMatchObject({ status: 'submitted', managerId });
    expect(submitted!.targets.find((t) => t.metric === 'signed_amount')?.value).toBe(1_200_000);

    await sim.become(managerId);
    await sim.openConversation('三链助手');
    const approval = sim.card(`目标审批 · ${await sim.nameOf(newRep)}`);
    await approval.root.locator('.card-md', { hasText: '1,200,000' }).or(approval.root.locator('.card-md', { hasText: '120万' })).first().waitFor();
    await sim.screenshot('08-manager-approval');
    await approval.pressUntilGone('通过');
    await eventually(() => service.models.Goal.findOne({ ownerId: newRep }).lean(), (g) => g?.status === 'approved');
  });

  it('moves the clock and runs the jobs that fell due through Agenda', async () => {
    const before = await jobRuns(service, 'purge-inbox');
    const status = await sim.moveClock('next-day'); // always crosses 04:00 once
    expect(status).toContain('purge-inbox');
    expect(status).toContain('已运行'); // "ran", not "completed": what a job did is its own note (12.6)
    expect(await jobRuns(service, 'purge-inbox')).toBe(before + 1);
    expect(service.clock.now().getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);
    await sim.moveClock('weekly-report');
    await page.locator('#clock-now', { hasText: '周五 17:00' }).waitFor();
    await page.locator('#messages .notice', { hasText: '时间已调到' }).last().waitFor();
    await sim.screenshot('05-clock-moved');
  });

  it('at Friday 17:00 the rep whose goal was just approved gets the report card with its chart image', async () => {
    const { newRep, managerId } = company.manifest;
    await sim.become(newRep);
    await sim.openConversation('三链助手');
    const report = sim.card('活动健康报告');
    await report.root.waitFor({ timeout: 60_000 });
    const chart = report.root.locator('img.card-img');
    await until(async () => (await chart.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)) > 400, 'the report chart to load');
    // 12.9: the chat opened at its newest message and stayed there while the cards loaded in.
    await until(
      async () => page.locator('#messages').evaluate((el) => {
        const b = el as unknown as { scrollHeight: number; scrollTop: number; clientHeight: number };
        return b.scrollHeight - b.scrollTop - b.clientHeight < 40;
      }),
      'the chat to be scrolled to its end',
      5000,
    );
    // Progress is measured against the target just approved: no "还没有目标" / "待主管审批" note.
    const text = (await report.root.textContent()) ?? '';
    expect(text).not.toMatch(/还没有目标|待主管审批/);
    expect(text).toContain('120万');
    await report.root.scrollIntoViewIfNeeded();
    await sim.screenshot('09-rep-friday-report');

    await sim.become(managerId);
    await sim.openConversation('三链助手');
    const team = sim.card('的团队');
    await team.root.waitFor({ timeout: 60_000 });
    await sim.screenshot('10-manager-team-summary');
  });

  it('shows the outbox of everything the bot sent through the OpenAPI', async () => {
    await sim.showOutbox();
    const calls = page.locator('#outbox-calls');
    for (const api of ['card.createAndDeliver', 'card.update', 'media.upload', 'robot.sessionWebhook']) {
      await calls.locator('td', { hasText: api }).first().waitFor();
    }
    await sim.screenshot('06-outbox');
    await sim.showChat();
  });

  it('has filled the database with the demo company in the background', async () => {
    const loaded = await service.demo!.ready;
    expect(loaded.counts.activities).toBeGreaterThan(1000);
    await eventually(() => service.models.Person.countDocuments(), (n) => n === company.people.length);
    const res = await page.request.get(`${service.httpUrl}/sim/api/status`);
    expect(((await res.json()) as { demo: { loaded: boolean } }).demo.loaded).toBe(true);
  });
});

async function jobRuns(service: Service, job: string): Promise<number> {
  const m = await service.metrics.jobRuns.get();
  return m.values.find((v) => v.labels.job === job && v.labels.outcome === 'success')?.value ?? 0;
}
