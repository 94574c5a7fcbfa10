/**
 * The contrasts worth discussing in the review: pairs of reps with similar effort (counted visits per
 * working week within ±20 % of the larger) and very different win rates (≥ 1.5×), each with the tracked
 * dimension that differs most between them — the source case's A (many visits, 21 %) and B (fewer
 * visits, 39 %, tailored proposals). Pure; formats nothing. Method: docs/outcome-chain.md.
 */
import type { PersonQuarterFigures } from '../figures/person-figures.js';

export const CONTRAST_RULES = {
  /** |a − b| ≤ this share of the larger visits-per-week figure. */
  effortTolerance: 0.2,
  /** Higher win rate ÷ lower at least this (a lower rate of 0 with a positive higher one qualifies). */
  winRateRatio: 1.5,
  /** Both reps need at least this many closed opportunities for their win rate to mean something. */
  minClosed: 3,
  /** At most this many pairs are listed (largest win-rate ratio first; each rep in one pair at most). */
  maxPairs: 5,
  /** A dimension is named only when the two differ on it by at least this (absolute rate). */
  minDimensionGap: 0.1,
} as const;

export interface Contrast {
  /** The rep with the higher win rate. */
  high: { personId: string; name: string; visitsPerWeek: number; winRate: number };
  low: { personId: string; name: string; visitsPerWeek: number; winRate: number };
  /** high ÷ low (Infinity when low is 0). */
  ratio: number;
  /** The tracked dimension with the largest gap between the two, or null without comparable ones. */
  dimension: { key: string; name: string; high: number; low: number } | null;
}

export function findContrasts(team: readonly PersonQuarterFigures[], rules = CONTRAST_RULES): Contrast[] {
  const eligible = team.filter((f) => f.winRate.rate !== null && f.winRate.closed >= rules.minClosed && (f.activity.visitsPerWorkingWeek ?? 0) > 0);
  const out: Contrast[] = [];
  for (let i = 0; i < eligible.length; i++) {
    for (let j = i + 1; j < eligible.length; j++) {
      const a = eligible[i]!;
      const b = eligible[j]!;
      const va = a.activity.visitsPerWorkingWeek!;
      const vb = b.activity.visitsPerWorkingWeek!;
      if (Math.abs(va - vb) > rules.effortTolerance * Math.max(va, vb)) continue;
      const [hi, lo] = a.winRate.rate! >= b.winRate.rate! ? [a, b] : [b, a];
      const ratio = lo.winRate.rate! === 0 ? (hi.winRate.rate! > 0 ? Number.POSITIVE_INFINITY : 1) : hi.winRate.rate! / lo.winRate.rate!;
      if (ratio < rules.winRateRatio) continue;
      out.push({ high: side(hi), low: side(lo), ratio, dimension: widestDimension(hi, lo, rules.minDimensionGap) });
    }
  }
  // Each rep in one pair at most: five pairs about five different people say more than one rep five times.
  const used = new Set<string>();
  const picked: Contrast[] = [];
  for (const c of out.sort((x, y) => y.ratio - x.ratio || x.high.personId.localeCompare(y.high.personId) || x.low.personId.localeCompare(y.low.personId))) {
    if (used.has(c.high.personId) || used.has(c.low.personId)) continue;
    used.add(c.high.personId);
    used.add(c.low.personId);
    picked.push(c);
    if (picked.length === rules.maxPairs) break;
  }
  return picked;
}

function side(f: PersonQuarterFigures) {
  return { personId: f.personId, name: f.name, visitsPerWeek: f.activity.visitsPerWorkingWeek!, winRate: f.winRate.rate! };
}

function widestDimension(hi: PersonQuarterFigures, lo: PersonQuarterFigures, minGap: number): Contrast['dimension'] {
  let best: Contrast['dimension'] = null;
  for (const d of hi.dimensions) {
    const other = lo.dimensions.find((x) => x.key === d.key);
    if (d.rate === null || !other || other.rate === null) continue;
    if (!best || Math.abs(d.rate - other.rate) > Math.abs(best.high - best.low)) best = { key: d.key, name: d.name, high: d.rate, low: other.rate };
  }
  return best && Math.abs(best.high - best.low) >= minGap ? best : null;
}
