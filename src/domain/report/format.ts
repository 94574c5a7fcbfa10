import { formatValue } from '../charts/bar-chart.js';
import type { MetricUnit } from './types.js';

/** 0.756 → "76%"; the card shows whole percents, the explanation keeps them consistent with that. */
export function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/**
 * Attainment (actual ÷ target) as every view prints it — 我的目标, the Friday cards, the team roll-up and the
 * pre-review pack: whole percents, rounded, but never "100%" for a target not reached (0.996 → "99%").
 */
export function attainmentPct(attainment: number): string {
  const n = Math.round(attainment * 100);
  return `${attainment < 1 ? Math.min(n, 99) : n}%`;
}

/** A metric value in its unit: cny → "42.5万" / "8,000", count → "6", percent (basis points) → "12.5%". */
export function metricValue(value: number, unit: MetricUnit): string {
  switch (unit) {
    case 'cny':
      return formatValue(value, 'cny-wan');
    case 'percent':
      return `${formatValue(value / 100, 'number')}%`;
    case 'count':
      return formatValue(Math.round(value * 10) / 10, 'number');
  }
}

/** Rounds for display without showing "-0". */
export function round1(x: number): number {
  const r = Math.round(x * 10) / 10;
  return Object.is(r, -0) ? 0 : r;
}

/** "2026-W48" → "第48周". */
export function weekLabel(week: string): string {
  return `第${Number(week.slice(-2))}周`;
}
