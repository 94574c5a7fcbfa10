import { loadReportDataset, toReportQuarter } from '../../adapters/mongo/report-data.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import { computeFigures, type PersonQuarterFigures } from '../../domain/figures/person-figures.js';
import { attributeTeam, type Attribution, type RepHistory } from '../../domain/outcome/attribution.js';
import { quarterOf } from '../../domain/time/calendar.js';
import { buildReviewPack, packMembers, packProblem, type PackProblem, type ReviewPack } from '../../domain/outcome/review-pack.js';
import type { WeekPrediction } from '../../domain/outcome/predicted-vs-actual.js';
import type { ReportSettings } from '../../domain/report/types.js';
import type { QuarterRecord, ReportBuilder } from '../weekly-report/report-builder.js';
import { planSlices } from '../weekly-report/slice-plan.js';

/** People per load when several teams' packs are due together (whole teams; as the Friday pass's default slice). */
const PACK_SLICE = 500;

export interface TeamRef {
  managerId: string;
  managerName: string;
}

export type PackBuild =
  | { ok: true; pack: ReviewPack; team: PersonQuarterFigures[]; attributions: Attribution[]; ms: { load: number; compute: number } }
  | { ok: false; problem: PackProblem };

/**
 * Loads a team's data and turns it into the pack: the weekly report's bulk load (the whole company, so the
 * health score's comparison figures are the same as on Friday), the ONE figures module, attribution
 * against the team, then the pure pack builder. Nothing here computes a figure.
 */
export class ReviewPackBuilder {
  constructor(
    private readonly m: Pick<Models, 'Person' | 'Goal' | 'Activity' | 'Deal' | 'Quarter' | 'Prediction'>,
    private readonly settingsFor: (q: QuarterRecord) => ReportSettings,
    /** PREDICTION_ALERT_WEEK and PREDICTION_THRESHOLD: the pack shows what week N predicted. */
    private readonly prediction: { alertWeek: number; threshold: number } = { alertWeek: 8, threshold: 0.5 },
    /**
     * The Friday report's builder: with it, one team's pack loads that team only (issue 14), compared with
     * company figures computed a slice at a time, instead of loading the whole company for one team.
     */
    private readonly reports?: Pick<ReportBuilder, 'plan' | 'peers' | 'buildSlice'>,
  ) {}

  /**
   * `memberIds`: who the pack is about, when not the manager's direct reports (a whole sales org for the
   * docs example and the bench).
   */
  async build(q: QuarterRecord, team: TeamRef, opts: { asOf: Date; reviewAt: Date; preview: boolean; memberIds?: readonly string[] }): Promise<PackBuild> {
    if (this.reports && !opts.memberIds) return this.buildTeam(q, team, opts, this.reports);
    const [one] = await this.buildMany(q, [{ team, reviewAt: opts.reviewAt, ...(opts.memberIds ? { memberIds: opts.memberIds } : {}) }], opts);
    return one!;
  }

  /** One team's pack from that team's data: the company comes in only as its comparison figures. */
  private async buildTeam(q: QuarterRecord, team: TeamRef, opts: { asOf: Date; reviewAt: Date; preview: boolean }, reports: Pick<ReportBuilder, 'plan' | 'peers' | 'buildSlice'>): Promise<PackBuild> {
    const t0 = performance.now();
    const plan = await reports.plan(q);
    const peers = await reports.peers(plan, opts.asOf);
    const people = plan.subjects.filter((p) => p.managerId === team.managerId);
    const built = people.length > 0 ? await reports.buildSlice(plan, { people, who: { $in: people.map((p) => p.id) } }, opts.asOf, peers) : { reports: [], ms: { load: 0, compute: 0 } };
    const history = await this.history(q);
    const predictions = await this.weekPredictions(q._id, people.map((p) => p.id));
    const t1 = performance.now();
    return this.pack(q, team, opts, { reviewAt: opts.reviewAt, members: built.reports.map((r) => r.figures), history, predictions, ms: { load: t1 - t0 - built.ms.compute, compute: built.ms.compute } });
  }

  /**
   * Several teams' packs from ONE load and ONE figures computation (every team due at the same T−72h, the
   * bench's whole company): loading is most of the cost, and the figures don't depend on the team.
   */
  async buildMany(
    q: QuarterRecord,
    teams: ReadonlyArray<{ team: TeamRef; reviewAt: Date; memberIds?: readonly string[] }>,
    opts: { asOf: Date; preview: boolean },
  ): Promise<PackBuild[]> {
    if (this.reports && teams.every((t) => !t.memberIds)) return this.buildTeams(q, teams, opts, this.reports);
    const t0 = performance.now();
    const quarter = toReportQuarter(q);
    const settings = this.settingsFor(q);
    const data = await loadReportDataset(this.m, quarter, opts.asOf, { settings });
    const history = await this.history(q);
    const predictions = await this.weekPredictions(q._id, data.people.map((p) => p.id));
    const t1 = performance.now();
    const set = computeFigures(data, settings);
    const load = (t1 - t0) / teams.length;
    const compute = (performance.now() - t1) / teams.length;
    return teams.map(({ team, reviewAt, memberIds }) => {
      const t2 = performance.now();
      const wanted = memberIds ? new Set(memberIds) : undefined;
      const members = data.people.filter((p) => (wanted ? wanted.has(p.id) : p.managerId === team.managerId)).map((p) => set.byPerson.get(p.id)!);
      const built = this.pack(q, team, opts, { reviewAt, members, history, predictions, ms: { load, compute } });
      if (built.ok) built.ms.compute += performance.now() - t2;
      return built;
    });
  }

  /**
   * Several teams' packs due together (the T−72h tick), a slice of whole teams at a time (issue 14): the
   * company comes in only as its comparison figures (computed a slice at a time), and each slice's data is let
   * go once its reps' figures are taken. The slices are $in lists: the due teams' ids need not be contiguous
   * among the company's, so an id range could take in anyone between them.
   */
  private async buildTeams(
    q: QuarterRecord,
    teams: ReadonlyArray<{ team: TeamRef; reviewAt: Date }>,
    opts: { asOf: Date; preview: boolean },
    reports: Pick<ReportBuilder, 'plan' | 'peers' | 'buildSlice'>,
  ): Promise<PackBuild[]> {
    const t0 = performance.now();
    const plan = await reports.plan(q);
    const peers = await reports.peers(plan, opts.asOf);
    const due = new Set(teams.map((t) => t.team.managerId));
    const people = plan.subjects.filter((p) => p.managerId !== null && due.has(p.managerId));
    const members = new Map<string, PersonQuarterFigures[]>();
    let compute = 0;
    for (const slice of planSlices(people, PACK_SLICE)) {
      const built = await reports.buildSlice(plan, { people: slice.people, who: { $in: slice.people.map((p) => p.id) } }, opts.asOf, peers);
      compute += built.ms.compute;
      for (const r of built.reports) {
        const list = members.get(r.managerId ?? '');
        if (list) list.push(r.figures);
        else members.set(r.managerId ?? '', [r.figures]);
      }
    }
    const history = await this.history(q);
    const predictions = await this.weekPredictions(q._id, people.map((p) => p.id));
    const load = (performance.now() - t0 - compute) / teams.length;
    return teams.map(({ team, reviewAt }) => {
      const t2 = performance.now();
      const built = this.pack(q, team, opts, { reviewAt, members: members.get(team.managerId) ?? [], history, predictions, ms: { load, compute: compute / teams.length } });
      if (built.ok) built.ms.compute += performance.now() - t2;
      return built;
    });
  }

  /** The pure part: problem check, attribution against the team, the pack. */
  private pack(
    q: QuarterRecord,
    team: TeamRef,
    opts: { asOf: Date; preview: boolean },
    x: { reviewAt: Date; members: PersonQuarterFigures[]; history: Map<string, RepHistory>; predictions: Map<string, WeekPrediction>; ms: { load: number; compute: number } },
  ): PackBuild {
    const problem = packProblem(team.managerName, x.members);
    if (problem) return { ok: false, problem };
    // Managers without a personal book are not scored like reps (packMembers).
    const members = packMembers(x.members);
    const attributions = attributeTeam(members, x.history);
    const pack = buildReviewPack({
      quarterId: q._id,
      teamName: team.managerName,
      managerId: team.managerId,
      asOf: opts.asOf,
      reviewAt: x.reviewAt,
      timeZone: q.timeZone,
      preview: opts.preview,
      team: members,
      attributions,
      predictions: { week: this.prediction.alertWeek, threshold: this.prediction.threshold, byPerson: x.predictions },
    });
    return { ok: true, pack, team: members, attributions, ms: { ...x.ms } };
  }

  /**
   * Each rep's signed amount in the four quarters before this one, averaged over the quarters the company
   * has won deals in (a quarter the rep signed nothing in counts as 0): the goal link's "target far above
   * the rep's own history". Reps with nothing in any of them have no history (null).
   */
  async history(q: QuarterRecord): Promise<Map<string, RepHistory>> {
    const ids: string[] = [];
    for (let at = new Date(q.startDate.getTime() - 86_400_000); ids.length < 4; ) {
      const span = quarterOf(at, q.timeZone);
      ids.push(span.id);
      at = new Date(span.start.getTime() - 86_400_000);
    }
    const rows = await this.m.Deal.aggregate<{ _id: { p: string; q: string }; s: number }>([
      { $match: { quarterId: { $in: ids }, isWon: true, deleted: { $ne: true } } },
      { $group: { _id: { p: '$personId', q: '$quarterId' }, s: { $sum: '$amountCny' } } },
    ]);
    const quarters = new Set(rows.map((r) => r._id.q)).size;
    const sums = new Map<string, number>();
    for (const r of rows) sums.set(r._id.p, (sums.get(r._id.p) ?? 0) + r.s);
    return new Map([...sums].map(([p, s]) => [p, { avgSignedCny: quarters > 0 && s > 0 ? s / quarters : null }]));
  }

  /** The stored week-N signed-amount predictions of the quarter (one query); never recomputed here. */
  async weekPredictions(quarterId: string, personIds: readonly string[]): Promise<Map<string, WeekPrediction>> {
    const docs = await this.m.Prediction.find(
      { quarterId, week: this.prediction.alertWeek, metric: 'signed_amount', personId: { $in: [...personIds] } },
      { personId: 1, probability: 1, target: 1, paceProjected: 1 },
    ).lean();
    return new Map(docs.map((d) => [d.personId, { probability: d.probability ?? null, target: d.target, paceProjected: d.paceProjected }]));
  }

  /** A review quarter by id (scripts, bench). */
  async quarter(id: string): Promise<QuarterRecord | null> {
    return (await this.m.Quarter.findById(id).lean()) as QuarterRecord | null;
  }
}
