import { conversionOf, dimRateOf, type PersonFacts } from './facts.js';
import { pct } from './format.js';
import type { PeerStats } from './peers.js';
import type { MetricProgress } from './progress.js';
import type { NotCountedActivity, ReportSettings } from './types.js';

export interface InsightInput {
  facts: PersonFacts;
  progress: readonly MetricProgress[];
  peers: PeerStats;
  settings: ReportSettings;
  /** Display name of the conversion activity type, e.g. "拜访". */
  visitName: string;
  thisWeekCounted: number;
  notCountedThisWeek: readonly NotCountedActivity[];
}

/** Reasons differ in their numbers ("时长 18 分钟 < 30 分钟"); group them by their wording. */
export function topReason(items: readonly NotCountedActivity[]): { example: string; count: number } | undefined {
  const groups = new Map<string, { example: string; count: number }>();
  for (const a of items) {
    for (const r of a.reasons) {
      const key = r.replace(/\d+(\.\d+)?/g, '#');
      const g = groups.get(key) ?? { example: r, count: 0 };
      g.count++;
      groups.set(key, g);
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count)[0];
}

/** "转化率前 25% 的 3 位同事方案定制率 68%，你 8%", when there is a dimension where the rep lags them. */
function dimensionContrast(i: InsightInput): string | undefined {
  if (i.peers.topConverters.people === 0) return undefined;
  for (const d of i.settings.dimensions) {
    const top = i.peers.topConverters.dimRates[d.key];
    const mine = dimRateOf(i.facts, d.key);
    if (top === null || top === undefined || mine === null || top - mine < 0.1) continue;
    return `转化率前 25% 的 ${i.peers.topConverters.people} 位同事${d.name} ${pct(top)}，你 ${pct(mine)}`;
  }
  return undefined;
}

/**
 * One short, specific line: the most important thing this rep (and their manager) should look at, built
 * from their numbers against everyone's. Rules are tried in order; the first that applies wins.
 */
export function insightLine(i: InsightInput): string {
  const { facts: f, peers, settings } = i;
  const enoughVisits = f.visits >= settings.minVisitsForConversion;
  const behind = i.progress.find((p) => p.status === 'behind');
  const contrast = dimensionContrast(i);
  const mine = conversionOf(f);

  if (enoughVisits && f.wonDeals === 0) {
    return `${i.visitName} ${f.visits} 次但无成交：${contrast ?? `全员转化率中位数 ${pct(peers.medianConversion ?? 0)}，复盘卡在哪一步`}`;
  }
  if (enoughVisits && mine !== null && peers.medianConversion && mine < peers.medianConversion / 2) {
    return `转化率 ${pct(mine)}，不到全员中位数 ${pct(peers.medianConversion)} 的一半${contrast ? `；${contrast}` : ''}`;
  }
  if (behind && f.countedTotal < peers.medianCounted) {
    return `${behind.name}落后进度 ${pct(1 - behind.paceRatio!)}，本季有效活动 ${f.countedTotal} 次低于全员中位数 ${peers.medianCounted} 次：先把活动量补上`;
  }
  const weekTotal = i.thisWeekCounted + i.notCountedThisWeek.length;
  const reason = topReason(i.notCountedThisWeek);
  if (reason && i.notCountedThisWeek.length >= 3 && i.notCountedThisWeek.length / weekTotal >= 0.3) {
    return `本周 ${i.notCountedThisWeek.length} 次活动未计入，最常见的原因：${reason.example}（${reason.count} 次）`;
  }
  if (behind) {
    return `${behind.name}落后进度 ${pct(1 - behind.paceRatio!)}，活动量不低于全员中位数：重点看在谈的商机能否本季成交`;
  }
  if (i.thisWeekCounted === 0) return '本周没有有效活动：如有拜访或电话，请确认已打卡或录入 CRM';
  const ahead = i.progress.find((p) => p.status === 'ahead');
  if (ahead) return `${ahead.name}领先进度 ${pct(ahead.paceRatio! - 1)}：保持节奏`;
  return '各项接近进度，保持节奏';
}
