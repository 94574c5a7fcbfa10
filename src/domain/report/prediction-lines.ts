/**
 * The stored attainment prediction (issue 11) as the Friday report and the team summary show it. Pure:
 * the builder reads the `predictions` documents (what the model said at week N, never recomputed here) and
 * these functions only format them.
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

/** The rep's own block: probability and the top factors in words and numbers, or the thin-data label. */
export function repPredictionText(p: ReportPrediction): string {
  if (p.probability === null) return `**达成目标的概率**：历史数据不足，暂无预测（第 ${p.week} 周）\n- ${paceText(p)}`;
  const head = `**达成${metricName(p.metric)}目标的概率 ${pct(p.probability)}**（第 ${p.week} 周预测${p.modelVersion !== null ? `，模型 v${p.modelVersion}` : ''}）`;
  const factors = p.factors.slice(0, 3).map((f) => `- ${f.text}`);
  const advice = p.factors.find((f) => f.advice)?.advice;
  return [head, ...(factors.length ? ['主要因素（与团队中位相比）：', ...factors] : []), ...(advice ? [`建议：${advice}`] : [])].join('\n');
}

/**
 * The team summary's first block: reps below the threshold, lowest probability first, with their top
 * factor. `rows` are the members that have a stored prediction. Empty string when there is none to show.
 */
export function teamPredictionText(rows: ReadonlyArray<{ name: string; prediction: ReportPrediction }>, threshold: number): string {
  if (rows.length === 0) return '';
  const week = Math.max(...rows.map((r) => r.prediction.week));
  const modelled = rows.filter((r) => r.prediction.probability !== null);
  if (modelled.length === 0) return `**达成目标的概率**：历史数据不足，暂无预测（只有按节奏推算，不是预测）`;
  const below = modelled.filter((r) => r.prediction.probability! < threshold).sort((a, b) => a.prediction.probability! - b.prediction.probability! || a.name.localeCompare(b.name));
  if (below.length === 0) return `**达成目标的概率**：第 ${week} 周预测，没有成员低于 ${pct(threshold)}`;
  // Bullets, not numbers: the member list below is the numbered one.
  const lines = below.map((r) => {
    const top = r.prediction.factors[0]?.text;
    return `- **${escapeMarkdown(r.name)}** ${pct(r.prediction.probability!)}${top ? ` · ${top}` : ''}`;
  });
  return [`**达成目标的概率低于 ${pct(threshold)} 的成员**（第 ${week} 周预测，低的在前）`, ...lines].join('\n');
}
