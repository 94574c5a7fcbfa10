import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../src/fake-dingtalk/people.js';
import { startHarness, type Harness } from '../helpers/service-harness.js';
import { fixedClock, goalForm, openGoalCard, press, sayAndWait, setUpQuarter } from '../helpers/goal-flow.js';

/**
 * Who may see what (starter org): dir01 ← mgr01 ← rep01 (张伟), rep02 (刘洋); dir01 ← mgr02 ← rep03 (赵静),
 * rep04; hr01 is HR. A rep sees only their own goal, a manager their team including sub-teams, HR all;
 * refusals are polite and audit-logged.
 */
describe('goal and board access', () => {
  let h: Harness;
  const denied = () => h.service.models.AuditLog.countDocuments({ action: 'access_denied' });

  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock: fixedClock } });
    await h.service.orgSync.run();
    await setUpQuarter(h);
    for (const [user, industries] of [['rep01', ['制造业']], ['rep03', ['教育']]] as const) {
      const id = await openGoalCard(h, user);
      await press(h, id, user, 'goal.submit', goalForm('80万', '15', [...industries]));
    }
  });
  afterAll(async () => {
    await h.stop();
  });

  const view = (viewer: string, text: string) => sayAndWait(h, viewer, text, (d) => d.type === 'markdown' || d.type === 'text');

  it('rep: sees their own goal', async () => {
    const d = await view('rep01', '我的目标');
    expect(d.text).toContain('### 张伟 · 2026Q4 目标');
    expect(d.text).toContain('签约额：**80万**');
  });

  it('rep: "my goal" in English is English throughout, the progress block included (was Chinese)', async () => {
    const d = await view('rep01', 'my goal');
    expect(d.text).toContain('### 张伟 · 2026Q4 goal');
    expect(d.text).toContain("**This quarter's progress**");
    expect(d.text).toMatch(/^- Signed amount: ¥[\d,]+ \/ target ¥800,000 \(\d+%\)/m);
    expect(d.text).toMatch(/- \*\*Health score \d+\*\*/);
    expect(d.text).not.toMatch(/本季进度|健康分|按进度应达|赢单率/);
  });

  it('rep: a teammate’s goal is refused politely and logged', async () => {
    const n = await denied();
    const d = await view('rep01', '查看目标 刘洋');
    expect(d.text).toBe('抱歉，你没有权限查看 刘洋 的目标：销售只能查看自己的目标，主管可以查看自己团队（含下级团队）的目标。');
    expect(await denied()).toBe(n + 1);
    const entry = await h.service.models.AuditLog.findOne({ action: 'access_denied', actorId: 'rep01', entityId: 'rep02' }).lean();
    expect(entry!.note).toMatch(/^goal\.view: Sorry/);
  });

  it('manager: sees a direct report', async () => {
    const d = await view('mgr01', '查看目标 张伟');
    expect(d.text).toContain('### 张伟 · 2026Q4 目标');
  });

  it('manager: 我的目标 shows the team roll-up (as the team summary and the director row do), never a rep score of zeros', async () => {
    const id = await openGoalCard(h, 'mgr01');
    await press(h, id, 'mgr01', 'goal.submit', goalForm('160万', '30', ['制造业']));
    const d = await view('mgr01', '我的目标');
    expect(d.text).toContain('### 王磊 · 2026Q4 目标');
    // The team: rep01 (80万 target) and rep02 (no goal); the manager's own empty book is not scored.
    expect(d.text).toMatch(/\*\*团队进度\*\*（季度已过 \d+%/);
    expect(d.text).toContain('- 团队 2 人 · 签约额 0 / 目标 80万（0%）');
    expect(d.text).toContain('未设目标 1 人');
    expect(d.text).not.toContain('**本季进度**');
    expect(d.text).not.toMatch(/\*\*健康分 \d+\*\*/);
    const en = await view('mgr01', 'my goal');
    expect(en.text).toContain("**Team progress**");
    expect(en.text).toContain('- Team of 2 · Signed amount: ¥0 / target ¥800,000 (0%)');
    expect(en.text).not.toMatch(/团队|健康分/);
  });

  it('manager: another team is refused', async () => {
    const n = await denied();
    const d = await view('mgr01', '查看目标 赵静');
    expect(d.text).toContain('抱歉，你没有权限查看 赵静 的目标');
    expect(await denied()).toBe(n + 1);
  });

  it('skip-level manager: sees an indirect report, red finding included', async () => {
    const d = await view('dir01', '查看目标 赵静');
    expect(d.text).toContain('### 赵静 · 2026Q4 目标');
    expect(d.text).toContain('❌ 与上级方向不一致');
    expect(d.text).toContain('主攻行业 教育 不在公司方向 制造业、能源 内');
  });

  it('hr: sees anyone, by name or userid', async () => {
    expect((await view('hr01', '查看目标 赵静')).text).toContain('### 赵静 · 2026Q4 目标');
    expect((await view('hr01', '目标 rep01')).text).toContain('### 张伟 · 2026Q4 目标');
  });

  it('rep: the team board is refused', async () => {
    const n = await denied();
    const d = await sayAndWait(h, 'rep01', '团队看板');
    expect(d.text).toBe('团队看板只对主管和 HR 开放。发送「我的目标」可以查看你自己的目标。');
    expect(await denied()).toBe(n + 1);
  });

  it("manager: another team's board is refused", async () => {
    const d = await sayAndWait(h, 'mgr02', '团队看板 王磊');
    expect(d.text).toBe('你只能查看自己团队的看板，王磊 不在你的团队中。');
  });

  it('manager: own board as a PNG, with the misaligned listed in text', async () => {
    const img = await sayAndWait(h, 'mgr02', '团队看板', (d) => d.type === 'image', 30_000);
    const png = h.fake.media.get(img.mediaId!)!.data;
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBeGreaterThan(1500);
    const text = await h.fake.outbox.waitFor((d) => d.conversation === 'user:mgr02' && d.seq > img.seq && d.type === 'text');
    expect(text.text).toContain('李娜团队：2 人 · 已通过 0 · 待审批 1');
    expect(text.text).toContain('赵静：主攻行业 教育 不在公司方向 制造业、能源 内');
  });

  it('skip-level manager and hr: boards of teams below / of the whole company', async () => {
    await sayAndWait(h, 'dir01', '团队看板 王磊', (d) => d.type === 'image', 30_000);
    await sayAndWait(h, 'hr01', '团队看板', (d) => d.type === 'image', 30_000);
    const hrText = await h.fake.outbox.waitFor((d) => d.conversation === 'user:hr01' && d.type === 'text' && (d.text ?? '').startsWith('陈建国团队'));
    expect(hrText.text).toContain('陈建国团队：6 人');
  });

  it('in a group, personal answers go to the 1:1 chat', async () => {
    const before = h.fake.outbox.deliveries.length;
    say(h.fake, { userId: 'mgr01', text: '团队看板', openConversationId: 'cidTeamEast' });
    const inGroup = await h.fake.outbox.waitFor((d) => d.seq > before && d.conversation === 'group:cidTeamEast', 30_000);
    expect(inGroup.text).toBe('涉及个人数据，已私聊发送给你。');
    await h.fake.outbox.waitFor((d) => d.seq > before && d.conversation === 'user:mgr01' && d.type === 'image', 30_000);
    expect(h.fake.outbox.inGroup('cidTeamEast').filter((d) => d.type === 'image')).toHaveLength(0);
  });
});
