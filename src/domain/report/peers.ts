import { winRateOf, type PersonFacts } from './facts.js';
import type { ReportSettings } from './types.js';

/**
 * Company-wide reference figures each rep is compared with. Stored with a report run, so a report opened
 * later (a manager's button) or resumed after a crash is compared with exactly the same figures.
 */
export interface PeerStats {
  people: number;
  /** Median of counted activities this quarter so far, over everyone in the report. */
  medianCounted: number;
  /** Median win rate (won ÷ closed opportunities) over reps with at least `minClosedForWinRate` closed; null if none. */
  medianWinRate: number | null;
  /** Reps in that group. */
  winRatePeers: number;
  /** The top quarter of that group by win rate (at least one rep), pooled. */
  topWinners: { people: number; winRate: number | null; dimRates: Record<string, number | null> };
  /** Everyone's visits pooled. */
  dimRates: Record<string, number | null>;
  /** Median of new opportunities entered this quarter so far, over everyone in the report. */
  medianOpened: number;
  /** Median average won deal size over reps with a won deal; null if nobody won. */
  medianAvgDealCny: number | null;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function pooledDimRates(group: readonly PersonFacts[], settings: Pick<ReportSettings, 'dimensions'>): Record<string, number | null> {
  const visits = group.reduce((s, f) => s + f.visits, 0);
  return Object.fromEntries(
    settings.dimensions.map((d) => [d.key, visits > 0 ? group.reduce((s, f) => s + (f.dimHits.get(d.key) ?? 0), 0) / visits : null]),
  );
}

export function peerStats(facts: ReadonlyMap<string, PersonFacts>, settings: ReportSettings): PeerStats {
  const all = [...facts.values()];
  const winners = all
    .filter((f) => f.wonDeals + f.lostDeals >= settings.minClosedForWinRate)
    .map((f) => ({ f, rate: winRateOf(f)! }))
    .sort((a, b) => b.rate - a.rate);
  const top = winners.slice(0, Math.max(1, Math.ceil(winners.length / 4))).map((c) => c.f);
  const topClosed = top.reduce((s, f) => s + f.wonDeals + f.lostDeals, 0);
  const withWins = all.filter((f) => f.wonDeals > 0);
  return {
    people: all.length,
    medianCounted: median(all.map((f) => f.countedTotal)),
    medianWinRate: winners.length > 0 ? median(winners.map((c) => c.rate)) : null,
    winRatePeers: winners.length,
    topWinners: {
      people: winners.length > 0 ? top.length : 0,
      winRate: topClosed > 0 ? top.reduce((s, f) => s + f.wonDeals, 0) / topClosed : null,
      dimRates: winners.length > 0 ? pooledDimRates(top, settings) : Object.fromEntries(settings.dimensions.map((d) => [d.key, null])),
    },
    dimRates: pooledDimRates(all, settings),
    medianOpened: median(all.map((f) => f.openedDeals)),
    medianAvgDealCny: withWins.length > 0 ? median(withWins.map((f) => f.signedCny / f.wonDeals)) : null,
  };
}
