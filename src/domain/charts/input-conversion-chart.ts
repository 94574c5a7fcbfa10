/**
 * Pack chart ②: activity input vs conversion. One point per rep: x = counted visits per working week,
 * y = win rate (won ÷ closed opportunities), point area ∝ signed amount; the team's medians split the plot
 * into four labelled quadrants. Name labels are placed in the domain (label-placement.ts) so they never
 * overlap each other, the points or the quadrant names — vega-lite has no label collision avoidance.
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatValue } from './bar-chart.js';
import { PACK_CHART_CONFIG, packTitle, textWidthPx } from './chart-style.js';
import { placeLabels, type Box } from './label-placement.js';

export interface InputConversionRow {
  name: string;
  visitsPerWeek: number;
  winRate: number;
  signedCny: number;
}

export const QUADRANTS = {
  highHigh: '高投入高转化',
  lowHigh: '低投入高转化',
  highLow: '高投入低转化',
  lowLow: '低投入低转化',
} as const;

export type QuadrantKey = keyof typeof QUADRANTS;

/** Which quadrant a rep falls in (on a median counts as high). */
export function quadrantOf(x: number, y: number, medianX: number, medianY: number): QuadrantKey {
  const hx = x >= medianX;
  const hy = y >= medianY;
  return hx ? (hy ? 'highHigh' : 'highLow') : hy ? 'lowHigh' : 'lowLow';
}

const W = 600;
const H = 440;
const FONT = 10;
const MIN_AREA = 30;
const MAX_AREA = 700;

export interface InputConversionInput {
  title: string;
  subtitle?: string;
  rows: readonly InputConversionRow[];
  medianVisitsPerWeek: number;
  medianWinRate: number;
}

export interface InputConversionLayout {
  points: Array<InputConversionRow & { px: number; py: number; r: number; area: number; quadrant: QuadrantKey }>;
  labels: Array<{ name: string; box: Box; leader: boolean; free: boolean; px: number; py: number }>;
  quadrantBoxes: Box[];
  xMax: number;
  yMax: number;
}

/** Pixel layout of the scatter (exported for tests: labels must not collide). */
export function inputConversionLayout(input: InputConversionInput): InputConversionLayout {
  const xMax = Math.max(1, ...input.rows.map((r) => r.visitsPerWeek), input.medianVisitsPerWeek) * 1.1;
  const yMax = Math.min(1, Math.max(0.1, ...input.rows.map((r) => r.winRate), input.medianWinRate) * 1.15);
  const maxSigned = Math.max(1, ...input.rows.map((r) => r.signedCny));
  const points = input.rows.map((r) => {
    const area = MIN_AREA + (MAX_AREA - MIN_AREA) * (r.signedCny / maxSigned);
    return {
      ...r,
      px: (r.visitsPerWeek / xMax) * W,
      py: H - (r.winRate / yMax) * H,
      area,
      r: Math.sqrt(area / Math.PI),
      quadrant: quadrantOf(r.visitsPerWeek, r.winRate, input.medianVisitsPerWeek, input.medianWinRate),
    };
  });
  const qh = FONT + 4;
  const qw = (s: string) => textWidthPx(s, FONT + 1) + 4;
  const quadrantBoxes: Box[] = [
    { x: W - qw(QUADRANTS.highHigh) - 2, y: 2, w: qw(QUADRANTS.highHigh), h: qh },
    { x: 2, y: 2, w: qw(QUADRANTS.lowHigh), h: qh },
    { x: W - qw(QUADRANTS.highLow) - 2, y: H - qh - 2, w: qw(QUADRANTS.highLow), h: qh },
    { x: 2, y: H - qh - 2, w: qw(QUADRANTS.lowLow), h: qh },
  ];
  // Big deals first: their names matter most and get the nearest spots.
  const order = points.map((p, i) => i).sort((a, b) => points[b]!.signedCny - points[a]!.signedCny || points[a]!.name.localeCompare(points[b]!.name));
  const placed = placeLabels(
    order.map((i) => ({ x: points[i]!.px, y: points[i]!.py, r: points[i]!.r, width: textWidthPx(points[i]!.name, FONT) + 2, height: FONT + 2 })),
    { width: W, height: H },
    quadrantBoxes,
  );
  const labels = order.map((i, k) => ({ name: points[i]!.name, px: points[i]!.px, py: points[i]!.py, ...placed[k]! }));
  return { points, labels, quadrantBoxes, xMax, yMax };
}

export function inputConversionChartSpec(input: InputConversionInput): TopLevelSpec {
  const l = inputConversionLayout(input);
  const px = { type: 'quantitative', scale: null, axis: null };
  // Every layer states its scale: the label layers draw in pixels (scale null), so scales are not shared.
  const xScale = { domain: [0, l.xMax], nice: false, zero: true };
  const yScale = { domain: [0, l.yMax], nice: false, zero: true };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: packTitle(input.title, input.subtitle ?? `点的大小 = 签约额 · 虚线 = 团队中位数（每周 ${formatValue(input.medianVisitsPerWeek, 'number')} 次拜访，赢单率 ${formatValue(input.medianWinRate, 'percent')}）`),
    padding: { left: 12, right: 24, top: 12, bottom: 12 },
    width: W,
    height: H,
    layer: [
      {
        data: { values: l.points.map((p) => ({ x: p.visitsPerWeek, y: p.winRate, area: p.area, quadrant: QUADRANTS[p.quadrant], name: p.name })) },
        mark: { type: 'point', filled: true, opacity: 0.75, stroke: '#fff', strokeWidth: 0.8 },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: '有效拜访 / 工作周', scale: xScale, axis: { grid: true, tickCount: 8 } },
          y: { field: 'y', type: 'quantitative', title: '赢单率（赢单 ÷ 结单商机）', scale: yScale, axis: { format: '.0%', grid: true, tickCount: 8 } },
          size: { field: 'area', type: 'quantitative', scale: null, legend: null },
          color: {
            field: 'quadrant',
            type: 'nominal',
            title: null,
            scale: { domain: [QUADRANTS.highHigh, QUADRANTS.lowHigh, QUADRANTS.highLow, QUADRANTS.lowLow], range: ['#2E7D32', '#1565C0', '#EF6C00', '#757575'] },
          },
        },
      },
      { data: { values: [{ m: input.medianVisitsPerWeek }] }, mark: { type: 'rule', strokeDash: [5, 4], color: '#555' }, encoding: { x: { field: 'm', type: 'quantitative', scale: xScale, axis: null } } },
      { data: { values: [{ m: input.medianWinRate }] }, mark: { type: 'rule', strokeDash: [5, 4], color: '#555' }, encoding: { y: { field: 'm', type: 'quantitative', scale: yScale, axis: null } } },
      {
        data: { values: l.labels.filter((x) => x.leader).map((x) => ({ x: x.px, y: x.py, x2: x.box.x + x.box.w / 2, y2: x.box.y + x.box.h / 2 })) },
        mark: { type: 'rule', color: '#999', strokeWidth: 0.6 },
        encoding: { x: { field: 'x', ...px }, y: { field: 'y', ...px }, x2: { field: 'x2' }, y2: { field: 'y2' } },
      },
      {
        data: { values: l.labels.map((x) => ({ x: x.box.x + 1, y: x.box.y + x.box.h / 2, name: x.name })) },
        mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: FONT, color: '#222' },
        encoding: { x: { field: 'x', ...px }, y: { field: 'y', ...px }, text: { field: 'name', type: 'nominal' } },
      },
      {
        data: {
          values: [QUADRANTS.highHigh, QUADRANTS.lowHigh, QUADRANTS.highLow, QUADRANTS.lowLow].map((t, i) => ({ t, x: l.quadrantBoxes[i]!.x + 2, y: l.quadrantBoxes[i]!.y + l.quadrantBoxes[i]!.h / 2 })),
        },
        mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: FONT + 1, fontWeight: 'bold', color: '#888' },
        encoding: { x: { field: 'x', ...px }, y: { field: 'y', ...px }, text: { field: 't', type: 'nominal' } },
      },
    ],
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: PACK_CHART_CONFIG,
  };
  return spec as unknown as TopLevelSpec;
}
