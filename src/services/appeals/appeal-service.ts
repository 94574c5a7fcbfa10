import { Types } from 'mongoose';
import type { AuditRepository } from '../../adapters/mongo/audit-repository.js';
import type { CardTemplates } from '../../adapters/cards/template-store.js';
import type { DeliveryLedger } from '../../adapters/mongo/delivery-ledger.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import type { RuleStore } from '../../adapters/mongo/rule-store.js';
import type { Messenger } from '../../bot/messenger.js';
import type { Clock } from '../../clock.js';
import { checkAppealable, checkReason, type Lang, type Msg } from '../../domain/appeals/appeal-rules.js';
import { factsOf } from '../../domain/activity/normalize.js';
import { evaluate } from '../../domain/activity/rules/evaluate.js';
import { formatRule } from '../../domain/activity/rules/rule-format.js';
import { ruleFor } from '../../domain/activity/rules/rule-model.js';
import { formatLocal, quarterOf } from '../../domain/time/calendar.js';
import { addWorkingDays, type WorkingCalendar } from '../../domain/time/working-days.js';
import type { Logger } from '../../logger.js';
import { approvalValues, type AppealView } from './appeal-cards.js';
import { recordRefusal } from '../goals/refusal.js';

export interface AppealDeps {
  models: Models;
  messenger: Messenger;
  templates: CardTemplates;
  audit: AuditRepository;
  ledger: DeliveryLedger;
  clock: Clock;
  rules: RuleStore;
  zone: string;
  calendar: () => Promise<WorkingCalendar>;
  logger: Logger;
}

/** What the rep names: an activity id (card button) or the short number typed in chat. */
export type ActivityRef = { kind: 'id'; id: string } | { kind: 'code'; code: string };

export type OpenResult = { ok: true; text: Msg; appealId: string } | { ok: false; text: Msg; kind: string };

/** Working days a manager has before the one reminder (issue 13). */
export const REMIND_AFTER_WORKING_DAYS = 2;

const refused = (kind: string, text: Msg): OpenResult => ({ ok: false, kind, text });

/**
 * Appeals (申诉): a rep disputes a not-counted activity, the direct manager accepts (the activity counts,
 * recorded as an override on it) or rejects, the rep hears the outcome. Every check is made here, on the
 * stored data — a card only carries ids, so a forged or replayed click gets the same refusals as chat.
 */
export class AppealService {
  constructor(private readonly d: AppealDeps) {}

  /** Opens an appeal. Refusals store nothing (the ones about someone else's data are audited). */
  async open(requesterId: string, ref: ActivityRef, reasonText: string, via: 'card' | 'chat'): Promise<OpenResult> {
    const m = this.d.models;
    const found = await this.findActivity(requesterId, ref);
    if (found.kind === 'none') {
      return refused('not-found', {
        zh: `没有找到编号为 ${ref.kind === 'code' ? ref.code : '该'} 的行为。编号见「我的行为」里未计入的每一条。`,
        en: `No activity with number ${ref.kind === 'code' ? ref.code : 'given'}; the numbers are shown under "activity".`,
      });
    }
    if (found.kind === 'ambiguous') return refused('ambiguous', { zh: '这个编号对应多条行为，请用「我的行为」里显示的完整编号。', en: 'That number matches several activities; use the full number.' });
    const a = found.activity;
    const activityId = String(a._id);
    const now = this.d.clock.now();
    const quarter = await m.Quarter.findById(a.quarterId, { status: 1, endDate: 1 }).lean();
    const quarterEnd = quarter?.endDate ?? quarterOf(a.startAt, this.d.zone).end;
    const quarterClosed = quarter?.status === 'closed' || now.getTime() >= quarterEnd.getTime();
    const earlier = await m.Appeal.findOne({ activityId }, { status: 1 }).lean();
    const { ctx } = await this.d.rules.context(a.quarterId);
    const refusal = checkAppealable(
      { personId: a.personId, counted: a.counted ?? false, deleted: a.deleted ?? null, mergedInto: a.mergedInto ?? null, tracked: ctx.trackedTypes.has(a.type) },
      requesterId,
      { quarterClosed, quarterId: a.quarterId, earlier: earlier ? { status: earlier.status as 'open' | 'accepted' | 'rejected' } : null },
    );
    if (refusal) {
      if (refusal.kind === 'not-yours') await this.auditRefusal(requesterId, 'appeal.open', 'activity', activityId, refusal.msg);
      return refused(refusal.kind, refusal.msg);
    }
    const reason = reasonText.trim();
    const bad = checkReason(reason, 'rep');
    if (bad) return refused('reason', bad);
    const rep = await m.Person.findById(requesterId).lean();
    const managerId = rep?.managerId;
    const manager = managerId ? await m.Person.findById(managerId).lean() : null;
    if (!rep || !managerId || !manager?.isActive) {
      return refused('no-manager', { zh: '通讯录里没有你的直属主管，申诉无人审批，本次没有提交。请联系 HR。', en: 'You have no direct manager in the directory to decide an appeal; nothing was submitted. Please contact HR.' });
    }
    const rule = ruleFor(ctx.rules, a.type);
    const typeName = ctx.typeName(a.type, 'zh');
    let doc;
    try {
      doc = await m.Appeal.create({
        activityId,
        personId: requesterId,
        managerId,
        quarterId: a.quarterId,
        activity: { type: a.type, typeName, day: a.day, startAt: a.startAt, ...(a.accountName ? { accountName: a.accountName } : {}), source: a.source },
        systemReasons: a.reasons ?? [],
        ruleVersion: ctx.version,
        ruleText: rule ? formatRule(a.type, rule, 'zh', (t) => ctx.typeName(t, 'zh')) : '',
        reason,
        status: 'open',
        openedAt: now,
        openedVia: via,
      });
    } catch (err) {
      // A second submit of the same activity raced this one past the check: the unique index decides.
      if ((err as { code?: number }).code === 11000) return refused('twice', { zh: '这条行为已经申诉过，同一条只能申诉一次。', en: 'That activity was already appealed; each activity can be appealed once.' });
      throw err;
    }
    const appealId = String(doc._id);
    await this.d.audit.record({ actorId: requesterId, action: 'appeal.opened', entity: 'appeal', entityId: appealId, after: { activityId, reason, systemReasons: a.reasons ?? [], managerId, via }, note: reason });
    this.d.logger.info({ appealId, activityId, managerId }, 'appeal opened');
    await this.sendApprovalCard(appealId).catch((err: unknown) => {
      // Stored and audited: the reminder job sends cards that never went out.
      this.d.logger.warn({ err, appealId }, 'appeal approval card not delivered yet');
    });
    return {
      ok: true,
      appealId,
      text: {
        zh: `已提交申诉（${typeName} ${a.day}），等 ${manager.name} 处理，结果会通知你。`,
        en: `Appeal submitted (${typeName}, ${a.day}); ${manager.name} will decide and you will be told.`,
      },
    };
  }

  /** 认可 / 驳回 from the approval card. Only the rep's current direct manager may decide. */
  async decide(clickerId: string, appealId: string, decision: 'accept' | 'reject', comment: string, outTrackId: string): Promise<void> {
    const m = this.d.models;
    // The clicker is waiting: the interactive lane (ahead of queued report cards).
    const answer = (t: string) => this.d.messenger.send({ kind: 'user', userId: clickerId }, { type: 'text', text: t }, { lane: 'interactive' });
    const appeal = Types.ObjectId.isValid(appealId) ? await m.Appeal.findById(appealId).lean() : null;
    if (!appeal) {
      await this.auditRefusal(clickerId, `appeal.${decision}`, 'appeal', appealId.slice(0, 40), { zh: 'unknown appeal', en: 'unknown appeal' });
      return answer('这张卡片对应的申诉不存在，本次操作未生效。');
    }
    const rep = await m.Person.findById(appeal.personId).lean();
    if (!rep || rep.managerId !== clickerId) {
      const reason = { zh: `只有 ${rep?.name ?? appeal.personId} 的直属主管可以处理这条申诉，本次操作未生效。`, en: `Only the direct manager can decide this appeal; nothing was changed.` };
      await this.auditRefusal(clickerId, `appeal.${decision}`, 'appeal', appealId, reason);
      return answer(reason.zh);
    }
    const clicker = await m.Person.findById(clickerId).lean();
    const view = (extra: Partial<AppealView> = {}): AppealView => ({ ...viewOf(appeal, rep.name), ...extra });
    const redraw = (v: AppealView, notice?: string) => this.d.messenger.updateCard(outTrackId, this.d.templates.params('appeal-approval', approvalValues(v, this.d.zone, notice ? { notice } : {})));
    if (appeal.status !== 'open') {
      const by = appeal.decidedBy ? (await m.Person.findById(appeal.decidedBy).lean())?.name : undefined;
      return redraw(view({ ...(by ? { decidedByName: by } : {}) }), '这条申诉已经处理过，无需重复操作。');
    }
    const text = comment.trim();
    const bad = decision === 'reject' ? checkReason(text, 'reject') : text ? checkReason(text, 'reject') : null;
    if (bad) return redraw(view(), bad.zh);
    const now = this.d.clock.now();
    const status = decision === 'accept' ? 'accepted' : 'rejected';
    const res = await m.Appeal.updateOne({ _id: appeal._id, status: 'open' }, { $set: { status, decidedAt: now, decidedBy: clickerId, decisionReason: text } });
    if (res.modifiedCount !== 1) return redraw(view(), '这条申诉刚被处理过，本次操作未生效。');
    if (decision === 'accept') await this.applyOverride(appeal.activityId, { appealId, by: clickerId, at: now, reason: text });
    await this.d.audit.record({ actorId: clickerId, action: `appeal.${status}`, entity: 'appeal', entityId: appealId, before: { status: 'open' }, after: { status, decisionReason: text }, note: text });
    this.d.logger.info({ appealId, decision }, 'appeal decided');
    const byName = clicker?.name ?? clickerId;
    await redraw(view({ status, decidedByName: byName, decisionReason: text }));
    await this.d.messenger.send({ kind: 'user', userId: appeal.personId }, { type: 'text', text: outcomeText(rep.lang === 'en' ? 'en' : 'zh', status, byName, appeal, text) });
  }

  /**
   * The accepted appeal, written on the activity: who, when, why. It is not source content, so a re-import
   * keeps it, and every later verdict (re-evaluation after a rule change, matching) honours it. The
   * verdict is taken from evaluate() like everywhere else, not set by hand.
   */
  private async applyOverride(activityId: string, o: { appealId: string; by: string; at: Date; reason: string }): Promise<void> {
    const m = this.d.models;
    const a = await m.Activity.findById(activityId).lean();
    if (!a) return;
    const { ctx } = await this.d.rules.context(a.quarterId);
    const v = evaluate(factsOf({ ...(a as Parameters<typeof factsOf>[0]), appealOverride: { appealId: o.appealId } }), ctx);
    await m.Activity.updateOne({ _id: a._id }, { $set: { appealOverride: o, counted: v.counted, reasons: v.reasons } });
    await this.d.audit.record({ actorId: o.by, action: 'appeal_override', entity: 'activity', entityId: activityId, before: { counted: a.counted, reasons: a.reasons }, after: { counted: v.counted, appealOverride: o }, note: o.reason });
  }

  /** The approval card to the manager the appeal is waiting for. */
  async sendApprovalCard(appealId: string): Promise<void> {
    const m = this.d.models;
    const appeal = await m.Appeal.findById(appealId).lean();
    if (!appeal) return;
    const rep = await m.Person.findById(appeal.personId, { name: 1 }).lean();
    const outTrackId = `appeal:${appealId}`;
    const card = this.d.templates.instance('appeal-approval', outTrackId, approvalValues(viewOf(appeal, rep?.name ?? appeal.personId), this.d.zone));
    await this.d.messenger.sendCard(card, { kind: 'user', userId: appeal.managerId });
    await m.Appeal.updateOne({ _id: appeal._id }, { $set: { approvalOutTrackId: outTrackId } });
  }

  /**
   * Hourly: sends approval cards that failed to go out, and reminds a manager once about an appeal left
   * undecided for 2 working days (the delivery ledger makes "once" hold across restarts and instances).
   */
  async remindOverdue(): Promise<{ reminded: number; resent: number }> {
    const m = this.d.models;
    const now = this.d.clock.now();
    const cal = await this.d.calendar();
    let reminded = 0;
    let resent = 0;
    for (const a of await m.Appeal.find({ status: 'open' }).sort({ openedAt: 1 }).lean()) {
      const id = String(a._id);
      if (!a.approvalOutTrackId) {
        await this.sendApprovalCard(id).then(
          () => resent++,
          (err: unknown) => this.d.logger.warn({ err, appealId: id }, 'appeal approval card still not delivered'),
        );
      }
      if (now.getTime() < addWorkingDays(a.openedAt, REMIND_AFTER_WORKING_DAYS, cal, this.d.zone).getTime()) continue;
      const claim = await this.d.ledger.claim({ kind: 'appeal-reminder', period: id, recipientId: a.managerId, part: 'reminder' });
      if (!claim.claimed) continue;
      try {
        const rep = await m.Person.findById(a.personId, { name: 1 }).lean();
        const opened = formatLocal(a.openedAt, this.d.zone);
        await this.d.messenger.send(
          { kind: 'user', userId: a.managerId },
          { type: 'text', text: `⏰ ${rep?.name ?? a.personId} 在 ${opened} 提交的行为申诉（${a.activity?.typeName ?? ''} ${a.activity?.day ?? ''}）已等待 ${REMIND_AFTER_WORKING_DAYS} 个工作日，请在审批卡片上认可或驳回。` },
        );
        await this.d.ledger.markSent(claim.id, claim.attempt);
        await this.d.audit.record({ actorId: 'system', action: 'appeal.reminded', entity: 'appeal', entityId: id, note: `manager ${a.managerId}` });
        reminded++;
      } catch (err) {
        await this.d.ledger.markFailed(claim.id, claim.attempt, err instanceof Error ? err.message : String(err));
        this.d.logger.warn({ err, appealId: id }, 'appeal reminder failed; retried next run');
      }
    }
    return { reminded, resent };
  }

  private async findActivity(requesterId: string, ref: ActivityRef) {
    type Found = { kind: 'found'; activity: ActivityRow } | { kind: 'none' } | { kind: 'ambiguous' };
    const m = this.d.models;
    const PROJ = { personId: 1, type: 1, source: 1, startAt: 1, day: 1, quarterId: 1, accountName: 1, counted: 1, reasons: 1, deleted: 1, mergedInto: 1 } as const;
    if (ref.kind === 'id') {
      if (!Types.ObjectId.isValid(ref.id)) return { kind: 'none' } as Found;
      const a = (await m.Activity.findById(ref.id, PROJ).lean()) as ActivityRow | null;
      return (a ? { kind: 'found', activity: a } : { kind: 'none' }) as Found;
    }
    // The short number: the requester's own activities first (the usual case), then anyone's in the
    // recent quarters, so "that is someone else's" can be said instead of "not found".
    const code = ref.code;
    const own = (await m.Activity.find({ personId: requesterId }, { _id: 1 }).lean()).filter((r) => String(r._id).endsWith(code));
    let ids = own.map((r) => String(r._id));
    if (ids.length === 0) {
      const now = this.d.clock.now();
      const q = quarterOf(now, this.d.zone);
      const prev = quarterOf(new Date(q.start.getTime() - 86_400_000), this.d.zone);
      for await (const r of m.Activity.find({ quarterId: { $in: [q.id, prev.id] } }, { _id: 1 }).lean().cursor()) {
        if (String(r._id).endsWith(code)) ids.push(String(r._id));
        if (ids.length > 1) break;
      }
    }
    ids = [...new Set(ids)];
    if (ids.length === 0) return { kind: 'none' } as Found;
    if (ids.length > 1) return { kind: 'ambiguous' } as Found;
    const a = (await m.Activity.findById(ids[0], PROJ).lean()) as ActivityRow | null;
    return (a ? { kind: 'found', activity: a } : { kind: 'none' }) as Found;
  }

  private async auditRefusal(actorId: string, what: string, entity: string, entityId: string, reason: Msg): Promise<void> {
    await recordRefusal(this.d, { actorId, what, entity, entityId, reason });
  }
}

interface ActivityRow {
  _id: unknown;
  personId: string;
  type: string;
  source: string;
  startAt: Date;
  day: string;
  quarterId: string;
  accountName?: string | null;
  counted?: boolean | null;
  reasons?: string[] | null;
  deleted?: boolean | null;
  mergedInto?: { source?: string | null } | null;
}

function viewOf(a: { _id: unknown; activity?: { typeName?: string | null; startAt?: Date | null; accountName?: string | null; source?: string | null } | null; systemReasons?: string[] | null; ruleText?: string | null; ruleVersion?: number | null; reason: string; status: string; decisionReason?: string | null }, repName: string): AppealView {
  return {
    id: String(a._id),
    repName,
    activity: a.activity ?? {},
    systemReasons: a.systemReasons ?? [],
    ruleText: a.ruleText ?? null,
    ruleVersion: a.ruleVersion ?? null,
    reason: a.reason,
    status: a.status as AppealView['status'],
    decisionReason: a.decisionReason ?? null,
  };
}

function outcomeText(lang: Lang, status: 'accepted' | 'rejected', by: string, a: { activity?: { typeName?: string | null; day?: string | null } | null }, reason: string): string {
  const what = `${a.activity?.typeName ?? ''} ${a.activity?.day ?? ''}`.trim();
  // Sent as a plain-text message: the reason as typed (markdown escapes would show as backslashes).
  const why = reason;
  if (lang === 'en') {
    return status === 'accepted' ? `✅ ${by} accepted your appeal (${what}): it now counts${why ? `. Reason: ${why}` : ''}.` : `❌ ${by} rejected your appeal (${what}): ${why}. It stays not counted.`;
  }
  return status === 'accepted' ? `✅ ${by} 认可了你的申诉（${what}），这条行为经申诉计入${why ? `。理由：${why}` : ''}。` : `❌ ${by} 驳回了你的申诉（${what}），理由：${why}。这条行为仍不计入。`;
}
