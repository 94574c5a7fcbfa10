import type { Bot } from '../bot/bot.js';
import type { Role } from '../domain/org/access.js';
import { suggestKeywords } from '../domain/command-text.js';
import { helpText, unknownText } from '../domain/help-text.js';

/** `帮助` / `help`, and the reply to anything no command understood. */
export function registerHelp(bot: Bot, roleOf: (userId: string) => Promise<Role> = async () => 'hr'): void {
  bot.command(
    { name: 'help', keywords: ['帮助', '菜单', 'help', '?', '？'], summary: { zh: '查看我能做什么', en: 'show what I can do' }, example: '帮助' },
    async (ctx) => {
      // Only what this person's role may use: a rep is not shown HR's set-up commands (12.8).
      const role = await roleOf(ctx.event.senderStaffId);
      const visible = bot.commands().filter((c) => !c.hidden && (!c.roles || c.roles.includes(role)));
      const { title, text } = helpText(visible, ctx.lang);
      await ctx.reply({ type: 'markdown', title, text });
    },
  );

  bot.unknown(async (ctx) => {
    if (!ctx.text) {
      await ctx.reply(ctx.lang === 'en' ? 'Type help to see what I can do.' : '发送「帮助」查看我能做什么。');
      return;
    }
    const keywords = bot.commands().filter((c) => !c.hidden).flatMap((c) => c.keywords);
    await ctx.reply(unknownText(ctx.text, suggestKeywords(ctx.text, keywords), ctx.lang));
  });
}
