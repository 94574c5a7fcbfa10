/** The metrics HR tracks in a quarter (signed amount, new customers, …) as goal cards and checks see them. */
import type { Lang } from './msg.js';
import type { MetricUnit } from './numbers.js';

export interface MetricDef {
  /** Stable key stored with targets, e.g. signed_amount. */
  key: string;
  name: string;
  nameEn: string;
  unit: MetricUnit;
  kind: 'kpi' | 'okr';
}

/** Goal cards have this many metric slots (the card layout cannot repeat components). */
export const MAX_METRICS = 6;

export const DEFAULT_METRICS: readonly MetricDef[] = [
  { key: 'signed_amount', name: '签约额', nameEn: 'Signed amount', unit: 'cny', kind: 'kpi' },
  { key: 'new_customers', name: '新客户数', nameEn: 'New customers', unit: 'count', kind: 'kpi' },
];

export function metricName(m: Pick<MetricDef, 'name' | 'nameEn'>, lang: Lang): string {
  return lang === 'en' && m.nameEn ? m.nameEn : m.name;
}

/** Unit hint shown next to an input: 元 / 个 / %. */
export function unitHint(unit: MetricUnit, lang: Lang): string {
  if (unit === 'cny') return lang === 'en' ? 'CNY, e.g. 800000 or 80万' : '元，可写 80万 / 80w / 0.8亿';
  if (unit === 'count') return lang === 'en' ? 'count' : '个';
  return lang === 'en' ? '%, e.g. 35%' : '%，例如 35%';
}

/** Sums only make sense for amounts and counts; a team's rate is not the sum of its members' rates. */
export function rollsUp(unit: MetricUnit): boolean {
  return unit !== 'percent';
}
