import { conversionOf, type PersonFacts } from './facts.js';
import type { ReportSettings } from './types.js';

/**
 * Company-wide reference figures each rep is compared with. Stored with a report run, so a report opened
 * later (a manager's button) or resumed after a crash is compared with exactly the same figures.
 */
export interface PeerStats {
  people: number;
  /** Median of counted activities this quarter so far, over everyone in the report. */
  medianCounted: number;
  /** Median conversion over reps with at least `minVisitsForConversion` counted visits; null if none. */
  medianConversion: number | null;
  /** Reps in that group. */
  conversionPeers: number;
  /** The top quarter of that group by conversion (at least one rep), pooled. */
  topConverters: { people: number; conversion: number | null; dimRates: Record<string, number | null> };
  /** Everyone's visits pooled. */
  dimRates: Record<string, number | null>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function pooledDimRates(group: readonly PersonFacts[], settings: ReportSettings): Record<string, number | null> {
  const visits = group.reduce((s, f) => s + f.visits, 0);
  return Object.fromEntries(
    settings.dimensions.map((d) => [d.key, visits > 0 ? group.reduce((s, f) => s + (f.dimHits.get(d.key) ?? 0), 0) / visits : null]),
  );
}

export function peerStats(facts: ReadonlyMap<string, PersonFacts>, settings: ReportSettings): PeerStats {
  const all = [...facts.values()];
  const converters = all
    .filter((f) => f.visits >= settings.minVisitsForConversion)
    .map((f) => ({ f, rate: conversionOf(f)! }))
    .sort((a, b) => b.rate - a.rate);
  const top = converters.slice(0, Math.max(1, Math.ceil(converters.length / 4))).map((c) => c.f);
  const topVisits = top.reduce((s, f) => s + f.visits, 0);
  return {
    people: all.length,
    medianCounted: median(all.map((f) => f.countedTotal)),
    medianConversion: converters.length > 0 ? median(converters.map((c) => c.rate)) : null,
    conversionPeers: converters.length,
    topConverters: {
      people: converters.length > 0 ? top.length : 0,
      conversion: topVisits > 0 ? top.reduce((s, f) => s + f.wonDeals, 0) / topVisits : null,
      dimRates: converters.length > 0 ? pooledDimRates(top, settings) : Object.fromEntries(settings.dimensions.map((d) => [d.key, null])),
    },
    dimRates: pooledDimRates(all, settings),
  };
}
