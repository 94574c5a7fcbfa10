/**
 * Team summaries built while the Friday pass goes through the company a slice at a time (issue 14): the
 * same summaries as buildTeamSummaries, without holding everyone's report. Each report is added once; a
 * manager's summary is handed back as soon as every subject below them has been added, and what it needed
 * (their reps' lines, running sums of the roll-ups) is dropped then. What stays is per open manager, not
 * per person.
 */
import { RollupSums } from '../figures/team-figures.js';
import type { ReportPerson, ReportSettings } from './types.js';
import { repLine, subTeamLine, teamSummaryOf, type TeamSource, type TeamSummary, type TeamMemberLine } from './team.js';

type GoalState = TeamSource['figures']['goal']['state'];

interface Open {
  /** Subjects below this manager not added yet. */
  remaining: number;
  /** Lines of direct reports who are reps (sub-team lines are made when this manager completes). */
  lines: TeamMemberLine[];
  /** Everyone with a personal book below (not the manager). */
  below: RollupSums;
}

export class TeamSummaryStream {
  private readonly open = new Map<string, Open>();
  /** Managers' own part, kept until their manager's summary is made: their goal state and personal figures. */
  private readonly own = new Map<string, { goal: GoalState; sums: RollupSums | undefined }>();
  private first: Pick<TeamSource, 'quarterId' | 'week' | 'asOf' | 'timeZone'> | undefined;

  /**
   * `subjects`: everyone whose report will be added. `root`: a team run stops climbing at its manager (no
   * summaries above it are made).
   */
  constructor(
    private readonly index: { byId: ReadonlyMap<string, ReportPerson>; children: ReadonlyMap<string, readonly ReportPerson[]> },
    subjects: Iterable<string>,
    private readonly settings: Pick<ReportSettings, 'thresholds'>,
    private readonly root?: string,
  ) {
    for (const id of subjects) for (const a of this.ancestors(id)) this.state(a).remaining++;
  }

  /** Adds one subject's report; returns the summaries it completed (deepest first). */
  add(r: TeamSource): TeamSummary[] {
    this.first ??= r;
    const isManager = (this.index.children.get(r.personId)?.length ?? 0) > 0;
    const personal = r.figures.personalBook;
    if (isManager) this.own.set(r.personId, { goal: r.figures.goal.state, sums: personal ? new RollupSums().add(r.figures) : undefined });
    const ancestors = this.ancestors(r.personId);
    if (!isManager && personal && ancestors.length > 0) this.state(ancestors[0]!).lines.push(repLine(r));
    const done: TeamSummary[] = [];
    for (const a of ancestors) {
      const s = this.state(a);
      if (personal) s.below.add(r.figures);
      if (--s.remaining === 0) {
        const summary = this.complete(a, s);
        if (summary) done.push(summary);
      }
    }
    return done;
  }

  /** Managers still waiting for someone below them (0 once every subject was added). */
  get pending(): number {
    return this.open.size;
  }

  private complete(id: string, s: Open): TeamSummary | undefined {
    this.open.delete(id);
    const lines = s.lines;
    for (const k of this.index.children.get(id) ?? []) {
      if ((this.index.children.get(k.id)?.length ?? 0) === 0) continue;
      const own = this.own.get(k.id);
      const below = this.open.get(k.id)?.below ?? this.closed.get(k.id);
      this.own.delete(k.id);
      this.closed.delete(k.id);
      const sums = new RollupSums();
      if (own?.sums) sums.merge(own.sums);
      if (below) sums.merge(below);
      if (sums.people === 0) continue;
      lines.push(subTeamLine(k.id, k.name, sums.finish(k.id, this.settings), own?.goal ?? 'none'));
    }
    // Kept for this manager's own manager, whose line for this team rolls it up.
    this.closed.set(id, s.below);
    if (s.below.people === 0 || lines.length === 0) return undefined;
    const name = this.index.byId.get(id)?.name ?? id;
    return teamSummaryOf(id, name, lines, s.below.finish(id, this.settings), this.first!);
  }

  /** Sums of completed managers, until their own manager's summary is made. */
  private readonly closed = new Map<string, RollupSums>();

  private state(id: string): Open {
    let s = this.open.get(id);
    if (!s) this.open.set(id, (s = { remaining: 0, lines: [], below: new RollupSums() }));
    return s;
  }

  /** Active managers above `id`, nearest first, up to the root (a cycle in the data stops the walk). */
  private ancestors(id: string): string[] {
    const out: string[] = [];
    if (id === this.root) return out;
    const seen = new Set([id]);
    let p = this.index.byId.get(id)?.managerId;
    while (p && this.index.byId.has(p) && !seen.has(p)) {
      out.push(p);
      if (p === this.root) break;
      seen.add(p);
      p = this.index.byId.get(p)!.managerId;
    }
    return out;
  }
}
