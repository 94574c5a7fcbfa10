import { computeFigures, type PersonQuarterFigures } from '../figures/person-figures.js';
import type { ReportPrediction } from './prediction-lines.js';
import { elapsedShare, isoWeekRange, weeksBetween } from '../time/calendar.js';
import { emptyFacts } from './facts.js';
import type { HealthScore } from './health.js';
import { countWorkingDays, daysOfIsoWeek, workingShare } from '../time/working-days.js';
import { insightLine } from './insight.js';
import { attribute, teamReference, type TeamReference } from '../outcome/attribution.js';
import type { PeerStats } from './peers.js';
import { cumulativeAttainment, metricSource, type MetricProgress } from './progress.js';
import type { NotCountedActivity, ReportDataset, ReportSettings } from './types.js';

/** One rep's weekly activity health report: every figure on the card, and what it was computed from. */
export interface RepReport {
  personId: string;
  name: string;
  managerId: string | null;
  quarterId: string;
  week: string;
  asOf: Date;
  timeZone: string;
  /** Share of the quarter elapsed at asOf (0..1). */
  share: number;
  /** 1-based position of the report week in the quarter, and the quarter's number of weeks. */
  weekIndex: number;
  weekCount: number;
  progress: MetricProgress[];
  /** Status of the goal the targets come from (approved, submitted, …), or null without a goal. */
  goalStatus: string | null;
  /** The metric the chart's progress line follows: the first with a target and a weekly source. */
  primaryMetric: string | null;
  thisWeek: { counted: number; byType: Array<{ type: string; name: string; n: number }>; previousWeekCounted: number | null; appealed?: number; workingDays?: number };
  /** Every week of the quarter: counted activities, cumulative attainment of the primary metric, linear pace. */
  trend: Array<{ week: string; counted: number | null; cumulative: number | null; pace: number }>;
  /** Win rate on opportunities (won ÷ closed in the quarter) and, separately, counted visits per won deal. */
  conversion: { won: number; lost: number; rate: number | null; peerMedian: number | null; visits: number; visitsPerWon: number | null; visitName: string };
  dimensions: Array<{ key: string; name: string; mine: number | null; top: number | null; everyone: number | null; target: number | null }>;
  notCounted: { thisWeek: number; items: Array<NotCountedActivity & { typeName: string }> };
  health: HealthScore;
  insight: string;
  /** The person's quarter figures every view formats (progress, health, conversion above are taken from them). */
  figures: PersonQuarterFigures;
  /** The stored attainment predictions, one per metric with a target (read, not recomputed), when there are any. */
  predictions?: readonly ReportPrediction[];
}

/** Not-counted activities shown on the card; the rest are summarized by the count. */
export const NOT_COUNTED_SHOWN = 5;

export interface ReportSet {
  reports: RepReport[];
  peers: PeerStats;
}

/**
 * Builds every person's report from one bulk dataset. `peers` is passed when the comparison figures must
 * be the ones already used for this week's run (resume, a manager opening a report later).
 */
export function buildReports(data: ReportDataset, settings: ReportSettings, peers?: PeerStats): ReportSet {
  const facts = data.facts;
  const figures = computeFigures(data, settings, peers);
  const stats = figures.peers;
  // The insight compares each rep with their own team (the manager's direct reports), like the pack does.
  const teams = new Map<string, PersonQuarterFigures[]>();
  for (const f of figures.byPerson.values()) {
    const key = f.managerId ?? '';
    teams.set(key, [...(teams.get(key) ?? []), f]);
  }
  const refs = new Map<string, TeamReference>([...teams].map(([k, list]) => [k, teamReference(list)]));
  const notCounted = new Map<string, NotCountedActivity[]>();
  for (const a of data.notCounted) {
    const list = notCounted.get(a.personId);
    if (list) list.push(a);
    else notCounted.set(a.personId, [a]);
  }
  const q = data.quarter;
  const weeks = weeksBetween(q.start, q.end, q.timeZone);
  // The linear pace counts working days when the company calendar is known (holidays expect nothing).
  const cal = data.calendar;
  const shareAt = (t: Date) => (cal ? workingShare(q.start, q.end, t, cal, q.timeZone) : elapsedShare(q.start, q.end, t));
  const share = shareAt(data.asOf);
  const pace = weeks.map((w) => shareAt(new Date(Math.min(isoWeekRange(w, q.timeZone).end.getTime(), q.end.getTime()))));
  const typeName = new Map(q.activityTypes.map((t) => [t.key, t.name]));
  const visitName = typeName.get(settings.conversionType) ?? '拜访';
  const weekIdx = weeks.indexOf(data.week);
  // The same for everyone: worked out once, not per person (luxon per day; the pass builds in chunks).
  const weekWorkingDays = cal ? countWorkingDays(daysOfIsoWeek(data.week), cal) : undefined;

  const reports = data.people.map((p): RepReport => {
    const f = facts.get(p.id) ?? emptyFacts();
    const fig = figures.byPerson.get(p.id)!;
    const progress = fig.metrics;
    const primary = progress.find((m) => m.target !== null && metricSource(m.key, q)?.byWeek !== undefined) ?? null;
    const cumulative = primary ? cumulativeAttainment(primary.key, q, f, primary.target!, weeks, data.week) : weeks.map(() => null);
    const mine = notCounted.get(p.id) ?? [];
    const week = f.weekly.get(data.week);
    const thisWeekCounted = week?.counted ?? 0;
    return {
      personId: p.id,
      name: p.name,
      managerId: p.managerId,
      quarterId: q.id,
      week: data.week,
      asOf: data.asOf,
      timeZone: q.timeZone,
      share,
      weekIndex: weekIdx + 1,
      weekCount: weeks.length,
      progress,
      goalStatus: fig.goal.status,
      primaryMetric: primary?.key ?? null,
      thisWeek: {
        counted: thisWeekCounted,
        byType: [...(week?.byType ?? new Map<string, number>())]
          .map(([type, n]) => ({ type, name: typeName.get(type) ?? type, n }))
          .sort((a, b) => b.n - a.n || a.type.localeCompare(b.type)),
        previousWeekCounted: weekIdx > 0 ? (f.weekly.get(weeks[weekIdx - 1]!)?.counted ?? 0) : null,
        appealed: data.appealed?.filter((id) => id === p.id).length ?? 0,
        ...(weekWorkingDays !== undefined ? { workingDays: weekWorkingDays } : {}),
      },
      trend: weeks.map((w, i) => ({ week: w, counted: w <= data.week ? (f.weekly.get(w)?.counted ?? 0) : null, cumulative: cumulative[i] ?? null, pace: pace[i]! })),
      conversion: {
        won: fig.winRate.won,
        lost: fig.winRate.lost,
        rate: fig.winRate.rate,
        peerMedian: stats.medianWinRate,
        visits: fig.activity.visits,
        visitsPerWon: fig.visitsPerWon,
        visitName,
      },
      dimensions: fig.dimensions.map((d) => ({ key: d.key, name: d.name, mine: d.rate, top: d.topWinners, everyone: d.everyone, target: d.target })),
      notCounted: {
        thisWeek: mine.length,
        items: [...mine]
          .sort((a, b) => b.day.localeCompare(a.day))
          .slice(0, NOT_COUNTED_SHOWN)
          .map((a) => ({ ...a, typeName: typeName.get(a.type) ?? a.type })),
      },
      health: fig.health,
      insight: insightLine({ attribution: attribute(fig, refs.get(fig.managerId ?? '')!), thisWeekCounted, notCountedThisWeek: mine }),
      figures: fig,
      ...(data.predictions?.get(p.id)?.length ? { predictions: data.predictions.get(p.id)! } : {}),
    };
  });
  return { reports, peers: stats };
}
