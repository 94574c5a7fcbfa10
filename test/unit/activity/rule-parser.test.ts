import { describe, expect, it } from 'vitest';
import { typeAliases } from '../../../src/domain/activity/rules/context.js';
import { formatRules } from '../../../src/domain/activity/rules/rule-format.js';
import { DEFAULT_RULES_TEXT, ruleSetSchema, type RuleSet } from '../../../src/domain/activity/rules/rule-model.js';
import { parseRules } from '../../../src/domain/activity/rules/rule-parser.js';

const aliases = typeAliases();
const parse = (text: string) => parseRules(text, aliases);
const VISIT_RULE: RuleSet = {
  rules: [
    {
      type: 'visit',
      when: { kind: 'all', of: [{ kind: 'minDuration', minutes: 30 }, { kind: 'any', of: [{ kind: 'nearCustomer', km: 1 }, { kind: 'checkin' }] }] },
    },
  ],
};

describe('parseRules', () => {
  it('reads the issue example in English and in Chinese to the same rule', () => {
    expect(parse(DEFAULT_RULES_TEXT)).toEqual({ ok: true, rules: VISIT_RULE });
    expect(parse('拜访：时长 ≥ 30 分钟 且（距客户 ≤ 1 公里 或 有签到）')).toEqual({ ok: true, rules: VISIT_RULE });
    expect(parse('拜访:时长>=30分钟且(距离<=1公里或签到)')).toEqual({ ok: true, rules: VISIT_RULE });
    expect(parse('visit: duration >= 0.5h && (distance <= 1000m || check-in)')).toEqual({ ok: true, rules: VISIT_RULE });
  });

  it('lets "and" bind tighter than "or"', () => {
    const r = parse('visit: checkin or duration >= 30 and location');
    expect(r).toEqual({
      ok: true,
      rules: { rules: [{ type: 'visit', when: { kind: 'any', of: [{ kind: 'checkin' }, { kind: 'all', of: [{ kind: 'minDuration', minutes: 30 }, { kind: 'hasLocation' }] }] } }] },
    });
  });

  it('reads several rules separated by semicolons or new lines', () => {
    const r = parse('拜访：时长 ≥ 30 分钟；电话：时长 ≥ 2 分钟\nproposal: always\nattendance: never');
    expect(r.ok && r.rules.rules.map((x) => [x.type, x.when.kind])).toEqual([
      ['visit', 'minDuration'],
      ['call', 'minDuration'],
      ['proposal', 'always'],
      ['attendance', 'never'],
    ]);
  });

  it('accepts a quarter-defined Chinese type name', () => {
    const r = parseRules('方案定制：有位置', typeAliases([{ key: 'proposal_custom', name: '方案定制' }]));
    expect(r).toEqual({ ok: true, rules: { rules: [{ type: 'proposal_custom', when: { kind: 'hasLocation' } }] } });
  });

  it.each([
    ['拜访：时常 ≥ 30 分钟', /第 4 个字符：不认识「时常」/],
    ['拜访 时长 ≥ 30', /冒号/],
    ['拜访：时长 ≤ 30', /时长用「≥」表示至少/],
    ['拜访：距客户 ≥ 1 公里', /距离用「≤」/],
    ['拜访：时长 ≥ 30 公里', /时长的单位用 分钟 或 小时/],
    ['拜访：时长 ≥ 30 且（有签到', /结尾处：少了右括号/],
    ['拜访：', /结尾处：这里应该是一个条件/],
    ['拜访：时长 ≥ 30；拜访：有签到', /写了两条规则/],
    ['时长：有签到', /不是行为类型/],
    ['', /没有规则/],
    ['visit: duration >= 30 checkin', /「且」「或」/],
  ])('explains what is wrong with %j', (text, message) => {
    const r = parse(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.message).join('\n')).toMatch(message);
  });

  it('reports an error in each bad rule, not only the first', () => {
    const r = parse('拜访：时长 ≥ x；电话：距客户 ≥ 1');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toHaveLength(2);
  });
});

describe('formatRules', () => {
  const label = (t: string) => ({ visit: '拜访', call: '电话' })[t] ?? t;

  it('shows the rule in Chinese and English the way HR would write it', () => {
    expect(formatRules(VISIT_RULE, 'zh', label)).toBe('拜访：时长 ≥ 30 分钟 且（距客户 ≤ 1 公里 或 有签到）');
    expect(formatRules(VISIT_RULE, 'en')).toBe('visit: duration >= 30 min and (distance <= 1 km or checkin)');
  });

  it('round-trips: what is shown parses back to the same rules', () => {
    const texts = [
      DEFAULT_RULES_TEXT,
      'visit: checkin or duration >= 45 and distance <= 500m; call: duration >= 2.5; email: always; meeting: never',
      'visit: (checkin or location) and (duration >= 30 or distance <= 0.2km)',
    ];
    for (const t of texts) {
      const a = parse(t);
      if (!a.ok) throw new Error(JSON.stringify(a.errors));
      for (const lang of ['zh', 'en'] as const) {
        const again = parse(formatRules(a.rules, lang, lang === 'zh' ? label : undefined));
        expect(again).toEqual({ ok: true, rules: a.rules });
      }
      expect(ruleSetSchema.parse(JSON.parse(JSON.stringify(a.rules)))).toEqual(a.rules);
    }
  });
});
