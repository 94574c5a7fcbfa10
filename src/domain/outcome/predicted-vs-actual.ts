/**
 * The pre-review pack's "what week N predicted vs what happened" (issue 11): per rep, the stored week-N
 * prediction (probability, or 历史数据不足 with the pace projection) next to the attainment the person-quarter
 * figures give. Pure: both sides are read as stored / computed elsewhere, only formatted here.
 */
import { attainmentLabel } from '../charts/goal-actual-chart.js';
import type { PersonQuarterFigures } from '../figures/person-figures.js';
import { escapeMd } from '../goals/goal-view.js';
import { metricValue } from '../report/format.js';

/** A stored week-N prediction of one rep (the `predictions` document's figures). */
export interface WeekPrediction {
  probability: number | null;
  target: number;
  paceProjected: number;
}

export interface PredictedVsActual {
  personId: string;
  name: string;
  /** 'none': no prediction stored for the rep at week N; 'thin': stored without a model. */
  predicted: { kind: 'none' } | { kind: 'thin'; paceProjected: number } | { kind: 'model'; probability: number };
  /** Signed-amount attainment from the figures, null without a target. */
  attainment: number | null;
}

const MAX_LINES = 12;

export function predictedVsActual(team: readonly PersonQuarterFigures[], stored: ReadonlyMap<string, WeekPrediction>): PredictedVsActual[] {
  return team.map((f) => {
    const p = stored.get(f.personId);
    const m = f.metrics.find((x) => x.key === 'signed_amount') ?? f.metrics.find((x) => x.unit === 'cny');
    return {
      personId: f.personId,
      name: f.name,
      predicted: !p ? { kind: 'none' } : p.probability === null ? { kind: 'thin', paceProjected: p.paceProjected } : { kind: 'model', probability: p.probability },
      attainment: m?.attainment ?? null,
    };
  });
}

/** "32%", "历史数据不足", "无预测": the CSV's and the card's word for the prediction. */
export function predictedLabel(r: PredictedVsActual): string {
  switch (r.predicted.kind) {
    case 'none':
      return '无预测';
    case 'thin':
      return '历史数据不足';
    case 'model':
      return `${Math.round(r.predicted.probability * 100)}%`;
  }
}

export function outcomeLabel(r: PredictedVsActual): string {
  return r.attainment === null ? '未设目标' : `达成 ${attainmentLabel(r.attainment)}（${r.attainment >= 1 ? '已达成' : '未达成'}）`;
}

/** The card section: lowest predicted probability first, then thin, then none. */
export function predictedVsActualLines(rows: readonly PredictedVsActual[], week: number, threshold: number): string {
  if (rows.every((r) => r.predicted.kind === 'none')) return `第 ${week} 周没有存下的预测（无预测）。`;
  const order = (r: PredictedVsActual) => (r.predicted.kind === 'model' ? r.predicted.probability : r.predicted.kind === 'thin' ? 2 : 3);
  const sorted = [...rows].sort((a, b) => order(a) - order(b) || a.personId.localeCompare(b.personId));
  const lines = sorted.slice(0, MAX_LINES).map((r) => {
    const p = r.predicted;
    const said =
      p.kind === 'model'
        ? `预测 ${predictedLabel(r)}${p.probability < threshold ? '（低于阈值）' : ''}`
        : p.kind === 'thin'
          ? `历史数据不足，按节奏推算 ${metricValue(p.paceProjected, 'cny')}（不是预测）`
          : '无预测';
    return `- **${escapeMd(r.name)}**：${said} → ${outcomeLabel(r)}`;
  });
  if (rows.length > MAX_LINES) lines.push(`- …另有 ${rows.length - MAX_LINES} 人，见 CSV`);
  return lines.join('\n');
}
