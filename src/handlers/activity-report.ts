import type { Bot } from '../bot/bot.js';
import { factsOf } from '../domain/activity/normalize.js';
import { evaluate } from '../domain/activity/rules/evaluate.js';
import { weekReport, type ReportActivity } from '../domain/activity/week-report.js';
import { isoWeekKey, isoWeekRange, quarterOf } from '../domain/time/calendar.js';
import { findPerson, personNotFound, viewerOf, type ActivityHandlerDeps } from './activity-shared.js';
import { msg } from '../domain/goals/msg.js';
import { refuse } from '../services/goals/refusal.js';

const LAST_WEEK = /^(上周|上星期|last\s*week)\s*/i;
/** "第2页", "2页", "page 2", "p2" anywhere in the arguments; a sign is taken so "第-1页" is a page, not a name. */
const PAGE = /\s*(?:第\s*([-+]?\d+)\s*页|([-+]?\d+)\s*页|page\s*([-+]?\d+)|\bp([-+]?\d+)\b)\s*/i;

/**
 * `我的行为` / `activity` — this week's counted activities by type, and the ones that did not count with
 * their reasons. `我的行为 张伟` (or @张伟, or a userid) shows a report's, if the asker may see it;
 * `我的行为 上周` the week before.
 */
export function registerActivityReport(bot: Bot, d: ActivityHandlerDeps): void {
  bot.command(
    {
      name: 'activity',
      privacy: 'personal',
      access: { rep: 'own', manager: 'team', hr: 'company' },
      keywords: ['我的行为', '行为', 'activity', 'activities'],
      summary: { zh: '本周计入和未计入的行为及原因（主管可加姓名查看下属）', en: "this week's counted and not-counted activities, with reasons" },
      example: '我的行为',
    },
    async (ctx) => {
      const zone = d.config.timeZone;
      const pageMatch = PAGE.exec(ctx.args);
      const page = pageMatch ? Number(pageMatch.slice(1).find((x) => x !== undefined)) : 1;
      if (!Number.isSafeInteger(page) || page < 1) return ctx.reply(ctx.lang === 'en' ? 'Pages start at 1, e.g. "activity page 2".' : '页码从 1 开始，例如「我的行为 第2页」。');
      const args = ctx.args.replace(PAGE, ' ').trim();
      const lastWeek = LAST_WEEK.test(args);
      const target = args.replace(LAST_WEEK, '').trim();
      const viewer = await viewerOf(d, ctx.event.senderStaffId);
      let subjectId = viewer.id;
      let subjectName = viewer.person?.name ?? ctx.event.senderNick;
      if (target || ctx.event.atStaffIds.length) {
        const found = await findPerson(d, ctx, target);
        if (found.kind !== 'found') return ctx.reply(personNotFound(ctx, target, found));
        subjectId = String(found.person._id);
        subjectName = found.person.name;
      }
      if (!(await d.activity.people.canView(viewer, subjectId))) {
        const reason = msg(`抱歉，你只能查看自己和下属的行为记录，看不了${subjectName}的。`, `Sorry, you can only see your own activities and those of people who report to you, not ${subjectName}'s.`);
        return refuse({ audit: d.audit, logger: ctx.log }, { actorId: viewer.id, what: 'activity.view', entity: 'person', entityId: subjectId, lang: ctx.lang, reason }, (t) => ctx.reply(t));
      }
      const now = d.clock.now();
      const week = isoWeekKey(new Date(now.getTime() - (lastWeek ? 7 * 86_400_000 : 0)), zone);
      const range = isoWeekRange(week, zone);
      const quarterId = quarterOf(range.start, zone).id;
      const { ctx: evalCtx } = await d.activity.core.rules.context(quarterId);
      const docs = await d.models.Activity.find({ personId: subjectId, isoWeek: week }, { raw: 0, dims: 0 }).sort({ startAt: 1 }).lean();
      const openAppeals = new Set((await d.models.Appeal.find({ personId: subjectId, status: 'open', activityId: { $in: docs.map((a) => String(a._id)) } }, { activityId: 1 }).lean()).map((x) => x.activityId));
      const activities: ReportActivity[] = docs.map((a) => ({
        id: String(a._id),
        appealed: !!a.appealOverride?.appealId,
        appealOpen: openAppeals.has(String(a._id)),
        type: a.type,
        source: a.source,
        startAt: a.startAt,
        accountName: a.accountName ?? null,
        counted: a.counted ?? false,
        // Stored reasons are Chinese; an English reader gets them judged again in English (same rules).
        reasons: ctx.lang === 'en' ? evaluate(factsOf(a as Parameters<typeof factsOf>[0]), evalCtx, 'en').reasons : (a.reasons ?? []),
        mergedInto: a.mergedInto?.source ? { source: a.mergedInto.source } : null,
      }));
      const prefix = [ctx.lang === 'en' ? 'activity' : '我的行为', lastWeek ? (ctx.lang === 'en' ? 'last week' : '上周') : '', target].filter(Boolean).join(' ');
      const r = weekReport({
        personName: subjectName,
        self: subjectId === viewer.id,
        weekKey: week,
        weekStart: range.start,
        activities,
        ctx: evalCtx,
        zone,
        lang: ctx.lang,
        page,
        pageCommand: (n) => (ctx.lang === 'en' ? `${prefix} page ${n}` : `${prefix} 第${n}页`),
      });
      await ctx.reply({ type: 'markdown', title: r.title, text: r.text });
    },
  );
}
