/**
 * What separates the team's top quartile from its bottom quartile (by attainment of the money target, or
 * by signed amount when nobody in the team has one), across every tracked figure: the standardised
 * difference (mean of the top − mean of the bottom) ÷ the team's standard deviation, sorted by size.
 * Pure; figures in, rows out. Method: docs/outcome-chain.md.
 */
import type { PersonQuarterFigures } from '../figures/person-figures.js';

export interface QuartileFeature {
  key: string;
  name: string;
  unit: 'rate' | 'count' | 'cny' | 'number';
  value: (f: PersonQuarterFigures) => number | null;
}

export interface QuartileRow {
  key: string;
  name: string;
  unit: QuartileFeature['unit'];
  top: number;
  bottom: number;
  /** (top − bottom) ÷ team SD. */
  d: number;
}

export interface QuartileTable {
  /** What the quartiles are cut by. */
  by: 'attainment' | 'signed';
  top: string[];
  bottom: string[];
  rows: QuartileRow[];
}

const moneyAttainment = (f: PersonQuarterFigures) => f.metrics.find((m) => m.unit === 'cny')?.attainment ?? null;

/** Every figure the pack tracks per rep, plus each HR dimension of the team's figures. */
export function quartileFeatures(team: readonly PersonQuarterFigures[]): QuartileFeature[] {
  const dims = team[0]?.dimensions ?? [];
  return [
    ...dims.map((d): QuartileFeature => ({ key: `dim:${d.key}`, name: d.name, unit: 'rate', value: (f) => f.dimensions.find((x) => x.key === d.key)?.rate ?? null })),
    { key: 'winRate', name: '赢单率', unit: 'rate', value: (f) => f.winRate.rate },
    { key: 'visitsPerWeek', name: '有效拜访/工作周', unit: 'number', value: (f) => f.activity.visitsPerWorkingWeek },
    { key: 'visitsPerWon', name: '每单拜访数', unit: 'number', value: (f) => f.visitsPerWon },
    { key: 'notCountedShare', name: '未计入占比', unit: 'rate', value: (f) => f.notCounted.share },
    { key: 'avgWonDeal', name: '平均成交额', unit: 'cny', value: (f) => f.avgWonDealCny },
    { key: 'opened', name: '新建商机', unit: 'count', value: (f) => f.pipeline.opened },
    { key: 'newCustomers', name: '新客户', unit: 'count', value: (f) => f.newCustomers },
    { key: 'counted', name: '有效活动', unit: 'count', value: (f) => f.activity.counted },
  ];
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Null when the team has fewer than 4 reps (no quartiles to speak of). */
export function quartileTable(team: readonly PersonQuarterFigures[]): QuartileTable | null {
  if (team.length < 4) return null;
  const by = team.some((f) => moneyAttainment(f) !== null) ? 'attainment' : 'signed';
  const key = (f: PersonQuarterFigures) => (by === 'attainment' ? (moneyAttainment(f) ?? -1) : f.signedCny);
  const sorted = [...team].sort((a, b) => key(b) - key(a) || a.personId.localeCompare(b.personId));
  const q = Math.ceil(team.length / 4);
  const top = sorted.slice(0, q);
  const bottom = sorted.slice(-q);
  const rows: QuartileRow[] = [];
  for (const feat of quartileFeatures(team)) {
    const all = team.map(feat.value).filter((v): v is number => v !== null && Number.isFinite(v));
    const t = top.map(feat.value).filter((v): v is number => v !== null && Number.isFinite(v));
    const b = bottom.map(feat.value).filter((v): v is number => v !== null && Number.isFinite(v));
    if (all.length < 2 || t.length === 0 || b.length === 0) continue;
    const m = mean(all);
    const sd = Math.sqrt(mean(all.map((v) => (v - m) ** 2)));
    if (sd === 0) continue;
    rows.push({ key: feat.key, name: feat.name, unit: feat.unit, top: mean(t), bottom: mean(b), d: (mean(t) - mean(b)) / sd });
  }
  rows.sort((x, y) => Math.abs(y.d) - Math.abs(x.d) || x.key.localeCompare(y.key));
  return { by, top: top.map((f) => f.personId), bottom: bottom.map((f) => f.personId), rows };
}
