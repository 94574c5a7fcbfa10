import { readFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Router, { type RouterContext } from '@koa/router';
import type { CardRecord } from '../../fake-dingtalk/types.js';
import { SimAccessError, SimError } from '../../sim/errors.js';
import type { SimItem } from '../../sim/sim-chat.js';
import type { Simulator } from '../../sim/simulator.js';
import { TimeTravelBusyError } from '../../sim/time-travel.js';
import { readJsonBody } from '../read-json.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** src/http/sim (the page), found from src/ or from a build under dist/ (tsc does not copy it). */
export function simAssetsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (const candidate of [path.join(dir, 'sim'), path.join(dir, 'src', 'http', 'sim')]) {
      try {
        if (readdirSync(candidate).includes('index.html')) return candidate;
      } catch {
        /* keep walking up */
      }
    }
    dir = path.dirname(dir);
  }
  throw new Error('simulator page (src/http/sim) not found');
}

/**
 * `/sim`: the local DingTalk simulator page and its JSON API. Mounted only in local mode (no DingTalk
 * credentials), on the service's own HTTP server (HTTP_HOST, 127.0.0.1 by default).
 */
export function simRoutes(sim: Simulator, assetsDir = simAssetsDir()): Router {
  const router = new Router({ prefix: '/sim' });

  const serve = async (ctx: RouterContext, file: string) => {
    const full = path.resolve(assetsDir, file);
    const type = CONTENT_TYPES[path.extname(full)];
    // Only plain files under the page's folder, of the kinds the page uses.
    if (!type || !full.startsWith(assetsDir + path.sep)) {
      ctx.status = 404;
      return;
    }
    try {
      ctx.body = await readFile(full);
    } catch {
      ctx.status = 404;
      return;
    }
    ctx.type = type;
    ctx.set('cache-control', 'no-cache');
  };
  router.get('/', (ctx) => serve(ctx, 'index.html'));
  router.get('/assets/:file', (ctx) => serve(ctx, ctx.params.file ?? ''));

  const as = (ctx: RouterContext): string => {
    const id = String(ctx.query.as ?? '');
    if (!sim.fake.org.users.has(id)) throw Object.assign(new Error(`unknown person "${id}"`), { status: 400, expose: true });
    return id;
  };
  const guard = async (ctx: RouterContext, fn: () => Promise<unknown> | unknown) => {
    try {
      ctx.body = await fn();
    } catch (err) {
      if (err instanceof SimError) throw Object.assign(new Error(err.message), { status: err.status, expose: true });
      if (err instanceof TimeTravelBusyError) throw Object.assign(new Error(err.message), { status: 409, expose: true });
      throw err;
    }
  };

  router.get('/api/bootstrap', async (ctx) => {
    ctx.body = { people: sim.people(), demo: sim.demoStatus(), clock: await sim.clockState() };
  });
  router.get('/api/status', (ctx) => {
    ctx.body = { demo: sim.demoStatus() };
  });
  router.get('/api/conversations', (ctx) => {
    const me = as(ctx);
    const latest = sim.chat.latest(me);
    ctx.body = sim.chat.conversationsFor(me).map((c) => ({ ...c, latest: latest[c.id] ? view(sim, latest[c.id]!) : undefined }));
  });
  router.get('/api/history', (ctx) =>
    guard(ctx, () => {
      const me = as(ctx);
      const conversation = String(ctx.query.conversation ?? '');
      if (!sim.chat.canSee(me, conversation)) throw new SimAccessError(`${me} is not in ${conversation}`);
      return sim.chat.history(me, conversation, Number(ctx.query.after ?? 0)).map((i) => view(sim, i));
    }),
  );
  router.post('/api/say', (ctx) =>
    guard(ctx, async () => {
      const b = await readJsonBody(ctx);
      const me = String(b.as ?? '');
      const text = typeof b.text === 'string' ? b.text.trim() : '';
      if (!sim.fake.org.users.has(me) || !text || text.length > 5000) throw Object.assign(new Error('body must be {"as","conversation","text"} with 1–5000 characters of text'), { status: 400, expose: true });
      return view(sim, sim.chat.say(me, String(b.conversation ?? ''), text));
    }),
  );
  router.get('/api/cards/:outTrackId', (ctx) => guard(ctx, () => sim.card(as(ctx), ctx.params.outTrackId ?? '')));
  router.post('/api/card-action', (ctx) =>
    guard(ctx, async () => {
      const b = await readJsonBody(ctx);
      const params = b.params && typeof b.params === 'object' && !Array.isArray(b.params) ? (b.params as Record<string, unknown>) : undefined;
      if (typeof b.as !== 'string' || typeof b.outTrackId !== 'string' || !params) throw Object.assign(new Error('body must be {"as","outTrackId","params":{…}}'), { status: 400, expose: true });
      return sim.clickCard(b.as, b.outTrackId, params);
    }),
  );
  router.get('/api/media/:id', (ctx) => {
    const m = sim.fake.media.get(ctx.params.id ?? '');
    if (!m) {
      ctx.status = 404;
      return;
    }
    if (m.type === 'file') {
      // A file message (the pre-review CSV): downloaded under its own name, as DingTalk's attachment does.
      ctx.type = /\.csv$/i.test(m.filename) ? 'text/csv; charset=utf-8' : 'application/octet-stream';
      ctx.set('content-disposition', `attachment; filename="file.${m.filename.split('.').pop() ?? 'bin'}"; filename*=UTF-8''${encodeURIComponent(m.filename)}`);
    } else ctx.type = m.data[0] === 0xff ? 'image/jpeg' : 'image/png';
    ctx.set('cache-control', 'max-age=3600, immutable');
    ctx.body = m.data;
  });
  router.get('/api/outbox', (ctx) => {
    // The newest `limit` of each (a Friday run for a big company is tens of thousands), with totals.
    const limit = Math.min(Math.max(Number(ctx.query.limit ?? 500) || 500, 1), 5000);
    const calls = sim.fake.calls;
    const deliveries = sim.fake.outbox.deliveries;
    ctx.body = {
      totals: { calls: calls.length, deliveries: deliveries.length },
      calls: calls.slice(-limit).map((c) => ({ ...c, body: summarize(c.body) })),
      deliveries: deliveries.slice(-limit).map(({ raw: _raw, ...d }) => ({ ...d, simAt: sim.chat.simulatedAt(d.seq) ?? d.at })),
    };
  });
  router.get('/api/clock', async (ctx) => {
    ctx.body = await sim.clockState();
  });
  router.post('/api/clock', (ctx) =>
    guard(ctx, async () => {
      const b = await readJsonBody(ctx);
      return sim.moveClock({
        ...(typeof b.preset === 'string' ? { preset: b.preset } : {}),
        ...(typeof b.to === 'string' ? { to: b.to } : {}),
        ...(b.reset === true ? { reset: true } : {}),
      });
    }),
  );
  router.get('/api/events', (ctx) => events(sim, ctx, as(ctx)));
  return router;
}

/**
 * Server-sent events for one viewer: new items they can see, card updates, clock moves. Written straight
 * to the socket (Koa's stream piping reports every closed tab as a "premature close" error).
 */
function events(sim: Simulator, ctx: RouterContext, me: string): void {
  const res = ctx.res;
  ctx.respond = false;
  ctx.req.socket.setTimeout(0);
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  // "Something was delivered" for the outbox view, at most twice a second whoever it was for.
  let outboxTick: NodeJS.Timeout | undefined;
  const onItem = (item: SimItem) => {
    if (sim.chat.visible(me, item)) send('item', view(sim, item));
    outboxTick ??= setTimeout(() => {
      outboxTick = undefined;
      send('outbox', {});
    }, 500);
  };
  const onCard = (card: CardRecord) => {
    if (sim.chat.cardVisibleTo(me, card)) send('card', { outTrackId: card.outTrackId, updates: card.updates });
  };
  const onClock = (c: unknown) => send('clock', c);
  sim.chat.on('item', onItem);
  sim.chat.on('card', onCard);
  sim.on('clock', onClock);
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  res.on('close', () => {
    clearInterval(ping);
    clearTimeout(outboxTick);
    sim.chat.off('item', onItem);
    sim.chat.off('card', onCard);
    sim.off('clock', onClock);
  });
  send('hello', { as: me });
}

/** What the page needs of an item: no raw wire bodies, the sender's name resolved. */
function view(sim: Simulator, item: SimItem): Record<string, unknown> {
  if (item.kind === 'person') return { ...item, senderName: sim.fake.org.users.get(item.senderId)?.name ?? item.senderId };
  const { raw: _raw, ...d } = item.delivery;
  return { id: item.id, at: item.at, conversation: item.conversation, kind: 'bot', delivery: d };
}

function summarize(body: unknown): unknown {
  const s = typeof body === 'string' ? body : JSON.stringify(body ?? null);
  return s.length > 2000 ? `${s.slice(0, 2000)}…（共 ${s.length} 字符）` : body;
}
