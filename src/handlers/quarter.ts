import type { DeliveryLedger } from '../adapters/mongo/delivery-ledger.js';
import type { Bot } from '../bot/bot.js';
import { parseCardId } from '../domain/goals/card-ids.js';
import { msg } from '../domain/goals/msg.js';
import { isQuarterId } from '../domain/goals/quarter-form.js';
import { quarterOf } from '../domain/time/calendar.js';
import type { GoalDeps } from '../services/goals/deps.js';
import { openQuarterCard, saveQuarter } from '../services/goals/quarter-setup.js';
import { refuse } from '../services/goals/refusal.js';
import { privateIo, sender } from './goal-deps.js';

/** 季度设置 [2027Q1]: HR configures a quarter on a card (dates, review meeting, metrics, direction). */
export function registerQuarterSetup(bot: Bot, d: GoalDeps & { ledger: DeliveryLedger }): void {
  bot.command(
    { name: 'quarter.setup', keywords: ['季度设置', '设置季度', 'quarter setup', 'setup quarter'], roles: ['hr'], summary: { zh: '配置季度：日期、评审会、跟踪指标、公司方向（HR）', en: 'set up the quarter: dates, review, metrics, direction (HR)' }, example: '季度设置' },
    async (ctx) => {
      const me = await sender(d, ctx);
      if (!me) return;
      const io = privateIo(d, ctx);
      if (!d.org.isHr(me)) {
        return refuse(
          { audit: d.audit, logger: ctx.log },
          { actorId: me._id, what: 'quarter.setup', entity: 'quarter', entityId: ctx.args || 'current', lang: ctx.lang, reason: msg('季度设置由 HR / 销售运营负责。如需调整，请联系 HR。', 'Quarter set-up is done by HR / sales ops; please ask them.') },
          io.reply,
        );
      }
      const arg = ctx.args.toUpperCase();
      if (arg && !isQuarterId(arg)) return io.reply(ctx.lang === 'zh' ? `「${ctx.args}」不是季度，请写成 2027Q1 这样的格式。` : `"${ctx.args}" is not a quarter; write it like 2027Q1.`);
      const quarterId = arg || quarterOf(d.clock.now(), d.timeZone).id;
      await openQuarterCard(d, me, quarterId, ctx.lang, io);
    },
  );

  bot.card('quarter.save', async (ctx) => {
    const ref = parseCardId(ctx.event.outTrackId);
    if (!ref || ref.kind !== 'quarter') {
      ctx.log.warn({ outTrackId: ctx.event.outTrackId }, 'quarter.save on another card');
      return;
    }
    await saveQuarter(d, ctx.event, ref, ctx.log);
  });
}
