import type { Bot } from '../bot/bot.js';
import { escapeMarkdown } from '../domain/text/markdown.js';
import { typesCountingNothing } from '../domain/activity/rules/rule-checks.js';
import { formatRules } from '../domain/activity/rules/rule-format.js';
import { formatLocal, quarterOf } from '../domain/time/calendar.js';
import { viewerOf, type ActivityHandlerDeps } from './activity-shared.js';
import { msg } from '../domain/goals/msg.js';
import { refuse } from '../services/goals/refusal.js';

const SET = /^(设置|修改|改为|set)\s*[:：]?\s*/i;
const EXAMPLE = '行为规则 设置 拜访：时长 ≥ 30 分钟 且（距客户 ≤ 1 公里 或 有签到）；电话：时长 ≥ 2 分钟';

/**
 * `行为规则` / `rules` shows the validity rules of the current quarter (everyone may read them: the rule
 * is the same for everyone). `行为规则 设置 …` lets HR change them; the quarter is then judged again.
 */
export function registerActivityRules(bot: Bot, d: ActivityHandlerDeps): void {
  bot.command(
    {
      name: 'activity-rules',
      privacy: 'public',
      access: { rep: 'read', manager: 'read', hr: 'yes' },
      keywords: ['行为规则', '有效行为规则', 'rules', 'activity rules'],
      summary: { zh: '查看行为计入规则；HR 可发「行为规则 设置 …」修改', en: 'show the activity validity rules; HR can change them with "rules set …"' },
      example: '行为规则',
    },
    async (ctx) => {
      const zone = d.config.timeZone;
      const quarterId = quarterOf(d.clock.now(), zone).id;
      const rules = d.activity.core.rules;
      const label = async () => {
        const { ctx: e } = await rules.context(quarterId);
        return (t: string) => e.typeName(t, ctx.lang);
      };
      if (!SET.test(ctx.args)) {
        const cur = await rules.current(quarterId);
        const text = formatRules(cur.rules, ctx.lang, await label());
        // The person's name, not their userid (12.8: the header read "hr01").
        const by = cur.createdBy ? ((await d.models.Person.findById(cur.createdBy, { name: 1 }).lean())?.name ?? cur.createdBy) : '';
        const who = cur.version === 0 ? (ctx.lang === 'en' ? 'the configured default' : '系统默认（HR 尚未设置）') : `${escapeMarkdown(by)} · ${formatLocal(cur.createdAt!, zone, ctx.lang)}`;
        const lines =
          ctx.lang === 'en'
            ? [`### Activity rules ${quarterId} (v${cur.version}, ${who})`, text, '', `HR can change them: rules set visit: duration >= 30min and (distance <= 1km or checkin)`]
            : [`### ${quarterId} 行为计入规则（v${cur.version}，${who}）`, text, '', `HR 可以这样修改：${EXAMPLE}`];
        return ctx.reply({ type: 'markdown', title: ctx.lang === 'en' ? 'Activity rules' : '行为规则', text: lines.join('\n') });
      }
      const viewer = await viewerOf(d, ctx.event.senderStaffId);
      if (viewer.role !== 'hr') {
        const reason = msg('抱歉，只有 HR / 销售运营可以修改行为规则。你可以发「行为规则」查看当前规则。', 'Sorry, only HR / sales operations can change the activity rules.');
        return refuse({ audit: d.audit, logger: ctx.log }, { actorId: viewer.id, what: 'activity.rules.set', entity: 'activity_rules', entityId: quarterId, lang: ctx.lang, reason }, (t) => ctx.reply(t));
      }
      const text = ctx.args.replace(SET, '');
      const saved = await rules.save(quarterId, text, viewer.id);
      if (!saved.ok && 'errors' in saved) {
        return ctx.reply(['规则没有保存：', ...saved.errors.map((e) => `- ${e.message}`), '', `例如：${EXAMPLE}`].join('\n'));
      }
      if (!saved.ok) return ctx.reply('规则刚被别人改过，没有保存。请发「行为规则」看最新规则后再改。');
      await d.audit.record({ actorId: viewer.id, action: 'activity.rules.set', entity: 'activity_rules', entityId: quarterId, before: { version: saved.previous.version, text: saved.previous.text }, after: { version: saved.version, text } });
      await d.activity.queueReevaluation({ quarterId, notifyUserId: viewer.id });
      const typeLabel = await label();
      const shown = formatRules(saved.rules, 'zh', typeLabel);
      const none = typesCountingNothing(saved.rules).map((t) => typeLabel(t));
      const warn = [
        saved.unknownTypes.length ? `\n注意：${saved.unknownTypes.join('、')} 不在本季度统计的行为类型中，这些规则暂不生效。` : '',
        none.length ? `\n⚠️ 注意：按这条规则，${none.join('、')} 一条都不会计入（「不计」或被「且 不计」排除）。如果不是有意的，请重新设置。` : '',
      ].join('');
      await ctx.reply(`已保存 ${quarterId} 行为规则 v${saved.version}（原 v${saved.previous.version}）：\n${shown}\n本季度的行为正在按新规则重新评估，完成后通知你。${warn}`);
    },
  );
}
