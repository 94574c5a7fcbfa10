import type { AuditRepository } from '../adapters/mongo/audit-repository.js';
import type { Models } from '../adapters/mongo/models/index.js';
import type { Bot, MessageContext } from '../bot/bot.js';
import type { Messenger } from '../bot/messenger.js';
import type { Clock } from '../clock.js';
import { managerChain } from '../domain/org/access.js';
import { parseLocalDateTime } from '../domain/goals/quarter-form.js';
import { formatLocal } from '../domain/time/calendar.js';
import type { TeamRef } from '../services/review-pack/pack-builder.js';
import type { ReviewPacks } from '../services/review-pack/index.js';
import { cutText } from '../domain/text/cut.js';
import { escapeMarkdown } from '../domain/text/markdown.js';

export interface ReviewPackHandlerDeps {
  models: Pick<Models, 'Person' | 'ReviewTeam' | 'Quarter'>;
  packs: ReviewPacks;
  audit: AuditRepository;
  clock: Clock;
  /** To tell the group (only) that the pack went 1:1: ctx.reply in a group goes 1:1 for a personal command. */
  messenger: Pick<Messenger, 'reply'>;
}

type Lang = 'zh' | 'en';
const t = (lang: Lang, zh: string, en: string) => (lang === 'en' ? en : zh);

interface Me {
  id: string;
  role: string;
  name: string;
}

async function whoAmI(d: ReviewPackHandlerDeps, id: string): Promise<Me | null> {
  const p = await d.models.Person.findOne({ _id: id, isActive: true }, { role: 1, name: 1 }).lean();
  return p ? { id, role: p.role, name: p.name } : null;
}

/** A team by its manager's userid or exact name: "团队 王磊", "王磊", "mgr01". */
async function findTeam(d: ReviewPackHandlerDeps, raw: string, lang: Lang): Promise<{ team: TeamRef } | { problem: string }> {
  const who = raw.replace(/^(团队|team)\s*/i, '').trim();
  const byId = await d.models.Person.findOne({ _id: who, isActive: true }, { name: 1 }).lean();
  const candidates = byId ? [byId] : await d.models.Person.find({ name: who, isActive: true }, { name: 1 }).limit(10).lean();
  const managers = [];
  for (const c of candidates) if ((await d.models.Person.countDocuments({ managerId: c._id, isActive: true })) > 0) managers.push(c);
  if (managers.length === 1) return { team: { managerId: String(managers[0]!._id), managerName: managers[0]!.name } };
  if (managers.length > 1) return { problem: t(lang, `有 ${managers.length} 个「${who}」的团队：${managers.map((m) => `${m.name}（${m._id}）`).join('、')}，请用 userid 指定。`, `Several teams match "${who}"; use the manager's userid.`) };
  return { problem: t(lang, `没有找到「${who}」的团队：请写团队负责人的姓名或 userid，例如「复盘 团队 王磊」。`, `No team led by "${who}": name the team's manager, e.g. "review team mgr01".`) };
}

/** `复盘` / `review`, `复盘时间` / `review time`, `绑定团队群` / `bind team group`, `复盘群` / `review groups`. */
export function registerReviewPackHandlers(bot: Bot, d: ReviewPackHandlerDeps): void {
  const service = d.packs.service;

  bot.command(
    {
      name: 'review-pack',
      privacy: 'personal', access: { rep: 'no', manager: 'team', hr: 'company' },
      keywords: ['复盘', '复盘包', 'review'],
      summary: { zh: '查看本团队的复盘包（评审前 72 小时自动发到团队群；HR 可「复盘 团队 王磊」）', en: 'see your team\'s pre-review pack (HR: "review team <manager>")' },
      example: '复盘',
    },
    async (ctx) => {
      const me = await whoAmI(d, ctx.event.senderStaffId);
      if (!me) return ctx.reply(t(ctx.lang, '还不认识你：请等通讯录同步后再试。', 'I don\'t know you yet; try again after the directory sync.'));
      let team: TeamRef;
      if (ctx.args === '') {
        if ((await d.models.Person.countDocuments({ managerId: me.id, isActive: true })) === 0) {
          return ctx.reply(t(ctx.lang, me.role === 'hr' ? '请指定团队，例如「复盘 团队 王磊」。' : '复盘包是团队的：你没有直属下属。主管发「复盘」查看自己团队的，HR 可「复盘 团队 王磊」。', me.role === 'hr' ? 'Which team? e.g. "review team mgr01".' : 'The pack is per team and you have no direct reports.'));
        }
        team = { managerId: me.id, managerName: me.name };
      } else {
        const found = await findTeam(d, ctx.args, ctx.lang);
        if ('problem' in found) return ctx.reply(found.problem);
        team = found.team;
        // HR: any team; a manager: their own and their sub-teams (skip-level); nobody else.
        if (me.role !== 'hr' && team.managerId !== me.id) {
          const managerOf = new Map<string, string | null>();
          let cur: string | null = team.managerId;
          for (let i = 0; cur && i < 20; i++) {
            const p: { managerId?: string | null } | null = await d.models.Person.findById(cur, { managerId: 1 }).lean();
            managerOf.set(cur, p?.managerId ?? null);
            cur = p?.managerId ?? null;
          }
          if (!managerChain(team.managerId, (id) => managerOf.get(id)).includes(me.id)) {
            return ctx.reply(t(ctx.lang, '你只能查看自己团队和下级团队的复盘包。', 'You can only see the packs of your own team and the teams under you.'));
          }
        }
      }
      const now = d.clock.now();
      const q = await service.quarterFor(now);
      if (!q) return ctx.reply(t(ctx.lang, '当前没有进行中的季度，也就没有评审会时间：请 HR 先发「季度设置」。', 'No quarter (and so no review date) is set up; HR: send "quarter setup".'));
      const plan = await service.planFor(q, team);
      const preview = now < plan.dueAt;
      const built = await d.packs.builder.build(q, team, { asOf: now < q.endDate ? now : q.endDate, reviewAt: plan.reviewAt, preview });
      if (!built.ok) return ctx.reply(built.problem.zh);
      if (ctx.event.isGroup) await d.messenger.reply(ctx.event, { type: 'text', text: t(ctx.lang, '复盘包含每个人的数据，已私聊发给你。', 'The pack shows each person\'s figures; sent to you in a 1:1 chat.') });
      const rendered = await d.packs.sender.render(built.pack);
      await d.packs.sender.deliverView(rendered, { kind: 'user', userId: me.id }, `review-pack-view:${q._id}:${team.managerId}:${ctx.event.dedupeKey}`);
    },
  );

  bot.command(
    {
      name: 'review-time',
      privacy: 'public', access: { rep: 'read', manager: 'read', hr: 'yes' },
      keywords: ['复盘时间', '评审时间', 'review time'],
      summary: { zh: '查看复盘会时间（HR 可「复盘时间 团队 王磊 2026-12-24 14:00」单独设置）', en: 'see the review meeting time (HR: "review time team <manager> 2026-12-24 14:00")' },
      example: '复盘时间',
    },
    async (ctx) => reviewTime(ctx, d),
  );

  bot.command(
    {
      name: 'bind-team-group',
      privacy: 'public', access: { rep: 'no', manager: 'own', hr: 'no' },
      keywords: ['绑定团队群', 'bind team group'],
      summary: { zh: '在团队群里发送：复盘包发到这个群', en: 'send in your team group: the pre-review pack goes there' },
      example: '绑定团队群',
    },
    async (ctx) => {
      if (!ctx.event.isGroup) return ctx.reply(t(ctx.lang, '请在团队群里 @机器人 发送「绑定团队群」。', 'Send "bind team group" in the team\'s group chat, mentioning the bot.'));
      const me = await whoAmI(d, ctx.event.senderStaffId);
      if (!me || (await d.models.Person.countDocuments({ managerId: me.id, isActive: true })) === 0) {
        return ctx.reply(t(ctx.lang, '只有团队主管（有直属下属的人）可以绑定团队群。', 'Only a team\'s manager (someone with direct reports) can bind its group.'));
      }
      const before = await d.models.ReviewTeam.findById(me.id).lean();
      await d.models.ReviewTeam.updateOne(
        { _id: me.id },
        { $set: { groupId: ctx.event.conversationId, groupTitle: cutText(ctx.event.conversationTitle ?? '', 100), boundBy: me.id, boundAt: d.clock.now() } },
        { upsert: true },
      );
      await d.audit.record({ actorId: me.id, action: 'review.bindGroup', entity: 'team', entityId: me.id, before: before?.groupId ?? null, after: ctx.event.conversationId });
      await ctx.reply(t(ctx.lang, `已绑定：${me.name}团队的复盘包会在评审会前 72 小时发到本群。`, `Bound: ${me.name}'s team pack goes to this group 72 hours before the review.`));
    },
  );

  bot.command(
    {
      name: 'review-groups',
      privacy: 'personal', access: { rep: 'no', manager: 'no', hr: 'company' },
      keywords: ['复盘群', '团队群绑定', 'review groups'],
      summary: { zh: 'HR：查看各团队绑定的群和复盘时间', en: 'HR: list the teams\' bound groups and review times' },
      example: '复盘群',
    },
    async (ctx) => {
      const me = await whoAmI(d, ctx.event.senderStaffId);
      if (me?.role !== 'hr') return ctx.reply(t(ctx.lang, '只有 HR 可以查看全部团队的群绑定。', 'Only HR can list every team\'s binding.'));
      const now = d.clock.now();
      const q = await service.quarterFor(now);
      const teams = await service.teams();
      const lines = [];
      for (const team of teams) {
        const doc = await d.models.ReviewTeam.findById(team.managerId).lean();
        const plan = q ? await service.planFor(q, team) : undefined;
        // Group titles and names are outside text, entering markdown here.
        const where = doc?.groupId ? `群「${escapeMarkdown(doc.groupTitle || doc.groupId)}」` : '未绑定（发给主管本人）';
        const when = plan ? `，复盘 ${formatLocal(plan.reviewAt, q!.timeZone)}${plan.overridden ? '（单独设置）' : ''}` : '';
        lines.push(`- ${escapeMarkdown(team.managerName)}团队：${where}${when}`);
      }
      await ctx.reply({ type: 'markdown', title: '团队群绑定', text: [`**团队群绑定**${q ? `（${q._id}）` : ''}`, ...(lines.length ? lines : ['- 还没有团队'])].join('\n') });
    },
  );
}

async function reviewTime(ctx: MessageContext, d: ReviewPackHandlerDeps): Promise<void> {
  const service = d.packs.service;
  const now = d.clock.now();
  const q = await service.quarterFor(now);
  if (!q) return ctx.reply(t(ctx.lang, '当前没有进行中的季度，也就没有评审会时间：请 HR 先发「季度设置」。', 'No quarter (and so no review date) is set up; HR: send "quarter setup".'));
  if (ctx.args === '') {
    return ctx.reply(t(ctx.lang, `${q._id} 评审会：${formatLocal(q.reviewAt, q.timeZone)}，复盘包在前 72 小时发出。HR 可「复盘时间 团队 王磊 2026-12-24 14:00」为某个团队单独设置。`, `${q._id} review: ${formatLocal(q.reviewAt, q.timeZone, 'en')}; the pack goes out 72 hours before.`));
  }
  const me = await whoAmI(d, ctx.event.senderStaffId);
  if (me?.role !== 'hr') return ctx.reply(t(ctx.lang, '只有 HR 可以修改复盘时间。', 'Only HR can change review times.'));
  const m = /^(?:团队|team)?\s*(\S+)\s+(.+)$/i.exec(ctx.args);
  if (!m) return ctx.reply(t(ctx.lang, '请写成「复盘时间 团队 王磊 2026-12-24 14:00」。', 'Write it as "review time team mgr01 2026-12-24 14:00".'));
  const found = await findTeam(d, m[1]!, ctx.lang);
  if ('problem' in found) return ctx.reply(found.problem);
  const at = parseLocalDateTime(m[2]!, q.timeZone);
  if (!at) return ctx.reply(t(ctx.lang, `没看懂时间「${m[2]}」：请写成 2026-12-24 14:00。`, `Can't read the time "${m[2]}"; write 2026-12-24 14:00.`));
  const reviewAt = at.toJSDate();
  if (reviewAt < q.startDate || reviewAt.getTime() > q.endDate.getTime() + 31 * 86_400_000) {
    return ctx.reply(t(ctx.lang, '复盘时间应在季度开始之后、结束后 31 天以内。', 'The review must be after the quarter starts and within 31 days of its end.'));
  }
  const before = await service.planFor(q, found.team);
  await d.models.ReviewTeam.updateOne({ _id: found.team.managerId }, { $set: { [`reviewAt.${q._id}`]: reviewAt } }, { upsert: true });
  await d.audit.record({ actorId: me.id, action: 'review.time', entity: 'team', entityId: found.team.managerId, before: before.reviewAt, after: reviewAt });
  const plan = await service.planFor(q, found.team);
  await service.plan(plan);
  const past = plan.dueAt <= now;
  await ctx.reply(
    t(
      ctx.lang,
      `已设置：${found.team.managerName}团队 ${q._id} 复盘会 ${formatLocal(reviewAt, q.timeZone)}，复盘包${past ? '的发送时间已到，一分钟内发出（已发过的不会重发）' : `将在 ${formatLocal(plan.dueAt, q.timeZone)} 发出`}。`,
      `Set: ${found.team.managerName}'s ${q._id} review ${formatLocal(reviewAt, q.timeZone, 'en')}; the pack ${past ? 'is due and goes out within a minute (never twice)' : `goes out ${formatLocal(plan.dueAt, q.timeZone, 'en')}`}.`,
    ),
  );
}
