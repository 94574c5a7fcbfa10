/** Words for the prediction: a factor as "有效拜访 2.1 次/周（团队中位 4.0）：−18 个百分点", the probability, the pace. Pure. */
import type { FeatureDef } from './features.js';
import type { FactorEffect } from './model.js';

export type Lang = 'zh' | 'en';

export interface FactorText {
  key: string;
  label: string;
  value: number;
  reference: number;
  deltaPoints: number;
  text: string;
  /** What would move it, for a factor that hurts and that the rep can change. */
  advice?: string;
}

function show(def: FeatureDef, v: number): string {
  switch (def.format) {
    case 'rate':
      return `${Math.round(v * 100)}%`;
    case 'logRate':
      return `${Math.round(Math.max(0, Math.exp(v) - 0.05) * 100)}%`;
    case 'multiple':
      return v.toFixed(1);
    case 'number':
      return Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1);
  }
}

const minus = (n: number) => (n < 0 ? `−${Math.abs(n)}` : `+${n}`);

export function factorText(def: FeatureDef, e: FactorEffect, lang: Lang): FactorText {
  const points = Math.round(e.deltaPoints);
  const unit = def.unit[lang] ? (lang === 'zh' ? ` ${def.unit.zh}` : ` ${def.unit.en}`) : '';
  const label = def.label[lang];
  const text =
    lang === 'zh'
      ? `${label} ${show(def, e.value)}${unit}（团队中位 ${show(def, e.reference)}）：${minus(points)} 个百分点`
      : `${label} ${show(def, e.value)}${unit} (team median ${show(def, e.reference)}): ${minus(points)} pts`;
  const out: FactorText = { key: e.key, label, value: e.value, reference: e.reference, deltaPoints: e.deltaPoints, text };
  if (def.actionable && points < 0) {
    out.advice = lang === 'zh' ? `${label}提到团队中位（${show(def, e.reference)}${unit}），概率约 ${minus(-points)} 个百分点` : `${label} at the team median (${show(def, e.reference)}${unit}) would add about ${-points} pts`;
  }
  return out;
}

export function percent(p: number): string {
  return `${Math.round(p * 100)}%`;
}

/** Money in 万 for zh (e.g. 86.5万), plain CNY for en; counts as they are. */
export function amount(metric: string, v: number, lang: Lang): string {
  if (metric !== 'signed_amount') return String(Math.round(v));
  return lang === 'zh' ? `${(v / 10_000).toFixed(1)}万` : `CNY ${Math.round(v).toLocaleString('en-US')}`;
}

export function metricName(metric: string, lang: Lang): string {
  if (metric === 'signed_amount') return lang === 'zh' ? '签约额' : 'Signed amount';
  if (metric === 'new_customers') return lang === 'zh' ? '新客户数' : 'New customers';
  return metric;
}
