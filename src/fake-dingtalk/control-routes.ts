import type { FakeDingTalk } from './fake-dingtalk.js';
import { clickCard, say } from './people.js';

/**
 * `/_fake/*`: a local way to talk to the bot without a DingTalk client (curl, the simulator page, tests).
 * Loopback only, like the rest of the fake.
 */
export function registerControlRoutes(f: FakeDingTalk): void {
  f.route('POST', '/_fake/say', '_fake.say', 'none', async (req) => {
    const b = (req.body ?? {}) as { userId?: string; text?: string; openConversationId?: string; waitMs?: number };
    if (!b.userId || !b.text) return { status: 400, body: { error: 'body must be {"userId": "...", "text": "..."}' } };
    if (!f.org.users.has(b.userId)) return { status: 400, body: { error: `unknown userId ${b.userId}: not in the stand-in's address book (GET /dev/org on the bot, /_fake/org on the stand-in, lists who you can be)` } };
    const before = f.outbox.deliveries.length;
    const sent = say(f, { userId: b.userId, text: b.text, ...(b.openConversationId ? { openConversationId: b.openConversationId } : {}) });
    // Wait until replies stop arriving for a moment (or the cap), then return what the person saw.
    const cap = Date.now() + Math.min(b.waitMs ?? 8000, 30_000);
    let lastCount = before;
    let quietSince = Date.now();
    while (Date.now() < cap) {
      await new Promise((r) => setTimeout(r, 100));
      const n = f.outbox.deliveries.length;
      if (n !== lastCount) {
        lastCount = n;
        quietSince = Date.now();
      } else if (n > before && Date.now() - quietSince > 600) break;
    }
    const replies = f.outbox.deliveries.slice(before).filter((d) => d.conversation === sent.conversation);
    return { status: 200, body: { sent, replies } };
  });

  f.route('POST', '/_fake/card-action', '_fake.cardAction', 'none', (req) => {
    const b = (req.body ?? {}) as { outTrackId?: string; userId?: string; params?: Record<string, unknown> };
    if (!b.outTrackId || !b.userId) return { status: 400, body: { error: 'body must be {"outTrackId","userId","params"}' } };
    return { status: 200, body: clickCard(f, { outTrackId: b.outTrackId, userId: b.userId, params: b.params ?? {} }) };
  });

  f.route('GET', '/_fake/outbox', '_fake.outbox', 'none', (req) => {
    const since = Number(req.query.since ?? 0);
    const conv = req.query.conversation;
    return { status: 200, body: f.outbox.deliveries.filter((d) => d.seq > since && (!conv || d.conversation === conv)) };
  });

  f.route('GET', '/_fake/cards/*', '_fake.card', 'none', (req) => {
    const card = f.outbox.cards.get(decodeURIComponent(req.path.slice('/_fake/cards/'.length)));
    return card ? { status: 200, body: card } : { status: 404, body: { error: 'no such card' } };
  });

  f.route('GET', '/_fake/media/*', '_fake.media', 'none', (req) => {
    const m = f.media.get(decodeURIComponent(req.path.slice('/_fake/media/'.length)));
    return m ? { status: 200, body: m.data, contentType: 'image/png' } : { status: 404, body: { error: 'no such media' } };
  });

  f.route('GET', '/_fake/org', '_fake.org', 'none', () => ({
    status: 200,
    body: { users: [...f.org.users.values()], depts: [...f.org.depts.values()], groups: [...f.org.groups.values()] },
  }));

  f.route('GET', '/_fake/calls', '_fake.calls', 'none', () => ({ status: 200, body: f.calls }));
}
