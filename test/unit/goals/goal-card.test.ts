import { describe, expect, it } from 'vitest';
import { CardTemplates } from '../../../src/adapters/cards/template-store.js';
import { approvalCardId, goalCardId, parseCardId, quarterCardId } from '../../../src/domain/goals/card-ids.js';
import { approvalCardValues, goalCardValues, type GoalCardState } from '../../../src/domain/goals/goal-card.js';
import { DEFAULT_METRICS } from '../../../src/domain/goals/metrics.js';
import { msg } from '../../../src/domain/goals/msg.js';

const templates = new CardTemplates();
const saved = { targets: [{ metric: 'signed_amount', value: 800_000 }, { metric: 'new_customers', value: 15 }], industries: ['制造业'], keyAccounts: ['三一重工'], plan: '拜访', objective: '', keyResults: [] };
const base: GoalCardState = { lang: 'zh', quarterId: '2026Q4', ownerName: '张伟', metrics: DEFAULT_METRICS, industryOptions: ['制造业', '能源'], version: 2, status: 'submitted', saved };

describe('goal card values', () => {
  it('fill every required variable of the template, with the metric slots in quarter order', () => {
    const card = templates.instance('goal-form', 'goal:x:y:v2', goalCardValues(base));
    expect(card.cardParamMap).toMatchObject({ showM1: 'true', showM2: 'true', showM3: 'false', m1Value: '80万', m2Value: '15', metricKeys: 'signed_amount,new_customers', editable: 'true', locked: 'false' });
  });

  it('lock an approved goal unless the person unlocked it to change it', () => {
    const locked = goalCardValues({ ...base, status: 'approved', decision: { byName: '王磊', comment: '' } });
    expect(locked).toMatchObject({ editable: false, locked: true, showM1: false, headerColor: 'green' });
    expect(goalCardValues({ ...base, status: 'approved', editMode: true })).toMatchObject({ editable: true, locked: false, showM1: true });
  });

  it('after 修改目标 the card does not also say "locked"; the shown edition is the submission count, not the internal version (12.8)', () => {
    const editing = goalCardValues({ ...base, status: 'approved', editMode: true, decision: { byName: '王磊', comment: '' }, notice: msg('✏️ 可以修改了。', 'edit') });
    expect(String(editing.savedText)).not.toContain('锁定');
    expect(String(editing.savedText)).toContain('提交后将重新审批');
    // One resubmit after a return: version 5 internally (open, submit, return, resubmit, approve), edition 2.
    const approved = goalCardValues({ ...base, status: 'approved', version: 5, edition: 2, decision: { byName: '王磊', comment: '' } });
    expect(approved.subtitle).toBe('状态：**已通过** · 第 2 版');
    expect(approved.version).toBe('5');
  });

  it('after a refused submit, show what was typed and every error, and a notice when given', () => {
    const v = goalCardValues({ ...base, entered: { m1: '-5', industries: ['教培'] }, errors: [{ field: 'm1', message: msg('签约额：负数', 'negative') }], notice: msg('注意', 'note') });
    expect(v).toMatchObject({ m1Value: '-5', industriesValue: ['教培'], hasErrors: true, hasNotice: true, noticeText: '注意' });
    expect(v.errorsText).toBe('**有 1 处需要修改，本次未保存：**\n- 签约额：负数');
  });

  it('approval card: red header for a misaligned goal, decided state hides the buttons', () => {
    const alignment = { status: 'red' as const, findings: [{ code: 'industry_outside' as const, severity: 'red' as const, message: msg('主攻行业 教育 不在上级方向 制造业 内', 'x') }] };
    const s = { lang: 'zh' as const, quarterId: '2026Q4', ownerName: '张伟', version: 2, status: 'submitted' as const, content: saved, metrics: DEFAULT_METRICS, alignment };
    expect(approvalCardValues(s)).toMatchObject({ headerColor: 'red', pending: true, decided: false, alignText: '- 🔴 主攻行业 教育 不在上级方向 制造业 内' });
    expect(approvalCardValues({ ...s, outcome: { kind: 'approved', byName: '王磊', comment: '' } })).toMatchObject({ pending: false, decided: true, decidedText: '✅ 王磊 已通过' });
    templates.instance('goal-approval', 'a', approvalCardValues(s));
  });
});

describe('card ids', () => {
  it('round-trip, including userids with unusual characters', () => {
    expect(parseCardId(goalCardId('2026Q4', 'a:b/c', 3))).toEqual({ kind: 'goal', quarterId: '2026Q4', ownerId: 'a:b/c', version: 3 });
    expect(parseCardId(approvalCardId('2026Q4', 'rep01', 2, 'mgr01'))).toEqual({ kind: 'approval', quarterId: '2026Q4', ownerId: 'rep01', version: 2, managerId: 'mgr01' });
    expect(parseCardId(quarterCardId('2026Q4', 'hr01', 0))).toEqual({ kind: 'quarter', quarterId: '2026Q4', userId: 'hr01', revision: 0 });
    expect(parseCardId('goal:2026Q4:rep01')).toBeUndefined();
    expect(parseCardId('goal:2026Q4:rep01:vx')).toBeUndefined();
    expect(parseCardId('notice:1')).toBeUndefined();
  });
});
