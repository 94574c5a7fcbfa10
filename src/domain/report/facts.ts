import type { ReportDataset, ReportSettings } from './types.js';

/** What one person did and won this quarter up to `asOf`, folded from the grouped rows. */
export interface PersonFacts {
  /** Counted activities per ISO week, in total and by type. */
  weekly: Map<string, { counted: number; byType: Map<string, number> }>;
  countedTotal: number;
  /** Counted + not counted. */
  allTotal: number;
  /** Counted activities of the conversion type (visits). */
  visits: number;
  /** Per tracked dimension: counted visits that had it. */
  dimHits: Map<string, number>;
  wonDeals: number;
  signedCny: number;
  newCustomers: number;
  signedByWeek: Map<string, number>;
  newCustomersByWeek: Map<string, number>;
}

export function emptyFacts(): PersonFacts {
  return {
    weekly: new Map(),
    countedTotal: 0,
    allTotal: 0,
    visits: 0,
    dimHits: new Map(),
    wonDeals: 0,
    signedCny: 0,
    newCustomers: 0,
    signedByWeek: new Map(),
    newCustomersByWeek: new Map(),
  };
}

/** Folds the dataset's grouped rows into facts per person (people without rows get empty facts). */
export function factsByPerson(data: ReportDataset, settings: ReportSettings): Map<string, PersonFacts> {
  const out = new Map<string, PersonFacts>(data.people.map((p) => [p.id, emptyFacts()]));
  const get = (id: string) => out.get(id);

  for (const a of data.activities) {
    const f = get(a.personId);
    if (!f) continue;
    f.allTotal += a.n;
    if (!a.counted) continue;
    f.countedTotal += a.n;
    const w = f.weekly.get(a.isoWeek) ?? { counted: 0, byType: new Map<string, number>() };
    w.counted += a.n;
    w.byType.set(a.type, (w.byType.get(a.type) ?? 0) + a.n);
    f.weekly.set(a.isoWeek, w);
    if (a.type === settings.conversionType) {
      f.visits += a.n;
      for (const d of settings.dimensions) f.dimHits.set(d.key, (f.dimHits.get(d.key) ?? 0) + (a.dims[d.key] ?? 0));
    }
  }

  // A customer is counted once per person, in the week of its first won deal. Deals without an account
  // can't be matched to others, so each of them is its own customer.
  const firstWeekOfAccount = new Map<string, string | null>();
  for (const d of data.wonDeals) {
    const f = get(d.personId);
    if (!f) continue;
    f.wonDeals += d.n;
    f.signedCny += d.amountCny;
    if (d.isoWeek) f.signedByWeek.set(d.isoWeek, (f.signedByWeek.get(d.isoWeek) ?? 0) + d.amountCny);
    if (!d.isNewCustomer) continue;
    if (d.accountId === null) {
      f.newCustomers += d.n;
      if (d.isoWeek) f.newCustomersByWeek.set(d.isoWeek, (f.newCustomersByWeek.get(d.isoWeek) ?? 0) + d.n);
      continue;
    }
    const key = `${d.personId}\u0000${d.accountId}`;
    const seen = firstWeekOfAccount.get(key);
    if (seen === undefined || (d.isoWeek !== null && (seen === null || d.isoWeek < seen))) firstWeekOfAccount.set(key, d.isoWeek);
  }
  for (const [key, week] of firstWeekOfAccount) {
    const f = get(key.split('\u0000')[0]!)!;
    f.newCustomers += 1;
    if (week) f.newCustomersByWeek.set(week, (f.newCustomersByWeek.get(week) ?? 0) + 1);
  }
  return out;
}

/** Won deals per counted visit, or null when there were no visits. */
export function conversionOf(f: PersonFacts): number | null {
  return f.visits > 0 ? f.wonDeals / f.visits : null;
}

/** Share of counted visits that had the dimension, or null without visits. */
export function dimRateOf(f: PersonFacts, key: string): number | null {
  return f.visits > 0 ? (f.dimHits.get(key) ?? 0) / f.visits : null;
}
