/** Card values for the week-N risk alert (cards/risk-alert.json). Pure. */
import { amount, percent } from './explain-text.js';
import { escapeMd } from './forecast-text.js';

export const ALERT_BUTTON_SLOTS = 8;

export interface AtRiskRep {
  personId: string;
  name: string;
  probability: number;
  target: number;
  achieved: number;
  factors: ReadonlyArray<{ text: string; advice?: string }>;
}

export function riskAlertValues(o: { quarterId: string; week: number; threshold: number; modelVersion: number; trainingQuarters: readonly string[]; asOf: string; reps: readonly AtRiskRep[] }): Record<string, string | boolean> {
  const reps = [...o.reps].sort((a, b) => a.probability - b.probability);
  const lines = [`${reps.length} 位下属达成签约额目标的概率低于 ${percent(o.threshold)}（最低的在前）：`, ''];
  for (const r of reps) {
    lines.push(`**${escapeMd(r.name)}：${percent(r.probability)}**（已签 ${amount('signed_amount', r.achieved, 'zh')} / 目标 ${amount('signed_amount', r.target, 'zh')}）`);
    for (const f of r.factors) lines.push(`- ${f.text}`);
    const advice = r.factors.find((f) => f.advice)?.advice;
    if (advice) lines.push(`- 可以改变的：${advice}`);
    lines.push('');
  }
  if (reps.length > ALERT_BUTTON_SLOTS) lines.push(`（按钮只列前 ${ALERT_BUTTON_SLOTS} 位；其他人发「周报 姓名」查看）`);
  const values: Record<string, string | boolean> = {
    title: `第 ${o.week} 周风险预警 · ${o.quarterId}`,
    summary: lines.join('\n').trim(),
    footer: `模型 v${o.modelVersion}，用 ${o.trainingQuarters.join('、')} 训练；数据截至 ${o.asOf}。说明与回测：docs/prediction.md、docs/backtest.md`,
  };
  for (let i = 1; i <= ALERT_BUTTON_SLOTS; i++) {
    const r = reps[i - 1];
    values[`showR${i}`] = r !== undefined;
    if (r) {
      values[`r${i}`] = r.personId;
      values[`r${i}Label`] = `查看 ${r.name} 的周报`;
    }
  }
  return values;
}
