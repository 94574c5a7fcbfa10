/**
 * The pack's numbers as a CSV the manager can keep: one row per rep, every figure the pack shows, UTF-8
 * with a BOM so Excel opens the Chinese headers correctly. Values are the person-quarter figures as they
 * are (rates as percentages with one decimal); nothing is recomputed here.
 */
import type { PersonQuarterFigures } from '../figures/person-figures.js';
import type { Attribution } from './attribution.js';
import { outcomeLabel, predictedLabel, type PredictedVsActual } from './predicted-vs-actual.js';

const BOM = '\uFEFF';
const LINK_ZH = { goal: '目标', activity: '活动', conversion: '转化', pipeline: '商机' } as const;

const rate = (x: number | null | undefined) => (x === null || x === undefined ? '' : (Math.round(x * 1000) / 10).toFixed(1) + '%');
const num = (x: number | null | undefined, digits = 0) => (x === null || x === undefined ? '' : digits ? (Math.round(x * 10 ** digits) / 10 ** digits).toFixed(digits) : String(Math.round(x)));

/** RFC 4180 quoting, and a leading ' before = + - @ so a name can't become a spreadsheet formula. */
export function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function packCsv(
  team: readonly PersonQuarterFigures[],
  attributions: readonly Attribution[],
  overallRank: ReadonlyMap<string, number>,
  predicted?: { week: number; rows: readonly PredictedVsActual[] },
): string {
  const pred = new Map((predicted?.rows ?? []).map((r) => [r.personId, r]));
  const dims = team[0]?.dimensions ?? [];
  const metricCols = (team[0]?.metrics ?? []).filter((m) => m.unit !== 'percent');
  const header = [
    '综合排名', '姓名', 'userid',
    ...metricCols.flatMap((m) => [`${m.name}${m.unit === 'cny' ? '（元）' : ''}`, `${m.name}目标`, `${m.name}达成率`]),
    '有效活动', '全部活动', '未计入', '未计入占比', '有效拜访', '有效拜访/工作周', '赢单', '输单', '赢单率', '每单拜访数', '平均成交额（元）', '新建商机', '健康分',
    ...dims.map((d) => d.name),
    '断点环节', '归因说明',
    ...(predicted ? [`第${predicted.week}周预测达成概率`, `第${predicted.week}周预测 vs 实际`] : []),
  ];
  const byId = new Map(attributions.map((a) => [a.personId, a]));
  const rows = [...team]
    .sort((a, b) => (overallRank.get(a.personId) ?? 1e9) - (overallRank.get(b.personId) ?? 1e9) || a.personId.localeCompare(b.personId))
    .map((f) => {
      const a = byId.get(f.personId);
      return [
        String(overallRank.get(f.personId) ?? ''), f.name, f.personId,
        ...metricCols.flatMap((c) => {
          const m = f.metrics.find((x) => x.key === c.key);
          return [num(m?.actual), m?.target === null || m?.target === undefined ? '未设目标' : num(m.target), rate(m?.attainment)];
        }),
        num(f.activity.counted), num(f.activity.all), num(f.notCounted.total), rate(f.notCounted.share), num(f.activity.visits), num(f.activity.visitsPerWorkingWeek, 2),
        num(f.winRate.won), num(f.winRate.lost), rate(f.winRate.rate), num(f.visitsPerWon, 1), num(f.avgWonDealCny), num(f.pipeline.opened), num(f.health.score),
        ...dims.map((d) => rate(f.dimensions.find((x) => x.key === d.key)?.rate)),
        a?.trailing && a.primary ? LINK_ZH[a.primary.link] : '',
        a?.trailing ? a.sentence.zh : '',
        ...(predicted ? predictionCells(pred.get(f.personId)) : []),
      ];
    });
  return BOM + [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The stored week-N probability (a number, or 历史数据不足 / 无预测) and the outcome beside it. */
function predictionCells(r: PredictedVsActual | undefined): string[] {
  if (!r) return ['无预测', ''];
  const p = r.predicted.kind === 'model' ? rate(r.predicted.probability) : predictedLabel(r);
  return [p, `${predictedLabel(r)} → ${outcomeLabel(r)}`];
}
