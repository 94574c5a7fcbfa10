import type { ActivityCell, ClosedDealCell, NotCountedReasonCell, ReportSettings, WonDealCell } from './types.js';

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
  /** Opportunities closed lost in the quarter up to asOf (won ones are `wonDeals`): win rate = won ÷ (won + lost). */
  lostDeals: number;
  /** Opportunities entered (CRM created / engaged date) in the quarter up to asOf: the pipeline. */
  openedDeals: number;
  /** Not-counted activities of the quarter by reason, grouped by wording with the numbers blanked (see reasonKey). */
  notCountedReasons: Map<string, { example: string; count: number }>;
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
    lostDeals: 0,
    openedDeals: 0,
    notCountedReasons: new Map(),
  };
}

/** Reasons differ in their numbers ("时长 18 分钟 < 30 分钟"); they are grouped by their wording. */
export function reasonKey(reason: string): string {
  return reason.replace(/\d+(\.\d+)?/g, '#');
}

/**
 * Folds grouped rows into facts per person, one row at a time, so the loader can stream ~300k groups
 * (10,000 reps) from the database without holding them. People not given to the constructor are ignored;
 * people without rows get empty facts.
 */
export class FactsFolder {
  private readonly out: Map<string, PersonFacts>;
  // A customer is counted once per person, in the week of its first won deal.
  private readonly firstWeekOfAccount = new Map<string, string | null>();

  constructor(
    personIds: Iterable<string>,
    private readonly settings: Pick<ReportSettings, 'conversionType' | 'dimensions'>,
  ) {
    this.out = new Map([...personIds].map((id) => [id, emptyFacts()]));
  }

  addActivity(a: ActivityCell): void {
    const f = this.out.get(a.personId);
    if (!f) return;
    f.allTotal += a.n;
    if (!a.counted) return;
    f.countedTotal += a.n;
    let w = f.weekly.get(a.isoWeek);
    if (!w) f.weekly.set(a.isoWeek, (w = { counted: 0, byType: new Map<string, number>() }));
    w.counted += a.n;
    w.byType.set(a.type, (w.byType.get(a.type) ?? 0) + a.n);
    if (a.type !== this.settings.conversionType) return;
    f.visits += a.n;
    for (const d of this.settings.dimensions) f.dimHits.set(d.key, (f.dimHits.get(d.key) ?? 0) + (a.dims[d.key] ?? 0));
  }

  addWonDeal(d: WonDealCell): void {
    const f = this.out.get(d.personId);
    if (!f) return;
    f.wonDeals += d.n;
    f.signedCny += d.amountCny;
    if (d.isoWeek) f.signedByWeek.set(d.isoWeek, (f.signedByWeek.get(d.isoWeek) ?? 0) + d.amountCny);
    if (!d.isNewCustomer) return;
    // Deals without an account can't be matched to others, so each of them is its own customer.
    if (d.accountId === null) {
      f.newCustomers += d.n;
      if (d.isoWeek) f.newCustomersByWeek.set(d.isoWeek, (f.newCustomersByWeek.get(d.isoWeek) ?? 0) + d.n);
      return;
    }
    const key = `${d.personId}\u0000${d.accountId}`;
    const seen = this.firstWeekOfAccount.get(key);
    if (seen === undefined || (d.isoWeek !== null && (seen === null || d.isoWeek < seen))) this.firstWeekOfAccount.set(key, d.isoWeek);
  }

  /** Closed-lost opportunities and opportunities entered in the quarter (the loader groups them per person). */
  addClosedDeals(c: ClosedDealCell): void {
    const f = this.out.get(c.personId);
    if (!f) return;
    f.lostDeals += c.lost;
    f.openedDeals += c.opened;
  }

  /** Not-counted activities of the quarter with one wording of reason (an activity with two reasons adds to both). */
  addNotCountedReason(r: NotCountedReasonCell): void {
    const f = this.out.get(r.personId);
    if (!f) return;
    const key = reasonKey(r.reason);
    const g = f.notCountedReasons.get(key);
    if (g) g.count += r.n;
    else f.notCountedReasons.set(key, { example: r.reason, count: r.n });
  }

  /** The facts; call once, after every row was added. */
  finish(): Map<string, PersonFacts> {
    for (const [key, week] of this.firstWeekOfAccount) {
      const f = this.out.get(key.split('\u0000')[0]!)!;
      f.newCustomers += 1;
      if (week) f.newCustomersByWeek.set(week, (f.newCustomersByWeek.get(week) ?? 0) + 1);
    }
    this.firstWeekOfAccount.clear();
    return this.out;
  }
}

/** Facts from rows already in memory (tests, small sets). */
export function foldFacts(
  personIds: Iterable<string>,
  activities: Iterable<ActivityCell>,
  wonDeals: Iterable<WonDealCell>,
  settings: Pick<ReportSettings, 'conversionType' | 'dimensions'>,
  more: { closed?: Iterable<ClosedDealCell>; reasons?: Iterable<NotCountedReasonCell> } = {},
): Map<string, PersonFacts> {
  const folder = new FactsFolder(personIds, settings);
  for (const a of activities) folder.addActivity(a);
  for (const d of wonDeals) folder.addWonDeal(d);
  for (const c of more.closed ?? []) folder.addClosedDeals(c);
  for (const r of more.reasons ?? []) folder.addNotCountedReason(r);
  return folder.finish();
}

/** Win rate on opportunities: won ÷ closed (won + lost) in the quarter, or null when none closed. */
export function winRateOf(f: PersonFacts): number | null {
  const closed = f.wonDeals + f.lostDeals;
  return closed > 0 ? f.wonDeals / closed : null;
}

/** Counted visits per won deal (effort per win, shown beside the win rate), or null without a win. */
export function visitsPerWonOf(f: PersonFacts): number | null {
  return f.wonDeals > 0 ? f.visits / f.wonDeals : null;
}

/** Share of counted visits that had the dimension, or null without visits. */
export function dimRateOf(f: PersonFacts, key: string): number | null {
  return f.visits > 0 ? (f.dimHits.get(key) ?? 0) / f.visits : null;
}
