import type { Bot } from '../bot/bot.js';
import { consistencyReport } from '../domain/activity/consistency.js';
import { formatLocal, quarterOf } from '../domain/time/calendar.js';
import { findPerson, personNotFound, viewerOf, type ActivityHandlerDeps } from './activity-shared.js';

const SF_USER_ID = /^005[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/;
const pct = (x: number | undefined) => (x === undefined ? '—' : `${Math.round(x * 100)}%`);

/**
 * HR's tools for the connectors: `未匹配` lists external users whose records are parked, `映射 <外部用户> <同事>`
 * maps one and stores their records; `一致性` shows how often CRM visits and DingTalk check-ins agree.
 */
export function registerActivityAdmin(bot: Bot, d: ActivityHandlerDeps): void {
  bot.command(
    { name: 'activity-unmatched', keywords: ['未匹配', '未匹配用户', 'unmatched'], roles: ['hr'], summary: { zh: 'HR：查看对应不到钉钉同事的外部系统用户', en: 'HR: external users not matched to a DingTalk colleague' } },
    async (ctx) => {
      if ((await viewerOf(d, ctx.event.senderStaffId)).role !== 'hr') return ctx.reply('抱歉，只有 HR / 销售运营可以查看未匹配用户。');
      const users = await d.activity.core.unmatched.users(20);
      if (users.length === 0) return ctx.reply('没有未匹配的记录：所有外部系统的记录都对应到了钉钉同事。');
      const lines = users.map((u) => {
        const who = [u.externalUserId, u.externalName, u.externalEmail && `<${u.externalEmail}>`].filter(Boolean).join(' ');
        return `- ${u.system} ${who}：${u.activities} 条行为、${u.deals} 个商机，最近 ${formatLocal(u.lastSeenAt, d.config.timeZone)}`;
      });
      const first = users[0]!;
      const example = `映射 ${first.externalUserId ?? first.externalEmail} <钉钉 userid 或姓名>`;
      await ctx.reply({ type: 'markdown', title: '未匹配用户', text: ['### 未匹配的外部用户（记录已暂存，没有丢）', ...lines, '', `对应到同事后会自动补录，例如：${example}`].join('\n') });
    },
  );

  bot.command(
    { name: 'activity-map-user', keywords: ['映射', 'map user', 'map'], roles: ['hr'], summary: { zh: 'HR：把外部系统用户对应到钉钉同事', en: 'HR: map an external user to a DingTalk colleague' }, example: '映射 005Ec000004oBPNIA2 张伟' },
    async (ctx) => {
      const viewer = await viewerOf(d, ctx.event.senderStaffId);
      if (viewer.role !== 'hr') return ctx.reply('抱歉，只有 HR / 销售运营可以设置用户映射。');
      const [external, ...rest] = ctx.args.split(' ');
      const target = rest.join(' ').trim();
      if (!external || (!target && ctx.event.atStaffIds.length === 0)) return ctx.reply('用法：映射 <Salesforce 用户 ID 或邮箱> <钉钉 userid 或姓名>，例如：映射 005Ec000004oBPNIA2 张伟');
      const found = await findPerson(d, ctx, target);
      if (found.kind !== 'found') return ctx.reply(personNotFound(ctx, target, found));
      const isEmail = external.includes('@');
      const key = isEmail ? `email:${external.toLowerCase()}` : external.includes(':') ? external : `salesforce:${external}`;
      if (!isEmail && !external.includes(':') && !SF_USER_ID.test(external)) return ctx.reply(`「${external}」不像 Salesforce 用户 ID（005 开头，15 或 18 位）或邮箱。`);
      const [system, ...idParts] = key.split(':');
      const personId = String(found.person._id);
      const before = await d.models.UserMapping.findById(key).lean();
      await d.models.UserMapping.updateOne({ _id: key }, { $set: { system, externalId: idParts.join(':'), personId, createdBy: viewer.id, createdAt: d.clock.now() } }, { upsert: true });
      await d.audit.record({ actorId: viewer.id, action: 'activity.user_map.set', entity: 'user_mapping', entityId: key, before: before ? { personId: before.personId } : null, after: { personId } });
      const replay = await d.activity.core.replayUnmatched(isEmail ? { externalEmail: external } : { system: system!, externalUserId: idParts.join(':') });
      await ctx.reply(`已把 ${external} 对应到 ${found.person.name}（${personId}），补录了 ${replay.stored} 条暂存记录。`);
    },
  );

  bot.command(
    {
      name: 'activity-consistency',
      keywords: ['一致性', '数据一致性', 'consistency'],
      roles: ['manager', 'hr'], summary: { zh: '本季度 CRM 拜访与钉钉签到互相印证的比例（主管看团队，HR 看全公司）', en: 'share of CRM visits and DingTalk check-ins that agree this quarter' },
    },
    async (ctx) => {
      const viewer = await viewerOf(d, ctx.event.senderStaffId);
      const quarterId = quarterOf(d.clock.now(), d.config.timeZone).id;
      const scope = viewer.role === 'hr' ? undefined : [viewer.id, ...(viewer.role === 'manager' ? await d.activity.people.allReports(viewer.id) : [])];
      const rows = await d.models.Activity.find(
        { quarterId, type: { $in: [...d.activity.core.reconciler.matchTypes] }, deleted: { $ne: true }, ...(scope ? { personId: { $in: scope } } : {}) },
        { personId: 1, source: 1, matchGroup: 1 },
      ).lean();
      const r = consistencyReport(rows.map((x) => ({ personId: x.personId, source: x.source, matchGroup: x.matchGroup ?? null })));
      if (r.overall.total === 0) return ctx.reply(`${quarterId} 还没有拜访记录，无法计算一致性。`);
      const names = new Map((await d.activity.people.getMany(r.people.map((p) => p.personId))).map((p) => [String(p._id), p.name]));
      const lines = r.people.slice(0, 20).map((p) => `- ${names.get(p.personId) ?? p.personId}：${pct(p.share)}（${p.agreeing}/${p.total}；只有 CRM ${p.crmOnly} 条，只有签到 ${p.checkinOnly} 条）`);
      const text = [
        `### ${quarterId} 跨系统一致性：${pct(r.overall.share)}`,
        `CRM 拜访与钉钉签到互相印证的记录 ${r.overall.agreeing}/${r.overall.total}。`,
        '',
        ...lines,
        ...(r.people.length > 20 ? [`- …还有 ${r.people.length - 20} 人`] : []),
      ].join('\n');
      await ctx.reply({ type: 'markdown', title: '跨系统一致性', text });
    },
  );
}
