import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type Service } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { eventually, mongoUriFor, startHarness, uniqueDbName } from '../helpers/service-harness.js';

/** The simulator's JSON API and where it is (not) served, without a browser. */
describe('simulator API', () => {
  let service: Service;
  let base: string;
  beforeAll(async () => {
    // DEMO_COMPANY_SIZE=0: the tiny starter org (rep01…, mgr01, hr01), nothing to load.
    const config = readConfig({ DINGTALK_MODE: 'local', MONGODB_URI: mongoUriFor(uniqueDbName('simapi')), PORT: '0', LOG_LEVEL: 'silent', DEMO_COMPANY_SIZE: '0' });
    service = await startService(config, { logger: createLogger({ level: 'silent' }), jobPollMs: 300 });
    await service.streamReady;
    base = `${service.httpUrl}/sim/api`;
  });
  afterAll(async () => {
    await service.conn.db?.dropDatabase().catch(() => undefined);
    await service.stop();
  });

  const post = (path: string, body: unknown, type = 'application/json') => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });

  it('serves the page and its assets, and nothing outside them', async () => {
    const page = await fetch(`${service.httpUrl}/sim`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('本地钉钉模拟器');
    expect((await fetch(`${service.httpUrl}/sim/assets/app.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${service.httpUrl}/sim/assets/..%2F..%2Fapp.ts`)).status).toBe(404);
    expect((await fetch(`${service.httpUrl}/sim/assets/markdown.d.ts`)).status).toBe(404);
  });

  it('uses the starter org when the demo company is off, and a movable clock', async () => {
    expect(service.demo).toBeUndefined();
    const b = (await (await fetch(`${base}/bootstrap`)).json()) as { people: Array<{ id: string; role: string }>; clock: { movable: boolean } };
    expect(b.people.map((p) => p.id).sort()).toEqual(['dir01', 'hr01', 'mgr01', 'mgr02', 'rep01', 'rep02', 'rep03', 'rep04']);
    expect(b.people.find((p) => p.id === 'mgr01')?.role).toBe('manager');
    expect(b.clock.movable).toBe(true);
  });

  it('keeps each person to their own chats and cards', async () => {
    const said = await post('/say', { as: 'rep01', conversation: 'user:rep01', text: '帮助' });
    expect(said.status).toBe(200);
    await eventually(async () => (await (await fetch(`${base}/history?as=rep01&conversation=user:rep01`)).json()) as unknown[], (items) => items.length === 2);
    expect((await fetch(`${base}/history?as=rep02&conversation=user:rep01`)).status).toBe(403);
    expect((await post('/say', { as: 'rep03', conversation: 'group:cidTeamEast', text: '帮助' })).status).toBe(403);
    expect((await post('/say', { as: 'rep01', conversation: 'group:cidTeamEast', text: '帮助' })).status).toBe(200);

    await service.messenger.sendCard({ templateId: 'trichain-notice.schema', outTrackId: 'api-test:1', cardParamMap: { title: '给 rep01', body: 'x' } }, { kind: 'user', userId: 'rep01' });
    expect((await fetch(`${base}/cards/api-test:1?as=rep01`)).status).toBe(200);
    const view = (await (await fetch(`${base}/cards/api-test:1?as=rep01`)).json()) as { template: { name: string }; data: Record<string, string> };
    expect(view.template.name).toBe('notice');
    expect(view.data.title).toBe('给 rep01');
    expect((await fetch(`${base}/cards/api-test:1?as=rep02`)).status).toBe(403);
    expect((await post('/card-action', { as: 'rep02', outTrackId: 'api-test:1', params: { action: 'x' } })).status).toBe(403);
  });

  it('shows a message sent through /dev/say as the sender\'s bubble (12.9)', async () => {
    const res = await fetch(`${service.httpUrl}/dev/say`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'rep03', text: '我的目标', waitMs: 500 }) });
    expect(res.status).toBe(200);
    const items = (await (await fetch(`${base}/history?as=rep03&conversation=user:rep03`)).json()) as Array<{ kind: string; senderId?: string; text?: string }>;
    expect(items[0]).toMatchObject({ kind: 'person', senderId: 'rep03', text: '我的目标' });
  });

  it('refuses bodies a cross-site form could send, and bad input', async () => {
    expect((await post('/say', { as: 'rep01', conversation: 'user:rep01', text: 'hi' }, 'text/plain')).status).toBe(415);
    expect((await post('/say', { as: 'nobody', conversation: 'user:nobody', text: 'hi' })).status).toBe(400);
    expect((await post('/say', { as: 'rep01', conversation: 'user:rep01', text: '   ' })).status).toBe(400);
    expect((await post('/clock', { to: 'not a time' })).status).toBe(400);
    expect((await post('/clock', { preset: 'someday' })).status).toBe(400);
    expect((await fetch(`${base}/history?as=nobody&conversation=user:nobody`)).status).toBe(400);
  });

  it('streams new items to the viewer over server-sent events', async () => {
    const ac = new AbortController();
    const res = await fetch(`${base}/events?as=rep02`, { signal: ac.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    await post('/say', { as: 'rep02', conversation: 'user:rep02', text: '帮助' });
    let text = '';
    while (!text.includes('三链助手：目标')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: item');
    ac.abort();
  });

  it('is not served when DingTalk credentials are configured', async () => {
    const h = await startHarness();
    try {
      expect(h.service.simulator).toBeUndefined();
      expect((await fetch(`${h.service.httpUrl}/sim`)).status).toBe(404);
      expect((await fetch(`${h.service.httpUrl}/sim/api/bootstrap`)).status).toBe(404);
    } finally {
      await h.stop();
    }
  });
});
