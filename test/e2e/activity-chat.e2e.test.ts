import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityInput } from '../../src/domain/activity/types.js';
import { isoWeekKey, isoWeekRange } from '../../src/domain/time/calendar.js';
import { say } from '../../src/fake-dingtalk/people.js';
import { renderMarkdown } from '../../src/http/sim/markdown.js';
import { seedPeople } from '../integration/activity/core-helpers.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

let h: Harness;
// A fixed "now" (a Wednesday mid-quarter), so the week and the quarter never straddle a boundary.
const NOW = new Date('2026-11-25T12:00:00+08:00');
const week = isoWeekRange(isoWeekKey(NOW, 'Asia/Shanghai'), 'Asia/Shanghai');
const at = (hours: number) => new Date(week.start.getTime() + hours * 3600_000);
const sfOwner = { kind: 'external' as const, system: 'salesforce', id: '005REP01', email: 'zhang.wei@example.com' };

/** What rep01 (张伟) did this week, from three systems. */
function rep01Week(): ActivityInput[] {
  return [
    { source: 'salesforce', sourceId: '00U-short', person: sfOwner, type: 'visit', startAt: at(10), endAt: at(10.3), account: { id: '001HW' }, raw: {} },
    { source: 'salesforce', sourceId: '00U-good', person: sfOwner, type: 'visit', startAt: at(34), endAt: at(35), account: { id: '001HW' }, raw: {} },
    { source: 'dingtalk_checkin', sourceId: 'rep01:checkin', person: { kind: 'userId', userId: 'rep01' }, type: 'visit', startAt: at(33.9), account: { name: '华为技术' }, completed: true, raw: {} },
    { source: 'salesforce', sourceId: '00T-call', person: sfOwner, type: 'call', startAt: at(9), durationMin: 4, completed: true, raw: {} },
    { source: 'dingtalk_attendance', sourceId: 'att-1', person: { kind: 'userId', userId: 'rep01' }, type: 'attendance', startAt: at(8.9), raw: {} },
  ];
}

async function ask(userId: string, text: string): Promise<string> {
  const before = h.fake.outbox.toUser(userId).length;
  say(h.fake, { userId, text });
  const reply = await h.fake.outbox.waitFor((d) => d.conversation === `user:${userId}` && h.fake.outbox.toUser(userId).indexOf(d) >= before, 10_000);
  return reply.text ?? '';
}

beforeAll(async () => {
  h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock: { now: () => NOW } } });
  await seedPeople(h.service.models);
  const core = h.service.activity.core;
  await core.accounts.upsert('salesforce', [{ sourceId: '001HW', name: '华为技术有限公司', location: { lat: 31.2304, lng: 121.4737 }, deleted: false }]);
  await core.ingest.ingest(rep01Week(), { reconcile: 'inline' });
});
afterAll(async () => {
  await h.stop();
});

describe('我的行为 / activity in chat', () => {
  it('shows a rep this week’s counted activities by type and each not-counted one with its reason', async () => {
    const text = await ask('rep01', '我的行为');
    expect(text).toContain('张伟 · 本周行为');
    expect(text).toMatch(/\*\*计入 2 条\*\*：(拜访 1 · 电话 1|电话 1 · 拜访 1)/);
    expect(text).toMatch(/\*\*未计入 1 条：\*\*\n- .+ 拜访 华为技术有限公司 — 时长 18 分钟 < 30 分钟；没有位置坐标，且没有签到记录/);
    expect(text).toContain('另有 1 条记录与其他系统的同一次拜访合并，只计一次。');
    expect(text).toContain('考勤打卡 1 条（不计入行为）。');
    expect(text).toContain('> 本季度规则 v0：拜访：时长 ≥ 30 分钟 且（距客户 ≤ 1 公里 或 有签到）');
  });

  it('answers in English, reasons included', async () => {
    const text = await ask('rep01', 'activity');
    expect(text).toContain('**Counted: 2**');
    expect(text).toContain('duration 18 min < 30 min; no location coordinates, and no check-in record');
  });

  it('lets a manager see a report’s week by name or @-mention, and refuses a peer politely', async () => {
    expect(await ask('mgr01', '我的行为 张伟')).toContain('张伟 · 本周行为');
    expect(await ask('dir01', '我的行为 rep01')).toContain('**计入 2 条**'); // skip-level
    const refused = await ask('rep02', '我的行为 张伟');
    expect(refused).toBe('抱歉，你只能查看自己和下属的行为记录，看不了张伟的。');
    expect(await ask('mgr02', '我的行为 王小明')).toBe('没有找到叫「王小明」的同事。');
    // A page number below 1 is a page problem, not a name.
    expect(await ask('rep01', '我的行为 第-1页')).toBe('页码从 1 开始，例如「我的行为 第2页」。');
    expect(await ask('rep01', '我的行为 第0页')).toBe('页码从 1 开始，例如「我的行为 第2页」。');
  });

  it('lets HR change a rule in chat, re-evaluates the quarter, and tells HR when done', async () => {
    expect(await ask('rep01', '行为规则 设置 拜访：总是计入')).toContain('只有 HR / 销售运营可以修改行为规则');
    const bad = await ask('hr01', '行为规则 设置 拜访：时常 ≥ 15 分钟');
    expect(bad).toContain('规则没有保存');
    expect(bad).toContain('不认识「时常」');

    const saved = await ask('hr01', '行为规则 设置 拜访：时长 ≥ 15 分钟；电话：时长 ≥ 5 分钟');
    expect(saved).toContain('已保存');
    expect(saved).toContain('v1（原 v0）');
    const done = await h.fake.outbox.waitFor((d) => d.conversation === 'user:hr01' && (d.text ?? '').includes('已生效'), 15_000);
    expect(done.text).toMatch(/行为规则 v1 已生效：2026Q4 的 5 条行为已重新评估，2 条结果有变化；计入 2 → 2 条。/);
    const short = await h.service.models.Activity.findOne({ sourceId: '00U-short' }).lean();
    expect(short).toMatchObject({ counted: true, ruleVersion: 1 });
    const call = await h.service.models.Activity.findOne({ sourceId: '00T-call' }).lean();
    expect(call).toMatchObject({ counted: false, reasons: ['时长 4 分钟 < 5 分钟'] });

    const shown = await ask('rep02', '行为规则');
    expect(shown).toContain('v1，周敏 · '); // the name, not the userid (12.8)
    expect(shown).toContain('拜访：时长 ≥ 15 分钟；');
    expect(await h.service.models.AuditLog.countDocuments({ action: 'activity.rules.set' })).toBe(1);
  });

  it('shows HR the unmatched Salesforce users and maps one, storing their parked records', async () => {
    await h.service.activity.core.ingest.ingest(
      [{ source: 'salesforce', sourceId: '00U-ghost', person: { kind: 'external', system: 'salesforce', id: '005FK0000000099AAA', email: 'meimei@example.com', name: 'Mei-Mei Johns' }, type: 'visit', startAt: at(12), endAt: at(13), raw: {} }],
      { reconcile: 'inline' },
    );
    expect(await ask('rep01', '未匹配')).toContain('只有 HR');
    const list = await ask('hr01', '未匹配');
    expect(list).toContain('salesforce 005FK0000000099AAA Mei-Mei Johns \\<meimei@example.com\\>：1 条行为、0 个商机');
    expect(list).toContain('映射 005FK0000000099AAA');
    expect(await ask('hr01', '映射 005FK0000000099AAA 孙强')).toBe('已把 005FK0000000099AAA 对应到 孙强（rep04），补录了 1 条暂存记录。');
    await eventually(() => h.service.models.Activity.countDocuments({ sourceId: '00U-ghost', personId: 'rep04' }), (n) => n === 1);
    expect(await ask('hr01', '未匹配')).toContain('没有未匹配的记录');
  });

  it('shows an outside userId that looks like a link as text in HR’s 未匹配, not as a live link (issue 15.3)', async () => {
    const evil = '[请点此处](http://evil.example)';
    await h.service.activity.core.ingest.ingest(
      [{ source: 'webhook', sourceId: 'evil-1', person: { kind: 'userId', userId: evil }, type: 'visit', startAt: at(12), endAt: at(13), account: { name: '**大客户**<b>' }, raw: {} }],
      { reconcile: 'inline' },
    );
    const list = await ask('hr01', '未匹配');
    expect(list).toContain('\\[请点此处\\](http://evil.example)');
    const html = renderMarkdown(list);
    expect(html).not.toContain('<a ');
    expect(html).toContain('[请点此处](http://evil.example)');
    await h.service.models.UnmatchedRecord.deleteMany({});
  });

  it('reports cross-system consistency to a manager for their team', async () => {
    const text = await ask('mgr01', '一致性');
    // rep01: 2 CRM visits + 1 check-in; the check-in and one visit agree → 2 of 3.
    expect(text).toMatch(/跨系统一致性：67%/);
    expect(text).toContain('张伟：67%（2/3；只有 CRM 1 条，只有签到 0 条）');
  });

  it('refusals of activity, mapping and report commands are in the audit log like goal refusals (issue 15.6)', async () => {
    const before = await h.service.models.AuditLog.countDocuments({ action: 'access_denied' });
    const asks: Array<[string, string, string]> = [
      ['rep02', '我的行为 张伟', 'activity.view'],
      ['rep01', '行为规则 设置 拜访：总是计入', 'activity.rules.set'],
      ['rep01', '未匹配', 'activity.unmatched.view'],
      ['rep01', '映射 005FK0000000099AAA 孙强', 'activity.user_map.set'],
      ['rep02', '周报 张伟', 'weekly-report.view'],
      ['rep01', '周报 推送 全部', 'weekly-report.push'],
    ];
    for (const [userId, text] of asks) await ask(userId, text);
    const denied = await h.service.models.AuditLog.find({ action: 'access_denied' }).sort({ _id: 1 }).lean();
    expect(denied.slice(before).map((a) => [a.actorId, (a.note ?? '').split(':')[0]])).toEqual(asks.map(([u, , what]) => [u, what]));
    expect(denied.slice(before)[0]).toMatchObject({ entity: 'person', entityId: 'rep01' });
  });

  it('asked in a group, one person’s activities and HR’s consistency go 1:1; the group hears only that (issue 15.2)', async () => {
    for (const [userId, text, expected] of [
      ['mgr01', '我的行为 张伟', '张伟 · 本周行为'],
      ['hr01', '一致性', '跨系统一致性'],
    ] as const) {
      const before = h.fake.outbox.deliveries.length;
      say(h.fake, { userId, text, openConversationId: 'cidTeamEast' });
      const privately = await h.fake.outbox.waitFor((d) => d.seq > before && d.conversation === `user:${userId}` && (d.text ?? '').includes(expected), 10_000);
      const notice = await h.fake.outbox.waitFor((d) => d.seq > before && d.conversation === 'group:cidTeamEast', 10_000);
      expect(notice.text).toBe('涉及个人数据，已私聊发送给你。');
      expect(privately.text).toContain(expected);
      const inGroup = h.fake.outbox.inGroup('cidTeamEast').filter((d) => d.seq > before);
      expect(inGroup.map((d) => d.text)).toEqual(['涉及个人数据，已私聊发送给你。']);
    }
  });
});

describe('chat input at the limits (issue 15.12)', () => {
  it('echoes a long argument cut to 40 characters, never splitting an emoji', async () => {
    const name = `${'张'.repeat(38)}👨‍👩‍👧‍👦${'😀'.repeat(3000)}`;
    const reply = await ask('mgr01', `我的行为 ${name}`);
    expect(reply).toBe(`没有找到叫「${'张'.repeat(38)}👨‍👩‍👧‍👦…」的同事。`);
    expect(reply).toBe(reply.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?'));
  });

  it('a 5,000-deep parenthesised rule gets the parser’s error; a rule that counts nothing is saved with a warning', async () => {
    const deep = await ask('hr01', `行为规则 设置 拜访：${'('.repeat(5000)}有签到${')'.repeat(5000)}`);
    expect(deep).toContain('规则没有保存');
    expect(deep).toContain('规则太长：10006 个字符，最多 4000 个');
    const versions = await h.service.models.ActivityRuleSet.countDocuments();
    const none = await ask('hr01', '行为规则 设置 拜访：有签到 且 不计；电话：时长 ≥ 2 分钟');
    expect(none).toContain('已保存');
    expect(none).toContain('⚠️ 注意：按这条规则，拜访 一条都不会计入');
    expect(await h.service.models.ActivityRuleSet.countDocuments()).toBe(versions + 1);
  });
});
