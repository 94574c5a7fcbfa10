/**
 * The weekly report's chart: counted activities per week (bars, left axis) and the cumulative attainment of
 * the rep's main target against the linear pace line (right axis, percent), over the quarter's weeks.
 *
 * Pure spec builder. Everything that differs between reps is in the inline data, so the renderer's compiled
 * spec cache (keyed by the spec without its data) is hit for every rep after the first: that is what keeps
 * chart rendering for thousands of reps fast.
 */
import type { TopLevelSpec } from 'vega-lite';

export interface TrendChartInput {
  /** Name of the metric whose progress line is drawn (e.g. "签约额"); null draws the activity bars only. */
  metricName: string | null;
  /** Every week of the quarter, in order. */
  rows: ReadonlyArray<{ week: string; counted: number | null; cumulative: number | null; pace: number }>;
  /** The report week, drawn darker. */
  reportWeek: string;
}

export const TREND_COLORS = { activity: '#8FB8DE', progress: '#E4572E', pace: '#7F7F7F' };

/** "2026-W48" → "W48". */
const shortWeek = (w: string) => w.slice(5);

export function trendSeriesNames(metricName: string | null): { activity: string; progress: string; pace: string } {
  return { activity: '有效活动（次/周）', progress: `${metricName ?? ''}累计完成率`, pace: '线性进度' };
}

export function trendChartSpec(input: TrendChartInput): TopLevelSpec {
  const names = trendSeriesNames(input.metricName);
  const withLine = input.metricName !== null;
  const values: Array<Record<string, unknown>> = [];
  for (const r of input.rows) {
    const w = shortWeek(r.week);
    values.push({ w, kind: 'bar', series: names.activity, value: r.counted, now: r.week === input.reportWeek });
    if (!withLine) continue;
    if (r.cumulative !== null) values.push({ w, kind: 'progress', series: names.progress, value: r.cumulative });
    values.push({ w, kind: 'pace', series: names.pace, value: r.pace });
  }
  const domain = withLine ? [names.activity, names.progress, names.pace] : [names.activity];
  const range = withLine ? [TREND_COLORS.activity, TREND_COLORS.progress, TREND_COLORS.pace] : [TREND_COLORS.activity];
  const x = { field: 'w', type: 'ordinal' as const, sort: null, title: null, axis: { labelAngle: 0, labelFontSize: 10 } };
  const color = { field: 'series', type: 'nominal' as const, scale: { domain, range }, legend: { orient: 'bottom', title: null, labelFontSize: 11, symbolStrokeWidth: 2 } };

  const bars = {
    transform: [{ filter: "datum.kind === 'bar'" }],
    mark: { type: 'bar', width: { band: 0.7 } },
    encoding: {
      x,
      y: { field: 'value', type: 'quantitative', title: '有效活动（次）', axis: { orient: 'left', tickMinStep: 1, grid: true } },
      color,
      opacity: { condition: { test: 'datum.now', value: 1 }, value: 0.45 },
    },
  };
  // Progress and pace share one percent scale (a nested layer), independent of the activity bars' scale.
  const percentY = { field: 'value', type: 'quantitative', title: '目标完成率', axis: { orient: 'right', format: '.0%', grid: false }, scale: { zero: true } };
  const lines = {
    encoding: { x, y: percentY, color },
    layer: [
      { transform: [{ filter: "datum.kind === 'pace'" }], mark: { type: 'line', strokeWidth: 2, strokeDash: [5, 4] } },
      { transform: [{ filter: "datum.kind === 'progress'" }], mark: { type: 'line', strokeWidth: 2.5, point: { size: 28 } } },
    ],
  };

  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: withLine ? `每周有效活动与${input.metricName}进度` : '每周有效活动', anchor: 'start', fontSize: 15, offset: 10 },
    padding: { left: 10, right: 10, top: 10, bottom: 8 },
    width: 520,
    height: 200,
    data: { values },
    layer: withLine ? [bars, lines] : [bars],
    ...(withLine ? { resolve: { scale: { y: 'independent' } } } : {}),
    config: {
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#333', gridColor: '#e6e6e6' },
    },
  };
  return spec as unknown as TopLevelSpec;
}
