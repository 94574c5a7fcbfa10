import { describe, expect, it } from 'vitest';
import { typeAliases } from '../../../src/domain/activity/rules/context.js';
import { typesCountingNothing } from '../../../src/domain/activity/rules/rule-checks.js';
import { MAX_RULE_DEPTH, MAX_RULE_TEXT, parseRules } from '../../../src/domain/activity/rules/rule-parser.js';

const aliases = typeAliases();
const nested = (depth: number) => `拜访：${'（'.repeat(depth)}有签到${'）'.repeat(depth)}`;

describe('rule parser limits (issue 15.12)', () => {
  it('a 5,000-deep parenthesised rule gets the parser’s own error, not a stack overflow', () => {
    const r = parseRules(`visit: ${'('.repeat(5000)}checkin${')'.repeat(5000)}`, aliases);
    expect(r).toEqual({ ok: false, errors: [{ at: MAX_RULE_TEXT + 1, message: expect.stringMatching(/^规则太长：10\d{3} 个字符，最多 4000 个/) }] });
  });

  it('nesting deeper than the limit is refused where it goes too deep; up to the limit is fine', () => {
    expect(parseRules(nested(MAX_RULE_DEPTH), aliases).ok).toBe(true);
    const r = parseRules(nested(200), aliases);
    expect(r).toEqual({ ok: false, errors: [{ at: 4 + MAX_RULE_DEPTH, message: `第 ${4 + MAX_RULE_DEPTH} 个字符：括号嵌套太深：最多 ${MAX_RULE_DEPTH} 层` }] });
  });

  it('a 16k-character rule is refused as too long', () => {
    const r = parseRules(`visit: ${Array.from({ length: 2000 }, () => 'checkin').join(' or ')}`, aliases);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toMatch(/^规则太长：\d+ 个字符/);
  });

  it('echoes an unknown word cut to 40 characters, never a wall of text', () => {
    const r = parseRules(`visit: ${'x'.repeat(3000)}`, aliases);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toMatch(new RegExp(`^第 8 个字符：(不认识条件|不认识)「x{39}…」`));
  });

  it('a deep error in one rule does not leak its depth into the next rule', () => {
    const r = parseRules(`${nested(MAX_RULE_DEPTH + 1)}；电话：${'('.repeat(MAX_RULE_DEPTH)}总是${')'.repeat(MAX_RULE_DEPTH)}`, aliases);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toHaveLength(1);
  });
});

describe('rules that count nothing (issue 15.12)', () => {
  const types = (text: string) => {
    const r = parseRules(text, aliases);
    if (!r.ok) throw new Error(r.errors[0]!.message);
    return typesCountingNothing(r.rules);
  };
  it('names each type whose rule can never count', () => {
    expect(types('拜访：不计；电话：时长 ≥ 2 分钟')).toEqual(['visit']);
    expect(types('拜访：有签到 且 不计；电话：不计 或 不计')).toEqual(['visit', 'call']);
    expect(types('拜访：有签到 或 不计；电话：总是')).toEqual([]);
  });
});
