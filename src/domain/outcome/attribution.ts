/**
 * Deviation attribution: for a rep who missed their target or trails the team, which link of the chain
 * broke — goal, activity, conversion, pipeline — with the numbers behind it, one factual sentence (no blame
 * wording) and ONE lever the data points to. Deterministic: fixed thresholds against the team's medians,
 * links tried in chain order (docs/outcome-chain.md). Pure: person-quarter figures in, findings out. Used
 * by the Friday insight and the pre-review pack alike.
 */
import type { PersonQuarterFigures, ReasonCount } from '../figures/person-figures.js';
import { median } from '../report/peers.js';

export type LinkKey = 'goal' | 'activity' | 'conversion' | 'pipeline';

export type LeverKey =
  | 'set-goal'
  | 'goal-direction'
  | 'goal-size'
  | 'visit-length'
  | 'check-ins'
  | 'check-in-location'
  | 'activity'
  | 'tailoring'
  | 'deal-size'
  | 'win-rate'
  | 'pipeline'
  | 'keep-going';

export interface Bilingual {
  zh: string;
  en: string;
}

export interface LinkFinding {
  link: LinkKey;
  /** Why this link counts as broken, machine-readable. */
  code:
    | 'no-goal'
    | 'misaligned'
    | 'target-above-history'
    | 'target-above-team'
    | 'activity-below-team'
    | 'much-not-counted'
    | 'low-win-rate'
    | 'small-deals'
    | 'few-opportunities';
  /** The numbers behind it: the rep's value and the team's reference (median unless named otherwise). */
  numbers: Record<string, number | null>;
  sentence: Bilingual;
}

export interface Lever {
  key: LeverKey;
  text: Bilingual;
}

export interface Attribution {
  personId: string;
  name: string;
  /** Missed (behind pace on the first metric with a target) or below the team's median attainment / no goal. */
  trailing: boolean;
  /** Every broken link, in chain order; the first is the one the sentence and lever speak about. */
  links: LinkFinding[];
  primary: LinkFinding | null;
  /** One factual sentence: the primary link's, or a plain "on track" line. */
  sentence: Bilingual;
  lever: Lever;
}

/** Thresholds of the method (written down in docs/outcome-chain.md). */
export const ATTRIBUTION_RULES = {
  /** A target above this multiple of the rep's own history or of the team's median target is far above. */
  targetAboveRatio: 1.5,
  /** Counted activity below this share of the team median: activity link. */
  activityBelowShare: 0.8,
  /** Not-counted share at or above this (and at least `notCountedMin` activities): activity link. */
  notCountedShare: 0.3,
  notCountedMin: 3,
  /** Win rate below this share of the team median (with `minClosed` closed): conversion link. */
  winRateBelowShare: 0.75,
  minClosed: 3,
  /** Average won deal below this share of the team median: conversion link (small deals). */
  dealSizeBelowShare: 0.6,
  /** New opportunities below this share of the team median: pipeline link. */
  pipelineBelowShare: 0.6,
  /** A tracked dimension at least this far (absolute) below the top winners': tailoring lever. */
  dimensionGap: 0.1,
} as const;

export interface TeamReference {
  medianCounted: number;
  medianWinRate: number | null;
  medianAvgDealCny: number | null;
  medianOpened: number;
  medianAttainment: number | null;
  /** Median target of the first cny metric among those who set one. */
  medianTarget: number | null;
  /** Pooled dimension rates of the team's top quarter by win rate. */
  topDimRates: Record<string, number | null>;
}

/** Optional history per rep: what they actually signed in past quarters (feat/predict loads these). */
export interface RepHistory {
  /** Mean signed amount over the past quarters known, or null. */
  avgSignedCny: number | null;
}

const mainMetric = (f: PersonQuarterFigures) => f.metrics.find((m) => m.target !== null && m.unit !== 'percent') ?? null;
const moneyTarget = (f: PersonQuarterFigures) => f.metrics.find((m) => m.unit === 'cny')?.target ?? null;

export function teamReference(team: readonly PersonQuarterFigures[]): TeamReference {
  const closed = team.filter((f) => f.winRate.closed >= ATTRIBUTION_RULES.minClosed && f.winRate.rate !== null);
  const winners = team.filter((f) => f.winRate.won > 0 && f.avgWonDealCny !== null);
  const attained = team.map((f) => mainMetric(f)?.attainment).filter((x): x is number => x !== null && x !== undefined);
  const targets = team.map(moneyTarget).filter((x): x is number => x !== null);
  // Top quarter by win rate, pooled per dimension (visits with it ÷ visits).
  const top = [...closed].sort((a, b) => b.winRate.rate! - a.winRate.rate! || a.personId.localeCompare(b.personId)).slice(0, Math.max(1, Math.ceil(closed.length / 4)));
  const topDimRates: Record<string, number | null> = {};
  for (const d of team[0]?.dimensions ?? []) {
    const visits = top.reduce((s, f) => s + (f.dimensions.find((x) => x.key === d.key)?.visits ?? 0), 0);
    const hits = top.reduce((s, f) => s + (f.dimensions.find((x) => x.key === d.key)?.hits ?? 0), 0);
    topDimRates[d.key] = closed.length > 0 && visits > 0 ? hits / visits : null;
  }
  return {
    medianCounted: median(team.map((f) => f.activity.counted)),
    medianWinRate: closed.length > 0 ? median(closed.map((f) => f.winRate.rate!)) : null,
    medianAvgDealCny: winners.length > 0 ? median(winners.map((f) => f.avgWonDealCny!)) : null,
    medianOpened: median(team.map((f) => f.pipeline.opened)),
    medianAttainment: attained.length > 0 ? median(attained) : null,
    medianTarget: targets.length > 0 ? median(targets) : null,
    topDimRates,
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
const wan = (cny: number) => (cny >= 10_000 ? `${Math.round(cny / 1000) / 10}万` : `${Math.round(cny)}`);
const en = (cny: number) => `CNY ${Math.round(cny).toLocaleString('en-US')}`;
const num1 = (x: number) => `${Math.round(x * 10) / 10}`;

/** Whether the rep missed or trails: behind pace, below the team's median attainment, or without a goal. */
export function isTrailing(f: PersonQuarterFigures, ref: TeamReference): boolean {
  if (f.goal.state === 'none') return true;
  const m = mainMetric(f);
  if (!m) return true;
  if (m.status === 'behind') return true;
  return ref.medianAttainment !== null && m.attainment !== null && m.attainment < ref.medianAttainment;
}

function goalLink(f: PersonQuarterFigures, ref: TeamReference, history: RepHistory | undefined): LinkFinding | null {
  if (f.goal.state === 'none') {
    return {
      link: 'goal',
      code: 'no-goal',
      numbers: {},
      sentence: { zh: `目标环节：${f.name} 本季未设目标，进度无从衡量。`, en: `Goal link: ${f.name} has no goal this quarter, so progress can't be measured.` },
    };
  }
  if (f.goal.state === 'misaligned') {
    const reds = (f.goal.alignment?.findings ?? []).filter((x) => x.severity === 'red');
    return {
      link: 'goal',
      code: 'misaligned',
      numbers: { redFindings: reds.length },
      sentence: {
        zh: `目标环节：目标方向与上级不一致（${reds.map((x) => x.message.zh).join('；')}）。`,
        en: `Goal link: the goal's direction differs from the manager's (${reds.map((x) => x.message.en).join('; ')}).`,
      },
    };
  }
  const target = moneyTarget(f);
  const r = ATTRIBUTION_RULES.targetAboveRatio;
  if (target !== null && history?.avgSignedCny && target > r * history.avgSignedCny) {
    return {
      link: 'goal',
      code: 'target-above-history',
      numbers: { target, historyAvg: history.avgSignedCny, ratio: target / history.avgSignedCny },
      sentence: {
        zh: `目标环节：签约目标 ${wan(target)} 是本人往季平均签约 ${wan(history.avgSignedCny)} 的 ${num1(target / history.avgSignedCny)} 倍。`,
        en: `Goal link: the target ${en(target)} is ${num1(target / history.avgSignedCny)}× the rep's past quarterly average of ${en(history.avgSignedCny)}.`,
      },
    };
  }
  if (target !== null && ref.medianTarget && target > r * ref.medianTarget) {
    return {
      link: 'goal',
      code: 'target-above-team',
      numbers: { target, teamMedian: ref.medianTarget, ratio: target / ref.medianTarget },
      sentence: {
        zh: `目标环节：签约目标 ${wan(target)} 是团队中位目标 ${wan(ref.medianTarget)} 的 ${num1(target / ref.medianTarget)} 倍。`,
        en: `Goal link: the target ${en(target)} is ${num1(target / ref.medianTarget)}× the team's median target of ${en(ref.medianTarget)}.`,
      },
    };
  }
  return null;
}

function reasonText(r: ReasonCount): Bilingual {
  return { zh: `「${r.example}」（${r.count} 次）`, en: `"${r.example}" (${r.count})` };
}

function activityLink(f: PersonQuarterFigures, ref: TeamReference): LinkFinding | null {
  const a = f.activity;
  const nc = f.notCounted;
  const top = nc.topReasons[0];
  const much = nc.total >= ATTRIBUTION_RULES.notCountedMin && nc.share !== null && nc.share >= ATTRIBUTION_RULES.notCountedShare;
  const numbers = { counted: a.counted, teamMedianCounted: ref.medianCounted, notCounted: nc.total, notCountedShare: nc.share };
  if (much) {
    return {
      link: 'activity',
      code: 'much-not-counted',
      numbers,
      sentence: {
        zh: `活动环节：本季 ${a.all} 次活动中 ${nc.total} 次（${pct(nc.share!)}）未计入${top ? `，最常见原因${reasonText(top).zh}` : ''}；计入 ${a.counted} 次，团队中位数 ${num1(ref.medianCounted)} 次。`,
        en: `Activity link: ${nc.total} of ${a.all} activities (${pct(nc.share!)}) did not count${top ? `, most often ${reasonText(top).en}` : ''}; ${a.counted} counted, team median ${num1(ref.medianCounted)}.`,
      },
    };
  }
  if (ref.medianCounted > 0 && a.counted < ATTRIBUTION_RULES.activityBelowShare * ref.medianCounted) {
    return {
      link: 'activity',
      code: 'activity-below-team',
      numbers,
      sentence: {
        zh: `活动环节：本季有效活动 ${a.counted} 次，为团队中位数 ${num1(ref.medianCounted)} 次的 ${pct(a.counted / ref.medianCounted)}。`,
        en: `Activity link: ${a.counted} counted activities this quarter, ${pct(a.counted / ref.medianCounted)} of the team median of ${num1(ref.medianCounted)}.`,
      },
    };
  }
  return null;
}

function conversionLink(f: PersonQuarterFigures, ref: TeamReference): LinkFinding | null {
  const w = f.winRate;
  if (w.closed >= ATTRIBUTION_RULES.minClosed && w.rate !== null && ref.medianWinRate && w.rate < ATTRIBUTION_RULES.winRateBelowShare * ref.medianWinRate) {
    return {
      link: 'conversion',
      code: 'low-win-rate',
      numbers: { won: w.won, closed: w.closed, winRate: w.rate, teamMedianWinRate: ref.medianWinRate, visitsPerWon: f.visitsPerWon },
      sentence: {
        zh: `转化环节：活动量达到团队水平，赢单率 ${pct(w.rate)}（赢 ${w.won} / 结单 ${w.closed}），团队中位数 ${pct(ref.medianWinRate)}。`,
        en: `Conversion link: activity is at team level; win rate ${pct(w.rate)} (${w.won} won of ${w.closed} closed), team median ${pct(ref.medianWinRate)}.`,
      },
    };
  }
  if (f.avgWonDealCny !== null && ref.medianAvgDealCny && f.avgWonDealCny < ATTRIBUTION_RULES.dealSizeBelowShare * ref.medianAvgDealCny) {
    return {
      link: 'conversion',
      code: 'small-deals',
      numbers: { avgWonDealCny: f.avgWonDealCny, teamMedianAvgDealCny: ref.medianAvgDealCny, won: w.won },
      sentence: {
        zh: `转化环节：平均成交额 ${wan(f.avgWonDealCny)}（${w.won} 单），团队中位数 ${wan(ref.medianAvgDealCny)}。`,
        en: `Conversion link: average won deal ${en(f.avgWonDealCny)} (${w.won} won), team median ${en(ref.medianAvgDealCny)}.`,
      },
    };
  }
  return null;
}

function pipelineLink(f: PersonQuarterFigures, ref: TeamReference): LinkFinding | null {
  if (ref.medianOpened > 0 && f.pipeline.opened < ATTRIBUTION_RULES.pipelineBelowShare * ref.medianOpened) {
    return {
      link: 'pipeline',
      code: 'few-opportunities',
      numbers: { opened: f.pipeline.opened, teamMedianOpened: ref.medianOpened },
      sentence: {
        zh: `商机环节：本季新建商机 ${f.pipeline.opened} 个，团队中位数 ${num1(ref.medianOpened)} 个。`,
        en: `Pipeline link: ${f.pipeline.opened} new opportunities this quarter, team median ${num1(ref.medianOpened)}.`,
      },
    };
  }
  return null;
}

/** The one lever the primary link points to, with the rep's own numbers. */
export function leverFor(f: PersonQuarterFigures, primary: LinkFinding | null, ref: TeamReference): Lever {
  if (!primary) return { key: 'keep-going', text: { zh: '各环节与团队持平：保持节奏', en: 'Every link is at team level: keep the pace' } };
  switch (primary.code) {
    case 'no-goal':
      return { key: 'set-goal', text: { zh: '先设定本季目标：发送「目标」填写目标卡片', en: 'Set this quarter\'s goal first: send "goal" for the goal card' } };
    case 'misaligned':
      return { key: 'goal-direction', text: { zh: '把主攻行业和重点客户调整到上级方向内，再投入拜访', en: "Move the focus industries and key accounts inside the manager's direction before investing visits" } };
    case 'target-above-history':
    case 'target-above-team':
      return { key: 'goal-size', text: { zh: '与主管核对目标是否可达，并列出支撑目标的商机', en: 'Review with the manager whether the target is reachable, and list the opportunities behind it' } };
    case 'much-not-counted':
    case 'activity-below-team': {
      const top = f.notCounted.topReasons[0];
      if (top && primary.code === 'much-not-counted') {
        if (top.kind === 'duration')
          return { key: 'visit-length', text: { zh: `拜访时长：${top.count} 次因时长不足未计入，每次拜访留足规则要求的时长`, en: `Visit length: ${top.count} visits did not count for being too short; give each visit the time the rule asks` } };
        if (top.kind === 'checkin')
          return { key: 'check-ins', text: { zh: `签到：${top.count} 次因没有签到未计入，拜访时在钉钉签到`, en: `Check-ins: ${top.count} visits did not count without a check-in; check in on DingTalk at each visit` } };
        if (top.kind === 'location')
          return { key: 'check-in-location', text: { zh: `签到位置：${top.count} 次因位置不符未计入，到客户现场再签到`, en: `Check-in place: ${top.count} did not count for the location; check in at the customer's site` } };
      }
      return { key: 'activity', text: { zh: `活动量：本季有效活动 ${f.activity.counted} 次，团队中位数 ${num1(ref.medianCounted)} 次，补足有效拜访`, en: `Activity: ${f.activity.counted} counted this quarter vs team median ${num1(ref.medianCounted)}; add counted visits` } };
    }
    case 'low-win-rate': {
      // The dimension where the rep is furthest below the team's best converters names the lever.
      const gaps = f.dimensions
        .map((d) => ({ d, top: ref.topDimRates[d.key] ?? null }))
        .filter((x) => x.d.rate !== null && x.top !== null && x.top - x.d.rate >= ATTRIBUTION_RULES.dimensionGap)
        .sort((a, b) => b.top! - b.d.rate! - (a.top! - a.d.rate!) || a.d.key.localeCompare(b.d.key));
      const g = gaps[0];
      if (g)
        return {
          key: 'tailoring',
          text: {
            zh: `${g.d.name}：你 ${pct(g.d.rate!)}，团队赢单率前 25% 的同事 ${pct(g.top!)}，拜访前准备定制方案`,
            en: `${g.d.name}: yours ${pct(g.d.rate!)}, the team's top quarter by win rate ${pct(g.top!)}; tailor the proposal before visits`,
          },
        };
      return { key: 'win-rate', text: { zh: '赢单率：逐个复盘本季输掉的商机，找出卡在哪一步', en: 'Win rate: review each opportunity lost this quarter and where it stalled' } };
    }
    case 'small-deals':
      return { key: 'deal-size', text: { zh: '成交额：优先推进金额较大的在谈商机', en: 'Deal size: put the larger open opportunities first' } };
    case 'few-opportunities':
      return { key: 'pipeline', text: { zh: `商机：本季新建 ${f.pipeline.opened} 个，补充新商机（新客户或老客户新需求）`, en: `Pipeline: ${f.pipeline.opened} new this quarter; open new opportunities (new customers or new needs)` } };
  }
}

/** Attribution for one rep against their team's reference figures. */
export function attribute(f: PersonQuarterFigures, ref: TeamReference, history?: RepHistory): Attribution {
  const links = [goalLink(f, ref, history), activityLink(f, ref), conversionLink(f, ref), pipelineLink(f, ref)].filter((x): x is LinkFinding => x !== null);
  const primary = links[0] ?? null;
  return {
    personId: f.personId,
    name: f.name,
    trailing: isTrailing(f, ref),
    links,
    primary,
    sentence: primary?.sentence ?? { zh: `${f.name} 各环节与团队持平。`, en: `${f.name} is at team level on every link.` },
    lever: leverFor(f, primary, ref),
  };
}

/** Attribution for every member of a team (the team is the reference), in the team's order. */
export function attributeTeam(team: readonly PersonQuarterFigures[], history: ReadonlyMap<string, RepHistory> = new Map()): Attribution[] {
  const ref = teamReference(team);
  return team.map((f) => attribute(f, ref, history.get(f.personId)));
}
