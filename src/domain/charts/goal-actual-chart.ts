/**
 * Pack chart ①: goal vs actual signed amount per rep. Horizontal bars (actual), sorted by attainment (best
 * first; reps without a target last), the target marked as a black tick, attainment printed at the end of
 * each bar ("未设目标" when there is none), coloured by band. Pure: rows in, vega-lite spec out.
 */
import type { TopLevelSpec } from 'vega-lite';
import { axisLabelExpr, formatValue } from './bar-chart.js';
import { PACK_CHART_CONFIG, packTitle, uniqueNames } from './chart-style.js';
import { attainmentPct } from '../report/format.js';

export type AttainmentBand = 'reached' | 'close' | 'far' | 'none';

export const BAND_STYLE: Record<AttainmentBand, { color: string; zh: string; en: string }> = {
  reached: { color: '#2E7D32', zh: '已达成（≥100%）', en: 'reached (≥100%)' },
  close: { color: '#F9A825', zh: '接近（80–99%）', en: 'close (80–99%)' },
  far: { color: '#C62828', zh: '差距大（<80%）', en: 'far (<80%)' },
  none: { color: '#9E9E9E', zh: '未设目标', en: 'no target' },
};

/** Band of an attainment ratio (actual ÷ target). */
export function bandOf(attainment: number | null): AttainmentBand {
  if (attainment === null) return 'none';
  return attainment >= 1 ? 'reached' : attainment >= 0.8 ? 'close' : 'far';
}

/** "87%": the one attainment label (domain/report/format.ts), so the pack reads as 我的目标 and the Friday card do. */
export function attainmentLabel(attainment: number): string {
  return attainmentPct(attainment);
}

export interface GoalActualRow {
  name: string;
  actualCny: number;
  targetCny: number | null;
  /** actual ÷ target; null without a target. */
  attainment: number | null;
}

/** Best attainment first; no target last (by amount); ties by amount, then name — stable for a given input. */
export function sortByAttainment<T extends GoalActualRow>(rows: readonly T[]): T[] {
  return [...rows].sort((a, b) => {
    if ((a.attainment === null) !== (b.attainment === null)) return a.attainment === null ? 1 : -1;
    return (b.attainment ?? 0) - (a.attainment ?? 0) || b.actualCny - a.actualCny || a.name.localeCompare(b.name);
  });
}

export function goalActualChartSpec(input: { title: string; subtitle?: string; rows: readonly GoalActualRow[] }): TopLevelSpec {
  const rows = sortByAttainment(input.rows);
  const names = uniqueNames(rows.map((r) => r.name));
  const values = rows.map((r, i) => {
    const band = bandOf(r.attainment);
    return {
      name: names[i],
      actual: r.actualCny,
      target: r.targetCny,
      band: BAND_STYLE[band].zh,
      label: r.attainment === null ? `${formatValue(r.actualCny, 'cny-wan')} · 未设目标` : attainmentLabel(r.attainment),
      // The label sits past whichever is longer, the bar or the target tick.
      labelAt: Math.max(r.actualCny, r.targetCny ?? 0),
    };
  });
  const bands = (Object.keys(BAND_STYLE) as AttainmentBand[]).filter((b) => rows.some((r) => bandOf(r.attainment) === b));
  const y = { field: 'name', type: 'nominal', sort: null, title: null, axis: { labelLimit: 140, ticks: false, domain: false, labelPadding: 6 } };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: packTitle(input.title, input.subtitle ?? '按达成率排序 · 黑线为目标 · 数字为达成率'),
    padding: { left: 12, right: 40, top: 12, bottom: 12 },
    data: { values },
    width: 560,
    height: { step: 18 },
    encoding: { y },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.72 } },
        encoding: {
          x: { field: 'actual', type: 'quantitative', title: '签约额（元）', axis: { labelExpr: axisLabelExpr('cny-wan'), grid: true, tickCount: 6 }, scale: { nice: true } },
          color: {
            field: 'band',
            type: 'nominal',
            title: null,
            scale: { domain: bands.map((b) => BAND_STYLE[b].zh), range: bands.map((b) => BAND_STYLE[b].color) },
          },
        },
      },
      {
        transform: [{ filter: 'datum.target != null' }],
        mark: { type: 'tick', color: '#111', thickness: 2, size: 16 },
        encoding: { x: { field: 'target', type: 'quantitative' } },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', dx: 5, fontSize: 10, color: '#333' },
        encoding: { x: { field: 'labelAt', type: 'quantitative' }, text: { field: 'label', type: 'nominal' } },
      },
    ],
    config: PACK_CHART_CONFIG,
  };
  return spec as unknown as TopLevelSpec;
}
