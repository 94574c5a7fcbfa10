import { loadOrgAndSubjects, loadReportDataset, loadSliceDataset, loadSliceFacts, toReportQuarter } from '../../adapters/mongo/report-data.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import type { QuarterDoc } from '../../adapters/mongo/models/quarter.model.js';
import { buildReports, type RepReport } from '../../domain/report/build-report.js';
import { reportsUnder } from '../../domain/org/access.js';
import { carriesPersonalBook } from '../../domain/figures/person-figures.js';
import type { PersonFacts } from '../../domain/report/facts.js';
import { peerStats, type PeerStats } from '../../domain/report/peers.js';
import { isValidSchedule, type ReportSchedule } from '../../domain/report/schedule.js';
import { buildTeamSummaries, type TeamSummary } from '../../domain/report/team.js';
import type { WorkingCalendar } from '../../domain/time/working-days.js';
import type { ReportPerson, ReportQuarter, ReportSettings } from '../../domain/report/types.js';
import { indexOrg, planSlices, sliceContext, type OrgIndex, type Slice } from './slice-plan.js';
import { loadStoredPredictions } from './report-predictions.js';

export type QuarterRecord = QuarterDoc & { _id: string };

export interface BuiltReports {
  quarter: ReportQuarter;
  week: string;
  reports: RepReport[];
  teams: TeamSummary[];
  peers: PeerStats;
  /** How long loading and computing took (the bench reports it). */
  ms: { load: number; compute: number };
}

/** What a sliced pass works from: the org tree (small rows), the subjects, the quarter's settings. */
export interface PassPlan {
  quarter: ReportQuarter;
  settings: ReportSettings;
  index: OrgIndex;
  /** Every subject of the quarter (the comparison figures are over all of them). */
  subjects: ReportPerson[];
  /** The subjects this run reports on: everyone, or a team run's whole subtree. */
  scoped: ReportPerson[];
  calendar: WorkingCalendar | undefined;
}

/** People computed between two yields to the event loop (~10–30 ms of work on the 2-core machine). */
const COMPUTE_CHUNK = 16;

/** Consecutive whole teams (subjects sharing a manager) of about `size` people; a bigger team is one chunk. */
function teamChunks(people: readonly ReportPerson[], size: number): ReportPerson[][] {
  const teams = new Map<string, ReportPerson[]>();
  for (const p of people) {
    const t = teams.get(p.managerId ?? '');
    if (t) t.push(p);
    else teams.set(p.managerId ?? '', [p]);
  }
  const out: ReportPerson[][] = [];
  let current: ReportPerson[] = [];
  for (const t of teams.values()) {
    if (current.length > 0 && current.length + t.length > size) (out.push(current), (current = []));
    current.push(...t);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * People per slice when computing the comparison figures (facts only, nothing kept per person but totals):
 * by default twice the pass's slice (their rows are totals, a third of a report slice's), so the step
 * before the first card is bounded by the same setting as the slices after it. At 2,500 this step was the
 * pass's peak (bench/report-fanout.ts prints the memory after it).
 */
const PEER_SLICES_PER_REPORT_SLICE = 2;
const PEER_SLICE_DEFAULT = 1000;
const NO_WEEKS: PersonFacts['weekly'] = new Map();
const NO_NUMBERS: Map<string, number> = new Map();
const NO_REASONS: PersonFacts['notCountedReasons'] = new Map();

/** Loads data (in bulk, or a slice of people at a time) and turns it into reports and team summaries. */
export class ReportBuilder {
  constructor(
    private readonly m: Pick<Models, 'Person' | 'Goal' | 'Activity' | 'Deal' | 'Quarter' | 'Prediction'>,
    readonly settings: ReportSettings,
    private readonly defaultSchedule: ReportSchedule,
    private readonly calendar?: () => Promise<WorkingCalendar>,
  ) {}

  /** The company's working days, if wired (reports move off holidays; the pace counts working days). */
  async workingCalendar(): Promise<WorkingCalendar | undefined> {
    return this.calendar?.();
  }

  /** The quarter `at` falls in (planning quarters are not reported on). */
  async quarterAt(at: Date): Promise<QuarterRecord | null> {
    return (await this.m.Quarter.findOne({ startDate: { $lte: at }, endDate: { $gt: at }, status: { $ne: 'planning' } })
      .sort({ startDate: -1 })
      .lean()) as QuarterRecord | null;
  }

  async quarter(id: string): Promise<QuarterRecord | null> {
    return (await this.m.Quarter.findById(id).lean()) as QuarterRecord | null;
  }

  /** The quarter's own schedule when it has a valid one, else the deployment default (REPORT_WEEKDAY/TIME). */
  scheduleOf(q: QuarterRecord): ReportSchedule {
    const s = q.reportSchedule as { weekday?: unknown; time?: unknown } | undefined;
    return isValidSchedule(s) ? { weekday: s.weekday, time: s.time } : this.defaultSchedule;
  }

  /** The report settings for a quarter: its own tracked dimensions when HR configured some. */
  settingsFor(q: QuarterRecord): ReportSettings {
    const dims = (q.reportDimensions ?? []).map((d) => ({ key: d.key, name: d.name }));
    return dims.length > 0 ? { ...this.settings, dimensions: dims } : this.settings;
  }

  /** The org tree and subjects for a sliced pass; `root`: a team run's manager (their subtree only). */
  async plan(q: QuarterRecord, root?: string): Promise<PassPlan> {
    const { org, subjects } = await loadOrgAndSubjects(this.m, q._id);
    const index = indexOrg(org);
    let scoped = subjects;
    if (root) {
      const below = new Set(reportsUnder(root, (id) => (index.children.get(id) ?? []).map((c) => c.id)));
      scoped = subjects.filter((p) => below.has(p.id));
    }
    return { quarter: toReportQuarter(q), settings: this.settingsFor(q), index, subjects, scoped, calendar: await this.workingCalendar() };
  }

  /**
   * The company comparison figures, a slice of people at a time: per person only the totals they are made
   * of are kept (not the weekly facts), so this too stays small whatever the company's size.
   */
  async peers(plan: PassPlan, asOf: Date, sliceSize?: number): Promise<PeerStats> {
    const totals = new Map<string, PersonFacts>();
    const size = sliceSize ? sliceSize * PEER_SLICES_PER_REPORT_SLICE : PEER_SLICE_DEFAULT;
    for (const slice of planSlices(plan.subjects, size)) {
      const facts = await loadSliceFacts(this.m, plan.quarter, asOf, { settings: plan.settings, people: slice.people, who: slice.who });
      for (const [id, f] of facts) {
        if (!carriesPersonalBook(plan.index, id, f)) continue;
        totals.set(id, { ...f, weekly: NO_WEEKS, dimHits: new Map(f.dimHits), signedByWeek: NO_NUMBERS, newCustomersByWeek: NO_NUMBERS, notCountedReasons: NO_REASONS });
      }
    }
    return peerStats(totals, plan.settings);
  }

  /** One slice's reports, compared with `peers` (the run's figures); nothing else of the company is loaded. */
  async buildSlice(plan: PassPlan, slice: Slice, asOf: Date, peers: PeerStats): Promise<{ reports: RepReport[]; ms: { load: number; compute: number } }> {
    const t0 = performance.now();
    const { org, outside } = sliceContext(slice, plan.index);
    const loaded = await loadSliceDataset(this.m, plan.quarter, asOf, { settings: plan.settings, people: slice.people, org, who: slice.who, goalsOutside: outside });
    const predictions = await loadStoredPredictions(
      this.m,
      plan.quarter,
      asOf,
      slice.people.map((p) => p.id),
      slice.who,
    );
    const t1 = performance.now();
    // Computed a few teams at a time, yielding between them: a slice computed in one go held the event loop
    // for hundreds of ms (stream acks and chat replies waited behind it). Whole teams per chunk, so a rep
    // is compared with the same teammates; the peers are the run's, so chunks give the same reports.
    const reports: RepReport[] = [];
    let compute = 0;
    for (const people of teamChunks(slice.people, COMPUTE_CHUNK)) {
      const c0 = performance.now();
      reports.push(...buildReports({ ...loaded, people, predictions, ...(plan.calendar ? { calendar: plan.calendar } : {}) }, plan.settings, peers).reports);
      compute += performance.now() - c0;
      await new Promise((r) => setImmediate(r));
    }
    return { reports, ms: { load: t1 - t0, compute } };
  }

  private async withTeammates(ids: readonly string[]): Promise<string[]> {
    const people = await this.m.Person.find({ _id: { $in: [...ids] } }, { managerId: 1 }).lean();
    const managers = [...new Set(people.map((p) => p.managerId).filter((x): x is string => !!x))];
    if (managers.length === 0) return [...ids];
    const mates = await this.m.Person.find({ managerId: { $in: managers }, isActive: true }, { _id: 1 }).lean();
    return [...new Set([...ids, ...mates.map((p) => String(p._id))])];
  }

  /**
   * Reports as of `asOf`. Without `peers` everyone's data is loaded (the comparison figures need it); with
   * `peers` (a run's stored figures) `personIds` may narrow the load to the people asked for.
   */
  async build(q: QuarterRecord, asOf: Date, opts: { peers?: PeerStats | null; personIds?: readonly string[] } = {}): Promise<BuiltReports> {
    const quarter = toReportQuarter(q);
    const t0 = performance.now();
    // A narrowed load still takes in each person's whole team: the insight's attribution compares a rep
    // with their teammates, so one rep's report must read the same whoever else was asked for.
    const narrow = opts.peers && opts.personIds ? await this.withTeammates(opts.personIds) : undefined;
    const settings = this.settingsFor(q);
    const loaded = await loadReportDataset(this.m, quarter, asOf, { settings, ...(narrow ? { personIds: narrow } : {}) });
    const calendar = await this.workingCalendar();
    const predictions = await loadStoredPredictions(this.m, quarter, asOf, loaded.people.map((p) => p.id));
    const data = { ...loaded, predictions, ...(calendar ? { calendar } : {}) };
    const t1 = performance.now();
    const set = buildReports(data, settings, opts.peers ?? undefined);
    const wanted = opts.personIds ? new Set(opts.personIds) : undefined;
    const reports = wanted ? set.reports.filter((r) => wanted.has(r.personId)) : set.reports;
    // The org is every active person: summaries only for managers still active (a rep whose manager left
    // still gets their own report), and a sub-team's row rolls up its whole subtree.
    const org = data.org ?? data.people;
    const names = new Map(org.map((p) => [p.id, p.name]));
    const teams = buildTeamSummaries(reports, names, org, settings);
    return { quarter, week: data.week, reports, teams, peers: set.peers, ms: { load: t1 - t0, compute: performance.now() - t1 } };
  }
}
