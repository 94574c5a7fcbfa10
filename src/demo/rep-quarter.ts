/**
 * One rep's quarter: customer visits (CRM events + DingTalk check-ins), calls, emails, proposals and
 * the deals they lead to. Behaviour comes from the rep's style; outcomes come from outcome-model.ts.
 * Each rep draws from their own seeded stream, so reps can be generated in any order and in chunks.
 */
import type { EvaluationContext } from '../domain/activity/rules/rule-model.js';
import type { DemoCompany, DemoQuarter, DemoRep } from './company.js';
import { DayTable, type DayInfo } from './day-table.js';
import { dealAmountCny, OUTCOME, winProbability, type OpportunityFeatures } from './outcome-model.js';
import { clamp, Rng } from './prng.js';
import type { ActivityShape, DealShape, DealStage } from './shapes.js';
import { STYLES, type Style } from './styles.js';
import { demoEvaluationContext, judge } from './validity.js';
import { BRAND_CHARS, INDUSTRIES, INDUSTRY_PROFILE, KEY_ACCOUNTS, PRODUCTS, type City } from './vocabulary.js';

const MIN = 60_000;
// Shared and frozen: most activities have no extra dimensions and nothing held against them.
const EMPTY_DIMS: Record<string, never> = Object.freeze({});
const NO_REASONS: readonly string[] = Object.freeze([]);
const DAY_MS = 86_400_000;
const DISTRICTS = ['高新区', '经开区', '工业园', '滨江区', '城东', '城西', '新区', '港区'] as const;
const ROADS = ['科技路', '创新大道', '建设路', '人民路', '中山路', '解放路', '长江路', '学院路'] as const;

export interface RepQuarter {
  activities: ActivityShape[];
  deals: DealShape[];
}

interface Account {
  id: string;
  name: string;
  industry: string;
  lat: number;
  lng: number;
  place: string;
  isNew: boolean;
}

export interface Opportunity {
  id: string;
  account: Account;
  visitsNeeded: number;
  visits: number;
  minutes: number;
  tailoredVisits: number;
  lastVisitDay: number;
  createdMs: number;
  firstTailoredMs?: number;
  /** The customer's decision, drawn when it happens (after the last visit, or at quarter end for the rest). */
  decision: { won: boolean; amount: number; decidedMs: number; closeMs: number };
}

type OpenOpportunity = Omit<Opportunity, 'decision'> & { decision?: Opportunity['decision'] };

/** The days a quarter covers, plus two months after it for deals closing later. */
export function dayTableFor(company: DemoCompany, quarter: DemoQuarter = company.currentQuarter): DayTable {
  const q = quarter.quarter;
  const days = Math.ceil((q.endDate.getTime() - q.startDate.getTime()) / DAY_MS) + 62;
  return new DayTable(q.startDate, days, company.timeZone);
}

/**
 * A rep's whole quarter as it will happen: every activity and every opportunity with its timeline. What is
 * stored at a moment is a projection of it (projectRepQuarter), so the quarter seen at week 8 is exactly
 * the first 8 weeks of the finished one, and moving the clock on only adds what happened meanwhile.
 */
export interface RepQuarterTruth {
  rep: DemoRep;
  quarterId: string;
  /** All of the quarter's activities, in time order of generation. */
  activities: ActivityShape[];
  opportunities: Opportunity[];
  table: DayTable;
}

/** The quarter of `rep` as stored at `asOf` (default: the company's `until` for the current quarter, `now` for a past one). */
export function generateRepQuarter(company: DemoCompany, rep: DemoRep, table?: DayTable, quarter: DemoQuarter = company.currentQuarter, asOf?: Date): RepQuarter {
  const truth = repQuarterTruth(company, rep, quarter, table);
  return projectRepQuarter(truth, (asOf ?? (quarter.current ? company.until : company.now)).getTime());
}

export function repQuarterTruth(company: DemoCompany, rep: DemoRep, quarter: DemoQuarter = company.currentQuarter, table: DayTable = dayTableFor(company, quarter)): RepQuarterTruth {
  return new RepQuarterBuilder(company, rep, table, quarter).build();
}

/** Reps who worked in the quarter (joined before its end, not gone before its start). */
export function repsIn(company: DemoCompany, quarter: DemoQuarter): DemoRep[] {
  const start = quarter.quarter.startDate.getTime();
  const end = quarter.quarter.endDate.getTime();
  return [...company.reps, ...company.leavers].filter((r) => (!r.joinedAt || r.joinedAt.getTime() < end) && (!r.leftAt || r.leftAt.getTime() > start));
}

/**
 * Reps' quarters in chunks of `chunkReps` (small chunks die young, which keeps GC cheap), so a 10,000-rep
 * company never sits in memory at once. Default: the current quarter as of the company's `until`.
 */
export function* quarterChunks(company: DemoCompany, chunkReps = 25, quarter: DemoQuarter = company.currentQuarter, asOf?: Date): Generator<RepQuarter & { reps: DemoRep[] }> {
  const table = dayTableFor(company, quarter);
  const all = quarter.current ? company.reps.filter((r) => !r.joinedAt || r.joinedAt < quarter.quarter.endDate) : repsIn(company, quarter);
  for (let i = 0; i < all.length; i += chunkReps) {
    const reps = all.slice(i, i + chunkReps);
    const activities: ActivityShape[] = [];
    const deals: DealShape[] = [];
    for (const rep of reps) {
      const q = generateRepQuarter(company, rep, table, quarter, asOf);
      for (const a of q.activities) activities.push(a);
      for (const d of q.deals) deals.push(d);
    }
    yield { reps, activities, deals };
  }
}

/** What the systems hold at `asOfMs`: activities that started before it, opportunities opened before it in their state then. */
export function projectRepQuarter(t: RepQuarterTruth, asOfMs: number): RepQuarter {
  const activities = t.activities.filter((a) => a.startAt.getTime() < asOfMs);
  const deals: DealShape[] = [];
  for (const opp of t.opportunities) if (opp.createdMs < asOfMs) deals.push(dealAt(t, opp, asOfMs));
  return { activities, deals };
}

function dealAt(t: RepQuarterTruth, opp: Opportunity, asOfMs: number): DealShape {
  const dec = opp.decision;
  let stage: DealStage;
  let closeMs: number;
  let updatedMs: number;
  if (dec.closeMs <= asOfMs) {
    stage = dec.won ? 'Closed Won' : 'Closed Lost';
    closeMs = updatedMs = dec.closeMs;
  } else if (dec.decidedMs <= asOfMs) {
    stage = 'Negotiation/Review';
    closeMs = dec.closeMs;
    updatedMs = dec.decidedMs;
  } else {
    stage = opp.firstTailoredMs !== undefined && opp.firstTailoredMs < asOfMs ? 'Proposal/Price Quote' : 'Needs Analysis';
    // The CRM's expected close date: the real one while it is ahead, else a week out.
    closeMs = Math.max(dec.closeMs, asOfMs + 7 * DAY_MS);
    updatedMs = opp.createdMs;
  }
  const closeDay = t.table.at(closeMs);
  const closed = stage === 'Closed Won' || stage === 'Closed Lost';
  return {
    personId: t.rep.id,
    source: 'salesforce',
    sourceId: opp.id,
    name: `${opp.account.name} - ${PRODUCTS[hashIndex(opp.id, PRODUCTS.length)]}`,
    accountId: opp.account.id,
    accountName: opp.account.name,
    industry: opp.account.industry,
    stage,
    amountCny: dec.amount,
    isWon: stage === 'Closed Won',
    isClosed: closed,
    closeDate: new Date(closeMs),
    openedDate: new Date(opp.createdMs),
    isNewCustomer: opp.account.isNew,
    quarterId: closeDay.quarterId,
    isoWeek: closeDay.isoWeek,
    sourceUpdatedAt: new Date(updatedMs),
  };
}

const contexts = new WeakMap<DemoCompany, EvaluationContext>();
function contextOf(company: DemoCompany): EvaluationContext {
  let c = contexts.get(company);
  if (!c) contexts.set(company, (c = demoEvaluationContext(company.quarter.activityTypes)));
  return c;
}

class RepQuarterBuilder {
  private readonly rng: Rng;
  private readonly style: Style;
  private readonly activities: ActivityShape[] = [];
  private readonly book: Account[] = [];
  private readonly open: OpenOpportunity[] = [];
  private seq = 0;
  private accountSeq = 0;
  private readonly ctx: EvaluationContext;
  private readonly key: string;
  private readonly skill: number;

  constructor(
    private readonly company: DemoCompany,
    private readonly rep: DemoRep,
    private readonly table: DayTable,
    private readonly quarter: DemoQuarter,
  ) {
    // The current quarter keeps its stream names (stream ''), so its output is what it always was per seed.
    this.rng = Rng.derive(company.seed, `quarter:${quarter.stream}${rep.id}`);
    this.style = STYLES[rep.style];
    this.ctx = contextOf(company);
    this.key = `${quarter.stream}${rep.id}`;
    // Skill drifts a little from quarter to quarter (the exemplars stay average).
    this.skill = quarter.current || rep.exemplar ? rep.skill : rep.skill + Rng.derive(company.seed, `skill:${quarter.stream}${rep.id}`).normal(0, 0.12);
  }

  build(): RepQuarterTruth {
    const team = this.company.teams[this.rep.teamIndex]!;
    // The rep's book of accounts is the same every quarter (its own stream); new customers are per quarter.
    const bookRng = Rng.derive(this.company.seed, `book:${this.rep.id}`);
    for (let i = bookRng.int(12, 24), n = 1; i > 0; i--, n++) this.book.push({ ...this.newAccount(false, bookRng), id: `acc-${this.rep.id}-${n}` });
    for (const name of team.keyAccounts.slice(0, bookRng.int(1, 2))) {
      this.book.push({ ...this.newAccount(false, bookRng), id: `ka-${KEY_ACCOUNTS.indexOf(name as (typeof KEY_ACCOUNTS)[number]) + 1}`, name });
    }
    const quarterEnd = this.quarter.quarter.endDate.getTime();
    const fromMs = this.rep.joinedAt?.getTime() ?? -Infinity;
    const toMs = this.rep.leftAt?.getTime() ?? Infinity;
    for (let d = 0; d < this.table.days.length; d++) {
      const day = this.table.days[d]!;
      if (day.startMs >= quarterEnd || day.startMs >= toMs) break;
      if (day.weekday > 5 || day.startMs + DAY_MS <= fromMs) continue;
      this.workday(d, day);
    }
    const opportunities = this.closeOut(quarterEnd);
    return { rep: this.rep, quarterId: this.quarter.quarter._id, activities: this.activities, opportunities, table: this.table };
  }

  private workday(d: number, day: DayInfo): void {
    const r = this.rng;
    let t = 9 * 60 + r.int(0, 45);
    for (let n = r.poisson(this.rep.visitsPerDay); n > 0 && t < 19 * 60; n--) {
      const start = day.startMs + t * MIN;
      const minutes = Math.round(clamp(r.normal(this.style.visitMin.mean, this.style.visitMin.sd), 8, 180));
      this.visit(d, day, start, minutes);
      t += minutes + r.int(15, 50);
    }
    for (let n = r.poisson(this.style.callsPerDay); n > 0; n--) {
      const start = day.startMs + r.int(9 * 60, 18 * 60 + 30) * MIN;
      this.task('call', day, start, r.int(2, 15));
    }
    for (let n = r.poisson(this.style.emailsPerDay); n > 0; n--) {
      const start = day.startMs + r.int(8 * 60 + 30, 20 * 60) * MIN;
      this.task('email', day, start, undefined);
    }
  }

  private visit(d: number, day: DayInfo, start: number, minutes: number): void {
    const r = this.rng;
    const opp = this.opportunityFor(d, start);
    const tailored = r.chance(this.style.tailoredShare);
    if (tailored) {
      // Prepared from the customer's purchase history shortly before the visit (not before 07:30).
      const at = Math.max(day.startMs + 450 * MIN, start - r.int(30, 180) * MIN);
      this.proposal(at, opp, true);
      opp.firstTailoredMs ??= at;
    }
    let inCrm = r.chance(this.style.crmLogShare);
    const checkin = r.chance(this.style.checkinShare);
    if (!inCrm && !checkin) inCrm = true; // a visit nobody recorded leaves no data at all
    const crmGeo = inCrm && r.chance(this.style.crmGeoShare);
    const far = r.chance(0.05);
    const distanceKm = far ? r.range(1.5, 5) : r.range(0.03, 0.3);
    const bearing = r.range(0, 2 * Math.PI);
    const checkinAt = start + r.int(-5, 10) * MIN;
    const showAccountOnCheckin = r.chance(0.7);
    const a = opp.account;
    const key = `${this.key}-${++this.seq}`;
    // As the activity chain stores them: the CRM account's geocoded address is customerLocation; a visit
    // logged from the CRM app at the customer has its own location; a matched 签到 is evidence on the CRM
    // visit and is merged into it (counted once). Verdicts come from the chain's evaluator (validity.ts).
    const customerAt = { lat: a.lat, lng: a.lng };
    const crmId = `EV-${key}`;
    let crmVisit: ActivityShape | undefined;
    if (inCrm) {
      crmVisit = this.activity('visit', 'salesforce', crmId, day, start, a, minutes);
      crmVisit.location = crmGeo ? { lat: a.lat, lng: a.lng, place: a.place } : { place: a.place };
      crmVisit.customerLocation = customerAt;
      crmVisit.dims = { opportunityId: opp.id, proposalCustomized: tailored };
    }
    if (checkin) {
      const dLat = (distanceKm / 111) * Math.cos(bearing);
      const dLng = (distanceKm / (111 * Math.cos((a.lat * Math.PI) / 180))) * Math.sin(bearing);
      const act = this.activity('visit', 'dingtalk_checkin', `CK-${key}`, this.table.at(checkinAt), checkinAt, undefined, undefined);
      // A check-in names the customer in its remark (when the rep typed it), without a CRM account id.
      if (showAccountOnCheckin) act.accountName = a.name;
      act.location = { lat: round6(a.lat + dLat), lng: round6(a.lng + dLng), place: far ? `${a.place}附近` : a.place };
      if (crmVisit) {
        const group = `V-${key}`;
        act.matchGroup = crmVisit.matchGroup = group;
        act.customerLocation = customerAt;
        act.mergedInto = { source: 'salesforce', sourceId: crmId };
        crmVisit.evidence = { checkin: true, checkinCount: 1, location: { lat: act.location.lat!, lng: act.location.lng! } };
      }
      judge(act, this.ctx);
    }
    if (crmVisit) judge(crmVisit, this.ctx);
    opp.visits++;
    opp.minutes += minutes;
    opp.lastVisitDay = d;
    if (tailored) opp.tailoredVisits++;
    if (opp.visits === 1 && !tailored && r.chance(this.style.genericProposalShare)) {
      this.proposal(start + (minutes + r.int(60, 240)) * MIN, opp, false);
    }
    if (opp.visits >= opp.visitsNeeded && !opp.decision) this.decide(opp, d, start + minutes * MIN, 2, 12);
  }

  /** Usually the next visit of an opportunity in progress (not visited in the last day); else a new one. */
  private opportunityFor(d: number, start: number): OpenOpportunity {
    const r = this.rng;
    const candidate = this.open.find((o) => !o.decision && o.visits < o.visitsNeeded && d - o.lastVisitDay >= 2);
    if (candidate && r.chance(0.75)) return candidate;
    const isNew = r.chance(this.style.newCustomerShare);
    const account = isNew ? this.newAccount(true, r) : r.pick(this.book);
    const [lo, hi] = this.style.visitsPerOpportunity;
    const opp: OpenOpportunity = { id: `OP-${this.key}-${this.open.length + 1}`, account, visitsNeeded: r.int(lo, hi), visits: 0, minutes: 0, tailoredVisits: 0, lastVisitDay: d, createdMs: start };
    this.open.push(opp);
    return opp;
  }

  /** The customer decides some days after `decidedMs`; the outcome is drawn now, from the behaviour. */
  private decide(opp: OpenOpportunity, d: number, decidedMs: number, minDays: number, maxDays: number): void {
    const r = this.rng;
    const f = this.features(opp);
    const p = winProbability(f, this.skill, r.normal(0, OUTCOME.noiseSd));
    const won = r.chance(p);
    const amount = dealAmountCny(f, INDUSTRY_PROFILE[opp.account.industry]?.sizeFactor ?? 1, r.normal());
    const closeDay = this.table.days[Math.min(this.table.days.length - 1, d + r.int(minDays, maxDays))]!;
    opp.decision = { won, amount, decidedMs, closeMs: Math.max(decidedMs + DAY_MS, closeDay.startMs + 16 * 60 * MIN) };
  }

  /**
   * The source case's A and B reps: in the order their deals close, a deal is won whenever the expected
   * wins so far (noise-free probability of that opportunity's behaviour, winProbability with skill and
   * noise 0) run half a win ahead of the wins given. Their realised win rate is then the modelled one
   * (A ≈ 21 %, B ≈ 38–39 %) at any point of any quarter, rather than a binomial draw around it, so the
   * demo always shows the case it was built on. Everyone else keeps the random draw.
   */
  private diffuseExemplarOutcomes(opps: Opportunity[]): void {
    let expected = 0;
    let wins = 0;
    for (const opp of [...opps].sort((a, b) => a.decision.closeMs - b.decision.closeMs)) {
      expected += winProbability(this.features(opp), 0, 0);
      opp.decision.won = expected - wins >= 0.5;
      if (opp.decision.won) wins++;
    }
  }

  private features(opp: OpenOpportunity): OpportunityFeatures {
    return { meanVisitMin: opp.visits ? opp.minutes / opp.visits : 0, tailored: opp.visits ? opp.tailoredVisits / opp.visits : 0, visitsPerDay: this.rep.visitsPerDay };
  }

  /** Opportunities still being worked at quarter end are decided then (the rep's next quarter starts afresh). */
  private closeOut(quarterEnd: number): Opportunity[] {
    const endDay = this.table.index(quarterEnd - 1);
    for (const opp of this.open) if (!opp.decision) this.decide(opp, endDay, Math.max(quarterEnd, opp.createdMs + DAY_MS), 3, 20);
    const opps = this.open as Opportunity[];
    if (this.rep.exemplar) this.diffuseExemplarOutcomes(opps);
    return opps;
  }

  private task(type: 'call' | 'email', day: DayInfo, start: number, minutes: number | undefined): void {
    const r = this.rng;
    const a = this.open.length > 0 && r.chance(0.6) ? r.pick(this.open).account : r.pick(this.book);
    this.activity(type, 'salesforce', `TK-${this.key}-${++this.seq}`, day, start, a, minutes);
  }

  private proposal(at: number, opp: OpenOpportunity, customized: boolean): void {
    const act = this.activity('proposal', 'salesforce', `QT-${this.key}-${++this.seq}`, this.table.at(at), at, opp.account, undefined);
    act.dims = { proposalCustomized: customized, opportunityId: opp.id };
  }

  /**
   * Every activity is built by this one literal, all keys in one order (optional ones undefined): millions
   * of objects of a single shape keep V8 on its fast path (spreads made generation several times slower).
   */
  private activity(type: ActivityShape['type'], source: ActivityShape['source'], sourceId: string, day: DayInfo, startMs: number, account: Account | undefined, minutes: number | undefined): ActivityShape {
    const a: ActivityShape = {
      personId: this.rep.id,
      type,
      source,
      sourceId,
      accountId: account?.id,
      accountName: account?.name,
      startAt: new Date(startMs),
      endAt: minutes === undefined ? undefined : new Date(startMs + minutes * MIN),
      durationMin: minutes,
      location: undefined,
      dims: EMPTY_DIMS,
      counted: true,
      reasons: NO_REASONS,
      ruleVersion: 0,
      day: day.day,
      isoWeek: day.isoWeek,
      quarterId: day.quarterId,
      matchGroup: undefined,
      customerLocation: undefined,
      evidence: undefined,
      mergedInto: undefined,
      sourceUpdatedAt: new Date(minutes === undefined ? startMs : startMs + minutes * MIN),
    };
    this.activities.push(a);
    return a;
  }

  private newAccount(isNew: boolean, r: Rng): Account {
    const industry = r.chance(0.75) ? r.pick(this.rep.focusIndustries) : r.pick(INDUSTRIES);
    const city: City = this.rep.city;
    const words = INDUSTRY_PROFILE[industry]?.words ?? ['科技'];
    const name = `${city.name}${r.pick(BRAND_CHARS)}${r.pick(BRAND_CHARS)}${r.pick(words)}有限公司`;
    return {
      id: `acc-${this.key}-n${++this.accountSeq}`,
      name,
      industry,
      lat: round6(city.lat + r.range(-0.15, 0.15)),
      lng: round6(city.lng + r.range(-0.15, 0.15)),
      place: `${city.name}市${r.pick(DISTRICTS)}${r.pick(ROADS)}${r.int(1, 999)}号`,
      isNew,
    };
  }
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function hashIndex(s: string, n: number): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h % n;
}
