/**
 * One rep's quarter: customer visits (CRM events + DingTalk check-ins), calls, emails, proposals and
 * the deals they lead to. Behaviour comes from the rep's style; outcomes come from outcome-model.ts.
 * Each rep draws from their own seeded stream, so reps can be generated in any order and in chunks.
 */
import type { EvaluationContext } from '../domain/activity/rules/rule-model.js';
import type { DemoCompany, DemoRep } from './company.js';
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

interface Opportunity {
  id: string;
  account: Account;
  visitsNeeded: number;
  visits: number;
  minutes: number;
  tailoredVisits: number;
  lastVisitDay: number;
  createdMs: number;
  /** Set once the customer has decided (after the last visit). */
  decision?: { won: boolean; amount: number; closeMs: number };
}

/** The days the company's quarter covers, plus two months after it for deals closing later. */
export function dayTableFor(company: DemoCompany): DayTable {
  const q = company.quarter;
  const days = Math.ceil((q.endDate.getTime() - q.startDate.getTime()) / DAY_MS) + 62;
  return new DayTable(q.startDate, days, company.timeZone);
}

export function generateRepQuarter(company: DemoCompany, rep: DemoRep, table: DayTable = dayTableFor(company)): RepQuarter {
  return new RepQuarterBuilder(company, rep, table).build();
}

/** Reps' quarters in chunks of `chunkReps` (small chunks die young, which keeps GC cheap), so a 10,000-rep company never sits in memory at once. */
export function* quarterChunks(company: DemoCompany, chunkReps = 25): Generator<RepQuarter & { reps: DemoRep[] }> {
  const table = dayTableFor(company);
  for (let i = 0; i < company.reps.length; i += chunkReps) {
    const reps = company.reps.slice(i, i + chunkReps);
    const activities: ActivityShape[] = [];
    const deals: DealShape[] = [];
    for (const rep of reps) {
      const q = generateRepQuarter(company, rep, table);
      for (const a of q.activities) activities.push(a);
      for (const d of q.deals) deals.push(d);
    }
    yield { reps, activities, deals };
  }
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
  private readonly deals: DealShape[] = [];
  private readonly book: Account[] = [];
  private readonly open: Opportunity[] = [];
  private seq = 0;
  private accountSeq = 0;
  private readonly untilMs: number;
  private readonly updatedAt: Date;
  private readonly ctx: EvaluationContext;

  constructor(
    private readonly company: DemoCompany,
    private readonly rep: DemoRep,
    private readonly table: DayTable,
  ) {
    this.rng = Rng.derive(company.seed, `quarter:${rep.id}`);
    this.style = STYLES[rep.style];
    this.untilMs = company.until.getTime();
    this.updatedAt = company.until;
    this.ctx = contextOf(company);
  }

  build(): RepQuarter {
    const r = this.rng;
    const team = this.company.teams[this.rep.teamIndex]!;
    for (let i = r.int(12, 24); i > 0; i--) this.book.push(this.newAccount(false));
    for (const name of team.keyAccounts.slice(0, r.int(1, 2))) {
      this.book.push({ ...this.newAccount(false), id: `ka-${KEY_ACCOUNTS.indexOf(name as (typeof KEY_ACCOUNTS)[number]) + 1}`, name });
    }
    const quarterEnd = this.company.quarter.endDate.getTime();
    for (let d = 0; d < this.table.days.length; d++) {
      const day = this.table.days[d]!;
      if (day.startMs >= this.untilMs || day.startMs >= quarterEnd) break;
      if (day.weekday > 5) continue;
      this.workday(d, day);
    }
    this.closeOut();
    return { activities: this.activities, deals: this.deals };
  }

  private workday(d: number, day: DayInfo): void {
    const r = this.rng;
    let t = 9 * 60 + r.int(0, 45);
    for (let n = r.poisson(this.rep.visitsPerDay); n > 0 && t < 19 * 60; n--) {
      const start = day.startMs + t * MIN;
      if (start >= this.untilMs) return;
      const minutes = Math.round(clamp(r.normal(this.style.visitMin.mean, this.style.visitMin.sd), 8, 180));
      this.visit(d, day, start, minutes);
      t += minutes + r.int(15, 50);
    }
    for (let n = r.poisson(this.style.callsPerDay); n > 0; n--) {
      const start = day.startMs + r.int(9 * 60, 18 * 60 + 30) * MIN;
      const minutes = r.int(2, 15);
      if (start < this.untilMs) this.task('call', day, start, minutes);
    }
    for (let n = r.poisson(this.style.emailsPerDay); n > 0; n--) {
      const start = day.startMs + r.int(8 * 60 + 30, 20 * 60) * MIN;
      if (start < this.untilMs) this.task('email', day, start, undefined);
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
    const key = `${this.rep.id}-${++this.seq}`;
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
    if (opp.visits >= opp.visitsNeeded && !opp.decision) this.decide(opp, d);
  }

  /** Usually the next visit of an opportunity in progress (not visited in the last day); else a new one. */
  private opportunityFor(d: number, start: number): Opportunity {
    const r = this.rng;
    const candidate = this.open.find((o) => !o.decision && o.visits < o.visitsNeeded && d - o.lastVisitDay >= 2);
    if (candidate && r.chance(0.75)) return candidate;
    const isNew = r.chance(this.style.newCustomerShare);
    const account = isNew ? this.newAccount(true) : r.pick(this.book);
    const [lo, hi] = this.style.visitsPerOpportunity;
    const opp: Opportunity = { id: `OP-${this.rep.id}-${this.open.length + 1}`, account, visitsNeeded: r.int(lo, hi), visits: 0, minutes: 0, tailoredVisits: 0, lastVisitDay: d, createdMs: start };
    this.open.push(opp);
    return opp;
  }

  /** The customer decides some days after the last visit; the outcome is drawn now from the behaviour. */
  private decide(opp: Opportunity, d: number): void {
    const r = this.rng;
    const f = this.features(opp);
    const won = r.chance(winProbability(f, this.rep.skill, r.normal(0, OUTCOME.noiseSd)));
    const amount = dealAmountCny(f, INDUSTRY_PROFILE[opp.account.industry]?.sizeFactor ?? 1, r.normal());
    const closeDay = this.table.days[Math.min(this.table.days.length - 1, d + r.int(2, 12))]!;
    opp.decision = { won, amount, closeMs: closeDay.startMs + 16 * 60 * MIN };
  }

  private features(opp: Opportunity): OpportunityFeatures {
    return { meanVisitMin: opp.visits ? opp.minutes / opp.visits : 0, tailored: opp.visits ? opp.tailoredVisits / opp.visits : 0, visitsPerDay: this.rep.visitsPerDay };
  }

  /** Every opportunity becomes a CRM deal: decided ones closed (or still in negotiation), the rest open. */
  private closeOut(): void {
    const r = this.rng;
    for (const opp of this.open) {
      let stage: DealStage;
      let amount: number;
      let closeMs: number;
      if (opp.decision && opp.decision.closeMs <= this.untilMs) {
        stage = opp.decision.won ? 'Closed Won' : 'Closed Lost';
        ({ amount, closeMs } = opp.decision);
      } else if (opp.decision) {
        stage = 'Negotiation/Review';
        ({ amount, closeMs } = opp.decision);
      } else {
        stage = opp.tailoredVisits > 0 ? 'Proposal/Price Quote' : 'Needs Analysis';
        amount = dealAmountCny(this.features(opp), INDUSTRY_PROFILE[opp.account.industry]?.sizeFactor ?? 1, r.normal());
        closeMs = this.untilMs + r.int(7, 40) * DAY_MS;
      }
      const closeDay = this.table.at(closeMs);
      const closed = stage === 'Closed Won' || stage === 'Closed Lost';
      this.deals.push({
        personId: this.rep.id,
        source: 'salesforce',
        sourceId: opp.id,
        name: `${opp.account.name} - ${PRODUCTS[hashIndex(opp.id, PRODUCTS.length)]}`,
        accountId: opp.account.id,
        accountName: opp.account.name,
        industry: opp.account.industry,
        stage,
        amountCny: amount,
        isWon: stage === 'Closed Won',
        isClosed: closed,
        closeDate: new Date(closeMs),
        openedDate: new Date(opp.createdMs),
        isNewCustomer: opp.account.isNew,
        quarterId: closeDay.quarterId,
        isoWeek: closeDay.isoWeek,
        sourceUpdatedAt: new Date(Math.min(this.untilMs, closed ? closeMs : Math.max(opp.createdMs, this.untilMs - DAY_MS))),
      });
    }
  }

  private task(type: 'call' | 'email', day: DayInfo, start: number, minutes: number | undefined): void {
    const r = this.rng;
    const a = this.open.length > 0 && r.chance(0.6) ? r.pick(this.open).account : r.pick(this.book);
    this.activity(type, 'salesforce', `TK-${this.rep.id}-${++this.seq}`, day, start, a, minutes);
  }

  private proposal(at: number, opp: Opportunity, customized: boolean): void {
    if (at >= this.untilMs) return;
    const act = this.activity('proposal', 'salesforce', `QT-${this.rep.id}-${++this.seq}`, this.table.at(at), at, opp.account, undefined);
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
      sourceUpdatedAt: this.updatedAt,
    };
    this.activities.push(a);
    return a;
  }

  private newAccount(isNew: boolean): Account {
    const r = this.rng;
    const industry = r.chance(0.75) ? r.pick(this.rep.focusIndustries) : r.pick(INDUSTRIES);
    const city: City = this.rep.city;
    const words = INDUSTRY_PROFILE[industry]?.words ?? ['科技'];
    const name = `${city.name}${r.pick(BRAND_CHARS)}${r.pick(BRAND_CHARS)}${r.pick(words)}有限公司`;
    return {
      id: `acc-${this.rep.id}-${++this.accountSeq}`,
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
