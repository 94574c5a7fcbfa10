import { CardTemplates } from '../adapters/cards/template-store.js';
import { GoalRepository } from '../adapters/mongo/goal-repository.js';
import { PeopleFinder } from '../adapters/mongo/people-finder.js';
import { PeopleRepository, type Person } from '../adapters/mongo/people-repository.js';
import { QuarterRepository } from '../adapters/mongo/quarter-repository.js';
import type { MessageContext } from '../bot/bot.js';
import type { CardInstance } from '../bot/messages.js';
import type { GoalDeps } from '../services/goals/deps.js';
import type { HandlerDeps } from './index.js';

/** The goal chain's services over the shared handler deps (one set per bot). */
export function goalDeps(deps: HandlerDeps): GoalDeps {
  return {
    goals: new GoalRepository(deps.models, deps.audit, () => deps.clock.now()),
    quarters: new QuarterRepository(deps.models, deps.audit),
    people: new PeopleRepository(deps.models),
    finder: new PeopleFinder(deps.models),
    org: deps.org,
    messenger: deps.messenger,
    templates: new CardTemplates(undefined, deps.config.dingtalk.cardTemplatePrefix),
    audit: deps.audit,
    clock: deps.clock,
    timeZone: deps.config.timeZone,
    logger: deps.logger,
    renderPng: deps.renderPng,
    figures: (personId) => deps.reports.views.figuresOf(personId),
  };
}

/** The sender as a known person (fetched from DingTalk on first contact), remembering their language. */
export async function sender(d: GoalDeps, ctx: MessageContext): Promise<Person | undefined> {
  const id = ctx.event.senderStaffId;
  const p = await d.org.ensurePerson(id);
  if (!p || !p.isActive) {
    ctx.log.warn({ userId: id }, 'message from someone not in the directory');
    await ctx.reply(ctx.lang === 'zh' ? '在通讯录中找不到你，请联系 HR 确认账号后再试。' : "You're not in the company directory; ask HR to check your account.");
    return undefined;
  }
  await d.org.rememberLang(id, ctx.lang);
  return { ...p, lang: ctx.lang };
}

/**
 * Where personal answers go. Goals are private: asked in a group, the answer goes to the person's 1:1
 * chat with the bot and the group only hears that it was sent.
 */
export function privateIo(d: GoalDeps, ctx: MessageContext) {
  const userId = ctx.event.senderStaffId;
  const group = ctx.event.isGroup;
  let told = false;
  const tellGroup = async () => {
    if (!group || told) return;
    told = true;
    await ctx.reply(ctx.lang === 'zh' ? '涉及个人目标，已私聊发送给你。' : 'That is personal; I sent it to you in a 1:1 chat.');
  };
  return {
    reply: async (text: string) => {
      if (!group) return ctx.reply(text);
      await d.messenger.send({ kind: 'user', userId }, { type: 'text', text });
      await tellGroup();
    },
    markdown: async (m: { title: string; text: string }) => {
      if (!group) return ctx.reply({ type: 'markdown', ...m });
      await d.messenger.send({ kind: 'user', userId }, { type: 'markdown', ...m });
      await tellGroup();
    },
    replyCard: async (card: CardInstance) => {
      if (!group) return ctx.replyCard(card);
      await d.messenger.sendCard(card, { kind: 'user', userId });
      await tellGroup();
    },
    replyImage: async (png: Buffer, filename: string) => {
      if (!group) {
        await ctx.replyImage(png, filename);
        return;
      }
      const mediaId = await d.messenger.uploadImage(png, filename);
      await d.messenger.send({ kind: 'user', userId }, { type: 'image', mediaId });
      await tellGroup();
    },
  };
}
