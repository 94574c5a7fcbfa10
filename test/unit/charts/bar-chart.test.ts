import { describe, expect, it } from 'vitest';
import { axisLabelExpr, barChartSpec, DEFAULT_BAR_COLOR, formatValue } from '../../../src/domain/charts/bar-chart.js';

type AnySpec = Record<string, any>;

const reps = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ label: `销售代表${i + 1}号`, value: (i + 1) * 10_000 }));

describe('formatValue', () => {
  it('formats CNY with a yuan sign and thousands separators', () => {
    expect(formatValue(800_000, 'cny')).toBe('¥800,000');
    expect(formatValue(1234.6, 'cny')).toBe('¥1,235');
    expect(formatValue(-1200, 'cny')).toBe('-¥1,200');
    expect(formatValue(0, 'cny')).toBe('¥0');
  });
  it('formats CNY in 万 / 亿', () => {
    expect(formatValue(800_000, 'cny-wan')).toBe('80万');
    expect(formatValue(125_000, 'cny-wan')).toBe('12.5万');
    expect(formatValue(180_000_000, 'cny-wan')).toBe('1.8亿');
    expect(formatValue(5_000, 'cny-wan')).toBe('5,000');
    expect(formatValue(-30_000, 'cny-wan')).toBe('-3万');
  });
  it('formats numbers and percentages', () => {
    expect(formatValue(0.756, 'percent')).toBe('75.6%');
    expect(formatValue(12345.6, 'number')).toBe('12,346');
    expect(formatValue(2.345, 'number')).toBe('2.35');
  });
  it('has a vega axis expression for every format', () => {
    for (const f of ['number', 'cny', 'cny-wan', 'percent'] as const) expect(axisLabelExpr(f)).toContain('datum.value');
    expect(axisLabelExpr('cny-wan')).toContain('万');
  });
});

describe('barChartSpec', () => {
  it('builds a layered horizontal bar chart with inline rows in input order', () => {
    const spec = barChartSpec({ title: '签约额', rows: reps(56), valueTitle: '签约额（元）', valueFormat: 'cny' }) as AnySpec;
    expect(spec.$schema).toMatch(/vega-lite\/v6/);
    expect(spec.title.text).toBe('签约额');
    expect(spec.data.values).toHaveLength(56);
    expect(spec.data.values[0]).toEqual({ label: '销售代表1号', value: 10_000, color: DEFAULT_BAR_COLOR, valueLabel: '¥10,000' });
    // horizontal: categories on y, one fixed-height row per rep, kept in the given order
    expect(spec.encoding.y).toMatchObject({ field: 'label', type: 'nominal', sort: null });
    expect(spec.encoding.x).toMatchObject({ field: 'value', type: 'quantitative', title: '签约额（元）' });
    expect(spec.encoding.x.axis.labelExpr).toBe(axisLabelExpr('cny'));
    expect(spec.height).toEqual({ step: 16 });
    expect(spec.layer.map((l: AnySpec) => l.mark.type)).toEqual(['bar', 'text']);
    expect(spec.layer[1].encoding.text.field).toBe('valueLabel');
    // bar colours come from the data, no legend
    expect(spec.layer[0].encoding.color).toMatchObject({ field: 'color', scale: null, legend: null });
    // the spec is JSON (it is sent to worker threads)
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  });

  it('keeps per-row colours and makes duplicate names distinct bars', () => {
    const spec = barChartSpec({
      title: 't',
      valueTitle: 'v',
      rows: [
        { label: '王伟', value: 1, color: '#d62728' },
        { label: '王伟', value: 2 },
        { label: '王伟', value: 3 },
      ],
    }) as AnySpec;
    const labels = spec.data.values.map((v: AnySpec) => v.label);
    expect(new Set(labels).size).toBe(3);
    expect(labels.map((l: string) => l.replace(/\u200b/g, ''))).toEqual(['王伟', '王伟', '王伟']);
    expect(spec.data.values.map((v: AnySpec) => v.color)).toEqual(['#d62728', DEFAULT_BAR_COLOR, DEFAULT_BAR_COLOR]);
  });

  it('goes vertical for a few short labels, or when asked', () => {
    const few = barChartSpec({ title: 't', valueTitle: 'v', rows: [{ label: '华东', value: 1 }, { label: '华南', value: 2 }] }) as AnySpec;
    expect(few.encoding.x.field).toBe('label');
    expect(few.encoding.y.field).toBe('value');
    const forced = barChartSpec({ title: 't', valueTitle: 'v', rows: reps(3), orientation: 'horizontal' }) as AnySpec;
    expect(forced.encoding.y.field).toBe('label');
  });

  it('can omit value labels and adds a subtitle', () => {
    const spec = barChartSpec({ title: 't', subtitle: '第 8 周', valueTitle: 'v', rows: reps(2), showValues: false }) as AnySpec;
    expect(spec.layer).toHaveLength(1);
    expect(spec.title.subtitle).toBe('第 8 周');
  });

  it('rejects non-finite values', () => {
    expect(() => barChartSpec({ title: 't', valueTitle: 'v', rows: [{ label: 'a', value: Number.NaN }] })).toThrow(/finite/);
  });
});
