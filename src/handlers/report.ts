import type { AuditRepository } from '../adapters/mongo/audit-repository.js';
import type { Models } from '../adapters/mongo/models/index.js';
import type { Person } from '../adapters/mongo/people-repository.js';
import { SENT_PRIVATELY, type Bot, type MessageContext } from '../bot/bot.js';
import type { Messenger } from '../bot/messenger.js';
import type { Clock } from '../clock.js';
import { msg } from '../domain/goals/msg.js';
import type { Logger } from '../logger.js';
import { refuse } from '../services/goals/refusal.js';
import { parseReportArgs } from '../domain/report/command-args.js';
import { describeSchedule, latestDue, latestDueOn, nextDue as plainNextDue, nextDueOn, parseSchedule, type ReportSchedule } from '../domain/report/schedule.js';
import { formatLocal, isoWeekKey } from '../domain/time/calendar.js';
import type { ReportBuilder } from '../services/weekly-report/report-builder.js';
import { CATCH_UP_MS, type ReportRunner } from '../services/weekly-report/report-runner.js';
import type { ReportViews, ViewResult } from '../services/weekly-report/report-views.js';
import { echoArg } from '../domain/text/cut.js';

export interface ReportHandlerDeps {
  models: Pick<Models, 'Person' | 'Quarter'>;
  views: ReportViews;
  runner: ReportRunner;
  builder: ReportBuilder;
  audit: AuditRepository;
  messenger: Messenger;
  clock: Clock;
  logger: Logger;
}

type Lang = 'zh' | 'en';
const t = (lang: Lang, zh: string, en: string) => (lang === 'en' ? en : zh);

/** Finds an active person by userid or exact name; a name two people share asks for the userid. */
async function findPerson(m: ReportHandlerDeps['models'], who: string, lang: Lang): Promise<{ person: Person } | { problem: string }> {
  const byId = (await m.Person.findOne({ _id: who, isActive: true }).lean()) as Person | null;
  if (byId) return { person: byId };
  const byName = (await m.Person.find({ name: who, isActive: true }).limit(10).lean()) as Person[];
  if (byName.length === 1) return { person: byName[0]! };
  if (byName.length === 0) return { problem: t(lang, `没有找到「${echoArg(who)}」，请用姓名或 userid。`, `No one called "${echoArg(who)}"; use a name or userid.`) };
  const list = byName.map((p) => `${p.name}（${p._id}）`).join('、');
  return { problem: t(lang, `有 ${byName.length} 位「${echoArg(who)}」：${list}，请用 userid 指定。`, `Several people are called "${echoArg(who)}": ${list}. Use the userid.`) };
}

function viewProblem(r: ViewResult, lang: Lang): string | undefined {
  if (r.ok) return undefined;
  switch (r.reason) {
    case 'forbidden':
      return t(lang, '你只能查看自己和下属的周报。', 'You can only see your own and your reports\' weekly reports.');
    case 'no-quarter':
      return t(lang, '当前没有进行中的季度，请 HR 先设置季度。', 'No quarter is running; HR needs to set one up first.');
    case 'no-run':
      return t(lang, '这一周的周报还没有生成。', 'That week\'s report has not been produced yet.');
    case 'not-a-subject':
      return t(lang, 'TA 不是销售代表，本季度也没有目标，没有个人周报。', 'They are not a rep and have no goal this quarter, so there is no report.');
    case 'no-team':
      return t(lang, '你没有直属下属。', 'You have no direct reports.');
  }
}

/** Someone asked for a weekly report they may not see: told so, logged and audited like goal refusals. */
function refuseView(d: ReportHandlerDeps, viewerId: string, subjectId: string, lang: Lang, answer: (text: string) => Promise<void>): Promise<void> {
  const reason = msg('你只能查看自己和下属的周报。', "You can only see your own and your reports' weekly reports.");
  return refuse({ audit: d.audit, logger: d.logger }, { actorId: viewerId, what: 'weekly-report.view', entity: 'person', entityId: subjectId, lang, reason }, answer);
}

/** `周报` / `report` (view, or HR: push now), `周报时间` / `report time`, and the team card's "open" button. */
export function registerReportHandlers(bot: Bot, d: ReportHandlerDeps): void {
  bot.command(
    {
      name: 'weekly-report',
      privacy: 'personal',
      access: { rep: 'own', manager: 'team', hr: 'company' },
      keywords: ['周报', '健康报告', 'report'],
      summary: { zh: '查看本周活动健康报告（HR 可「周报 推送 张伟/团队 王磊/全部」立即推送）', en: 'see this week\'s activity health report (HR: "report send <name> | team <manager> | all")' },
      example: '周报',
    },
    async (ctx) => {
      const req = parseReportArgs(ctx.args);
      const me = ctx.event.senderStaffId;
      if (req.kind === 'self') return selfView(ctx, d, me);
      if (req.kind === 'view') {
        const found = await findPerson(d.models, req.who, ctx.lang);
        if ('problem' in found) return ctx.reply(found.problem);
        const r = await d.views.sendReport(me, found.person._id, ctx.event.dedupeKey);
        if (!r.ok && r.reason === 'forbidden') return refuseView(d, me, found.person._id, ctx.lang, (t) => ctx.reply(t));
        const problem = viewProblem(r, ctx.lang);
        if (problem) await ctx.reply(problem);
        else await tellGroupSentPrivately(ctx, d);
        return;
      }
      return push(ctx, d, me, req);
    },
  );

  bot.command(
    {
      name: 'report-schedule',
      privacy: 'public',
      access: { rep: 'read', manager: 'read', hr: 'yes' },
      keywords: ['周报时间', 'report time'],
      summary: { zh: '查看周报推送时间（HR 可「周报时间 周五 17:00」修改）', en: 'see when weekly reports go out (HR: "report time fri 17:00")' },
      example: '周报时间',
    },
    async (ctx) => schedule(ctx, d),
  );

  bot.card('weekly-report.open', async (ctx) => {
    const subjectId = typeof ctx.event.params.subjectId === 'string' ? ctx.event.params.subjectId : '';
    const week = typeof ctx.event.params.week === 'string' ? ctx.event.params.week : undefined;
    const reply = (text: string) => ctx.answer(text);
    if (!subjectId) return reply('请先在卡片上选择一位成员，再点「发给我看」。');
    const r = await d.views.sendReport(ctx.event.userId, subjectId, ctx.event.dedupeKey, week);
    if (!r.ok && r.reason === 'forbidden') return refuseView(d, ctx.event.userId, subjectId, 'zh', reply);
    const problem = viewProblem(r, 'zh');
    if (problem) await reply(problem);
  });
}

/**
 * The views send the card 1:1 themselves (not through ctx), so when asked in a group the dispatcher never
 * tells the group: say it here, in the group only.
 */
async function tellGroupSentPrivately(ctx: MessageContext, d: ReportHandlerDeps): Promise<void> {
  if (!ctx.event.isGroup) return;
  await d.messenger.reply(ctx.event, { type: 'text', text: ctx.lang === 'en' ? SENT_PRIVATELY.en : SENT_PRIVATELY.zh });
}

async function selfView(ctx: MessageContext, d: ReportHandlerDeps, me: string): Promise<void> {
  // A manager gets their personal report only when they carry a personal book; the team summary always.
  const own = await d.views.sendReport(me, me, ctx.event.dedupeKey, undefined, { drillDown: false });
  const team = await d.views.sendTeam(me, ctx.event.dedupeKey);
  if (own.ok || team.ok) return tellGroupSentPrivately(ctx, d);
  const problem = own.reason === 'no-quarter' ? viewProblem(own, ctx.lang)! : undefined;
  await ctx.reply(
    problem ??
      t(
        ctx.lang,
        '你没有个人周报（不是销售代表、本季度也没有目标），也没有直属下属。\nHR 可用：「周报 张伟」查看，「周报 推送 张伟 / 团队 王磊 / 全部」立即推送，「周报时间 周五 17:00」改推送时间。',
        'You have no report of your own and no direct reports.\nHR: "report <name>" to see one, "report send <name> | team <manager> | all" to push now, "report time fri 17:00" to change the time.',
      ),
  );
}

async function push(ctx: MessageContext, d: ReportHandlerDeps, me: string, req: Exclude<ReturnType<typeof parseReportArgs>, { kind: 'self' | 'view' }>): Promise<void> {
  const { role } = await d.views.viewer(me);
  if (role !== 'hr') {
    const reason = msg('只有 HR 可以立即推送周报。发送「周报」可以查看你自己的。', 'Only HR can push reports now. Send "report" to see yours.');
    return refuse({ audit: d.audit, logger: ctx.log }, { actorId: me, what: 'weekly-report.push', entity: 'report_run', entityId: '-', lang: ctx.lang, reason }, (x) => ctx.reply(x));
  }
  if (req.kind === 'push-missing-target') return ctx.reply(t(ctx.lang, '推送给谁？例如「周报 推送 张伟」「周报 推送 团队 王磊」「周报 推送 全部」。', 'Send to whom? e.g. "report send rep01", "report send team mgr01", "report send all".'));
  const quarter = await d.builder.quarterAt(d.clock.now());
  if (!quarter) return ctx.reply(viewProblem({ ok: false, reason: 'no-quarter' }, ctx.lang)!);
  let label: string;
  let scope: Parameters<ReportRunner['requestRun']>[0];
  if (req.target.kind === 'all') {
    scope = { kind: 'all', id: null };
    label = t(ctx.lang, '全部人员', 'everyone');
  } else {
    const found = await findPerson(d.models, req.target.who, ctx.lang);
    if ('problem' in found) return ctx.reply(found.problem);
    const p = found.person;
    if (req.target.kind === 'team') {
      const members = await d.models.Person.countDocuments({ managerId: p._id, isActive: true });
      if (members === 0) return ctx.reply(t(ctx.lang, `${p.name} 没有直属下属。`, `${p.name} has no direct reports.`));
      scope = { kind: 'team', id: p._id };
      label = t(ctx.lang, `${p.name}的团队（${members} 人）和 ${p.name} 本人的团队汇总`, `${p.name}'s team (${members}) and their team summary`);
    } else {
      scope = { kind: 'person', id: p._id };
      label = p.name;
    }
  }
  const run = await d.runner.requestRun(scope, me, quarter._id, quarter.timeZone);
  await ctx.reply(
    t(
      ctx.lang,
      `好的，开始推送 ${run.week} 周报：${label}，数据截至现在。本周已收到周报的人不会重复收到；完成后告诉你结果。`,
      `Sending the ${run.week} report to ${label} now (data as of now). Anyone who already has this week's report won't get it twice; I'll tell you when it's done.`,
    ),
  );
}

async function schedule(ctx: MessageContext, d: ReportHandlerDeps): Promise<void> {
  const now = d.clock.now();
  const q = await d.builder.quarterAt(now);
  if (!q) return ctx.reply(viewProblem({ ok: false, reason: 'no-quarter' }, ctx.lang)!);
  const current = d.builder.scheduleOf(q);
  // The next push as the runner will really do it: moved off holidays on the company calendar.
  const cal = await d.builder.workingCalendar();
  const nextDue = (sc: ReportSchedule, zone: string, at: Date) => (cal && nextDueOn(sc, zone, at, cal)) || plainNextDue(sc, zone, at);
  if (ctx.args === '') {
    return ctx.reply(
      t(
        ctx.lang,
        `${q._id} 周报推送时间：${describeSchedule(current)}（${q.timeZone}），下一次 ${formatLocal(nextDue(current, q.timeZone, now), q.timeZone)}。HR 可发送「周报时间 周五 17:00」修改。`,
        `${q._id} weekly reports go out ${describeSchedule(current, 'en')} (${q.timeZone}); next ${formatLocal(nextDue(current, q.timeZone, now), q.timeZone, 'en')}. HR can change it: "report time fri 17:00".`,
      ),
    );
  }
  const { role } = await d.views.viewer(ctx.event.senderStaffId);
  if (role !== 'hr') {
    const reason = msg('只有 HR 可以修改周报推送时间。', 'Only HR can change the report time.');
    return refuse({ audit: d.audit, logger: ctx.log }, { actorId: ctx.event.senderStaffId, what: 'quarter.reportSchedule', entity: 'quarter', entityId: q._id, lang: ctx.lang, reason }, (x) => ctx.reply(x));
  }
  const parsed = parseSchedule(ctx.args);
  if (!parsed.ok) return ctx.reply(parsed.problem);
  await d.models.Quarter.updateOne({ _id: q._id }, { $set: { reportSchedule: parsed.schedule, updatedBy: ctx.event.senderStaffId } });
  await d.audit.record({ actorId: ctx.event.senderStaffId, action: 'quarter.reportSchedule', entity: 'quarter', entityId: q._id, before: current, after: parsed.schedule });
  // Moved to a time already past this week, and this week's report not out yet: it goes out on the next tick.
  const thisWeek = isoWeekKey(now, q.timeZone);
  // On the company calendar, as the runner decides (a holiday Friday moves this week's push earlier).
  const due = (cal && latestDueOn(parsed.schedule, q.timeZone, now, cal)) || latestDue(parsed.schedule, q.timeZone, now);
  const dueNow =
    isoWeekKey(due, q.timeZone) === thisWeek && now.getTime() - due.getTime() <= CATCH_UP_MS && !(await d.runner.scheduledRunOf(thisWeek));
  const next = formatLocal(nextDue(parsed.schedule, q.timeZone, now), q.timeZone, ctx.lang);
  await ctx.reply(
    t(
      ctx.lang,
      `已改为${describeSchedule(parsed.schedule)}（${q.timeZone}）。${dueNow ? '本周的时间已过，本周周报将在一分钟内发出；之后' : '下一次推送 '}${next}。已推送过的周不会再推送。`,
      `Changed to ${describeSchedule(parsed.schedule, 'en')} (${q.timeZone}). ${dueNow ? "This week's time has passed, so this week's report goes out within a minute; then " : 'Next push '}${next}. A week already sent is not sent again.`,
    ),
  );
}
