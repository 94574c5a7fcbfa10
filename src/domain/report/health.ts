import { winRateOf, type PersonFacts } from './facts.js';
import { metricValue, pct } from './format.js';
import type { PeerStats } from './peers.js';
import type { MetricProgress } from './progress.js';
import type { ReportSettings, ScoreKey } from './types.js';

export type HealthLevel = 'healthy' | 'watch' | 'risk';

/** One part of the health score, with the numbers it came from, so a rep can recompute it by hand. */
export interface ScoreComponent {
  key: ScoreKey;
  name: string;
  /** Configured weight (0..1). */
  weight: number;
  /** Weight after leaving out components that could not be computed; these sum to 1. */
  effectiveWeight: number;
  /** 0..1, or null when there is nothing to compute it from. */
  value: number | null;
  /** Points this part adds to the score: effectiveWeight × value × 100. */
  points: number;
  explain: string;
}

/** Points taken off after the components, each named on the card (e.g. a misaligned goal). */
export interface ScoreDeduction {
  code: 'misaligned';
  points: number;
  explain: string;
}

export interface HealthScore {
  /** 0..100: the rounded sum of the components' points, minus the deductions. */
  score: number;
  level: HealthLevel;
  components: ScoreComponent[];
  deductions: ScoreDeduction[];
  /** Why the level is held below healthy whatever the score (no goal, misaligned goal); null when it isn't. */
  cappedBy: 'no-goal' | 'misaligned' | null;
}

/** Whether the person has a goal with targets and whether its direction is aligned (see goals/alignment-tree). */
export interface GoalStanding {
  state: 'none' | 'aligned' | 'misaligned';
  /** The red findings' text, for the deduction's explanation. */
  reasons: readonly string[];
}

const NAMES: Record<ScoreKey, string> = { progress: '目标进度', activity: '活动量', validity: '活动有效率', conversion: '赢单率' };

type Part = { value: number | null; explain: string };

function progressPart(progress: readonly MetricProgress[], goal: GoalStanding): Part {
  // No goal is not "nothing to measure": progress towards no target is 0, so the score can't look healthy.
  if (goal.state === 'none') return { value: 0, explain: '未设目标，目标进度记 0' };
  const measured = progress.filter((p) => p.paceRatio !== null);
  if (measured.length === 0) return { value: null, explain: '没有已设目标且有数据的指标，不计入' };
  const ratios = measured.map((p) => Math.min(1, p.paceRatio!));
  const value = ratios.reduce((s, r) => s + r, 0) / ratios.length;
  const parts = measured.map((p, i) => `${p.name} ${metricValue(p.actual!, p.unit)}/应达 ${metricValue(p.expected!, p.unit)}=${pct(ratios[i]!)}`);
  return { value, explain: `${parts.join('；')}${measured.length > 1 ? '，取平均' : ''}（每项最高 100%）` };
}

function activityPart(f: PersonFacts, peers: PeerStats): Part {
  if (peers.medianCounted <= 0) return { value: null, explain: '全员本季尚无有效活动，不计入' };
  const value = Math.min(1, f.countedTotal / peers.medianCounted);
  return { value, explain: `本季有效活动 ${f.countedTotal} 次 / 全员中位数 ${peers.medianCounted} 次=${pct(value)}（最高 100%）` };
}

function validityPart(f: PersonFacts): Part {
  if (f.allTotal === 0) return { value: null, explain: '本季没有活动记录，不计入' };
  const value = f.countedTotal / f.allTotal;
  return { value, explain: `计入 ${f.countedTotal} / 全部 ${f.allTotal} 次=${pct(value)}` };
}

function conversionPart(f: PersonFacts, peers: PeerStats, settings: ReportSettings): Part {
  const mine = winRateOf(f);
  const closed = f.wonDeals + f.lostDeals;
  if (mine === null || closed < settings.minClosedForWinRate) {
    return { value: null, explain: `本季结单（赢+输）少于 ${settings.minClosedForWinRate} 个，不计入` };
  }
  if (!peers.medianWinRate) return { value: null, explain: '全员赢单率中位数为 0，无法比较，不计入' };
  const value = Math.min(1, mine / peers.medianWinRate);
  return {
    value,
    explain: `赢单 ${f.wonDeals} / 结单 ${closed}=${pct(mine)}，全员中位数 ${pct(peers.medianWinRate)}，比值 ${pct(value)}（最高 100%）`,
  };
}

export function levelOf(score: number, settings: Pick<ReportSettings, 'thresholds'>): HealthLevel {
  if (score >= settings.thresholds.healthy) return 'healthy';
  return score >= settings.thresholds.watch ? 'watch' : 'risk';
}

/**
 * Health score = Σ weightᵢ × valueᵢ × 100 over the components that can be computed, weights renormalized
 * over those. Every component is capped at 100 %, so being far ahead on one part can't hide another.
 */
export function healthScore(
  progress: readonly MetricProgress[],
  f: PersonFacts,
  peers: PeerStats,
  settings: ReportSettings,
  goal: GoalStanding,
): HealthScore {
  const parts: Record<ScoreKey, Part> = {
    progress: progressPart(progress, goal),
    activity: activityPart(f, peers),
    validity: validityPart(f),
    conversion: conversionPart(f, peers, settings),
  };
  const keys = Object.keys(parts) as ScoreKey[];
  const available = keys.filter((k) => parts[k].value !== null).reduce((s, k) => s + settings.weights[k], 0);
  const components = keys.map((k): ScoreComponent => {
    const { value, explain } = parts[k];
    const effectiveWeight = value === null || available === 0 ? 0 : settings.weights[k] / available;
    return { key: k, name: NAMES[k], weight: settings.weights[k], effectiveWeight, value, points: effectiveWeight * (value ?? 0) * 100, explain };
  });
  const deductions: ScoreDeduction[] =
    goal.state === 'misaligned'
      ? [{ code: 'misaligned', points: settings.misalignedPenalty, explain: `目标方向与上级不一致：${goal.reasons.join('；') || '见目标卡片'}` }]
      : [];
  const raw = available === 0 ? 0 : Math.round(components.reduce((s, c) => s + c.points, 0));
  const score = Math.max(0, raw - deductions.reduce((s, d) => s + d.points, 0));
  // Without a goal, or with a misaligned one, a person is at best "watch" however active they are.
  const cappedBy = goal.state === 'none' ? 'no-goal' : goal.state === 'misaligned' ? 'misaligned' : null;
  const level = levelOf(score, settings);
  return { score, level: cappedBy && level === 'healthy' ? 'watch' : level, components, deductions, cappedBy };
}
