import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/service-harness.js';
import { approvalCard, card, fixedClock, goalForm, openGoalCard, press, pressExpectingChat, Q, sayAndWait, setUpQuarter } from '../helpers/goal-flow.js';

/** HR's org commands in chat, and what a reorg does to goals waiting for approval. */
describe('org administration in chat', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock: fixedClock } });
    await h.service.orgSync.run();
    await setUpQuarter(h);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('people who write before any sync are fetched on first contact', async () => {
    await h.service.models.Person.deleteOne({ _id: 'rep02' });
    const d = await sayAndWait(h, 'rep02', '我的目标');
    expect(d.text).toContain('你还没有提交 2026Q4 的目标');
    expect(await h.service.models.Person.findById('rep02').lean()).toMatchObject({ managerId: 'mgr01', role: 'rep' });
  });

  it('同步组织 is for HR only', async () => {
    expect((await sayAndWait(h, 'rep01', '同步组织')).text).toBe('「同步组织」只有 HR 可以使用。');
    expect((await sayAndWait(h, 'hr01', '同步组织')).text).toMatch(/^组织同步完成（[\d.]+ 秒）：共 8 人，新增 0，更新 0，主管变更 0，离职停用 0。$/);
  });

  it('after a reorg, a goal waiting for approval goes to the new manager; the old card no longer decides', async () => {
    const id = await openGoalCard(h, 'rep04');
    await press(h, id, 'rep04', 'goal.submit', goalForm('60万', '12', ['能源']));
    const old = await approvalCard(h, 'rep04', 2, 'mgr02');

    h.fake.org.users.get('rep04')!.managerUserId = 'mgr01';
    const reply = await sayAndWait(h, 'hr01', '同步组织');
    expect(reply.text).toContain('主管变更 1');
    const moved = await approvalCard(h, 'rep04', 2, 'mgr01');
    expect(moved.cardParamMap.pending).toBe('true');
    expect(card(h, old.outTrackId).cardParamMap.decided).toBe('true'); // retired as superseded

    const refused = await pressExpectingChat(h, old.outTrackId, 'mgr02', 'goal.approve', { version: '2' }, (d) => d.type === 'text');
    expect(refused.text).toBe('只有 孙强 的直属主管 王磊可以审批这份目标，本次操作未生效。');
    await press(h, moved.outTrackId, 'mgr01', 'goal.approve', { comment: '' });
    const goal = await h.service.models.Goal.findOne({ quarterId: Q, ownerId: 'rep04' }).lean();
    expect(goal).toMatchObject({ status: 'approved', decidedBy: 'mgr01', managerId: 'mgr02' }); // managerId: who it was submitted to
  });

  it('HR can give someone the HR role in chat, which survives the next sync', async () => {
    expect((await sayAndWait(h, 'hr01', '设为HR 刘洋')).text).toBe('已授予 刘洋 的 HR 角色（当前角色：hr）。');
    await h.service.orgSync.run();
    expect((await h.service.models.Person.findById('rep02').lean())!.role).toBe('hr');
    expect((await sayAndWait(h, 'rep02', '季度设置', (d) => d.type === 'card')).outTrackId).toBe(`quarter-setup:${Q}:rep02:r1`);
    expect((await sayAndWait(h, 'hr01', '取消HR hr01')).text).toBe('周敏 的 HR 角色来自配置（HR_USER_IDS），需要由 IT 修改配置。');
  });
});
