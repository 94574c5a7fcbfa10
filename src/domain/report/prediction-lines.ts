/**
 * The stored attainment predictions (issue 11, one per metric with a target) as the Friday report and the
 * team summary show them. Pure: the builder reads the `predictions` documents (what the model said at
 * week N, never recomputed here) and these functions only format them.
 */
import { escapeMarkdown } from '../text/markdown.js';
import { metricValue, pct } from './format.js';
import type { MetricUnit } from './types.js';

export interface ReportPrediction {
  metric: string;
  /** Week N of the quarter the prediction was made at (N whole weeks had passed). */
  week: number;
  /** Null when the history is too thin for a model ("历史数据不足"): then only the pace projection. */
  probability: number | null;
  modelVersion: number | null;
  target: number;
  achieved: number;
  paceProjected: number;
  factors: ReadonlyArray<{ text: string; advice?: string }>;
}

export const DEFAULT_PREDICTION_THRESHOLD = 0.5;

const unitOf = (metric: string): MetricUnit => (metric === 'signed_amount' ? 'cny' : 'count');
const metricName = (metric: string): string => (metric === 'signed_amount' ? '签约额' : metric === 'new_customers' ? '新客户数' : metric);

/** The pace projection, always labelled as what it is. */
export function paceText(p: ReportPrediction): string {
  const v = (x: number) => metricValue(x, unitOf(p.metric));
  return `按当前节奏推算季末${metricName(p.metric)} ${v(p.paceProjected)} / 目标 ${v(p.target)}（按节奏推算，不是预测）`;
}

/** The metrics in a fixed order (签约额, 新客户数, then any other by key), so every card lists them alike. */
const ORDER = ['signed_amount', 'new_customers'];
function ordered<T extends { metric: string }>(list: readonly T[]): T[] {
  const rank = (m: string) => (ORDER.includes(m) ? ORDER.indexOf(m) : ORDER.length);
  return [...list].sort((a, b) => rank(a.metric) - rank(b.metric) || a.metric.localeCompare(b.metric));
}

/** The modelled prediction with the lowest probability: its factors are the ones shown (the most at risk). */
function mostAtRisk(list: readonly ReportPrediction[]): ReportPrediction | undefined {
  return ordered(list)
    .filter((p) => p.probability !== null)
    .sort((a, b) => a.probability! - b.probability!)[0];
}

/** One line for one metric: its stored probability, or 历史数据不足 with the pace projection. */
function metricLine(p: ReportPrediction): string {
  if (p.probability === null) return `**达成${metricName(p.metric)}目标的概率**：历史数据不足，暂无预测（第 ${p.week} 周）；${paceText(p)}`;
  return `**达成${metricName(p.metric)}目标的概率 ${pct(p.probability)}**（第 ${p.week} 周预测${p.modelVersion !== null ? `，模型 v${p.modelVersion}` : ''}）`;
}

/**
 * The rep's own block: a line per metric with a target (probability, or the thin-data label), then the top
 * factors of the metric most at risk, in words and numbers, and the first advice.
 */
export function repPredictionText(list: readonly ReportPrediction[]): string {
  const preds = ordered(list);
  if (preds.length === 0) return '';
  if (preds.every((p) => p.probability === null)) {
    return [`**达成目标的概率**：历史数据不足，暂无预测（第 ${Math.max(...preds.map((p) => p.week))} 周）`, ...preds.map((p) => `- ${paceText(p)}`)].join('\n');
  }
  const worst = mostAtRisk(preds)!;
  const factors = worst.factors.slice(0, 3).map((f) => `- ${f.text}`);
  const advice = worst.factors.find((f) => f.advice)?.advice;
  const label = preds.length > 1 ? `主要因素（${metricName(worst.metric)}，与团队中位相比）：` : '主要因素（与团队中位相比）：';
  return [...preds.map(metricLine), ...(factors.length ? [label, ...factors] : []), ...(advice ? [`建议：${advice}`] : [])].join('\n');
}

/**
 * The team summary's first block: reps below the threshold on any metric, lowest probability first, each
 * with every metric's probability and the top factor of the lowest. `rows` are the members that have stored
 * predictions. Empty string when there is none to show.
 */
export function teamPredictionText(rows: ReadonlyArray<{ name: string; predictions: readonly ReportPrediction[] }>, threshold: number): string {
  if (rows.length === 0) return '';
  const week = Math.max(...rows.flatMap((r) => r.predictions.map((p) => p.week)));
  const modelled = rows.flatMap((r) => {
    const worst = mostAtRisk(r.predictions);
    return worst ? [{ ...r, worst }] : [];
  });
  if (modelled.length === 0) return `**达成目标的概率**：历史数据不足，暂无预测（只有按节奏推算，不是预测）`;
  const below = modelled.filter((r) => r.worst.probability! < threshold).sort((a, b) => a.worst.probability! - b.worst.probability! || a.name.localeCompare(b.name));
  if (below.length === 0) return `**达成目标的概率**：第 ${week} 周预测，没有成员低于 ${pct(threshold)}`;
  // Bullets, not numbers: the member list below is the numbered one.
  const lines = below.map((r) => {
    const each = ordered(r.predictions).map((p) => `${metricName(p.metric)} ${p.probability === null ? '历史数据不足' : pct(p.probability)}`);
    const top = r.worst.factors[0]?.text;
    return `- **${escapeMarkdown(r.name)}** ${each.join(' · ')}${top ? ` · ${top}` : ''}`;
  });
  return [`**达成目标的概率低于 ${pct(threshold)} 的成员**（第 ${week} 周预测，任一指标低于即列出，低的在前）`, ...lines].join('\n');
}
