import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickCard } from '../../src/fake-dingtalk/people.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';
import { approvalCard, card, fixedClock, goalForm, openGoalCard, press, pressExpectingChat, Q, setUpQuarter } from '../helpers/goal-flow.js';

/**
 * Bad input on the goal card, end to end: each case gets a specific message on the card (or in the
 * clicker's chat) and leaves the stored goal, its versions and the manager's approvals untouched.
 */
describe('goal card: bad input is refused specifically and nothing is stored', () => {
  let h: Harness;
  let id: string;
  const ok = goalForm('80万', '15', ['制造业']);

  const snapshot = async () => ({
    goal: await h.service.models.Goal.findOne({ quarterId: Q, ownerId: 'rep01' }, { _id: 0, version: 1, status: 1, targets: 1, industries: 1 }).lean(),
    revisions: await h.service.models.GoalRevision.countDocuments({ ownerId: 'rep01' }),
    approvals: h.fake.outbox.deliveries.filter((d) => d.outTrackId?.startsWith(`goal-approval:${Q}:rep01:`)).length,
  });

  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock: fixedClock } });
    await h.service.orgSync.run();
    await setUpQuarter(h);
    const mgr = await openGoalCard(h, 'mgr01');
    await press(h, mgr, 'mgr01', 'goal.submit', goalForm('300万', '30', ['制造业', '能源']));
    id = await openGoalCard(h, 'rep01');
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each([
    ['negative', { m1: '-5' }, '签约额：「-5」是负数，目标必须大于 0'],
    ['zero', { m1: '0' }, '签约额：目标不能为 0'],
    ['text', { m1: 'abc' }, '签约额：「abc」不是数字，请填写如 800000、80万、80w 或 0.8亿'],
    ['huge (1e12)', { m1: '1e12' }, '签约额：「1e12」（1万亿）超出个人目标的合理范围（上限 1亿）'],
    ['huge for one rep (50亿)', { m1: '50亿' }, '签约额：「50亿」（50亿）超出个人目标的合理范围（上限 1亿）'],
    ['mixed units', { m1: '80万w' }, '签约额：「80万w」混用了单位，请只用一个单位，例如 80万 或 800000'],
    ['a range', { m1: '80万-100万' }, '签约额：「80万-100万」是一个范围，请只填一个目标值'],
    ['suspiciously small (forgot 万)', { m1: '80' }, '签约额：「80」只有 80 元，太小了，是否漏写了「万」？例如 80万'],
    ['Chinese numerals', { m1: '八十万' }, '签约额：「八十万」请用阿拉伯数字填写，例如 80万'],
    ['fractional count', { m2: '15.5' }, '新客户数：「15.5」不是整数，请填整数'],
    ['percent above 100', { m3: '120%' }, '方案定制率：「120%」超过了 100%'],
    ['ambiguous percent', { m3: '0.3' }, '方案定制率：「0.3」请写成百分数，例如 35%'],
    ['unknown industry', { industries: ['教培'] }, '主攻行业：「教培」不在可选列表中。可选：制造业、能源、金融、教育、医疗'],
    ['missing required metric', { m2: '' }, '新客户数：未填写'],
    ['missing industries', { industries: [] }, '主攻行业：请至少选择一个。可选：制造业、能源、金融、教育、医疗'],
    ['too many industries', { industries: ['制造业', '能源', '金融', '教育'] }, '主攻行业：最多选 3 个（选了 4 个），聚焦才有方向'],
    ['key results without an objective', { keyResults: '签下 3 家头部客户' }, 'OKR：填写了关键结果（KR），请同时填写目标（O）'],
    ['plan too long', { plan: '拜'.repeat(501) }, '行动计划：最多 500 字（现在 501 字）'],
  ])('%s', async (_name, bad, message) => {
    const before = await snapshot();
    const c = await press(h, id, 'rep01', 'goal.submit', { ...ok, ...bad });
    expect(c.cardParamMap.hasErrors).toBe('true');
    expect(c.cardParamMap.errorsText).toContain('本次未保存');
    expect(c.cardParamMap.errorsText).toContain(message);
    // The inputs keep what was typed so only the bad field needs fixing.
    for (const [k, v] of Object.entries(bad)) if (typeof v === 'string' && k.startsWith('m')) expect(c.cardParamMap[`${k}Value`]).toBe(v);
    expect(await snapshot()).toEqual(before);
  });

  it('several bad fields at once are all listed', async () => {
    const c = await press(h, id, 'rep01', 'goal.submit', { ...ok, m1: '-5', m2: 'abc', industries: ['教培'] });
    expect(c.cardParamMap.errorsText).toContain('**有 3 处需要修改，本次未保存：**');
  });

  it('a card from before HR changed the metrics is refused', async () => {
    const before = await snapshot();
    const { messageId } = clickCard(h.fake, { outTrackId: id, userId: 'rep01', params: { ...ok, action: 'goal.submit', version: '1', metricKeys: 'signed_amount,new_customers' } });
    await h.fake.stream.waitForAck(messageId);
    await eventually(() => card(h, id).cardParamMap.noticeText ?? '', (t) => t.includes('HR 刚调整了本季度的跟踪指标，本次未保存'));
    expect(await snapshot()).toEqual(before);
  });

  it("another user's card: refused in their chat, logged, nothing stored", async () => {
    const before = await snapshot();
    const reply = await pressExpectingChat(h, id, 'rep02', 'goal.submit', { ...ok, version: '1' }, (d) => d.type === 'text');
    expect(reply.text).toBe('这张目标卡片属于 张伟，只有本人可以修改。发送「目标」可以设置你自己的目标。');
    expect(await snapshot()).toEqual(before);
    const denied = await h.service.models.AuditLog.findOne({ action: 'access_denied', actorId: 'rep02', entityId: `${Q}:rep01` }).lean();
    expect(denied!.note).toMatch(/^goal\.submit: This goal card belongs to 张伟/);
  });

  it('a frame delivered twice is handled once', async () => {
    const c0 = card(h, id);
    const { messageId } = clickCard(h.fake, { outTrackId: id, userId: 'rep01', params: { ...ok, action: 'goal.submit', version: c0.cardParamMap.version, metricKeys: c0.cardParamMap.metricKeys }, copies: 2 });
    await h.fake.stream.waitForAck(messageId);
    await approvalCard(h, 'rep01', 2, 'mgr01');
    await new Promise((r) => setTimeout(r, 500));
    const s = await snapshot();
    expect(s).toMatchObject({ goal: { version: 2, status: 'submitted' }, revisions: 2, approvals: 1 });
  });

  it('double click: the second submit of the same content (from the not-yet-updated card) is a duplicate', async () => {
    const before = await snapshot();
    const c = await press(h, id, 'rep01', 'goal.submit', { ...ok, version: '1' }); // as if clicked before the update landed
    expect(c.cardParamMap.noticeText).toBe('✋ 已经提交过相同的内容（第 2 版），无需重复提交。');
    expect(await snapshot()).toEqual(before);
  });

  it('duplicate submit on the current card: same content as the pending version', async () => {
    const before = await snapshot();
    const c = await press(h, id, 'rep01', 'goal.submit', ok);
    expect(c.cardParamMap.noticeText).toBe('✋ 内容与已提交的第 2 版相同，无需重复提交。');
    expect(await snapshot()).toEqual(before);
  });

  it('approving someone else’s report is refused; a decision is taken once', async () => {
    const approval = card(h, `goal-approval:${Q}:rep01:v2:mgr01`);
    const other = await pressExpectingChat(h, approval.outTrackId, 'mgr02', 'goal.approve', { version: '2' }, (d) => d.type === 'text');
    expect(other.text).toBe('只有 张伟 的直属主管 王磊可以审批这份目标，本次操作未生效。');
    expect((await snapshot()).goal!.status).toBe('submitted');
    await press(h, approval.outTrackId, 'mgr01', 'goal.approve', { comment: '' });
    const twice = await press(h, approval.outTrackId, 'mgr01', 'goal.return', { comment: '再想想', version: '2' });
    expect(twice.cardParamMap.noticeText).toBe('这份目标已处理过（已通过），无需重复操作。');
    expect((await snapshot()).goal).toMatchObject({ status: 'approved', version: 3 });
  });

  it('stale card after approval: a submit from the pre-approval card is refused, the goal stays locked', async () => {
    const before = await snapshot();
    const c = await press(h, id, 'rep01', 'goal.submit', { ...ok, m1: '120万', version: '2', unlocked: 'true' });
    expect(c.cardParamMap.noticeText).toBe('🔒 这张卡片是第 2 版，目标已在第 3 版被批准并锁定，本次未保存。如需修改，点「修改目标」，修改后将重新审批。');
    expect(c.cardParamMap.locked).toBe('true');
    expect(await snapshot()).toEqual(before);
  });

  it('a submit on the locked card itself (no 修改目标 first) is refused', async () => {
    const before = await snapshot();
    const c = await press(h, id, 'rep01', 'goal.submit', { ...ok, m1: '120万' });
    expect(c.cardParamMap.noticeText).toBe('🔒 目标已批准并锁定，本次未保存。如需修改，请先点「修改目标」。');
    expect(await snapshot()).toEqual(before);
  });
});
