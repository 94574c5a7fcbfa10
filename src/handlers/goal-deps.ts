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
    teamRollup: (managerId) => deps.reports.views.teamRollupOf(managerId),
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
 * Where personal answers go. The goal commands are declared `privacy: 'personal'`, so the dispatcher already
 * sends their answers 1:1 when asked in a group (bot.ts); this only adapts the context's reply functions.
 */
export function privateIo(_d: GoalDeps, ctx: MessageContext) {
  return {
    reply: (text: string) => ctx.reply(text),
    markdown: (m: { title: string; text: string }) => ctx.reply({ type: 'markdown', ...m }),
    replyCard: (card: CardInstance) => ctx.replyCard(card),
    replyImage: async (png: Buffer, filename: string) => {
      await ctx.replyImage(png, filename);
    },
  };
}
