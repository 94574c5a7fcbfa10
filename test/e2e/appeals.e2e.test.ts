import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appealCode } from '../../src/domain/appeals/appeal-rules.js';
import type { ActivityInput } from '../../src/domain/activity/types.js';
import { clickCard, say } from '../../src/fake-dingtalk/people.js';
import { cardsTo, testClock } from '../helpers/report-e2e.js';
import { seedReportData, type SeededOrg } from '../helpers/report-seed.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

// Friday 27 Nov 2026, 17:00:30 in Shanghai: just after the default report time (Fri 17:00).
const NOW = new Date('2026-11-27T09:00:30Z');
const HOUR = 3_600_000;

let h: Harness;
let org: SeededOrg;
const clock = testClock(NOW);
let rep: { id: string; name: string; managerId: string | null };
let other: { id: string };
let managerId: string;

/** A short visit (18 min, no location, no check-in): not counted under the default rule. */
const shortVisit = (id: string, startAt: string, minutes = 18): ActivityInput => ({
  source: 'webhook',
  sourceId: `crm:${id}`,
  person: { kind: 'userId', userId: rep.id },
  type: 'visit',
  startAt: new Date(startAt),
  endAt: new Date(new Date(startAt).getTime() + minutes * 60_000),
  account: { name: '华诚科技' },
  raw: {},
});

const activity = (sourceId: string) => h.service.models.Activity.findOne({ sourceId }).lean();
const idOf = async (sourceId: string) => String((await activity(sourceId))!._id);

async function ask(userId: string, text: string): Promise<string> {
  const before = h.fake.outbox.toUser(userId).length;
  say(h.fake, { userId, text });
  const reply = await h.fake.outbox.waitFor((d) => d.conversation === `user:${userId}` && h.fake.outbox.toUser(userId).indexOf(d) >= before, 15_000);
  return reply.text ?? '';
}

/** Presses a card button and waits for the next 1:1 text to `waitUser`. */
async function press(outTrackId: string, userId: string, params: Record<string, unknown>, waitUser: string): Promise<string> {
  const before = h.fake.outbox.toUser(waitUser).length;
  clickCard(h.fake, { outTrackId, userId, params });
  const d = await h.fake.outbox.waitFor((x) => x.conversation === `user:${waitUser}` && x.type === 'text' && h.fake.outbox.toUser(waitUser).indexOf(x) >= before, 15_000);
  return d.text ?? '';
}

async function runReport(runId: string): Promise<void> {
  await h.service.agenda.now('weekly-report');
  await eventually(() => h.service.models.ReportRun.findById(runId).lean(), (r) => r?.status === 'done', 30_000);
}

/** Counted activities of the rep in a week, straight from the stored documents. */
const countedIn = (week: string) => h.service.models.Activity.countDocuments({ personId: rep.id, isoWeek: week, counted: true, startAt: { $lt: new Date('2026-11-27T09:00:00Z') } });

const appealCards = () => cardsTo(h.fake, managerId, 'appeal-approval.schema');

beforeAll(async () => {
  h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock }, starterOrg: false });
  org = await seedReportData(h.service.models, { reps: 3, repsPerManager: 3, now: new Date('2026-11-27T09:00:00Z'), seed: 11 });
  h.fake.org.load({ users: org.fakeUsers });
  rep = org.reps[0]!;
  other = org.reps[1]!;
  managerId = rep.managerId!;
  await h.service.activity.core.ingest.ingest(
    [shortVisit('short-1', '2026-11-25T10:00:00+08:00'), shortVisit('short-2', '2026-11-26T10:00:00+08:00'), shortVisit('q3-visit', '2026-09-15T10:00:00+08:00')],
    { reconcile: 'inline' },
  );
  await runReport('scheduled|2026-W48');
}, 90_000);
afterAll(async () => {
  await h.stop();
});

describe('appeals (申诉), end to end through the SDK and the fake DingTalk', () => {
  it('opens an appeal from the Friday card; the direct manager gets an approval card with the activity, the rule and the reason', async () => {
    expect(await activity('crm:short-1')).toMatchObject({ counted: false });
    const card = cardsTo(h.fake, rep.id, 'weekly-report.schema')[0]!;
    expect(card.cardParamMap.canAppeal).toBe('true');
    const options = JSON.parse(card.cardParamMap.appealOptions!) as Array<{ value: string; label: string }>;
    const id = await idOf('crm:short-1');
    expect(options.map((o) => o.value)).toContain(id);

    // No reason: refused, nothing stored.
    expect(await press(card.outTrackId, rep.id, { action: 'appeal.open', appealActivityId: id, appealReason: ' ' }, rep.id)).toContain('申诉需要写明理由');
    expect(await h.service.models.Appeal.countDocuments()).toBe(0);

    const told = await press(card.outTrackId, rep.id, { action: 'appeal.open', appealActivityId: id, appealReason: '客户临时改到会议室，实际 50 分钟' }, rep.id);
    expect(told).toContain('已提交申诉');
    const approval = await eventually(() => appealCards(), (c) => c.length === 1, 10_000);
    const p = approval[0]!.cardParamMap;
    expect(p.title).toBe(`行为申诉 · ${rep.name}`);
    expect(p.detailText).toContain('拜访');
    expect(p.detailText).toContain('华诚科技');
    expect(p.detailText).toContain('时长 ≥ 30 分钟');
    // Markdown: the system's reason is escaped like any text (`<` as `\<`); a reader sees it unescaped.
    expect(p.detailText).toContain('时长 18 分钟 \\< 30 分钟');
    expect(p.detailText).toContain('客户临时改到会议室，实际 50 分钟');
    expect(p.pending).toBe('true');
  });

  it('refuses each bad appeal with its own message and stores nothing', async () => {
    const n = await h.service.models.Appeal.countDocuments();
    const short1 = appealCode(await idOf('crm:short-1'));
    const short2 = appealCode(await idOf('crm:short-2'));
    const counted = await h.service.models.Activity.findOne({ personId: rep.id, counted: true, isoWeek: '2026-W48' }).lean();
    expect(await ask(rep.id, `申诉 ${short1} 再试一次`)).toContain('已经申诉过');
    expect(await ask(rep.id, `申诉 ${appealCode(String(counted!._id))} 理由`)).toBe('这条行为已经计入，不需要申诉。');
    expect(await ask(other.id, `申诉 ${short2} 这是我的`)).toContain('这条行为不是你的');
    expect(await ask(rep.id, `申诉 ${appealCode(await idOf('crm:q3-visit'))} 理由`)).toBe('2026Q3 已结束，不能再申诉这个季度的行为。');
    expect(await ask(rep.id, `申诉 ${short2}`)).toContain('申诉需要写明理由');
    expect(await ask(rep.id, '申诉 拜访太短')).toContain('不是行为编号');
    // Asked in a group: the answer goes 1:1 alone, the group hears once that it did (not a second note 1:1).
    h.fake.org.load({ groups: [{ openConversationId: 'cidAppealGroup', title: '团队群', memberIds: [rep.id, other.id, managerId] }] });
    const before = h.fake.outbox.toUser(rep.id).length;
    say(h.fake, { userId: rep.id, text: `申诉 ${short1} 再试一次`, openConversationId: 'cidAppealGroup' });
    const note = await h.fake.outbox.waitFor((d) => d.conversation === 'group:cidAppealGroup', 15_000);
    expect(note.text).toBe('涉及个人数据，已私聊发送给你。');
    const oneToOne = h.fake.outbox.toUser(rep.id).slice(before).filter((d) => d.conversation === `user:${rep.id}`);
    expect(oneToOne.map((d) => d.text)).toEqual([expect.stringContaining('已经申诉过')]);
    expect(await h.service.models.Appeal.countDocuments()).toBe(n);
    // Someone else's record is an access attempt: audited.
    expect(await h.service.models.AuditLog.countDocuments({ action: 'access_denied', actorId: other.id })).toBe(1);
  });

  it("refuses a decision from anyone but the rep's direct manager (a forged callback changes nothing)", async () => {
    const card = appealCards()[0]!;
    const appealId = card.cardParamMap.appealId!;
    expect(await press(card.outTrackId, rep.id, { action: 'appeal.accept', appealId, comment: '我自己批' }, rep.id)).toContain('只有');
    expect(await press(card.outTrackId, 'hr01', { action: 'appeal.accept', appealId, comment: 'HR 批' }, 'hr01')).toContain('只有');
    expect(await h.service.models.Appeal.findById(appealId).lean()).toMatchObject({ status: 'open' });
    expect(await activity('crm:short-1')).toMatchObject({ counted: false });
  });

  it('counts the activity once the manager accepts, tells the rep, and shows 经申诉计入 in 我的行为', async () => {
    clock.advance(3 * HOUR);
    const card = appealCards()[0]!;
    const told = await press(card.outTrackId, managerId, { action: 'appeal.accept', appealId: card.cardParamMap.appealId, comment: '看过会议纪要，属实' }, rep.id);
    expect(told).toContain('认可了你的申诉');
    expect(told).toContain('经申诉计入');
    const a = (await activity('crm:short-1'))!;
    expect(a).toMatchObject({ counted: true, reasons: [] });
    expect(a.appealOverride).toMatchObject({ by: managerId, reason: '看过会议纪要，属实', appealId: card.cardParamMap.appealId });
    expect(h.fake.outbox.cards.get(card.outTrackId)!.cardParamMap.decidedText).toContain('已认可');
    const mine = await ask(rep.id, '我的行为');
    expect(mine).toMatch(/拜访 华诚科技 — 经申诉计入/);
    // The report card, asked for now, counts it and says so.
    say(h.fake, { userId: rep.id, text: '周报' });
    const view = await eventually(() => cardsTo(h.fake, rep.id, 'weekly-report.schema').filter((c) => c.outTrackId.startsWith('weekly-report-view:')), (c) => c.length === 1, 15_000);
    expect(view[0]!.cardParamMap.activities).toContain(`**本周有效活动 ${await countedIn('2026-W48')} 次**（其中经申诉计入 1 次）`);
    expect(mine).toContain(`\`${appealCode(await idOf('crm:short-2'))}\``);
  });

  it('keeps it counted after a re-import of the source record and after a rule change', async () => {
    await h.service.activity.core.ingest.ingest([shortVisit('short-1', '2026-11-25T10:00:00+08:00', 20)], { reconcile: 'inline' });
    expect(await activity('crm:short-1')).toMatchObject({ counted: true, durationMin: 20 });

    const saved = await ask('hr01', '行为规则 设置 拜访：时长 ≥ 45 分钟 且 有签到');
    expect(saved).toContain('已保存');
    await h.fake.outbox.waitFor((d) => d.conversation === 'user:hr01' && (d.text ?? '').includes('已生效'), 30_000);
    const a = (await activity('crm:short-1'))!;
    expect(a).toMatchObject({ counted: true, ruleVersion: 1 });
    expect(await activity('crm:short-2')).toMatchObject({ counted: false, ruleVersion: 1 });
  });

  it('counts it in the next Friday report', async () => {
    const expectedW48 = await countedIn('2026-W48');
    clock.set(new Date('2026-12-04T09:00:30Z'));
    await runReport('scheduled|2026-W49');
    const cards = cardsTo(h.fake, rep.id, 'weekly-report.schema');
    const next = cards.find((c) => c.outTrackId.startsWith('weekly-report:2026-W49:'))!;
    expect(next.cardParamMap.activities).toContain(`（上周 ${expectedW48} 次）`);
    // The independent figure includes the appealed visit.
    expect(await h.service.models.Activity.countDocuments({ personId: rep.id, isoWeek: '2026-W48', counted: true, 'appealOverride.appealId': { $exists: true } })).toBe(1);
  });

  it('leaves a rejected appeal not counted; rejecting needs a reason', async () => {
    const code = appealCode(await idOf('crm:short-2'));
    expect(await ask(rep.id, `申诉 ${code} 当天系统没同步签到`)).toContain('已提交申诉');
    const card = await eventually(() => appealCards(), (c) => c.length === 2, 10_000).then((c) => c.find((x) => x.cardParamMap.pending === 'true')!);
    clock.advance(5 * HOUR);
    clickCard(h.fake, { outTrackId: card.outTrackId, userId: managerId, params: { action: 'appeal.reject', appealId: card.cardParamMap.appealId } });
    await eventually(() => h.fake.outbox.cards.get(card.outTrackId)!.cardParamMap, (p) => p.hasNotice === 'true', 10_000);
    expect(await h.service.models.Appeal.findById(card.cardParamMap.appealId).lean()).toMatchObject({ status: 'open' });
    const told = await press(card.outTrackId, managerId, { action: 'appeal.reject', appealId: card.cardParamMap.appealId, comment: '没有签到*也没有*纪要_' }, rep.id);
    // A plain-text message: the reason as the manager typed it (no markdown backslashes).
    expect(told).toContain('驳回了你的申诉');
    expect(told).toContain('理由：没有签到*也没有*纪要_。');
    expect(await activity('crm:short-2')).toMatchObject({ counted: false });
    expect((await activity('crm:short-2'))!.appealOverride?.appealId).toBeUndefined();
  });

  it('gives HR 申诉统计 that match the stored appeals, and keeps every step in the audit log', async () => {
    expect(await ask(rep.id, '申诉统计')).toBe('申诉统计只对 HR 开放。');
    const appeals = await h.service.models.Appeal.find({ quarterId: '2026Q4' }).lean();
    const spans = appeals.map((a) => a.decidedAt!.getTime() - a.openedAt.getTime()).sort((x, y) => x - y);
    const medianH = (spans[0]! + spans[1]!) / 2 / HOUR;
    const text = await ask('hr01', '申诉统计');
    const managerName = org.managers.find((m) => m.id === managerId)!.name;
    expect(text).toContain(`| ${managerName} | 2 | 1 | 1 | 0 | ${medianH} 小时 |`);
    expect(text).toContain(`| **合计** | 2 | 1 | 1 | 0 | ${medianH} 小时 |`);
    expect(await ask('hr01', '申诉统计 2026Q3')).toContain('本季度还没有申诉');
    expect(await ask('hr01', '申诉统计 上季度')).toContain('不是季度');
    const actions = (await h.service.models.AuditLog.find({ entity: { $in: ['appeal', 'activity'] } }).lean()).map((e) => e.action);
    expect(actions.filter((a) => a === 'appeal.opened')).toHaveLength(2);
    expect(actions).toContain('appeal.accepted');
    expect(actions).toContain('appeal.rejected');
    expect(actions).toContain('appeal_override');
  });

  it('reminds the manager once after 2 working days undecided', async () => {
    // Opened Friday 4 Dec 17:00:30: due Tuesday 8 Dec 17:00:30 (the weekend does not count).
    clock.set(new Date('2026-12-04T09:00:30Z'));
    await h.service.activity.core.ingest.ingest([shortVisit('short-3', '2026-12-03T10:00:00+08:00')], { reconcile: 'inline' });
    expect(await ask(rep.id, `申诉 ${appealCode(await idOf('crm:short-3'))} 拜访其实 40 分钟`)).toContain('已提交申诉');
    const reminders = () => h.fake.outbox.toUser(managerId).filter((d) => (d.text ?? '').includes('已等待 2 个工作日'));
    clock.set(new Date('2026-12-08T09:01:00Z'));
    await h.service.agenda.now('appeal-reminder');
    await eventually(() => reminders(), (r) => r.length === 1, 15_000);
    await h.service.agenda.now('appeal-reminder');
    await eventually(() => h.service.models.Delivery.countDocuments({ kind: 'appeal-reminder', status: 'sent' }), (n) => n === 1, 10_000);
    expect(reminders()).toHaveLength(1);
    expect(await h.service.models.AuditLog.countDocuments({ action: 'appeal.reminded' })).toBe(1);
  });
});
