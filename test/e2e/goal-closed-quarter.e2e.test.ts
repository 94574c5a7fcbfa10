import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/service-harness.js';
import { card, goalForm, NOW, openGoalCard, press, Q, sayAndWait, setUpQuarter } from '../helpers/goal-flow.js';

/** Goals for a quarter that has ended are refused with the quarter's dates, and audited (issue 15.5). */
describe('goals for a closed quarter', () => {
  let h: Harness;
  let now = NOW;
  let goalCardId = '';
  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock: { now: () => now } } });
    await h.service.orgSync.run();
    await setUpQuarter(h);
    goalCardId = await openGoalCard(h, 'rep01');
    // The quarter ends (31 Dec); the rep comes back to the card in January.
    now = new Date('2027-01-05T02:00:00Z');
  });
  afterAll(async () => {
    await h.stop();
  });

  it('a submit from a card of the ended quarter saves nothing, sends no approval, and says which dates the quarter had', async () => {
    const c = await press(h, goalCardId, 'rep01', 'goal.submit', goalForm('80万', '8', ['制造业']));
    const refusal = `${Q}（2026-10-01 至 2026-12-31）已经结束，不能再设定或修改这个季度的目标。发送「目标」设定当前季度的目标。`;
    expect(c.cardParamMap.noticeText).toBe(refusal);
    await h.fake.outbox.waitFor((d) => d.conversation === 'user:rep01' && d.text === refusal);
    const goal = await h.service.models.Goal.findOne({ quarterId: Q, ownerId: 'rep01' }).lean();
    expect(goal).toMatchObject({ status: 'draft', version: 1 });
    expect(h.fake.outbox.deliveries.filter((d) => d.conversation === 'user:mgr01' && d.type === 'card')).toHaveLength(0);
    expect(await h.service.models.AuditLog.countDocuments({ action: 'access_denied', actorId: 'rep01', entityId: `${Q}:rep01` })).toBe(1);
    expect(card(h, goalCardId).cardParamMap.hasNotice).toBe('true');
  });

  it('asking for the ended quarter’s card by name is refused the same way', async () => {
    const reply = await sayAndWait(h, 'rep02', `目标 ${Q}`);
    expect(reply.text).toBe(`${Q}（2026-10-01 至 2026-12-31）已经结束，不能再设定或修改这个季度的目标。发送「目标」设定当前季度的目标。`);
    expect(await h.service.models.Goal.countDocuments({ quarterId: Q, ownerId: 'rep02' })).toBe(0);
    expect(await h.service.models.AuditLog.countDocuments({ action: 'access_denied', actorId: 'rep02' })).toBe(1);
  });
});
