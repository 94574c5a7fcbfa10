/**
 * The Friday report's predictions: the stored `predictions` documents of the quarter (what the model said,
 * written by the week's report pass or the week-N alert through WeeklyPredictions), never a new
 * computation. One query for the people of the slice; per person and metric the latest week at or before
 * the report's week (N whole weeks passed, as predictNow counts).
 */
import type { Models } from '../../adapters/mongo/models/index.js';
import type { ReportPrediction } from '../../domain/report/prediction-lines.js';
import type { ReportQuarter } from '../../domain/report/types.js';
import { wholeWeeks } from '../prediction/predictor.js';

export async function loadStoredPredictions(
  m: Pick<Models, 'Prediction'>,
  quarter: ReportQuarter,
  asOf: Date,
  personIds: readonly string[],
  /** A personId filter that finds them more cheaply (a slice's id range); documents of others are skipped. */
  who?: object,
): Promise<Map<string, ReportPrediction[]>> {
  const out = new Map<string, ReportPrediction[]>();
  if (personIds.length === 0) return out;
  const wanted = who ? new Set(personIds) : undefined;
  const week = wholeWeeks(quarter.start.getTime(), asOf);
  const docs = await m.Prediction.find(
    { quarterId: quarter.id, personId: who ?? { $in: [...personIds] }, week: { $lte: week } },
    { personId: 1, metric: 1, week: 1, probability: 1, modelVersion: 1, target: 1, achieved: 1, paceProjected: 1, factors: 1 },
  )
    .sort({ week: -1 })
    .lean();
  for (const d of docs) {
    if (wanted && !wanted.has(d.personId)) continue;
    const mine = out.get(d.personId) ?? [];
    if (mine.some((p) => p.metric === d.metric)) continue; // sorted latest week first
    out.set(d.personId, mine);
    mine.push({
      metric: d.metric,
      week: d.week,
      probability: d.probability ?? null,
      modelVersion: d.modelVersion ?? null,
      target: d.target,
      achieved: d.achieved,
      paceProjected: d.paceProjected,
      factors: (d.factors as Array<{ text?: unknown; advice?: unknown }>).map((f) => ({
        text: String(f.text ?? ''),
        ...(typeof f.advice === 'string' ? { advice: f.advice } : {}),
      })),
    });
  }
  return out;
}
