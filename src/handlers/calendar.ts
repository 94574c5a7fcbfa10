import type { Bot } from '../bot/bot.js';
import { escapeMd } from '../domain/goals/goal-view.js';
import { refuse } from '../services/goals/refusal.js';
import { parseCompanyDays } from '../domain/time/company-days-command.js';
import { dayKey } from '../domain/time/calendar.js';
import type { CompanyCalendar } from '../services/calendar/company-calendar.js';
import { viewerOf, type ActivityHandlerDeps } from './activity-shared.js';

/**
 * `公司假期`: the company's own days off and working days on top of the public holiday calendar (HR sets,
 * anyone may look). Reports, paces and reminders follow them (docs/calendar.md).
 */
export function registerCalendar(bot: Bot, d: ActivityHandlerDeps & { calendar: CompanyCalendar }): void {
  bot.command(
    {
      name: 'company-days',
      privacy: 'public',
      access: { rep: 'read', manager: 'read', hr: 'yes' },
      keywords: ['公司假期', '工作日历', 'company days', 'holidays'],
      summary: { zh: '公司自定的假期/上班日（在法定节假日和调休之上）；HR：公司假期 放假 2026-12-31 年终盘点', en: "the company's own days off / working days on top of public holidays (HR sets them)" },
      example: '公司假期',
    },
    async (ctx) => {
      const parsed = parseCompanyDays(ctx.args);
      if (!parsed.ok) return ctx.reply(parsed.problem[ctx.lang]);
      const cmd = parsed.cmd;
      const en = ctx.lang === 'en';
      const today = dayKey(d.clock.now(), d.config.timeZone);
      if (cmd.kind === 'list') {
        const list = await d.calendar.overrides(today);
        const cal = await d.calendar.get();
        const provisional = cal.provisionalYears(today, `${Number(today.slice(0, 4)) + 1}-12-31`);
        const title = en ? 'Company days' : '公司假期';
        const empty = en ? 'No company days off or working days ahead; the public holidays and their make-up days apply.' : '今后没有公司自定的假期或上班日，按国家法定节假日和调休安排。';
        const lines = [`### ${title}`, ...(list.length ? list.map((o) => `- ${o.day} ${o.kind === 'off' ? (en ? 'off' : '放假') : en ? 'working day' : '上班'}${o.note ? `${en ? ': ' : '：'}${escapeMd(o.note)}` : ''}`) : [empty])];
        if (provisional.length) {
          lines.push('', en
            ? `> The State Council's holiday schedule for ${provisional.join(', ')} is not in the calendar data yet (chinese-days package not updated): public holidays are estimated without make-up days until an admin updates the package (docs/calendar.md).`
            : `> ${provisional.join('、')} 年的国务院放假安排还没有收录（chinese-days 数据包未更新），暂按法定假日推算、不含调休；公布后请管理员更新数据包（docs/calendar.md）。`);
        }
        return ctx.reply({ type: 'markdown', title, text: lines.join('\n') });
      }
      const viewer = await viewerOf(d, ctx.event.senderStaffId);
      if (viewer.role !== 'hr') {
        const reason = { zh: '只有 HR 可以设置公司假期。', en: 'Only HR can set company days.' };
        return refuse({ audit: d.audit, logger: ctx.log }, { actorId: viewer.id, what: 'company-days', entity: 'company-day', entityId: cmd.days[0]!, reason, lang: ctx.lang }, (x) => ctx.reply(x));
      }
      if (cmd.kind === 'remove') {
        const n = await d.calendar.remove(cmd.days, viewer.id);
        if (en) return ctx.reply(n ? `Removed the company's own setting for ${n} day(s); the public holidays apply again.` : 'Those days had no company setting; nothing changed.');
        return ctx.reply(n ? `已删除 ${n} 天的公司安排，恢复按国家法定节假日和调休。` : '这些日期没有公司自定的安排，没有改动。');
      }
      await d.calendar.set(cmd.days, cmd.dayKind, cmd.note, viewer.id);
      // A plain-text reply: the note as typed (markdown escapes would show as backslashes; the list escapes it).
      if (en) {
        const span = cmd.days.length === 1 ? cmd.days[0] : `${cmd.days[0]} to ${cmd.days.at(-1)} (${cmd.days.length} days)`;
        return ctx.reply(`Set: ${span} ${cmd.dayKind === 'off' ? 'company day off' : 'company working day'}${cmd.note ? ` (${cmd.note})` : ''}. Report days, paces and reminders follow it.`);
      }
      const span = cmd.days.length === 1 ? cmd.days[0] : `${cmd.days[0]} 至 ${cmd.days.at(-1)}（${cmd.days.length} 天）`;
      await ctx.reply(`已设置：${span} ${cmd.dayKind === 'off' ? '公司放假' : '公司安排上班'}${cmd.note ? `（${cmd.note}）` : ''}。周报推送日、进度和提醒会按此计算。`);
    },
  );
}
