import { describe, expect, it } from 'vitest';
import { Bot, SENT_PRIVATELY, type CommandSpec } from '../../src/bot/bot.js';
import type { InboundMessage } from '../../src/bot/inbound.js';
import type { CardInstance, Destination, OutboundMessage } from '../../src/bot/messages.js';
import type { Messenger } from '../../src/bot/messenger.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { registeredCommands } from '../../scripts/command-catalog.js';

/**
 * Commands allowed to answer in a group, each with why no one person's data is in the answer. Anything else
 * registered must be `personal`. A new public command has to be added here, on purpose.
 */
const PUBLIC_BECAUSE: Record<string, string> = {
  help: 'the list of commands',
  'activity-rules': 'the rule is the same for everyone (HR changing it is audited, not personal)',
  'report-schedule': 'when reports go out, the same for everyone',
  'company-days': 'the company calendar is the same for everyone (HR changing it is audited)',
  'review-time': 'when the review meeting is, the same for the whole team',
  'bind-team-group': 'said in the team group on purpose: binding it is a group act, and the answer names no one',
};

type Sent = { to: string; what: string };

function recordingMessenger(sent: Sent[]): Messenger {
  const where = (d: Destination) => (d.kind === 'user' ? `user:${d.userId}` : `group:${d.openConversationId}`);
  const text = (m: OutboundMessage) => ('text' in m ? m.text : m.type);
  return {
    reply: async (to: InboundMessage, m: OutboundMessage) => void sent.push({ to: to.isGroup ? `group:${to.conversationId}` : `user:${to.senderStaffId}`, what: text(m) }),
    send: async (to: Destination, m: OutboundMessage) => void sent.push({ to: where(to), what: text(m) }),
    uploadImage: async () => 'media1',
    uploadFile: async () => 'file1',
    cardExists: async () => false,
    sendCard: async (c: CardInstance, to: Destination) => void sent.push({ to: where(to), what: `card ${c.outTrackId}` }),
    updateCard: async () => undefined,
  };
}

function groupMessage(text: string, n: number): InboundMessage {
  return {
    kind: 'message', dedupeKey: `m${n}`, msgId: `m${n}`, msgtype: 'text', text, isGroup: true, conversationId: 'cidTeam', conversationTitle: '华东一组',
    senderStaffId: 'mgr01', senderNick: '王磊', sessionWebhook: undefined, sessionWebhookExpiresAt: undefined, robotCode: 'r', atStaffIds: [], createdAt: 0,
  };
}

/** A bot with one command of this spec whose handler answers in every way a handler can. */
async function askInGroup(spec: CommandSpec, n: number): Promise<Sent[]> {
  const sent: Sent[] = [];
  const inbox = { claim: async () => true, finish: async () => undefined };
  const bot = new Bot({ messenger: recordingMessenger(sent), inbox, logger: createLogger({ level: 'silent' }), metrics: createMetrics({ defaultMetrics: false }) });
  bot.command(spec, async (ctx) => {
    await ctx.reply('figures of one person');
    await ctx.reply({ type: 'markdown', title: 't', text: 'more figures' });
    await ctx.replyImage(Buffer.from('png'), 'x.png');
    await ctx.replyCard({ templateId: 't', outTrackId: 'card1', cardParamMap: {} });
  });
  await bot.handle(groupMessage(spec.keywords[0]!, n));
  return sent;
}

describe('every registered command declares where it answers, and the dispatcher enforces it (issue 15.2)', () => {
  const commands = registeredCommands();

  it('lists the real commands', () => {
    expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(['activity', 'activity-consistency', 'goal.view', 'board', 'weekly-report', 'help']));
  });

  it.each(commands.map((c) => [c.name, c] as const))('%s: declared, and public only on purpose', (name, spec) => {
    expect(['personal', 'public']).toContain(spec.privacy);
    expect(spec.privacy).toBe(name in PUBLIC_BECAUSE ? 'public' : 'personal');
  });

  it.each(commands.map((c, i) => [c.name, c, i] as const))('%s asked in a group: answered where its declaration says', async (_name, spec, i) => {
    const sent = await askInGroup(spec, i);
    if (spec.privacy === 'public') {
      expect(sent.every((s) => s.to === 'group:cidTeam')).toBe(true);
      expect(sent).toHaveLength(4);
      return;
    }
    // Everything to the asker; the group only hears, once, that it was sent privately.
    expect(sent.filter((s) => s.to === 'group:cidTeam')).toEqual([{ to: 'group:cidTeam', what: SENT_PRIVATELY.zh }]);
    expect(sent.filter((s) => s.to === 'user:mgr01').map((s) => s.what)).toEqual(['figures of one person', 'more figures', 'image', 'card card1']);
  });
});
