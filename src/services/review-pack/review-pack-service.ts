import type { Agenda } from 'agenda';
import type { Models } from '../../adapters/mongo/models/index.js';
import type { Destination } from '../../bot/messages.js';
import type { Messenger } from '../../bot/messenger.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import { packTimeFor, type WorkingCalendar } from '../../domain/time/working-days.js';
import type { QuarterRecord } from '../weekly-report/report-builder.js';
import type { PackBuild, ReviewPackBuilder, TeamRef } from './pack-builder.js';
import { PACK_KIND, PACK_PARTS, type PackSender } from './pack-sender.js';

/** The pack goes out this long before the team's review meeting. */
export const PRE_REVIEW_MS = 72 * 3_600_000;
/** The Agenda job that carries one team's planned send (data: quarterId, managerId). */
export const TEAM_JOB = 'review-pack-team';
/** A review may be up to 31 days after its quarter (quarter set-up's rule); quarters that recent are watched. */
const WATCH_AFTER_END_MS = 45 * 86_400_000;

export const BIND_HINT_ZH = '提示：这个团队还没有绑定团队群，复盘包先发给你。在团队群里 @机器人 发送「绑定团队群」，以后就发到群里。';

export interface TeamPlan {
  team: TeamRef;
  quarterId: string;
  reviewAt: Date;
  dueAt: Date;
  overridden: boolean;
}

export interface ReviewPackServiceDeps {
  models: Pick<Models, 'Person' | 'Quarter' | 'ReviewTeam' | 'Delivery'>;
  builder: ReviewPackBuilder;
  sender: PackSender;
  messenger: Messenger;
  clock: Clock;
  logger: Logger;
  /** The company calendar (src/services/calendar): T−72h never lands on a day off. Absent: plain T−72h. */
  calendar?: () => Promise<WorkingCalendar>;
}

/**
 * When and where the pre-review pack goes. Each team's send is planned as an Agenda job at T−72h before its
 * review (the quarter's time, or HR's override), re-planned when that time moves; a one-minute tick also
 * delivers every team whose time has come (catch-up after downtime, and the simulator's moved clock), and
 * the delivery ledger makes the two — and any number of instances — send each team's pack once.
 */
export class ReviewPackService {
  private agenda: Pick<Agenda, 'create'> | undefined;
  private readonly planned = new Map<string, number>();

  constructor(private readonly d: ReviewPackServiceDeps) {}

  attach(agenda: Pick<Agenda, 'create'>): void {
    this.agenda = agenda;
  }

  /** Managers with at least one active direct report, by name. */
  async teams(): Promise<TeamRef[]> {
    const managerIds: string[] = await this.d.models.Person.distinct('managerId', { isActive: true, managerId: { $ne: null } });
    const managers = await this.d.models.Person.find({ _id: { $in: managerIds }, isActive: true }, { name: 1 }).sort({ _id: 1 }).lean();
    return managers.map((m) => ({ managerId: String(m._id), managerName: m.name }));
  }

  /** Quarters whose review can still be ahead: started, and ended no more than 45 days ago. */
  async watchedQuarters(now: Date): Promise<QuarterRecord[]> {
    return (await this.d.models.Quarter.find({ status: { $ne: 'planning' }, startDate: { $lte: now }, endDate: { $gt: new Date(now.getTime() - WATCH_AFTER_END_MS) } })
      .sort({ startDate: 1 })
      .lean()) as QuarterRecord[];
  }

  async quarterFor(now: Date): Promise<QuarterRecord | null> {
    const qs = await this.watchedQuarters(now);
    // The one whose review is next (or most recent), preferring the quarter now falls in.
    return qs.find((q) => q.startDate <= now && now < q.endDate) ?? qs.at(-1) ?? null;
  }

  /**
   * `known`: the tick's one read of every team's overrides and the calendar, instead of two reads per team
   * (a company of 50,000 reps has ~6,000 teams, planned every minute).
   */
  async planFor(q: QuarterRecord, team: TeamRef, known?: { overrides: Map<string, Record<string, Date> | undefined>; calendar: WorkingCalendar | undefined }): Promise<TeamPlan> {
    const overrides = known ? known.overrides.get(team.managerId) : ((await this.d.models.ReviewTeam.findById(team.managerId).lean())?.reviewAt as Record<string, Date> | undefined);
    const override = overrides?.[q._id];
    const reviewAt = override ? new Date(override) : q.reviewAt;
    // T−72h, moved back to the working day before at the same time when it falls on a holiday (issue 13):
    // a review on the Friday after National Day would otherwise get its pack on the night of 国庆节.
    const cal = known ? known.calendar : await this.d.calendar?.();
    const dueAt = cal ? packTimeFor(reviewAt, cal, q.timeZone ?? 'Asia/Shanghai') : new Date(reviewAt.getTime() - PRE_REVIEW_MS);
    return { team, quarterId: q._id, reviewAt, dueAt, overridden: !!override };
  }

  async destinationFor(managerId: string): Promise<{ to: Destination; bound: boolean }> {
    const doc = await this.d.models.ReviewTeam.findById(managerId).lean();
    return doc?.groupId ? { to: { kind: 'group', openConversationId: doc.groupId }, bound: true } : { to: { kind: 'user', userId: managerId }, bound: false };
  }

  /** Plans (or re-plans) the team's Agenda job at its T−72h. Unchanged plans are not rewritten. */
  async plan(p: TeamPlan): Promise<void> {
    const key = `${p.quarterId}|${p.team.managerId}`;
    if (!this.agenda || this.planned.get(key) === p.dueAt.getTime()) return;
    await this.agenda
      .create(TEAM_JOB, { quarterId: p.quarterId, managerId: p.team.managerId })
      .unique({ name: TEAM_JOB, 'data.quarterId': p.quarterId, 'data.managerId': p.team.managerId })
      .schedule(p.dueAt)
      .save();
    this.planned.set(key, p.dueAt.getTime());
    this.d.logger.info({ quarterId: p.quarterId, managerId: p.team.managerId, dueAt: p.dueAt }, 'review pack: planned');
  }

  /** The minute tick: (re)plans every team and delivers those whose T−72h has come and whose review is ahead. */
  async tick(): Promise<void> {
    const now = this.d.clock.now();
    const teams = await this.teams();
    const docs = await this.d.models.ReviewTeam.find({}, { reviewAt: 1 }).lean();
    const known = { overrides: new Map(docs.map((d) => [String(d._id), d.reviewAt as Record<string, Date> | undefined])), calendar: await this.d.calendar?.() };
    for (const q of await this.watchedQuarters(now)) {
      const due: TeamPlan[] = [];
      for (const team of teams) {
        const p = await this.planFor(q, team, known);
        await this.plan(p);
        if (p.dueAt <= now && now < p.reviewAt && !(await this.done(q._id, team.managerId))) due.push(p);
      }
      if (due.length === 0) continue;
      // Teams due together share one load of the quarter's data.
      const asOf = now < q.endDate ? now : q.endDate;
      const built = await this.d.builder.buildMany(q, due.map((p) => ({ team: p.team, reviewAt: p.reviewAt })), { asOf, preview: false });
      for (const [i, p] of due.entries()) await this.send(q, p, built[i]!);
    }
  }

  /** Every part of the team's pack (or its problem notice) is out. */
  private async done(quarterId: string, managerId: string): Promise<boolean> {
    const rows = await this.d.models.Delivery.find({ kind: PACK_KIND, period: quarterId, recipientId: managerId, status: 'sent' }, { part: 1 }).lean();
    return rows.length >= PACK_PARTS.length || rows.some((r) => r.part === 'problem');
  }

  /** The team job's handler: its planned time has come (the clock may say otherwise after a re-plan). */
  async runTeamJob(quarterId: string, managerId: string): Promise<void> {
    const q = (await this.d.models.Quarter.findById(quarterId).lean()) as QuarterRecord | null;
    const m = await this.d.models.Person.findById(managerId, { name: 1 }).lean();
    if (!q || !m) return;
    const p = await this.planFor(q, { managerId, managerName: m.name });
    const now = this.d.clock.now();
    if (p.dueAt <= now && now < p.reviewAt) await this.deliver(q, p);
  }

  /** Scheduled delivery of one team's pack, exactly once through the ledger. */
  async deliver(q: QuarterRecord, p: TeamPlan): Promise<'sent' | 'already-sent' | 'problem'> {
    if (await this.done(q._id, p.team.managerId)) return 'already-sent';
    const now = this.d.clock.now();
    const asOf = now < q.endDate ? now : q.endDate;
    return this.send(q, p, await this.d.builder.build(q, p.team, { asOf, reviewAt: p.reviewAt, preview: false }));
  }

  private async send(q: QuarterRecord, p: TeamPlan, built: PackBuild): Promise<'sent' | 'already-sent' | 'problem'> {
    const { to, bound } = await this.destinationFor(p.team.managerId);
    if (!built.ok) {
      // Said once, to the manager: a pack of empty charts would help nobody.
      this.d.logger.warn({ quarterId: q._id, managerId: p.team.managerId, problem: built.problem.code }, 'review pack: nothing to send');
      await this.d.sender.notifyOnce({ quarterId: q._id, managerId: p.team.managerId }, { kind: 'user', userId: p.team.managerId }, built.problem.zh);
      return 'problem';
    }
    const rendered = await this.d.sender.render(built.pack);
    const r = await this.d.sender.deliverScheduled(rendered, to, { quarterId: q._id, managerId: p.team.managerId });
    if (!bound && r.sent.includes('card')) await this.d.messenger.send(to, { type: 'text', text: BIND_HINT_ZH });
    this.d.logger.info({ quarterId: q._id, managerId: p.team.managerId, bound, ...r }, 'review pack: delivered');
    return r.sent.length ? 'sent' : 'already-sent';
  }
}
