import { describe, expect, it } from 'vitest';
import { sameContent, validateGoalForm, type GoalFormContext } from '../../../src/domain/goals/goal-form.js';
import { DEFAULT_METRICS, type MetricDef } from '../../../src/domain/goals/metrics.js';

const metrics: MetricDef[] = [...DEFAULT_METRICS, { key: 'proposal_rate', name: '方案定制率', nameEn: 'Proposal customisation rate', unit: 'percent', kind: 'kpi' }];
const ctx: GoalFormContext = { metrics, industryOptions: ['制造业', '能源', '教育', '医疗'], teamSize: 1 };
const valid = { m1: '80万', m2: '15', m3: '35%', industries: ['制造业'], keyAccounts: '三一重工\n宁德时代', plan: '每周拜访 8 家制造业客户', objective: '', keyResults: '' };

const errorsOf = (raw: Record<string, unknown>, c = ctx) => {
  const r = validateGoalForm(raw, c);
  return r.ok ? [] : r.errors.map((e) => `${e.field}: ${e.message.zh}`);
};

describe('goal card validation', () => {
  it('accepts a valid card and normalizes every field', () => {
    const r = validateGoalForm({ ...valid, industries: '制造业，能源', keyAccounts: '三一重工, 宁德时代、三一重工' }, ctx);
    expect(r).toEqual({
      ok: true,
      value: {
        targets: [
          { metric: 'signed_amount', value: 800_000 },
          { metric: 'new_customers', value: 15 },
          { metric: 'proposal_rate', value: 3500 },
        ],
        industries: ['制造业', '能源'],
        keyAccounts: ['三一重工', '宁德时代'],
        plan: '每周拜访 8 家制造业客户',
        objective: '',
        keyResults: [],
      },
    });
  });

  it('names the field and what was typed in each message, and reports all problems at once', () => {
    expect(errorsOf({ ...valid, m1: '-5', m2: 'abc', industries: ['教培'] })).toEqual([
      'm1: 签约额：「-5」是负数，目标必须大于 0',
      'm2: 新客户数：「abc」不是数字，请填写如 15 或 15个',
      'industries: 主攻行业：「教培」不在可选列表中。可选：制造业、能源、教育、医疗',
    ]);
  });

  it('requires every tracked metric and at least one industry', () => {
    expect(errorsOf({ m1: '80万' })).toEqual(['m2: 新客户数：未填写', 'm3: 方案定制率：未填写', 'industries: 主攻行业：请至少选择一个。可选：制造业、能源、教育、医疗']);
  });

  it('scales the plausible range with the team', () => {
    expect(errorsOf({ ...valid, m1: '50亿' })).toEqual(['m1: 签约额：「50亿」（50亿）超出个人目标的合理范围（上限 1亿）']);
    expect(errorsOf({ ...valid, m1: '50亿' }, { ...ctx, teamSize: 57 })).toEqual([]);
  });

  it('limits industries, accounts, plan and OKR text, and wants an objective for key results', () => {
    expect(errorsOf({ ...valid, industries: ['制造业', '能源', '教育', '医疗'] })).toEqual(['industries: 主攻行业：最多选 3 个（选了 4 个），聚焦才有方向']);
    expect(errorsOf({ ...valid, plan: '字'.repeat(501) })).toEqual(['plan: 行动计划：最多 500 字（现在 501 字）']);
    expect(errorsOf({ ...valid, keyAccounts: Array.from({ length: 11 }, (_, i) => `客户${i}`).join('\n') })).toEqual(['keyAccounts: 重点客户：最多 10 项（现在 11 项）']);
    expect(errorsOf({ ...valid, keyResults: '签下 3 家头部客户' })).toEqual(['objective: OKR：填写了关键结果（KR），请同时填写目标（O）']);
    expect(errorsOf({ ...valid, m1: { nested: true } })).toEqual(['m1: 签约额：格式不对，请填写一个数字']);
  });

  it('keeps key results whole even when they contain commas', () => {
    const r = validateGoalForm({ ...valid, objective: '做深制造业', keyResults: '签下 3 家, 每家 ≥ 20万\n续约率 90%' }, ctx);
    expect(r.ok && r.value.keyResults).toEqual(['签下 3 家, 每家 ≥ 20万', '续约率 90%']);
  });

  it('tells equal content apart from changed content', () => {
    const a = validateGoalForm(valid, ctx);
    const b = validateGoalForm({ ...valid, m1: '800000' }, ctx);
    const c = validateGoalForm({ ...valid, m1: '81万' }, ctx);
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected valid');
    expect(sameContent(a.value, b.value)).toBe(true);
    expect(sameContent(a.value, c.value)).toBe(false);
  });
});
