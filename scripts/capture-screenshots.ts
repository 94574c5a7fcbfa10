/**
 * Regenerates docs/screenshots/*.png: the simulator's main screens against the real service in local
 * mode (demo company, local DingTalk stand-in, real stream SDK), in headless Debian chromium.
 *
 *   npx tsx scripts/capture-screenshots.ts            # uses a throwaway local database
 *   MONGODB_URI=mongodb://… npx tsx scripts/capture-screenshots.ts
 *
 * The simulated clock starts at a fixed instant so the demo company (and the pictures) come out the same.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startService } from '../src/app.js';
import { startLocalMongo, ensureLocalMongoBuilt, resolveLocalMongoKind } from '../src/adapters/mongo/local-server.js';
import { renderPng } from '../src/adapters/charts/vega-renderer.js';
import { OffsetClock } from '../src/clock.js';
import { readConfig } from '../src/config.js';
import { fillCard } from '../src/domain/cards/fill-card.js';
import { barChartSpec } from '../src/domain/charts/bar-chart.js';
import { createLogger } from '../src/logger.js';
import { launchBrowser } from '../test/helpers/browser.js';
import type { Locator } from 'playwright-core';
import { SimPage, until } from '../test/helpers/sim-page.js';

const OUT = path.resolve('docs/screenshots');
const START = new Date('2026-11-24T10:12:00+08:00'); // a Tuesday in week 8 of 2026Q4

const VIEWPORT = { width: 1360, height: 820 };
type PaneBox = { scrollHeight: number; scrollTop: number; clientHeight: number; getBoundingClientRect(): { top: number } };

/**
 * Screenshots the open conversation from `first` down to its newest message. A card taller than the
 * message pane would be cut off at 820 px, so the window grows (up to a cap) for this one picture.
 */
async function shootFrom(sim: SimPage, first: Locator, name: string): Promise<void> {
  const page = sim.page;
  // How far `first` is from the end of the message pane (runs in the page; this file has no DOM typings).
  const { span, pane } = await first.evaluate((el) => {
    const box = (globalThis as unknown as { document: { querySelector(q: string): PaneBox } }).document.querySelector('#messages');
    const top = (el as unknown as PaneBox).getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
    return { span: box.scrollHeight - top + 24, pane: box.clientHeight };
  });
  const height = Math.min(2600, VIEWPORT.height + Math.max(0, Math.ceil(span - pane)));
  await page.setViewportSize({ width: VIEWPORT.width, height });
  const pane$ = page.locator('#messages');
  await pane$.evaluate((box) => {
    const b = box as unknown as PaneBox;
    b.scrollTop = b.scrollHeight;
  });
  await until(async () => (await pane$.evaluate((box) => { const b = box as unknown as PaneBox; return b.scrollHeight - b.scrollTop - b.clientHeight; })) <= 1, `${name}: the pane at its end`);
  await sim.screenshot(name);
  await page.setViewportSize(VIEWPORT);
}

/** Sends `text` in the open chat, waits for one more card containing `cardText`, and shoots from the question down. */
async function askAndShoot(sim: SimPage, text: string, cardText: string, name: string): Promise<void> {
  const cards = sim.page.locator('#messages .card-holder .card').filter({ hasText: cardText });
  const before = await cards.count();
  await sim.say(text);
  await until(async () => (await cards.count()) > before, `${name}: a new card with ${cardText}`, 300_000);
  await shootFrom(sim, sim.page.locator('#messages .msg.mine').filter({ hasText: text }).last(), name);
}

async function main(): Promise<void> {
  const log = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'trichain-shots-'));
  let mongoUri = process.env.MONGODB_URI;
  let stopMongo: () => Promise<void> = async () => undefined;
  if (!mongoUri) {
    const kind = resolveLocalMongoKind('auto');
    ensureLocalMongoBuilt(kind);
    const local = await startLocalMongo({ dataDir, kind });
    mongoUri = `${local.uri.replace(/\/$/, '')}/trichain_screenshots`;
    stopMongo = () => local.stop();
  }
  const clock = new OffsetClock();
  clock.set(START);
  const config = readConfig({ DINGTALK_MODE: 'local', MONGODB_URI: mongoUri, PORT: '0', LOG_LEVEL: 'warn', DEMO_COMPANY_SIZE: '56' });
  const service = await startService(config, { logger: log, clock });
  await service.streamReady;
  const browser = await launchBrowser(VIEWPORT);
  try {
    const demo = service.demo!;
    process.stdout.write('filling the demo database…\n');
    await demo.ready;
    const { company } = demo;
    const team = company.teams[0]!;
    const page = await browser.context.newPage();
    const sim = new SimPage(page, service.httpUrl, OUT);

    // 1. A rep's 1:1 chat with the bot (timed: the figure is the page opening with a 56-rep org).
    const t0 = performance.now();
    await sim.open(company.manifest.repA);
    const ready = performance.now() - t0;
    const dcl = await page.evaluate(() => {
      const nav = (globalThis as unknown as { performance: { getEntriesByType(t: string): Array<{ domContentLoadedEventEnd: number }> } }).performance.getEntriesByType('navigation')[0];
      return nav ? nav.domContentLoadedEventEnd : -1;
    });
    process.stdout.write(`page load: DOMContentLoaded ${dcl.toFixed(0)} ms, chat ready ${ready.toFixed(0)} ms\n`);
    await sim.say('帮助');
    await sim.expectReply('三链助手：目标 → 行为 → 结果');
    await sim.say('help');
    await sim.expectReply('trichain — goals → activities → outcomes');
    await sim.screenshot('sim-rep-chat');

    // 2. The team group as its manager: a notice card with a chart from the demo company's deals.
    const won = await service.models.Deal.find({ personId: { $in: team.repIds }, isWon: true, quarterId: company.quarter._id }).lean();
    const rows = team.repIds.map((id) => ({ label: company.reps.find((r) => r.id === id)!.name, value: won.filter((d) => d.personId === id).reduce((s, d) => s + d.amountCny, 0) }));
    const png = await renderPng(barChartSpec({ title: `${team.name} 本季度已签约额`, rows, valueTitle: '签约额（元）' }));
    const mediaId = await service.messenger.uploadImage(png, 'team-signed.png');
    const notice = service.simulator!.catalog.byTemplateId('trichain-notice.schema')!;
    const behind = rows.filter((r) => r.value < 300_000).length;
    await service.messenger.sendCard(
      {
        templateId: notice.templateId,
        outTrackId: 'screenshots:notice:1',
        cardParamMap: fillCard(notice, { title: `${team.name} 本季度签约进展`, color: 'blue', body: `截至今天共签约 **${(rows.reduce((s, r) => s + r.value, 0) / 10_000).toFixed(1)} 万元**；<font color=#f25643>${behind} 人</font>不足 30 万元。`, imageMediaId: mediaId, hasImage: true }),
      },
      { kind: 'group', openConversationId: team.groupId },
    );
    await sim.become(team.managerId);
    await sim.openConversation(`${team.name} 团队群`);
    await sim.card(/签约进展/).root.locator('img.card-img').waitFor();
    await until(async () => (await page.locator('img.card-img').evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)) > 0, 'the chart');
    await sim.say('帮助');
    await sim.expectReply('三链助手：目标 → 行为 → 结果');
    await shootFrom(sim, sim.card(/签约进展/).root, 'sim-team-group');

    // 3. A rep without a goal sets one on the card; the manager approves it on the approval card.
    const { newRep, managerId } = company.manifest;
    await sim.become(newRep);
    await sim.openConversation('三链助手');
    const form = await sim.openGoalForm();
    await form.fillDemoGoal();
    await form.check(/^主攻行业/, ['能源', '医疗']);
    await form.press('提交目标');
    await form.root.locator('.card-md', { hasText: '状态：待审批' }).waitFor();
    await shootFrom(sim, form.root, 'sim-goal-card');
    await sim.become(managerId);
    await sim.openConversation('三链助手');
    const approval = sim.card('目标审批');
    await approval.root.getByRole('button', { name: '通过' }).waitFor();
    await sim.screenshot('sim-goal-approval');
    await approval.pressUntilGone('通过');

    // 4. A rep's activity chain in chat.
    await sim.become(company.manifest.repA);
    await sim.openConversation('三链助手');
    await sim.say('我的行为');
    await sim.expectReply('本周行为');
    await sim.screenshot('sim-my-activities');

    // 5. Picking who you are.
    await page.click('#whoami');
    await page.locator('#picker-list .person').first().waitFor();
    await sim.screenshot('sim-identity-picker');
    await page.keyboard.press('Escape');

    // 6. Moving the clock to the weekly report time: the rep's report card, the manager's team summary.
    // The report's prediction trains on the demo's past quarters: wait until they are all in, or the pictures
    // show 「历史数据不足」 (and the week's stored prediction, first write wins, would stay that way).
    process.stdout.write('waiting for the demo history…\n');
    await demo.complete;
    // The Friday run builds every rep's card while the older quarters still load: slow on a busy machine.
    await sim.moveClock('weekly-report', 600_000);
    await sim.screenshot('sim-clock');
    await sim.become(newRep);
    await sim.openConversation('三链助手');
    const report = sim.card('活动健康报告');
    await report.root.waitFor({ timeout: 120_000 });
    await until(async () => (await report.root.locator('img.card-img').evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)) > 0, 'the report chart');
    await shootFrom(sim, report.root, 'sim-friday-report');
    await sim.become(managerId);
    await sim.openConversation('三链助手');
    await sim.card('的团队').root.waitFor({ timeout: 120_000 });
    // The Friday run's risk alert lands after the summary; asking 周报 makes the summary the newest message.
    await askAndShoot(sim, '周报', `${await sim.nameOf(managerId)}的团队`, 'sim-team-summary');

    // 7. The director's summary: 周报 as the director, one row per manager's team (their team's roll-up).
    const { directorId } = company.manifest;
    await sim.become(directorId);
    await sim.openConversation('三链助手');
    await askAndShoot(sim, '周报', `${await sim.nameOf(directorId)}的团队`, 'sim-director-summary');

    // 8. 72 hours before the review: the pre-review pack arrives in the team group (card, charts, CSV file).
    await sim.become(managerId);
    await sim.openConversation(`${team.name} 团队群`);
    // Crossing the Fridays in between sends their reports first, so the jump takes a while on a busy machine.
    await sim.moveClock('pre-review', 600_000);
    const pack = sim.card('复盘包');
    await pack.root.waitFor({ timeout: 120_000 });
    const csv = page.locator('#messages a.file-msg').last();
    await csv.waitFor({ timeout: 120_000 });
    await until(
      async () => page.locator('#messages img').evaluateAll((imgs) => imgs.length > 0 && imgs.every((el) => (el as unknown as { complete: boolean; naturalWidth: number }).complete && (el as unknown as { naturalWidth: number }).naturalWidth > 0)),
      'the pack charts',
      60_000,
    );
    await shootFrom(sim, pack.root, 'sim-review-pack');

    // 9. The outbox.
    await sim.showOutbox();
    await sim.screenshot('sim-outbox');
    process.stdout.write(`screenshots written to ${OUT}\n`);
  } finally {
    await browser.close();
    await service.stop();
    await stopMongo();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().then(
  // Exit explicitly: Agenda leaves a lock-check timer (lockLifetime / 2, 5 min) behind every job it ran,
  // and the clock jump above ran one.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`capture-screenshots failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
