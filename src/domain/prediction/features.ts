/**
 * What the system stores about one rep in one quarter, and the features the prediction reads from it as of
 * week N. Pure: the service loads the documents and hands them over in these compact shapes, and the
 * same code computes features for the training quarters and for today, so they can't drift apart.
 *
 * Deals are stored in their latest state, so a past week's pipeline is rebuilt from dates alone: a deal
 * was open at the cut-off if it was opened before it and not closed before it. Stages are not kept
 * historically, so they are not a feature (they would differ between training and today).
 */

export type PredictedMetric = 'signed_amount' | 'new_customers';
export const PREDICTED_METRICS: readonly PredictedMetric[] = ['signed_amount', 'new_customers'];

export interface CompactActivity {
  /** Start, epoch ms. */
  t: number;
  type: string;
  counted: boolean;
  /** A 签到 merged into its CRM visit: not a visit of its own. */
  merged: boolean;
  /** The tracked dimensions this activity had (dims.<key> === true). */
  dims: readonly string[];
}

export interface CompactDeal {
  /** When it was opened (created / engaged), epoch ms; null when the source did not say. */
  opened: number | null;
  /** Close date (actual when closed, expected when open), epoch ms; null when unknown. */
  close: number | null;
  closed: boolean;
  won: boolean;
  amount: number;
  isNew: boolean;
  /** The customer account, when known: a new customer counts once however many deals it signs. */
  account?: string | null;
}

export interface RepQuarterData {
  personId: string;
  quarterId: string;
  startMs: number;
  endMs: number;
  metric: PredictedMetric;
  target: number;
  /** Last quarter's achieved ÷ target for the same metric, when there was one. */
  lastAttainment: number | null;
  activities: readonly CompactActivity[];
  deals: readonly CompactDeal[];
}

export interface TrackedDimensionRef {
  key: string;
  /** e.g. 方案定制率 */
  name: string;
}

export interface FeatureDef {
  key: string;
  label: { zh: string; en: string };
  /** How a value is shown: a rate as %, a count with its unit. */
  format: 'rate' | 'number' | 'multiple' | 'logRate';
  unit: { zh: string; en: string };
  /** Something the rep can change this quarter (what the advice may point at). */
  actionable: boolean;
}

const WEEK_MS = 7 * 86_400_000;
const DAY_MS = 86_400_000;
/** Win rate so far is shrunk towards this with this many pseudo-deals, so 1 of 1 is not "100 %". */
const WIN_PRIOR = { rate: 0.3, weight: 4 };

export function featureDefs(dimensions: readonly TrackedDimensionRef[]): FeatureDef[] {
  return [
    { key: 'visitsPerWeek', label: { zh: '有效拜访', en: 'Counted visits' }, format: 'number', unit: { zh: '次/周', en: '/week' }, actionable: true },
    { key: 'callsPerWeek', label: { zh: '有效电话', en: 'Counted calls' }, format: 'number', unit: { zh: '次/周', en: '/week' }, actionable: true },
    { key: 'emailsPerWeek', label: { zh: '邮件', en: 'Emails' }, format: 'number', unit: { zh: '封/周', en: '/week' }, actionable: true },
    { key: 'proposalsPerWeek', label: { zh: '方案', en: 'Proposals' }, format: 'number', unit: { zh: '份/周', en: '/week' }, actionable: true },
    { key: 'visitTrend', label: { zh: '近 3 周有效拜访变化', en: 'Counted visits, last 3 weeks vs before' }, format: 'number', unit: { zh: '次/周', en: '/week' }, actionable: true },
    { key: 'notCountedShare', label: { zh: '未计入拜访占比', en: 'Visits not counted' }, format: 'rate', unit: { zh: '', en: '' }, actionable: true },
    // A dimension has only the name HR gave it: English text uses it too (the internal key means nothing to people).
    ...dimensions.map((d): FeatureDef => ({ key: `dim:${d.key}`, label: { zh: d.name, en: d.name }, format: 'rate', unit: { zh: '', en: '' }, actionable: true })),
    { key: 'winRate', label: { zh: '赢单率', en: 'Win rate' }, format: 'rate', unit: { zh: '', en: '' }, actionable: true },
    { key: 'attainmentSoFar', label: { zh: '已完成目标', en: 'Target reached so far' }, format: 'rate', unit: { zh: '', en: '' }, actionable: false },
    { key: 'paceLog', label: { zh: '按节奏推算达成', en: 'Pace projection ÷ target' }, format: 'logRate', unit: { zh: '', en: '' }, actionable: false },
    { key: 'forecastLog', label: { zh: '商机加权预计达成', en: 'Pipeline-weighted forecast ÷ target' }, format: 'logRate', unit: { zh: '', en: '' }, actionable: false },
    { key: 'pipelineCoverage', label: { zh: '在谈商机覆盖剩余目标', en: 'Open pipeline ÷ remaining target' }, format: 'multiple', unit: { zh: '倍', en: '×' }, actionable: true },
    { key: 'openCount', label: { zh: '在谈商机', en: 'Open opportunities' }, format: 'number', unit: { zh: '个', en: '' }, actionable: true },
    { key: 'openAgeDays', label: { zh: '在谈商机平均天数', en: 'Open opportunities, mean age' }, format: 'number', unit: { zh: '天', en: 'days' }, actionable: false },
    { key: 'lastAttainment', label: { zh: '上季度达成', en: 'Last quarter attained' }, format: 'rate', unit: { zh: '', en: '' }, actionable: false },
    { key: 'lastMissing', label: { zh: '无上季度目标', en: 'No target last quarter' }, format: 'number', unit: { zh: '', en: '' }, actionable: false },
  ];
}

/** The cut-off of week N: N whole weeks after the quarter's start, at most its end. */
export function weekCutoff(d: Pick<RepQuarterData, 'startMs' | 'endMs'>, week: number): number {
  return Math.min(d.endMs, d.startMs + week * WEEK_MS);
}

/** Weeks in the quarter (13 for a calendar quarter, fractional at the end). */
export function weeksInQuarter(d: Pick<RepQuarterData, 'startMs' | 'endMs'>): number {
  return (d.endMs - d.startMs) / WEEK_MS;
}

/**
 * Achieved for the metric by `cutoff`: won deals closed in the quarter before it — their amount, or the
 * distinct new-customer accounts among them (as the report counts 新客户数).
 */
export function achievedBy(d: RepQuarterData, cutoff: number): number {
  let v = 0;
  const accounts = new Set<string>();
  for (const x of d.deals) {
    if (!x.won || !x.closed || x.close === null || x.close < d.startMs || x.close >= cutoff) continue;
    if (d.metric === 'signed_amount') v += x.amount;
    else if (x.isNew) {
      if (!x.account) v++;
      else if (!accounts.has(x.account)) (accounts.add(x.account), v++);
    }
  }
  return v;
}

/** Reached the target by quarter end: the label the model learns. */
export function reachedTarget(d: RepQuarterData): boolean {
  return achievedBy(d, d.endMs) >= d.target;
}

/** Feature values as of week N, in featureDefs order; lastAttainment is NaN when unknown (imputed by the model). */
export function featuresAt(d: RepQuarterData, week: number, dimensions: readonly TrackedDimensionRef[]): number[] {
  const cutoff = weekCutoff(d, week);
  const weeks = Math.max(1, (cutoff - d.startMs) / WEEK_MS);
  const recentFrom = cutoff - 3 * WEEK_MS;
  let visits = 0;
  let recentVisits = 0;
  let allVisits = 0;
  let calls = 0;
  let emails = 0;
  let proposals = 0;
  const dimHits = new Map<string, number>();
  for (const a of d.activities) {
    if (a.t < d.startMs || a.t >= cutoff) continue;
    if (a.type === 'visit') {
      if (a.merged) continue;
      allVisits++;
      if (!a.counted) continue;
      visits++;
      if (a.t >= recentFrom) recentVisits++;
      for (const k of a.dims) dimHits.set(k, (dimHits.get(k) ?? 0) + 1);
    } else if (!a.counted) continue;
    else if (a.type === 'call') calls++;
    else if (a.type === 'email') emails++;
    else if (a.type === 'proposal') proposals++;
  }
  const earlierWeeks = weeks - 3;
  const trend = earlierWeeks >= 1 ? recentVisits / 3 - (visits - recentVisits) / earlierWeeks : 0;
  let won = 0;
  let closed = 0;
  let openAmount = 0;
  let openNew = 0;
  let openCount = 0;
  let ageSum = 0;
  for (const x of d.deals) {
    const closedBefore = x.closed && x.close !== null && x.close < cutoff;
    if (closedBefore && x.close! >= d.startMs) {
      closed++;
      if (x.won) won++;
    }
    const openedBefore = x.opened !== null && x.opened < cutoff;
    if (openedBefore && !closedBefore && (x.close === null || x.close >= d.startMs)) {
      openCount++;
      openAmount += x.amount;
      if (x.isNew) openNew++;
      ageSum += (cutoff - x.opened!) / DAY_MS;
    }
  }
  const achieved = achievedBy(d, cutoff);
  const remaining = Math.max(d.target - achieved, d.target * 0.01);
  const open = d.metric === 'signed_amount' ? openAmount : openNew;
  const coverage = open / remaining;
  const winRate = (won + WIN_PRIOR.rate * WIN_PRIOR.weight) / (closed + WIN_PRIOR.weight);
  // A plain sales forecast: signed so far + open pipeline × win rate + the weeks left at this quarter's
  // signing rate from new opportunities (closed per week × win rate × what a won deal has been worth).
  const weeksLeft = Math.max(0, (d.endMs - cutoff) / WEEK_MS);
  const perWon = won > 0 ? achieved / won : 0;
  const forecast = achieved + open * winRate + weeksLeft * (closed / weeks) * winRate * perWon * 0.5;
  return [
    visits / weeks,
    calls / weeks,
    emails / weeks,
    proposals / weeks,
    trend,
    allVisits > 0 ? (allVisits - visits) / allVisits : 0,
    ...dimensions.map((dim) => (visits > 0 ? (dimHits.get(dim.key) ?? 0) / visits : 0)),
    winRate,
    Math.min(3, achieved / d.target),
    Math.log(0.05 + (achieved * weeksInQuarter(d)) / Math.max(1e-9, (cutoff - d.startMs) / WEEK_MS) / d.target),
    Math.log(0.05 + forecast / d.target),
    Math.min(10, coverage),
    openCount,
    openCount > 0 ? ageSum / openCount : 0,
    d.lastAttainment === null ? Number.NaN : Math.min(3, d.lastAttainment),
    d.lastAttainment === null ? 1 : 0,
  ];
}

/** The pace projection: achieved so far × weeks in the quarter ÷ weeks elapsed (what "历史数据不足" shows). */
export function paceProjection(d: RepQuarterData, week: number): { achieved: number; projected: number; ratio: number } {
  const cutoff = weekCutoff(d, week);
  const elapsed = Math.max(1e-9, (cutoff - d.startMs) / WEEK_MS);
  const achieved = achievedBy(d, cutoff);
  const projected = (achieved * weeksInQuarter(d)) / elapsed;
  return { achieved, projected, ratio: projected / d.target };
}

/** The pace baseline's one feature: the projected ÷ target ratio, on a log scale (ratios are skewed). */
export function paceFeature(d: RepQuarterData, week: number): number {
  return Math.log(0.05 + paceProjection(d, week).ratio);
}
