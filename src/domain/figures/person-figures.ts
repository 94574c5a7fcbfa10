/**
 * A person's quarter figures, computed in ONE place for every view (我的目标, 查看目标, goal card, 团队看板,
 * the Friday rep card, the manager's and the director's summaries, the pre-review pack): views format these
 * numbers, they never recompute them. Pure: the loader hands over facts folded from grouped rows.
 *
 * Definitions (docs/outcome-chain.md):
 * - attainment = actual ÷ target per metric; no target → null ("未设目标"), never a division by zero;
 * - alignment: checked live in the org tree (goals/alignment-tree.ts), never the stored "unknown";
 * - win rate = won ÷ closed (won + lost) opportunities closing in the quarter up to asOf;
 * - visits per won deal = counted visits ÷ won deals; average won deal = signed ÷ won deals;
 * - pipeline = opportunities entered (created / engaged date) in the quarter up to asOf;
 * - per working week = counted activities ÷ (working days elapsed ÷ 5; Mon–Fri without the company calendar);
 * - dimension rates = share of counted visits that had the dimension (方案定制率), with the target when the
 *   quarter has a percent metric for it.
 */
import { alignmentInTree, alignmentTree, type AlignmentTree } from '../goals/alignment-tree.js';
import type { Alignment, GoalStatus } from '../goals/alignment.js';
import type { MetricDef } from '../goals/metrics.js';
import { dimRateOf, emptyFacts, visitsPerWonOf, winRateOf, type PersonFacts } from '../report/facts.js';
import { healthScore, type GoalStanding, type HealthScore } from '../report/health.js';
import { peerStats, type PeerStats } from '../report/peers.js';
import { progressOf, type MetricProgress } from '../report/progress.js';
import type { ReportDataset, ReportGoal, ReportPerson, ReportQuarter, ReportSettings } from '../report/types.js';
import { dayKey, elapsedShare } from '../time/calendar.js';
import { workingShare, type WorkingCalendar } from '../time/working-days.js';

export type GoalState = GoalStanding['state'];

export interface ReasonCount {
  example: string;
  count: number;
  /** What the reason is about, so advice can name the lever: visit length, check-in, location, other. */
  kind: 'duration' | 'checkin' | 'location' | 'other';
}

export interface DimensionFigure {
  key: string;
  name: string;
  /** Counted visits that had it / counted visits. */
  hits: number;
  visits: number;
  rate: number | null;
  /** Target rate (0..1) when the quarter has a percent metric for this dimension and the person set one. */
  target: number | null;
  /** Pooled rate of the top quarter of reps by win rate, and of everyone. */
  topWinners: number | null;
  everyone: number | null;
}

export interface PersonQuarterFigures {
  personId: string;
  name: string;
  managerId: string | null;
  quarterId: string;
  asOf: Date;
  /** Share of the quarter elapsed at asOf (0..1). */
  share: number;
  /** Has active direct reports (a manager): gets a team summary. */
  hasTeam: boolean;
  /**
   * Carries a personal book: no team, or a manager with own activities or closed deals this quarter. Only
   * they get a personal report and count in the company comparison figures; a manager whose goal is the
   * team's roll-up is shown through their team (docs/weekly-report.md).
   */
  personalBook: boolean;
  goal: {
    /** Status of the goal document (draft, submitted, approved, returned), null without one. */
    status: string | null;
    state: GoalState;
    /** Live alignment; null when there is no goal with targets. */
    alignment: Alignment | null;
  };
  /** Every metric of the quarter, in its order: target, actual, attainment, pace. */
  metrics: MetricProgress[];
  activity: {
    counted: number;
    /** Counted + not counted. */
    all: number;
    byType: Array<{ type: string; name: string; n: number }>;
    /** Counted activities per ISO week (weeks with none are absent). */
    byWeek: Array<{ week: string; counted: number }>;
    /** Mon–Fri days elapsed ÷ 5. */
    workingWeeks: number;
    perWorkingWeek: number | null;
    /** Counted activities of the visit type. */
    visits: number;
    visitsPerWorkingWeek: number | null;
  };
  notCounted: { total: number; share: number | null; topReasons: ReasonCount[] };
  winRate: { won: number; lost: number; closed: number; rate: number | null };
  visitsPerWon: number | null;
  signedCny: number;
  avgWonDealCny: number | null;
  newCustomers: number;
  pipeline: { opened: number };
  dimensions: DimensionFigure[];
  health: HealthScore;
}

export interface FiguresSet {
  byPerson: Map<string, PersonQuarterFigures>;
  peers: PeerStats;
  tree: AlignmentTree;
}

export const TOP_REASONS = 3;

export function reasonKind(reason: string): ReasonCount['kind'] {
  if (/时长|duration|结束时间|end time/i.test(reason)) return 'duration';
  if (/签到|check-in/i.test(reason)) return 'checkin';
  if (/距|位置|坐标|location|from the customer/i.test(reason)) return 'location';
  return 'other';
}

/**
 * Answers of workingDaysElapsed, per calendar (immutable once made) and span: the Friday pass asks the same
 * question once per chunk of people, and each answer walks the quarter through luxon (~370 steps).
 */
const elapsedMemo = new WeakMap<WorkingCalendar, Map<string, number>>();
const NO_CALENDAR: WorkingCalendar = { isWorkingDay: () => true };

/** Mon–Fri days from the quarter's start up to asOf (the day asOf falls in counts once it has begun). */
export function workingDaysElapsed(q: Pick<ReportQuarter, 'start' | 'end' | 'timeZone'>, asOf: Date, cal?: WorkingCalendar): number {
  const until = Math.min(asOf.getTime(), q.end.getTime());
  let memo = elapsedMemo.get(cal ?? NO_CALENDAR);
  if (!memo) elapsedMemo.set(cal ?? NO_CALENDAR, (memo = new Map()));
  const key = `${q.start.getTime()}|${until}|${q.timeZone}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const n = countElapsed(q, until, cal);
  if (memo.size >= 256) memo.clear();
  memo.set(key, n);
  return n;
}

function countElapsed(q: Pick<ReportQuarter, 'start' | 'timeZone'>, until: number, cal?: WorkingCalendar): number {
  let n = 0;
  const seen = new Set<string>();
  // Step in 6-hour slices so DST-free zones and any offset land on every local day exactly once.
  for (let t = q.start.getTime(); t < until; t += 6 * 3_600_000) {
    const key = dayKey(new Date(t), q.timeZone);
    if (seen.has(key)) continue;
    seen.add(key);
    if (cal) {
      if (cal.isWorkingDay(key)) n++;
      continue;
    }
    const wd = new Date(`${key}T12:00:00Z`).getUTCDay();
    if (wd !== 0 && wd !== 6) n++;
  }
  return n;
}

/** The metric defs the alignment check needs, from the report quarter's metrics. */
export function metricDefsOf(q: ReportQuarter): MetricDef[] {
  return q.metrics.map((m) => ({ key: m.key, name: m.name, nameEn: m.nameEn ?? m.name, unit: m.unit, kind: 'kpi' }));
}

function goalLike(g: ReportGoal) {
  return { ownerId: g.ownerId, status: g.status as GoalStatus, targets: [...g.targets], industries: [...(g.industries ?? [])], keyAccounts: [...(g.keyAccounts ?? [])] };
}

/**
 * Every subject's figures from one dataset. `peers`: the comparison figures already used for this week's
 * run (resume, a manager opening a report later); computed from everyone's facts otherwise.
 */
export function computeFigures(data: ReportDataset, settings: ReportSettings, peers?: PeerStats): FiguresSet {
  const q = data.quarter;
  const tree = alignmentTree(data.org ?? data.people, data.goals.map(goalLike), metricDefsOf(q), q.direction ?? { industries: [], keyAccounts: [] });
  const book = new Map(data.people.map((p) => [p.id, carriesPersonalBook(tree, p.id, data.facts.get(p.id))]));
  const stats = peers ?? peerStats(new Map([...data.facts].filter(([id]) => book.get(id) !== false)), settings);
  const goals = new Map(data.goals.map((g) => [g.ownerId, g]));
  // With the company calendar, pace and per-week rates count working days (holidays expect nothing), as the
  // report's pace line does.
  const cal = data.calendar;
  const share = cal ? workingShare(q.start, q.end, data.asOf, cal, q.timeZone) : elapsedShare(q.start, q.end, data.asOf);
  const workingWeeks = workingDaysElapsed(q, data.asOf, cal) / 5;
  const typeName = new Map(q.activityTypes.map((t) => [t.key, t.name]));
  const byPerson = new Map<string, PersonQuarterFigures>();
  for (const p of data.people) {
    byPerson.set(p.id, personFigures(p, data.facts.get(p.id) ?? emptyFacts(), goals.get(p.id), { data, settings, stats, tree, share, workingWeeks, typeName }));
  }
  return { byPerson, peers: stats, tree };
}

/** See PersonQuarterFigures.personalBook. */
export function carriesPersonalBook(tree: Pick<AlignmentTree, 'children'>, personId: string, f: PersonFacts | undefined): boolean {
  if ((tree.children.get(personId)?.length ?? 0) === 0) return true;
  return !!f && (f.allTotal > 0 || f.wonDeals + f.lostDeals > 0);
}

interface Ctx {
  data: ReportDataset;
  settings: ReportSettings;
  stats: PeerStats;
  tree: AlignmentTree;
  share: number;
  workingWeeks: number;
  typeName: Map<string, string>;
}

function personFigures(p: ReportPerson, f: PersonFacts, goal: ReportGoal | undefined, c: Ctx): PersonQuarterFigures {
  const q = c.data.quarter;
  const metrics = progressOf(q, goal, f, c.share, c.settings.dimensions);
  const alignment = alignmentInTree(c.tree, p.id);
  const state: GoalState = alignment === null ? 'none' : alignment.status === 'red' ? 'misaligned' : 'aligned';
  const standing: GoalStanding = { state, reasons: (alignment?.findings ?? []).filter((x) => x.severity === 'red').map((x) => x.message.zh) };
  const byType = new Map<string, number>();
  for (const w of f.weekly.values()) for (const [t, n] of w.byType) byType.set(t, (byType.get(t) ?? 0) + n);
  const notCountedTotal = f.allTotal - f.countedTotal;
  const closed = f.wonDeals + f.lostDeals;
  return {
    personId: p.id,
    name: p.name,
    managerId: p.managerId,
    quarterId: q.id,
    asOf: c.data.asOf,
    share: c.share,
    hasTeam: (c.tree.children.get(p.id)?.length ?? 0) > 0,
    personalBook: carriesPersonalBook(c.tree, p.id, f),
    goal: { status: goal?.status ?? null, state, alignment },
    metrics,
    activity: {
      counted: f.countedTotal,
      all: f.allTotal,
      byType: [...byType].map(([type, n]) => ({ type, name: c.typeName.get(type) ?? type, n })).sort((a, b) => b.n - a.n || a.type.localeCompare(b.type)),
      byWeek: [...f.weekly].map(([week, w]) => ({ week, counted: w.counted })).sort((a, b) => a.week.localeCompare(b.week)),
      workingWeeks: c.workingWeeks,
      perWorkingWeek: c.workingWeeks > 0 ? f.countedTotal / c.workingWeeks : null,
      visits: f.visits,
      visitsPerWorkingWeek: c.workingWeeks > 0 ? f.visits / c.workingWeeks : null,
    },
    notCounted: {
      total: notCountedTotal,
      share: f.allTotal > 0 ? notCountedTotal / f.allTotal : null,
      topReasons: [...f.notCountedReasons.values()]
        .sort((a, b) => b.count - a.count || a.example.localeCompare(b.example))
        .slice(0, TOP_REASONS)
        .map((r) => ({ ...r, kind: reasonKind(r.example) })),
    },
    winRate: { won: f.wonDeals, lost: f.lostDeals, closed, rate: winRateOf(f) },
    visitsPerWon: visitsPerWonOf(f),
    signedCny: f.signedCny,
    avgWonDealCny: f.wonDeals > 0 ? f.signedCny / f.wonDeals : null,
    newCustomers: f.newCustomers,
    pipeline: { opened: f.openedDeals },
    dimensions: c.settings.dimensions.map((d) => {
      const metric = metrics.find((m) => m.unit === 'percent' && (m.key === d.metric || (d.metric === undefined && m.name === d.name)));
      return {
        key: d.key,
        name: d.name,
        hits: f.dimHits.get(d.key) ?? 0,
        visits: f.visits,
        rate: dimRateOf(f, d.key),
        target: metric?.target != null ? metric.target / 10_000 : null,
        topWinners: c.stats.topWinners.dimRates[d.key] ?? null,
        everyone: c.stats.dimRates[d.key] ?? null,
      };
    }),
    health: healthScore(metrics, f, c.stats, c.settings, standing),
  };
}
