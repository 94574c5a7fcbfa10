import type { Bot } from '../bot/bot.js';
import { parseAppealArgs } from '../domain/appeals/appeal-rules.js';
import { quarterOf } from '../domain/time/calendar.js';
import type { AppealService } from '../services/appeals/appeal-service.js';
import { appealStatsText } from '../services/appeals/appeal-stats.js';
import { refuse } from '../services/goals/refusal.js';
import { viewerOf, type ActivityHandlerDeps } from './activity-shared.js';
import { echoArg } from '../domain/text/cut.js';

const QUARTER = /^(\d{4})\s*Q([1-4])$/i;

/**
 * `申诉 <编号> <理由>` (a not-counted activity), the Friday card's 申诉 button, the manager's 认可 / 驳回,
 * and HR's `申诉统计 [季度]`. Thin: every check is in AppealService.
 */
export function registerAppeals(bot: Bot, d: ActivityHandlerDeps & { appeals: AppealService }): void {
  bot.command(
    {
      name: 'appeal',
      privacy: 'personal', access: { rep: 'own', manager: 'own', hr: 'own' },
      keywords: ['申诉', 'appeal'],
      summary: { zh: '对未计入的行为申诉：申诉 <编号> <理由>（编号见「我的行为」），由直属主管认可或驳回', en: 'appeal a not-counted activity: appeal <number> <reason>; your manager decides' },
      example: '申诉 3f9a01c2 客户临时改到会议室，实际拜访 45 分钟',
    },
    async (ctx) => {
      const parsed = parseAppealArgs(ctx.args);
      if (!parsed.ok) return ctx.reply(parsed.problem[ctx.lang]);
      const r = await d.appeals.open(ctx.event.senderStaffId, { kind: 'code', code: parsed.code }, parsed.reason, 'chat');
      // Personal: asked in a group, the dispatcher sends this 1:1 and tells the group once.
      await ctx.reply(r.text[ctx.lang]);
    },
  );

  bot.command(
    {
      name: 'appeal-stats',
      privacy: 'personal', access: { rep: 'no', manager: 'no', hr: 'company' },
      keywords: ['申诉统计', 'appeal stats', 'appeals'],
      summary: { zh: 'HR：本季度各团队的申诉数、认可、驳回和处理用时（可加季度，如 申诉统计 2026Q3）', en: 'HR: appeals per team this quarter — opened, accepted, rejected, time to decision' },
      example: '申诉统计',
    },
    async (ctx) => {
      const viewer = await viewerOf(d, ctx.event.senderStaffId);
      if (viewer.role !== 'hr') {
        const reason = { zh: '申诉统计只对 HR 开放。', en: 'Appeal statistics are for HR only.' };
        return refuse({ audit: d.audit, logger: ctx.log }, { actorId: viewer.id, what: 'appeal-stats', entity: 'appeal-stats', entityId: 'all', reason, lang: ctx.lang }, (x) => ctx.reply(x));
      }
      const arg = ctx.args.trim();
      const m = QUARTER.exec(arg);
      if (arg && !m) return ctx.reply(ctx.lang === 'zh' ? `「${echoArg(arg)}」不是季度，例如「申诉统计 2026Q4」。` : `"${echoArg(arg)}" is not a quarter; e.g. "appeal stats 2026Q4".`);
      const quarterId = m ? `${m[1]}Q${m[2]}` : quarterOf(d.clock.now(), d.config.timeZone).id;
      const r = await appealStatsText(d.models, quarterId, ctx.lang);
      await ctx.reply({ type: 'markdown', title: r.title, text: r.text });
    },
  );

  // The Friday card: a picker of this week's not-counted activities, a reason box and a 申诉 button.
  bot.card('appeal.open', async (c) => {
    const p = c.event.params;
    const activityId = typeof p.appealActivityId === 'string' ? p.appealActivityId : '';
    const reason = typeof p.appealReason === 'string' ? p.appealReason : '';
    const person = await d.activity.people.get(c.event.userId);
    const lang = person?.lang === 'en' ? 'en' : 'zh';
    const text = activityId
      ? (await d.appeals.open(c.event.userId, { kind: 'id', id: activityId }, reason, 'card')).text[lang]
      : lang === 'zh'
        ? '请先在卡片上选择要申诉的那条行为。'
        : 'Pick the activity to appeal on the card first.';
    await c.answer(text);
  });

  for (const decision of ['accept', 'reject'] as const) {
    bot.card(`appeal.${decision}`, async (c) => {
      const p = c.event.params;
      const appealId = typeof p.appealId === 'string' ? p.appealId : c.event.outTrackId.replace(/^appeal:/, '');
      await d.appeals.decide(c.event.userId, appealId, decision, typeof p.comment === 'string' ? p.comment : '', c.event.outTrackId);
    });
  }
}
