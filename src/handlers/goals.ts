import type { Bot, CardContext } from '../bot/bot.js';
import { parseCardId, type GoalCardRef } from '../domain/goals/card-ids.js';
import { isQuarterId } from '../domain/goals/quarter-form.js';
import type { GoalDeps } from '../services/goals/deps.js';
import { postBoard } from '../services/goals/board.js';
import { decideGoal } from '../services/goals/goal-decide.js';
import { openGoalCard, submitGoal, unlockGoal } from '../services/goals/goal-submit.js';
import { showGoal } from '../services/goals/show-goal.js';
import { privateIo, sender } from './goal-deps.js';

/** The goal chain in chat: 目标 (card), 我的目标 / 查看目标, 团队看板, and the goal and approval card buttons. */
export function registerGoals(bot: Bot, d: GoalDeps): void {
  bot.command(
    { name: 'goal', keywords: ['目标', '设定目标', '填目标', 'goal', 'goals', 'set goal'], summary: { zh: '设定本季度目标（发送目标卡片）', en: "set this quarter's goals (sends the goal card)" }, example: '目标' },
    async (ctx) => {
      const me = await sender(d, ctx);
      if (!me) return;
      const io = privateIo(d, ctx);
      // "目标 张伟" asks to see someone's goal; "目标 2027Q1" opens the card for that quarter.
      if (ctx.args && !isQuarterId(ctx.args.toUpperCase())) return showGoal(d, me, ctx.args, ctx.lang, io.markdown, ctx.log);
      const quarter = ctx.args ? await d.quarters.get(ctx.args.toUpperCase()) : await d.quarters.current(d.clock.now());
      if (!quarter || quarter.metrics.length === 0) {
        const hr = d.org.isHr(me);
        return io.reply(
          ctx.lang === 'zh'
            ? `${ctx.args ? ctx.args.toUpperCase() : '本季度'}的目标设置还没有开始：需要 HR 先配置季度（日期、跟踪指标、公司方向）。${hr ? '你是 HR，发送「季度设置」即可开始。' : '请联系 HR。'}`
            : `Goal setting for ${ctx.args ? ctx.args.toUpperCase() : 'this quarter'} has not started: HR must set up the quarter first.${hr ? ' You are HR: send "quarter setup".' : ' Please ask HR.'}`,
        );
      }
      await openGoalCard(d, me, quarter, ctx.lang, io);
    },
  );

  bot.command(
    { name: 'goal.view', keywords: ['我的目标', '查看目标', 'my goal', 'my goals', 'view goal', 'show goal'], summary: { zh: '查看目标（自己的，或团队成员的：查看目标 张伟）', en: 'view a goal (yours, or a report\'s: view goal <name>)' }, example: '我的目标' },
    async (ctx) => {
      const me = await sender(d, ctx);
      if (!me) return;
      await showGoal(d, me, ctx.args, ctx.lang, privateIo(d, ctx).markdown, ctx.log);
    },
  );

  bot.command(
    { name: 'board', keywords: ['团队看板', '看板', 'board', 'team board'], roles: ['manager', 'hr'], summary: { zh: '团队目标对齐看板（主管、HR）', en: 'team goal alignment board (managers, HR)' }, example: '团队看板' },
    async (ctx) => {
      const me = await sender(d, ctx);
      if (!me) return;
      const io = privateIo(d, ctx);
      await postBoard(d, me, ctx.args, ctx.lang, { reply: io.reply, replyImage: io.replyImage }, ctx.log);
    },
  );

  const onCard = <K extends GoalCardRef['kind']>(kind: K, run: (ctx: CardContext, ref: Extract<GoalCardRef, { kind: K }>) => Promise<void>) => async (ctx: CardContext) => {
    const ref = parseCardId(ctx.event.outTrackId);
    if (!ref || ref.kind !== kind) {
      ctx.log.warn({ outTrackId: ctx.event.outTrackId, kind }, 'card action on a card of another kind');
      return;
    }
    await run(ctx, ref as Extract<GoalCardRef, { kind: K }>);
  };
  bot.card('goal.submit', onCard('goal', (ctx, ref) => submitGoal(d, ctx.event, ref, ctx.log)));
  bot.card('goal.edit', onCard('goal', (ctx, ref) => unlockGoal(d, ctx.event, ref, ctx.log)));
  bot.card('goal.approve', onCard('approval', (ctx, ref) => decideGoal(d, ctx.event, ref, 'approve', ctx.log)));
  bot.card('goal.return', onCard('approval', (ctx, ref) => decideGoal(d, ctx.event, ref, 'return', ctx.log)));
}
