import { describe, expect, it } from 'vitest';
import { DEFAULT_METRICS } from '../../../src/domain/goals/metrics.js';
import { metricsToText, quarterDefaults, validateQuarterForm } from '../../../src/domain/goals/quarter-form.js';

const SH = 'Asia/Shanghai';
const form = {
  startDate: '2026-10-01',
  endDate: '2026-12-31',
  reviewAt: '2026-12-25 14:00',
  metrics: '签约额 元\n新客户数 个\n方案定制率 %',
  industryOptions: '制造业、能源、教育、医疗、金融',
  focusIndustries: '制造业，能源',
  keyAccounts: '三一重工\n宁德时代',
};
const ctx = { quarterId: '2026Q4', zone: SH, existingMetrics: DEFAULT_METRICS };
const errors = (raw: Record<string, unknown>) => {
  const r = validateQuarterForm(raw, ctx);
  return r.ok ? [] : r.errors.map((e) => e.message.zh);
};

describe('quarter set-up by HR', () => {
  it('reads dates in the company zone, metrics with stable keys, and the direction', () => {
    const r = validateQuarterForm(form, ctx);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.start.toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(r.value.end.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(r.value.reviewAt.toISOString()).toBe('2026-12-25T06:00:00.000Z');
    expect(r.value.metrics.map((m) => [m.key, m.name, m.unit])).toEqual([
      ['signed_amount', '签约额', 'cny'],
      ['new_customers', '新客户数', 'count'],
      ['proposal_rate', '方案定制率', 'percent'],
    ]);
    expect(r.value.direction).toEqual({ industries: ['制造业', '能源'], keyAccounts: ['三一重工', '宁德时代'] });
  });

  it('gives an unknown metric a fresh key and keeps existing keys when renamed lines stay', () => {
    const r = validateQuarterForm({ ...form, metrics: '签约额(元)\n新客户数 个\n有效拜访/Qualified visits 次' }, ctx);
    expect(r.ok && r.value.metrics.map((m) => [m.key, m.nameEn, m.unit])).toEqual([
      ['signed_amount', 'Signed amount', 'cny'],
      ['new_customers', 'New customers', 'count'],
      ['metric_1', 'Qualified visits', 'count'],
    ]);
  });

  it('refuses bad dates, units and directions with specific messages', () => {
    expect(errors({ ...form, startDate: '十月一日', reviewAt: '2027-03-01 14:00' })).toEqual(['开始日期：「十月一日」不是日期，请写成 2026-10-01']);
    expect(errors({ ...form, reviewAt: '2027-03-01 14:00' })).toEqual(['评审会时间：应在季度开始之后、结束后 31 天以内']);
    expect(errors({ ...form, endDate: '2026-10-10' })).toEqual(['结束日期：季度长度应在 4 周到 6 个月之间（现在 10 天）', '评审会时间：应在季度开始之后、结束后 31 天以内']);
    expect(errors({ ...form, metrics: '签约额 元\n方案定制率' })).toEqual(['跟踪指标第 2 行「方案定制率」缺少单位（元 / 个 / %）']);
    expect(errors({ ...form, metrics: '签约额 元\n方案定制率 %' })).toEqual([
      '跟踪指标需要至少一个金额指标（元）和一个数量指标（个），例如「签约额 元」「新客户数 个」',
    ]);
    expect(errors({ ...form, focusIndustries: '制造业、教培' })).toEqual(['公司主攻行业：「教培」不在可选行业中。可选：制造业、能源、教育、医疗、金融']);
    expect(errors({ ...form, metrics: Array.from({ length: 7 }, (_, i) => `指标${i} 个`).join('\n') + '\n签约额 元' })).toEqual(['跟踪指标最多 6 个（现在 8 个）']);
  });

  it('defaults to calendar dates and a Friday-afternoon review, and prints metrics back as typed', () => {
    const d = quarterDefaults('2026Q4', SH);
    expect(d.start.toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(d.reviewAt.toISOString()).toBe('2026-12-25T06:00:00.000Z'); // Fri 25 Dec 14:00 in Shanghai
    expect(metricsToText(DEFAULT_METRICS)).toBe('签约额 元\n新客户数 个');
  });
});
