import Router, { type RouterContext } from '@koa/router';
import type { FakeDingTalk } from '../../fake-dingtalk/fake-dingtalk.js';

/**
 * Local-only: talk to the bot without a DingTalk client. `POST /dev/say {"userId","text"}` sends a message
 * through the local stand-in (and so through the real stream path) and answers with the bot's replies.
 */
export function devRoutes(fake: FakeDingTalk, onSay?: (userId: string, text: string, openConversationId?: string) => void): Router {
  const router = new Router({ prefix: '/dev' });
  const forward = (path: string, method: 'GET' | 'POST') => async (ctx: RouterContext) => {
    const body = method === 'POST' ? await readJson(ctx.req) : undefined;
    const qs = ctx.querystring ? `?${ctx.querystring}` : '';
    const res = await fetch(`${fake.baseUrl}${path}${qs}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    ctx.status = res.status;
    ctx.type = res.headers.get('content-type') ?? 'application/json';
    ctx.body = Buffer.from(await res.arrayBuffer());
  };
  router.post('/say', async (ctx) => {
    const body = (await readJson(ctx.req)) as { userId?: unknown; text?: unknown; openConversationId?: unknown };
    const known = typeof body.userId === 'string' && typeof body.text === 'string' && body.text.trim() !== '' && fake.org.users.has(body.userId);
    if (known && onSay) onSay(body.userId as string, body.text as string, typeof body.openConversationId === 'string' ? body.openConversationId : undefined);
    const res = await fetch(`${fake.baseUrl}/_fake/say`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    ctx.status = res.status;
    ctx.type = res.headers.get('content-type') ?? 'application/json';
    ctx.body = Buffer.from(await res.arrayBuffer());
  });
  router.post('/card-action', forward('/_fake/card-action', 'POST'));
  router.get('/outbox', forward('/_fake/outbox', 'GET'));
  router.get('/org', forward('/_fake/org', 'GET'));
  router.get('/media/:id', async (ctx) => forward(`/_fake/media/${encodeURIComponent(ctx.params.id ?? '')}`, 'GET')(ctx));
  return router;
}

async function readJson(req: NodeJS.ReadableStream): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1_000_000) throw Object.assign(new Error('body too large'), { status: 413, expose: true });
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw Object.assign(new Error('body is not valid JSON'), { status: 400, expose: true });
  }
}
