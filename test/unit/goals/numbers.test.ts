import { describe, expect, it } from 'vitest';
import { formatMetricValue, implausible, parseAmountCny, parseCount, parsePercentBp } from '../../../src/domain/goals/numbers.js';

const ok = (r: { ok: boolean; value?: number }) => (r.ok ? r.value : undefined);
const why = (r: { ok: true } | { ok: false; error: { zh: string } }) => (r.ok ? '' : r.error.zh);

describe('amounts in CNY', () => {
  it.each([
    ['800000', 800_000],
    ['80万', 800_000],
    ['80w', 800_000],
    ['80W', 800_000],
    ['0.8亿', 80_000_000],
    ['¥800,000', 800_000],
    ['￥800,000', 800_000],
    ['８０万', 800_000],
    ['８００，０００', 800_000],
    ['80 万元', 800_000],
    ['12.5万', 125_000],
    ['1亿2000万', 120_000_000],
    ['3千万', 30_000_000],
    ['800k', 800_000],
    ['RMB 800000', 800_000],
    ['800000元', 800_000],
    ['0.123456亿', 12_345_600],
  ])('%s → %d yuan', (input, want) => {
    expect(ok(parseAmountCny(input))).toBe(want);
  });

  it('is exact where floating point is not (0.07亿 = 7,000,000, not 7,000,000.000000001)', () => {
    expect(0.07 * 1e8).not.toBe(7_000_000);
    expect(ok(parseAmountCny('0.07亿'))).toBe(7_000_000);
  });

  it.each([
    ['-5', '负数'],
    ['-¥800,000', '负数'],
    ['0', '不能为 0'],
    ['0万', '不能为 0'],
    ['abc', '不是数字'],
    ['', '未填写'],
    ['   ', '未填写'],
    ['八十万', '阿拉伯数字'],
    ['80万w', '混用了单位'],
    ['8万k', '混用了单位'],
    ['2000万1亿', '混用了单位'],
    ['1亿2000', '混用了单位'],
    ['80万-100万', '范围'],
    ['80~100万', '范围'],
    ['800000.5', '精确到元'],
    ['8,00,000', '千分位'],
    ['80万abc', '不是数字'],
  ])('refuses %j with a specific reason (%s)', (input, reason) => {
    expect(why(parseAmountCny(input))).toContain(reason);
  });

  it('parses 1e12 and leaves "too large" to the plausibility check, which names the limit', () => {
    expect(ok(parseAmountCny('1e12'))).toBe(1e12);
    expect(implausible('cny', 1e12, 1, '1e12')?.zh).toBe('「1e12」（1万亿）超出个人目标的合理范围（上限 1亿）');
    expect(implausible('cny', 5_000_000_000, 56, '50亿')).toBeUndefined();
    expect(implausible('cny', 5, 1, '5')?.zh).toContain('是否漏写了「万」');
    expect(implausible('count', 1001, 1, '1001')?.en).toContain('at most 1,000');
  });
});

describe('counts and percentages', () => {
  it('reads counts with measure words and refuses fractions', () => {
    expect(ok(parseCount('15'))).toBe(15);
    expect(ok(parseCount('15家'))).toBe(15);
    expect(ok(parseCount('１５个'))).toBe(15);
    expect(why(parseCount('15.5'))).toContain('不是整数');
    expect(why(parseCount('-3'))).toContain('负数');
  });

  it('stores percentages as basis points and refuses the ambiguous 0.35', () => {
    expect(ok(parsePercentBp('35%'))).toBe(3500);
    expect(ok(parsePercentBp('35'))).toBe(3500);
    expect(ok(parsePercentBp('３５．５％'))).toBe(3550);
    expect(ok(parsePercentBp('百分之40'))).toBe(4000);
    expect(ok(parsePercentBp('0.5%'))).toBe(50);
    expect(why(parsePercentBp('0.35'))).toContain('请写成百分数');
    expect(why(parsePercentBp('120%'))).toContain('超过了 100%');
    expect(why(parsePercentBp('35.555%'))).toContain('两位小数');
    expect(why(parsePercentBp('35万'))).toContain('不是数字');
  });

  it('formats values exactly and briefly', () => {
    expect(formatMetricValue('cny', 800_000, 'zh')).toBe('80万');
    expect(formatMetricValue('cny', 80_000_000, 'zh')).toBe('8,000万');
    expect(formatMetricValue('cny', 120_000_000, 'zh')).toBe('1.2亿');
    expect(formatMetricValue('cny', 123_456, 'zh')).toBe('123,456元');
    expect(formatMetricValue('cny', 800_000, 'en')).toBe('¥800,000');
    expect(formatMetricValue('percent', 3550, 'zh')).toBe('35.5%');
  });
});

describe('hints follow the unit of the field (12.8)', () => {
  it('a count or a percentage is never given the money example', async () => {
    const { parseMetricValue } = await import('../../../src/domain/goals/numbers.js');
    const count = parseMetricValue('count', 'abc');
    const rate = parseMetricValue('percent', 'abc');
    const money = parseMetricValue('cny', 'abc');
    expect(!count.ok && count.error.zh).toBe('「abc」不是数字，请填写如 15 或 15个');
    expect(!rate.ok && rate.error.zh).toBe('「abc」不是数字，请填写如 35%');
    expect(!money.ok && money.error.zh).toContain('80万');
    const cn = parseMetricValue('count', '十五');
    expect(!cn.ok && cn.error.zh).not.toContain('万');
  });
});
