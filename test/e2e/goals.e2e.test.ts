import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/service-harness.js';
import { approvalCard, card, fixedClock, goalForm, openGoalCard, press, Q, sayAndWait, setUpQuarter } from '../helpers/goal-flow.js';

/**
 * The goal chain end to end, through the real dingtalk-stream SDK and the fake DingTalk:
 * HR sets up the quarter in chat, the director and a manager set team goals on cards, reps set goals,
 * managers approve or send back, and a misaligned goal is red with its reason on both cards.
 */
describe('goal chain', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock: fixedClock } });
    await h.service.orgSync.run();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('HR sets up the quarter in chat, adding 方案定制率 as a tracked metric', async () => {
    const c = await setUpQuarter(h);
    expect(c.cardParamMap.hasErrors).toBe('false');
    expect(c.cardParamMap.savedText).toContain('方案定制率（%）');
    expect(c.cardParamMap.savedText).toContain('评审会：12月25日 周五 14:00');
    expect(c.cardParamMap.revision).toBe('1');
    const q = await h.service.models.Quarter.findById(Q).lean();
    expect(q!.metrics.map((m) => m.key)).toEqual(['signed_amount', 'new_customers', 'proposal_rate']);
    expect(q!.direction!.industries).toEqual(['制造业', '能源']);
    expect(q!.reviewAt.toISOString()).toBe('2026-12-25T06:00:00.000Z');
    const audit = await h.service.models.AuditLog.find({ entity: 'quarter', entityId: Q }).lean();
    expect(audit.map((a) => [a.actorId, a.action])).toEqual([['hr01', 'quarter.create']]);
  });

  it('a rep who is not HR is refused quarter set-up, politely, and it is logged', async () => {
    const reply = await sayAndWait(h, 'rep02', '季度设置');
    expect(reply.text).toBe('季度设置由 HR / 销售运营负责。如需调整，请联系 HR。');
    const denied = await h.service.models.AuditLog.find({ action: 'access_denied', actorId: 'rep02' }).lean();
    expect(denied).toHaveLength(1);
  });

  it('the director and a manager set team goals the same way as reps; the top goal takes effect at once', async () => {
    const dirCard = await openGoalCard(h, 'dir01');
    const dir = await press(h, dirCard, 'dir01', 'goal.submit', goalForm('600万', '60', ['制造业', '能源']));
    expect(dir.cardParamMap.subtitle).toContain('已通过');
    expect(dir.cardParamMap.locked).toBe('true');

    const mgrCard = await openGoalCard(h, 'mgr01');
    expect(card(h, mgrCard).cardParamMap.directionText).toContain('上级 陈建国');
    const mgr = await press(h, mgrCard, 'mgr01', 'goal.submit', goalForm('300万', '30', ['制造业']));
    expect(mgr.cardParamMap.subtitle).toContain('待审批');
    const approval = await approvalCard(h, 'mgr01', 2, 'dir01');
    await press(h, approval.outTrackId, 'dir01', 'goal.approve', { comment: '' });
    const goal = await h.service.models.Goal.findOne({ quarterId: Q, ownerId: 'mgr01' }).lean();
    expect(goal!.status).toBe('approved');
  });

  it('rep types 目标 → card → valid submit is stored, the card updates in place, the manager gets an approval card; approval locks and notifies', async () => {
    const id = await openGoalCard(h, 'rep01');
    expect(id).toBe(`goal:${Q}:rep01:v1`);
    const opened = card(h, id).cardParamMap;
    expect(opened.m1Label).toBe('签约额（元，可写 80万 / 80w / 0.8亿）');
    expect(opened.m3Label).toBe('方案定制率（%，例如 35%）');
    expect(JSON.parse(opened.industryOptions!)).toHaveLength(5);

    const after = await press(h, id, 'rep01', 'goal.submit', goalForm('80万', '15', ['制造业'], { keyAccounts: '三一重工' }));
    expect(h.fake.outbox.toUser('rep01').filter((d) => d.type === 'card')).toHaveLength(1); // updated, not re-sent
    expect(after.cardParamMap).toMatchObject({ hasErrors: 'false', hasSaved: 'true', version: '2', alignTitle: '✅ 与上级方向一致', alignColor: 'green', headerColor: 'orange' });
    expect(after.cardParamMap.savedText).toContain('签约额：**80万**');
    const stored = await h.service.models.Goal.findOne({ quarterId: Q, ownerId: 'rep01' }).lean();
    expect(stored).toMatchObject({ status: 'submitted', version: 2, managerId: 'mgr01', industries: ['制造业'], keyAccounts: ['三一重工'] });
    expect(stored!.targets.map((t) => [t.metric, t.value])).toEqual([
      ['signed_amount', 800_000],
      ['new_customers', 15],
      ['proposal_rate', 3000],
    ]);

    const approval = await approvalCard(h, 'rep01', 2, 'mgr01');
    // The shown edition counts submissions (the hidden version, 2, also counted opening the card).
    expect(approval.cardParamMap.summaryText).toContain('**张伟** 提交了第 1 版目标');
    expect(approval.cardParamMap.pending).toBe('true');

    const decided = await press(h, approval.outTrackId, 'mgr01', 'goal.approve', { comment: '加油' });
    expect(decided.cardParamMap).toMatchObject({ pending: 'false', decided: 'true', decidedText: '✅ 王磊 已通过，意见：加油' });
    const notice = await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep01' && d.type === 'text' && /通过了你的/.test(d.text ?? ''));
    expect(notice.text).toContain('✅ 王磊 通过了你的 2026Q4 目标，目标已锁定');
    const locked = card(h, id).cardParamMap;
    expect(locked).toMatchObject({ editable: 'false', locked: 'true', version: '3', headerColor: 'green' });
    expect(locked.savedText).toContain('🔒 王磊 已批准，目标已锁定');

    const revisions = await h.service.models.GoalRevision.find({ ownerId: 'rep01' }).sort({ version: 1 }).lean();
    expect(revisions.map((r) => [r.version, r.action, r.actorId])).toEqual([
      [1, 'created', 'rep01'],
      [2, 'submitted', 'rep01'],
      [3, 'approved', 'mgr01'],
    ]);
    const audit = await h.service.models.AuditLog.find({ entity: 'goal', entityId: `${Q}:rep01` }).sort({ at: 1, _id: 1 }).lean();
    expect(audit.map((a) => a.action)).toEqual(['goal.submitted', 'goal.approved']);
    expect(audit[0]!.before).toMatchObject({ version: 1, status: 'draft', targets: [] });
    expect(audit[0]!.after).toMatchObject({ version: 2, status: 'submitted', industries: ['制造业'] });
  });

  it('a later change reopens approval: 修改目标 unlocks the card, the new version goes to the manager', async () => {
    const id = `goal:${Q}:rep01:v1`;
    const unlocked = await press(h, id, 'rep01', 'goal.edit');
    expect(unlocked.cardParamMap).toMatchObject({ editable: 'true', locked: 'false', version: '3' });
    // 12.8: "可以修改了" and "已锁定" never show together.
    expect(unlocked.cardParamMap.noticeText).toContain('可以修改了');
    expect(unlocked.cardParamMap.savedText).not.toContain('锁定');
    const resubmitted = await press(h, id, 'rep01', 'goal.submit', goalForm('90万', '15', ['制造业'], { keyAccounts: '三一重工' }));
    expect(resubmitted.cardParamMap).toMatchObject({ version: '4', headerColor: 'orange' });
    const again = await approvalCard(h, 'rep01', 4, 'mgr01');
    expect(again.cardParamMap.summaryText).toContain('90万');
    expect(again.cardParamMap.summaryText).toContain('提交了第 2 版目标'); // one resubmit → 第 2 版, not 第 4/5 版 (12.8)
    const audit = await h.service.models.AuditLog.find({ entity: 'goal', entityId: `${Q}:rep01` }).sort({ at: 1, _id: 1 }).lean();
    expect(audit.at(-1)).toMatchObject({ action: 'goal.reopened', before: { status: 'approved' }, after: { status: 'submitted' } });
  });

  it('a misaligned goal is red with the reason on the rep card and on the manager approval card; sending back needs a comment', async () => {
    const id = await openGoalCard(h, 'rep02');
    const c = await press(h, id, 'rep02', 'goal.submit', goalForm('50万', '10', ['教育']));
    expect(c.cardParamMap.alignTitle).toBe('❌ 与上级方向不一致');
    expect(c.cardParamMap.alignColor).toBe('red');
    expect(c.cardParamMap.alignText).toContain('主攻行业 教育 不在上级方向 制造业 内');
    const approval = await approvalCard(h, 'rep02', 2, 'mgr01');
    expect(approval.cardParamMap).toMatchObject({ headerColor: 'red', alignColor: 'red' });
    expect(approval.cardParamMap.alignText).toContain('主攻行业 教育 不在上级方向 制造业 内');
    // Both rep goals are in: the team now sums to 140万 < 300万, red on the roll-up.
    expect(approval.cardParamMap.alignText).toContain('团队签约额目标合计 140万，低于上级 王磊 的目标 300万（差 160万；2/2 人已填报）');

    const noComment = await press(h, approval.outTrackId, 'mgr01', 'goal.return', { comment: '  ' });
    expect(noComment.cardParamMap.noticeText).toBe('退回时请填写意见，方便 刘洋 修改。本次未退回。');
    // Markdown in the comment stays text on the cards (escaped) and reads as written in the text message.
    const returned = await press(h, approval.outTrackId, 'mgr01', 'goal.return', { comment: '请聚焦*制造业* [见此](http://x.example)' });
    expect(returned.cardParamMap.decidedText).toBe('↩️ 王磊 已退回，意见：请聚焦\\*制造业\\* \\[见此\\](http://x.example)');
    const told = await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep02' && /退回了你的/.test(d.text ?? ''));
    expect(told.text).toBe('↩️ 王磊 退回了你的 2026Q4 目标：请聚焦*制造业* [见此](http://x.example)。请在目标卡片上修改后重新提交。');
    const repCard = card(h, id).cardParamMap;
    expect(repCard).toMatchObject({ editable: 'true', headerColor: 'red' });
    expect(repCard.savedText).toContain('↩️ 王磊 退回：请聚焦\\*制造业\\* \\[见此\\](http://x.example)');
    const goal = await h.service.models.Goal.findOne({ quarterId: Q, ownerId: 'rep02' }).lean();
    expect(goal).toMatchObject({ status: 'returned', decisionComment: '请聚焦*制造业* [见此](http://x.example)', alignment: { status: 'red' } });
  });

  it('the manager’s stored check follows the team: the roll-up shortfall shows on the manager goal', async () => {
    const mgr = await h.service.models.Goal.findOne({ quarterId: Q, ownerId: 'mgr01' }).lean();
    expect(mgr!.alignment!.findings.map((f) => f.message)).toContain('下属签约额目标合计 140万，低于本人目标 300万（差 160万；2/2 人已填报）');
  });

  it('answers in English to people who write English', async () => {
    const d = await sayAndWait(h, 'rep03', 'goal', (x) => x.type === 'card');
    const c = card(h, d.outTrackId!).cardParamMap;
    expect(c.title).toBe(`${Q} goals · 赵静`);
    expect(c.m1Label).toBe('Signed amount (CNY, e.g. 800000 or 80万)');
    expect(c.submitText).toBe('Submit');
    const person = await h.service.models.Person.findById('rep03').lean();
    expect(person!.lang).toBe('en');
  });
});
