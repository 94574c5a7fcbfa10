/**
 * Pack chart ③: the team ranking heatmap. Rows = reps by overall rank (mean of their ranks over the
 * metrics they have a value for), columns = metrics (signed amount, attainment, new customers, counted
 * activities, win rate, health score, every tracked HR dimension …). Colour = the value normalised within
 * the team (0 = the team's worst, 1 = its best on that metric); the rank is written in each cell.
 */
import type { TopLevelSpec } from 'vega-lite';
import { PACK_CHART_CONFIG, packTitle, uniqueNames } from './chart-style.js';

export interface HeatmapMetric {
  key: string;
  name: string;
  /** Default true; false for metrics where less is better. */
  higherIsBetter?: boolean;
}

export interface HeatmapRep {
  name: string;
  /** metric key → value; null/absent = no value (e.g. no target, no closed deals). */
  values: Readonly<Record<string, number | null | undefined>>;
}

export interface RankedCell {
  rep: number;
  metric: string;
  value: number | null;
  /** 1 = best in the team; ties share the better rank. */
  rank: number | null;
  /** 0..1 within the team (1 = best); 0.5 when everyone has the same value. */
  norm: number | null;
}

export interface RankingTable {
  /** Rep indexes in overall-rank order. */
  order: number[];
  overallRank: number[];
  cells: RankedCell[];
}

/** Ranks and within-team normalisation per metric, and the overall order. Pure, deterministic. */
export function rankingTable(metrics: readonly HeatmapMetric[], reps: readonly HeatmapRep[]): RankingTable {
  const cells: RankedCell[] = [];
  const rankSum = reps.map(() => ({ sum: 0, n: 0 }));
  for (const m of metrics) {
    const dir = m.higherIsBetter === false ? -1 : 1;
    const vals = reps.map((r) => {
      const v = r.values[m.key];
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    });
    const present = vals.filter((v): v is number => v !== null);
    const min = Math.min(...present);
    const max = Math.max(...present);
    vals.forEach((v, i) => {
      if (v === null) {
        cells.push({ rep: i, metric: m.key, value: null, rank: null, norm: null });
        return;
      }
      const rank = 1 + present.filter((o) => dir * o > dir * v).length;
      const norm = max === min ? 0.5 : dir === 1 ? (v - min) / (max - min) : (max - v) / (max - min);
      rankSum[i]!.sum += rank;
      rankSum[i]!.n++;
      cells.push({ rep: i, metric: m.key, value: v, rank, norm });
    });
  }
  const mean = rankSum.map((r) => (r.n ? r.sum / r.n : Number.POSITIVE_INFINITY));
  const order = reps.map((_, i) => i).sort((a, b) => mean[a]! - mean[b]! || reps[a]!.name.localeCompare(reps[b]!.name));
  const overallRank = new Array<number>(reps.length);
  order.forEach((rep, k) => (overallRank[rep] = k + 1));
  return { order, overallRank, cells };
}

export function rankingHeatmapSpec(input: { title: string; subtitle?: string; metrics: readonly HeatmapMetric[]; reps: readonly HeatmapRep[] }): TopLevelSpec {
  const t = rankingTable(input.metrics, input.reps);
  const names = uniqueNames(input.reps.map((r) => r.name));
  const rowLabel = (i: number) => `${t.overallRank[i]}. ${names[i]}`;
  const metricNames = input.metrics.map((m) => m.name);
  const nameOf = new Map(input.metrics.map((m) => [m.key, m.name]));
  const values = t.cells.map((c) => ({
    rep: rowLabel(c.rep),
    metric: nameOf.get(c.metric),
    norm: c.norm,
    text: c.rank === null ? '—' : String(c.rank),
    dark: c.norm !== null && (c.norm > 0.8 || c.norm < 0.2),
  }));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: packTitle(input.title, input.subtitle ?? '按综合排名排序 · 颜色在团队内归一（绿 = 团队最好，红 = 最弱）· 格内数字为该项排名 · — 为无数据'),
    padding: { left: 12, right: 24, top: 12, bottom: 12 },
    data: { values },
    width: { step: 58 },
    height: { step: 18 },
    encoding: {
      y: { field: 'rep', type: 'nominal', sort: t.order.map(rowLabel), title: null, axis: { labelLimit: 150, ticks: false, domain: false } },
      x: { field: 'metric', type: 'nominal', sort: metricNames, title: null, axis: { orient: 'top', labelAngle: 0, labelLimit: 80, ticks: false, domain: false } },
    },
    layer: [
      // Cells without a value (no target, no closed deals): grey; a continuous scale would drop them.
      { transform: [{ filter: 'datum.norm == null' }], mark: { type: 'rect', stroke: '#fff', strokeWidth: 1, color: '#e8e8e8' } },
      {
        transform: [{ filter: 'datum.norm != null' }],
        mark: { type: 'rect', stroke: '#fff', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'norm',
            type: 'quantitative',
            scale: { domain: [0, 1], scheme: 'redyellowgreen' },
            legend: { title: '团队内相对位置', orient: 'bottom', direction: 'horizontal', gradientLength: 180, format: '.0%' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'text', type: 'nominal' },
          color: { condition: { test: 'datum.dark', value: '#fff' }, value: '#222' },
        },
      },
    ],
    config: PACK_CHART_CONFIG,
  };
  return spec as unknown as TopLevelSpec;
}
