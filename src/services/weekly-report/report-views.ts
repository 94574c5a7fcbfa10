import { createHash } from 'node:crypto';
import type { Models } from '../../adapters/mongo/models/index.js';
import type { PeopleRepository, Person } from '../../adapters/mongo/people-repository.js';
import type { ReportRunRepository } from '../../adapters/mongo/report-run-repository.js';
import type { Clock } from '../../clock.js';
import type { PeerStats } from '../../domain/report/peers.js';
import type { PersonQuarterFigures } from '../../domain/figures/person-figures.js';
import type { TeamRollup } from '../../domain/figures/team-figures.js';
import type { Role } from '../../domain/org/access.js';
import type { QuarterRecord, ReportBuilder } from './report-builder.js';
import type { ReportSender } from './report-sender.js';

/** Peer figures for live views are recomputed at most this often (they need everyone's data). */
const PEERS_TTL_MS = 10 * 60_000;

export type ViewResult = { ok: true; cards: number } | { ok: false; reason: 'forbidden' | 'no-quarter' | 'no-run' | 'not-a-subject' | 'no-team' };

/**
 * Reports sent because someone asked (a chat command, a manager's button), not the Friday push: one card
 * per request, to the asker only, after checking they may see it.
 */
export class ReportViews {
  private readonly peersCache = new Map<string, { at: number; peers: PeerStats }>();

  constructor(
    private readonly d: {
      models: Pick<Models, 'Person'>;
      people: PeopleRepository;
      runs: ReportRunRepository;
      builder: ReportBuilder;
      sender: ReportSender;
      clock: Clock;
      hrUserIds: readonly string[];
    },
  ) {}

  async viewer(userId: string): Promise<{ person: Person | null; role: Role }> {
    const person = await this.d.people.get(userId);
    const role: Role = this.d.hrUserIds.includes(userId) ? 'hr' : ((person?.role as Role | undefined) ?? 'rep');
    return { person, role };
  }

  async canView(viewerId: string, subjectId: string): Promise<boolean> {
    const { role } = await this.viewer(viewerId);
    return this.d.people.canView({ id: viewerId, role }, subjectId);
  }

  /**
   * Sends `subjectId`'s report to `viewerId`. With `week` (a button on a team card) it is that week's run,
   * the same figures the rep got; without, it is live as of now.
   */
  async sendReport(viewerId: string, subjectId: string, requestKey: string, week?: string, opts: { drillDown?: boolean } = {}): Promise<ViewResult> {
    if (!(await this.canView(viewerId, subjectId))) return { ok: false, reason: 'forbidden' };
    const basis = await this.basis(week);
    if (!basis.ok) return basis;
    const built = await this.d.builder.build(basis.quarter, basis.asOf, { peers: basis.peers, personIds: [subjectId] });
    const report = built.reports[0];
    // A manager without a personal book is shown through their team: opening them drills down to it.
    if (!report?.figures.personalBook && (await this.d.people.directReports(subjectId)).length > 0) {
      return opts.drillDown === false ? { ok: false, reason: 'not-a-subject' } : this.sendTeam(subjectId, requestKey, viewerId, basis);
    }
    if (!report) return { ok: false, reason: 'not-a-subject' };
    await this.d.sender.view({ recipientId: viewerId, part: 'report', report }, viewerId, viewOutTrackId(built.week, viewerId, subjectId, requestKey));
    return { ok: true, cards: 1 };
  }

  /**
   * A manager's team summary (direct reports; a sub-team's row rolls up its whole subtree), sent to the
   * manager themself or, drilling down, to someone above them who may see it. Live unless `basis` is given.
   */
  async sendTeam(
    managerId: string,
    requestKey: string,
    viewerId = managerId,
    given?: { quarter: QuarterRecord; asOf: Date; peers: PeerStats },
  ): Promise<ViewResult> {
    if (viewerId !== managerId && !(await this.canView(viewerId, managerId))) return { ok: false, reason: 'forbidden' };
    const team = await this.d.people.allReports(managerId);
    if (team.length === 0) return { ok: false, reason: 'no-team' };
    const basis = given ? ({ ok: true, ...given } as const) : await this.basis(undefined);
    if (!basis.ok) return basis;
    const built = await this.d.builder.build(basis.quarter, basis.asOf, { peers: basis.peers, personIds: [managerId, ...team] });
    const summary = built.teams.find((t) => t.managerId === managerId);
    if (!summary) return { ok: false, reason: 'no-team' };
    await this.d.sender.view({ recipientId: viewerId, part: 'team', team: summary }, viewerId, viewOutTrackId(built.week, viewerId, viewerId === managerId ? 'team' : `team-${managerId}`, requestKey));
    return { ok: true, cards: 1 };
  }

  /** A person's quarter figures as of now (我的目标 shows them), with the same peers as a live report. */
  async figuresOf(personId: string): Promise<PersonQuarterFigures | null> {
    const basis = await this.basis(undefined);
    if (!basis.ok) return null;
    const built = await this.d.builder.build(basis.quarter, basis.asOf, { peers: basis.peers, personIds: [personId] });
    return built.reports[0]?.figures ?? null;
  }

  /**
   * A manager's team roll-up as of now (我的目标 of a manager without a personal book shows it): built as
   * sendTeam builds the team summary, so both read the same figures. Null without a team or a quarter.
   */
  async teamRollupOf(managerId: string): Promise<TeamRollup | null> {
    const team = await this.d.people.allReports(managerId);
    if (team.length === 0) return null;
    const basis = await this.basis(undefined);
    if (!basis.ok) return null;
    const built = await this.d.builder.build(basis.quarter, basis.asOf, { peers: basis.peers, personIds: [managerId, ...team] });
    return built.teams.find((t) => t.managerId === managerId)?.rollup ?? null;
  }

  private async basis(week: string | undefined): Promise<{ ok: true; quarter: QuarterRecord; asOf: Date; peers: PeerStats } | { ok: false; reason: 'no-quarter' | 'no-run' }> {
    if (week) {
      const run = await this.d.runs.latestOfWeek(week);
      const quarter = run ? await this.d.builder.quarter(run.quarterId) : null;
      if (!run?.peers || !quarter) return { ok: false, reason: 'no-run' };
      return { ok: true, quarter, asOf: run.asOf, peers: run.peers };
    }
    const now = this.d.clock.now();
    const quarter = await this.d.builder.quarterAt(now);
    if (!quarter) return { ok: false, reason: 'no-quarter' };
    const cached = this.peersCache.get(quarter._id);
    if (cached && now.getTime() - cached.at < PEERS_TTL_MS) return { ok: true, quarter, asOf: now, peers: cached.peers };
    // A slice at a time, keeping only per-person totals: a live view must not load the whole company (issue 14).
    const peers = await this.d.builder.peers(await this.d.builder.plan(quarter), now);
    this.peersCache.set(quarter._id, { at: now.getTime(), peers });
    return { ok: true, quarter, asOf: now, peers };
  }
}

/** One card per request: the request's dedupe key makes the id unique, and a redelivered request reuses it. */
export function viewOutTrackId(week: string, viewerId: string, subject: string, requestKey: string): string {
  return `weekly-report-view:${week}:${viewerId}:${subject}:${createHash('sha1').update(requestKey).digest('hex').slice(0, 12)}`;
}
