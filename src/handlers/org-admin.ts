import type { Bot } from '../bot/bot.js';
import { msg } from '../domain/goals/msg.js';
import type { GoalDeps } from '../services/goals/deps.js';
import { refuse } from '../services/goals/refusal.js';
import { resolvePerson } from '../services/goals/resolve-person.js';
import { privateIo, sender } from './goal-deps.js';

/** HR's org commands: 同步组织 (sync now), 设为HR / 取消HR <姓名>. */
export function registerOrgAdmin(bot: Bot, d: GoalDeps): void {
  const hrOnly = (what: string) => msg(`「${what}」只有 HR 可以使用。`, `Only HR can use "${what}".`);

  bot.command(
    { name: 'org.sync', keywords: ['同步组织', '同步通讯录', 'sync org'], roles: ['hr'], summary: { zh: '立即从钉钉同步组织架构（HR）', en: 'sync the org from DingTalk now (HR)' }, example: '同步组织' },
    async (ctx) => {
      const me = await sender(d, ctx);
      if (!me) return;
      const io = privateIo(d, ctx);
      if (!d.org.isHr(me)) return refuse({ audit: d.audit, logger: ctx.log }, { actorId: me._id, what: 'org.sync', entity: 'org', entityId: 'dingtalk', lang: ctx.lang, reason: hrOnly('同步组织') }, io.reply);
      const r = await d.org.run(me._id);
      const zh = ctx.lang === 'zh';
      const blocked = r.deactivationBlocked ? (zh ? `\n⚠️ 离职人数异常，本次未停用任何人（${r.deactivationBlocked}）。` : `\n⚠️ Unusually many leavers; nobody was deactivated (${r.deactivationBlocked}).`) : '';
      await io.reply(
        zh
          ? `组织同步完成（${(r.ms / 1000).toFixed(1)} 秒）：共 ${r.users} 人，新增 ${r.added}，更新 ${r.updated}，主管变更 ${r.managerChanges.length}，离职停用 ${r.deactivated.length}。${blocked}`
          : `Org sync done in ${(r.ms / 1000).toFixed(1)} s: ${r.users} people, ${r.added} new, ${r.updated} updated, ${r.managerChanges.length} manager changes, ${r.deactivated.length} deactivated.${blocked}`,
      );
    },
  );

  for (const on of [true, false]) {
    bot.command(
      {
        name: on ? 'org.hr.grant' : 'org.hr.revoke',
        keywords: on ? ['设为HR', '设置HR', 'make hr'] : ['取消HR', 'revoke hr'],
        summary: on ? { zh: '授予 HR 角色：设为HR 姓名（HR）', en: 'give someone the HR role (HR)' } : { zh: '取消 HR 角色：取消HR 姓名（HR）', en: "remove someone's HR role (HR)" },
        hidden: !on,
      },
      async (ctx) => {
        const me = await sender(d, ctx);
        if (!me) return;
        const io = privateIo(d, ctx);
        if (!d.org.isHr(me)) return refuse({ audit: d.audit, logger: ctx.log }, { actorId: me._id, what: on ? 'hr.grant' : 'hr.revoke', entity: 'person', entityId: ctx.args || '-', lang: ctx.lang, reason: hrOnly(on ? '设为HR' : '取消HR') }, io.reply);
        if (!ctx.args) return io.reply(ctx.lang === 'zh' ? `请写上姓名，例如：${on ? '设为HR' : '取消HR'} 张伟` : `Add a name, e.g. ${on ? 'make hr' : 'revoke hr'} <name>`);
        const target = await resolvePerson(d, ctx.args, ctx.lang, io.reply);
        if (!target) return;
        if (!on && d.org.hrUserIds.includes(target._id)) {
          return io.reply(ctx.lang === 'zh' ? `${target.name} 的 HR 角色来自配置（HR_USER_IDS），需要由 IT 修改配置。` : `${target.name} is HR by configuration (HR_USER_IDS); IT has to change it.`);
        }
        const role = await d.org.assignHr(me._id, target, on);
        await io.reply(ctx.lang === 'zh' ? `已${on ? '授予' : '取消'} ${target.name} 的 HR 角色（当前角色：${role}）。` : `${on ? 'Gave' : 'Removed'} ${target.name} ${on ? 'the' : 'from the'} HR role (now: ${role}).`);
      },
    );
  }
}
