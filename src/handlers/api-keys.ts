import type { Models } from '../adapters/mongo/models/index.js';
import type { Bot } from '../bot/bot.js';
import type { Config } from '../config.js';
import { msg } from '../domain/goals/msg.js';
import { formatLocal } from '../domain/time/calendar.js';
import { ApiKeys, type ApiKey } from '../services/api/api-keys.js';
import type { GoalDeps } from '../services/goals/deps.js';
import { refuse } from '../services/goals/refusal.js';
import { resolvePerson } from '../services/goals/resolve-person.js';
import { privateIo, sender } from './goal-deps.js';
import { echoArg } from '../domain/text/cut.js';

const USAGE = {
  zh: '用法：\nAPI密钥 新建 <名称>（读取全部数据）\nAPI密钥 新建 <名称> 团队 <经理姓名>（只读这位经理及其下属）\nAPI密钥 列表\nAPI密钥 吊销 <名称>',
  en: 'Usage:\napi key new <name> (reads everything)\napi key new <name> team <manager> (that manager and everyone under them)\napi key list\napi key revoke <name>',
};

/**
 * HR's API keys for IT (docs/api.md): 新建 shows the secret once, only in a 1:1 chat; 列表 and 吊销.
 * The key service stores only its SHA-256 and audits every step.
 */
export function registerApiKeys(bot: Bot, d: GoalDeps & { models: Models; config: Config }): void {
  const keys = new ApiKeys({ models: d.models, audit: d.audit, now: () => d.clock.now() });
  bot.command(
    { name: 'api.keys', privacy: 'personal', access: { rep: 'no', manager: 'no', hr: 'yes' }, keywords: ['API密钥', 'api key', 'api keys'], summary: { zh: '管理给 IT 的只读 API 密钥（HR）', en: 'manage read-only API keys for IT (HR)' }, example: 'API密钥 新建 BI系统' },
    async (ctx) => {
      const me = await sender(d, ctx);
      if (!me) return;
      const zh = ctx.lang === 'zh';
      const io = privateIo(d, ctx);
      if (!d.org.isHr(me)) {
        return refuse({ audit: d.audit, logger: ctx.log }, { actorId: me._id, what: 'api.keys', entity: 'api_key', entityId: '-', lang: ctx.lang, reason: msg('「API密钥」只有 HR 可以使用。', 'Only HR can manage API keys.') }, io.reply);
      }
      const [verb = '', ...rest] = ctx.args.split(/\s+/).filter(Boolean);
      const v = verb.toLowerCase();
      if (['新建', '创建', 'new', 'create'].includes(v)) {
        // The secret may only ever appear in a 1:1 chat: refused in a group before anything is stored.
        if (ctx.event.isGroup) return ctx.reply(zh ? '请在与我的单聊中新建 API 密钥：密钥只显示一次，不能出现在群里。本次没有新建。' : 'Create API keys in a 1:1 chat with me: the key is shown once and must not appear in a group. Nothing was created.');
        const teamAt = rest.findIndex((w) => ['团队', 'team'].includes(w.toLowerCase()));
        const name = (teamAt === -1 ? rest : rest.slice(0, teamAt)).join(' ');
        const managerQuery = teamAt === -1 ? undefined : rest.slice(teamAt + 1).join(' ');
        if (!name) return io.reply(zh ? USAGE.zh : USAGE.en);
        if (!ApiKeys.validName(name)) return io.reply(zh ? `名称「${echoArg(name)}」不可用：最长 64 个字符，只用字母、汉字、数字、点、横线和下划线，不含空格。` : `"${echoArg(name)}" can't be a key name: up to 64 letters, digits, dots, dashes or underscores, no spaces.`);
        let scope: { kind: 'all' } | { kind: 'team'; managerId: string } = { kind: 'all' };
        let scopeText = zh ? '全部数据' : 'everything';
        if (managerQuery !== undefined) {
          if (!managerQuery) return io.reply(zh ? '请在「团队」后写经理的姓名或 userid，例如：API密钥 新建 华东BI 团队 张伟' : 'Name the manager after "team", e.g. api key new east-bi team Zhang Wei');
          const manager = await resolvePerson(d, managerQuery, ctx.lang, io.reply);
          if (!manager) return;
          if ((await d.models.Person.countDocuments({ managerId: manager._id })) === 0) {
            return io.reply(zh ? `${manager.name} 没有下属，不能作为团队范围。本次没有新建。` : `${manager.name} has nobody reporting to them, so there is no team to scope to. Nothing was created.`);
          }
          scope = { kind: 'team', managerId: manager._id };
          scopeText = zh ? `${manager.name}（${manager._id}）及其下属` : `${manager.name} (${manager._id}) and everyone under them`;
        }
        const r = await keys.create({ name, scope, actorId: me._id });
        if (!r.ok) return io.reply(zh ? `已有名为「${name}」的密钥（含已吊销的），请换一个名称。` : `A key called "${name}" exists (revoked ones count too); choose another name.`);
        const docs = `${d.config.http.publicBaseUrl ?? ''}/api/v1/openapi.json`;
        return ctx.reply(
          zh
            ? `已新建 API 密钥「${name}」，范围：${scopeText}，只读。\n密钥只显示这一次，请立即交给 IT 保存（系统只存它的摘要，找回不了）：\n\n${r.secret}\n\n用法：请求头 Authorization: Bearer <密钥>；接口文档 ${docs}\n不再需要时：API密钥 吊销 ${name}`
            : `Created API key "${name}", scope: ${scopeText}, read-only.\nThis is the only time it is shown; hand it to IT now (only its hash is stored):\n\n${r.secret}\n\nUse: header Authorization: Bearer <key>; docs ${docs}\nWhen no longer needed: api key revoke ${name}`,
        );
      }
      if (['列表', '查看', 'list'].includes(v)) {
        const all = await keys.list();
        if (all.length === 0) return io.reply(zh ? '还没有 API 密钥。新建：API密钥 新建 <名称>' : 'No API keys yet. Create one: api key new <name>');
        const people = new Map((await d.models.Person.find({ _id: { $in: all.map((k) => (k.scope.kind === 'team' ? k.scope.managerId : '')).filter(Boolean) } }, { name: 1 }).lean()).map((p) => [p._id, p.name]));
        const line = (k: ApiKey) => {
          const scope = k.scope.kind === 'all' ? (zh ? '全部' : 'all') : `${zh ? '团队 ' : 'team '}${people.get(k.scope.managerId) ?? k.scope.managerId}`;
          const state = k.revokedAt ? (zh ? `已吊销 ${formatLocal(k.revokedAt, d.timeZone)}` : `revoked ${formatLocal(k.revokedAt, d.timeZone)}`) : zh ? '有效' : 'active';
          const used = k.lastUsedAt ? formatLocal(k.lastUsedAt, d.timeZone) : zh ? '未使用' : 'never';
          return zh ? `- ${k.name}（${k.prefix}…）范围：${scope}；${state}；最近使用：${used}` : `- ${k.name} (${k.prefix}…) scope: ${scope}; ${state}; last used: ${used}`;
        };
        return io.reply([zh ? `API 密钥（${all.length}）：` : `API keys (${all.length}):`, ...all.map(line)].join('\n'));
      }
      if (['吊销', '撤销', '删除', 'revoke'].includes(v)) {
        const name = rest.join(' ');
        if (!name) return io.reply(zh ? '请写上要吊销的密钥名称，例如：API密钥 吊销 BI系统' : 'Name the key to revoke, e.g. api key revoke bi');
        const r = await keys.revoke(name, me._id);
        if (r.ok) return io.reply(zh ? `已吊销 API 密钥「${name}」，它从现在起不能再读取数据。` : `Revoked API key "${name}"; it can no longer read anything.`);
        if (r.code === 'already_revoked') return io.reply(zh ? `密钥「${name}」已经吊销过了。` : `Key "${name}" was already revoked.`);
        return io.reply(zh ? `没有名为「${name}」的密钥。查看全部：API密钥 列表` : `No key called "${name}". See all: api key list`);
      }
      return io.reply(zh ? USAGE.zh : USAGE.en);
    },
  );
}
