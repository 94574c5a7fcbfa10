/**
 * Bar chart as a vega-lite spec (pure: no rendering here; see src/adapters/charts/vega-renderer.ts).
 *
 * Built for the review pack's "goal vs actual signed amount" and similar per-rep charts: up to ~60 bars with
 * Chinese names stay readable (horizontal bars, one row per rep, value printed at the end of each bar).
 */
import type { TopLevelSpec } from 'vega-lite';

/** How values are printed on bars and axis ticks. */
export type ValueFormat =
  /** 1234.5 → "1,235" */
  | 'number'
  /** 800000 → "¥800,000" */
  | 'cny'
  /** 800000 → "80万", 125000 → "12.5万", 1.8e8 → "1.8亿", 5000 → "5,000" */
  | 'cny-wan'
  /** 0.756 → "75.6%" */
  | 'percent';

export interface BarRow {
  label: string;
  value: number;
  /** CSS colour of this bar; rows without one use DEFAULT_BAR_COLOR. */
  color?: string;
}

export interface BarChartInput {
  title: string;
  subtitle?: string;
  rows: readonly BarRow[];
  /** Axis title of the value axis, e.g. "签约额（元）". */
  valueTitle: string;
  valueFormat?: ValueFormat;
  /** Axis title of the category axis; omitted by default (the chart title says what the bars are). */
  labelTitle?: string;
  /** Default: horizontal, except vertical for ≤ 8 rows with short labels. */
  orientation?: 'horizontal' | 'vertical';
  /** Print each value next to its bar. Default true. */
  showValues?: boolean;
  /** Width of the plot area in px (before the renderer's 2× scale). Default 560 (horizontal) / auto step (vertical). */
  width?: number;
}

export const DEFAULT_BAR_COLOR = '#4C78A8';

/** Pixels per bar row. 56 rows ≈ 900 px plot height, so the 2× PNG stays under 2000 px tall. */
const ROW_STEP = 16;

const ZERO_WIDTH_SPACE = '\u200b';

const cnyInt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Formats a value the same way the chart's axis does (used for the labels printed on bars). */
export function formatValue(value: number, format: ValueFormat = 'number'): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  switch (format) {
    case 'cny':
      return `${sign}¥${cnyInt.format(abs)}`;
    case 'cny-wan':
      if (abs >= 1e8) return `${sign}${twoDecimals.format(abs / 1e8)}亿`;
      if (abs >= 1e4) return `${sign}${oneDecimal.format(abs / 1e4)}万`;
      return `${sign}${cnyInt.format(abs)}`;
    case 'percent':
      return `${sign}${oneDecimal.format(abs * 100)}%`;
    case 'number':
      return `${sign}${abs >= 100 ? cnyInt.format(abs) : twoDecimals.format(abs)}`;
  }
}

/** Vega expression formatting `datum.value` for axis tick labels; mirrors formatValue(). */
export function axisLabelExpr(format: ValueFormat = 'number'): string {
  const v = 'datum.value';
  const sign = `(${v} < 0 ? '-' : '')`;
  switch (format) {
    case 'cny':
      return `${sign} + '¥' + format(abs(${v}), ',.0f')`;
    case 'cny-wan':
      return (
        `abs(${v}) >= 1e8 ? ${sign} + format(abs(${v}) / 1e8, ',.2~f') + '亿' : ` +
        `abs(${v}) >= 1e4 ? ${sign} + format(abs(${v}) / 1e4, ',.1~f') + '万' : ${sign} + format(abs(${v}), ',.0f')`
      );
    case 'percent':
      return `format(${v}, '.0~%')`;
    case 'number':
      return `format(${v}, ',~r')`;
  }
}

/** Makes equal labels distinct (two reps both named 张伟 must stay two bars) with invisible zero-width suffixes. */
function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return labels.map((label) => {
    const n = seen.get(label) ?? 0;
    seen.set(label, n + 1);
    return n === 0 ? label : label + ZERO_WIDTH_SPACE.repeat(n);
  });
}

/** Rough display width in em: CJK characters 1em, others ~0.6em. */
function emWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.6;
  return w;
}

export function barChartSpec(input: BarChartInput): TopLevelSpec {
  const format = input.valueFormat ?? 'number';
  for (const row of input.rows) {
    if (!Number.isFinite(row.value)) throw new RangeError(`barChartSpec: value of "${row.label}" is not a finite number`);
  }
  const labels = uniqueLabels(input.rows.map((r) => r.label));
  const values = input.rows.map((r, i) => ({
    label: labels[i]!,
    value: r.value,
    color: r.color ?? DEFAULT_BAR_COLOR,
    valueLabel: formatValue(r.value, format),
  }));
  const maxLabelEm = Math.max(0, ...input.rows.map((r) => emWidth(r.label)));
  const horizontal = input.orientation ? input.orientation === 'horizontal' : !(input.rows.length <= 8 && maxLabelEm <= 6);
  const showValues = input.showValues ?? true;

  const category = {
    field: 'label',
    type: 'nominal' as const,
    sort: null,
    title: input.labelTitle ?? null,
    axis: horizontal
      ? { labelLimit: 160, labelPadding: 6, ticks: false, domain: false }
      : { labelAngle: maxLabelEm > 3 ? -45 : 0, labelLimit: 120, labelPadding: 4 },
  };
  const plotWidth = input.width ?? 560;
  const value = {
    field: 'value',
    type: 'quantitative' as const,
    title: input.valueTitle,
    axis: {
      labelExpr: axisLabelExpr(format),
      tickCount: Math.max(2, Math.round((horizontal ? plotWidth : 360) / 90)),
      labelFlush: false,
      grid: true,
    },
    // Value labels past the longest bar are kept inside the image by vega's autosize 'pad'.
    scale: { nice: true },
  };
  const bars = {
    // No cornerRadiusEnd: vega-lite draws it as a clipped group per bar, which makes rendering ~5× slower.
    mark: { type: 'bar' as const, ...(horizontal ? { height: { band: 0.75 } } : { width: { band: 0.75 } }) },
    encoding: { color: { field: 'color', type: 'nominal' as const, scale: null, legend: null } },
  };
  const valueText = {
    mark: horizontal
      ? { type: 'text' as const, align: 'left' as const, baseline: 'middle' as const, dx: 4, fontSize: 10, color: '#333' }
      : { type: 'text' as const, align: 'center' as const, baseline: 'bottom' as const, dy: -3, fontSize: 10, color: '#333' },
    encoding: { text: { field: 'valueLabel', type: 'nominal' as const } },
  };

  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: input.title,
      ...(input.subtitle ? { subtitle: input.subtitle } : {}),
      anchor: 'start',
      fontSize: 16,
      subtitleFontSize: 12,
      subtitleColor: '#666',
      offset: 12,
    },
    padding: { left: 12, right: 24, top: 12, bottom: 12 },
    data: { values },
    width: horizontal ? plotWidth : (input.width ?? { step: Math.max(ROW_STEP * 2, Math.ceil(maxLabelEm * 12) + 8) }),
    height: horizontal ? { step: ROW_STEP } : 320,
    encoding: horizontal ? { y: category, x: value } : { x: category, y: value },
    layer: showValues ? [bars, valueText] : [bars],
    config: {
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#333', gridColor: '#e6e6e6' },
    },
  };
  return spec as unknown as TopLevelSpec;
}
