import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/domain/activity/webhook-signature.js';
import { say } from '../../src/fake-dingtalk/people.js';
import { PACK_LEDGER_KIND } from '../../src/services/api/read-service.js';
import { sayAndWait } from '../helpers/goal-flow.js';
import { OpenApiChecker } from '../helpers/openapi-check.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

const WEBHOOK_SECRET = 'api-e2e-webhook-secret-0123456789-abcdef';
const LIMIT = 40;
const SECRET_RE = /tck_[A-Za-z0-9_-]{43}/;

/**
 * The read API through the running service: HR makes keys in chat (through the real SDK and the DingTalk
 * stand-in), IT reads with them over HTTP, and every real response is checked against the served
 * OpenAPI document — including the activity webhook's.
 */
describe('read API for IT, end to end', () => {
  let h: Harness;
  let api: OpenApiChecker;
  let allKey: string;
  let eastKey: string;

  const call = async (method: 'GET' | 'POST', path: string, o: { key?: string; body?: string; headers?: Record<string, string> } = {}) => {
    const res = await fetch(h.service.httpUrl + path, {
      method,
      headers: { ...(o.key ? { authorization: `Bearer ${o.key}` } : {}), ...(o.body ? { 'content-type': 'application/json' } : {}), ...o.headers },
      ...(o.body ? { body: o.body } : {}),
    });
    const body = (await res.json()) as Record<string, unknown>;
    api.check(method, new URL(path, 'http://x').pathname, res.status, body);
    return { status: res.status, headers: res.headers, body };
  };
  const postActivities = (items: unknown[], secret = WEBHOOK_SECRET) => {
    const body = JSON.stringify(items);
    const ts = Math.floor(Date.now() / 1000);
    return call('POST', '/api/v1/activities', { body, headers: { 'x-trichain-timestamp': String(ts), 'x-trichain-signature': signWebhook(secret, ts, body) } });
  };
  const ids = (body: Record<string, unknown>, field = 'personId') => (body.data as Array<Record<string, string>>).map((x) => x[field]).sort();

  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01', ACTIVITY_WEBHOOK_SECRETS: WEBHOOK_SECRET, API_RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    const doc = (await (await fetch(`${h.service.httpUrl}/api/v1/openapi.json`)).json()) as Record<string, unknown>;
    api = new OpenApiChecker(doc);
    api.check('GET', '/api/v1/openapi.json', 200, doc);
    await eventually(() => h.service.models.Person.countDocuments(), (n) => n === 8);
    const m = h.service.models;
    await m.Quarter.create({ _id: '2026Q4', startDate: new Date('2026-09-30T16:00:00Z'), endDate: new Date('2026-12-31T16:00:00Z'), reviewAt: new Date('2026-12-25T06:00:00Z'), metrics: [{ key: 'signed_amount', name: '签约额', unit: 'cny' }], direction: { industries: ['制造业', '金融'], keyAccounts: [] } });
    // rep01's stored check says red (as a stale submission-time check could); the API must report the live one.
    await m.Goal.create({ quarterId: '2026Q4', ownerId: 'rep01', managerId: 'mgr01', targets: [{ metric: 'signed_amount', value: 800_000 }], industries: ['制造业'], status: 'approved', alignment: { status: 'red', findings: [{ code: 'below_manager_share', message: '低于主管目标的分摊', severity: 'amber' }], checkedAt: new Date() } });
    await m.Goal.create({ quarterId: '2026Q4', ownerId: 'rep03', managerId: 'mgr02', targets: [{ metric: 'signed_amount', value: 600_000 }], industries: ['房地产'], status: 'submitted' });
    await m.Deal.create({ personId: 'rep01', source: 'salesforce', sourceId: '006A', name: '华为 MES 二期', stage: 'Closed Won', amountCny: 320_000, isWon: true, isClosed: true, closeDate: new Date('2026-11-20T04:00:00Z'), quarterId: '2026Q4', isoWeek: '2026-W47' });
    await m.Deal.create({ personId: 'rep03', source: 'salesforce', sourceId: '006B', stage: 'Proposal', amountCny: 150_000, quarterId: '2026Q4' });
    await m.ReportRun.create({ _id: 'scheduled|2026-W48', kind: 'scheduled', quarterId: '2026Q4', week: '2026-W48', asOf: new Date('2026-11-27T09:00:00Z'), scope: { kind: 'all' }, status: 'done' });
    for (const [recipientId, part] of [['rep01', 'report'], ['rep03', 'report'], ['mgr01', 'team']] as const) {
      await m.Delivery.create({ _id: `weekly-report|2026-W48|${recipientId}|${part}`, kind: 'weekly-report', period: '2026-W48', recipientId, part, status: 'sent', claimedBy: 'i1', claimedAt: new Date(), sentAt: new Date(), outTrackId: `weekly-report:2026-W48:${recipientId}:${part}` });
    }
    // The pre-review pack's parts as its sender records them in the ledger (period = quarter, recipient = manager).
    for (const part of ['card', 'csv']) {
      await m.Delivery.create({ _id: `${PACK_LEDGER_KIND}|2026Q4|mgr01|${part}`, kind: PACK_LEDGER_KIND, period: '2026Q4', recipientId: 'mgr01', part, status: 'sent', claimedBy: 'i1', claimedAt: new Date(), sentAt: new Date() });
    }
    await m.Delivery.create({ _id: `${PACK_LEDGER_KIND}|2026Q4|mgr02|card`, kind: PACK_LEDGER_KIND, period: '2026Q4', recipientId: 'mgr02', part: 'card', status: 'failed', lastError: 'HTTP 500', claimedBy: 'i1', claimedAt: new Date() });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('HR creates keys in a 1:1 chat; the secret is shown once there and only its SHA-256 is stored', async () => {
    const inGroup = h.fake.outbox.deliveries.length;
    say(h.fake, { userId: 'hr01', text: 'API密钥 新建 bi', openConversationId: 'cidTeamEast' });
    // Where the refusal is shown (the group, or 1:1 once the dispatcher routes personal commands privately)
    // doesn't matter here; that nothing is created does.
    const refusal = '请在与我的单聊中新建 API 密钥：密钥只显示一次，不能出现在群里。本次没有新建。';
    await h.fake.outbox.waitFor((d) => d.seq > inGroup && d.text === refusal);
    expect(await h.service.models.ApiKey.countDocuments()).toBe(0);

    expect((await sayAndWait(h, 'rep01', 'API密钥 新建 mine')).text).toBe('「API密钥」只有 HR 可以使用。');

    const created = (await sayAndWait(h, 'hr01', 'API密钥 新建 bi')).text!;
    expect(created).toContain('已新建 API 密钥「bi」，范围：全部数据，只读。');
    allKey = SECRET_RE.exec(created)![0];
    const team = (await sayAndWait(h, 'hr01', 'API密钥 新建 east 团队 王磊')).text!;
    expect(team).toContain('范围：王磊（mgr01）及其下属');
    eastKey = SECRET_RE.exec(team)![0];
    expect((await sayAndWait(h, 'hr01', 'API密钥 新建 bi')).text).toBe('已有名为「bi」的密钥（含已吊销的），请换一个名称。');
    expect((await sayAndWait(h, 'hr01', 'API密钥 新建 x 团队 张伟')).text).toBe('张伟 没有下属，不能作为团队范围。本次没有新建。');

    const stored = await h.service.models.ApiKey.find({}).lean();
    expect(stored.map((k) => k.name).sort()).toEqual(['bi', 'east']);
    expect(stored.find((k) => k.name === 'bi')!.secretHash).toBe(createHash('sha256').update(allKey).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(allKey.slice(4));
    // The secret never went anywhere but hr01's 1:1 chat.
    const carrying = h.fake.outbox.deliveries.filter((d) => JSON.stringify(d).includes(allKey));
    expect(carrying.map((d) => d.conversation)).toEqual(['user:hr01']);
  });

  it('a read-all key reads every resource, each response matching the OpenAPI document', async () => {
    const at = { customer: { name: '华为技术有限公司', lat: 31.2304, lng: 121.4737 }, location: { lat: 31.231, lng: 121.474, place: '华为上海研究所' } };
    await postActivities([
      { id: 'a1', system: 'crm', type: 'visit', person: { userId: 'rep01' }, startAt: '2026-11-24T10:00:00+08:00', endAt: '2026-11-24T10:40:00+08:00', ...at },
      { id: 'a2', system: 'crm', type: 'visit', person: { userId: 'rep01' }, startAt: '2026-11-25T10:00:00+08:00', endAt: '2026-11-25T10:10:00+08:00', ...at },
      { id: 'a3', system: 'crm', type: 'visit', person: { userId: 'rep03' }, startAt: '2026-11-25T14:00:00+08:00', endAt: '2026-11-25T15:00:00+08:00', ...at },
    ]).then((r) => expect(r.body).toMatchObject({ received: 3, created: 3 }));

    expect(ids((await call('GET', '/api/v1/people', { key: allKey })).body, 'id')).toEqual(['dir01', 'hr01', 'mgr01', 'mgr02', 'rep01', 'rep02', 'rep03', 'rep04']);
    expect(ids((await call('GET', '/api/v1/quarters', { key: allKey })).body, 'id')).toEqual(['2026Q4']);
    const goals = await call('GET', '/api/v1/goals?quarter=2026Q4', { key: allKey });
    expect(ids(goals.body, 'ownerId')).toEqual(['rep01', 'rep03']);
    // By hand: neither manager has a goal, so both are checked against the company direction (制造业, 金融):
    // rep01's 制造业 is inside it (green, with the amber note that the manager has none); rep03's 房地产 is not.
    const byOwner = new Map((goals.body.data as Array<{ ownerId: string; alignment: { status: string; findings: Array<{ code: string; severity: string }> } }>).map((g) => [g.ownerId, g.alignment]));
    expect(byOwner.get('rep01')).toMatchObject({ status: 'green', findings: [{ code: 'manager_goal_missing', severity: 'amber' }] });
    expect(byOwner.get('rep03')!.status).toBe('red');
    expect(byOwner.get('rep03')!.findings.map((f) => f.code).sort()).toEqual(['industry_outside', 'manager_goal_missing']);
    const acts = await call('GET', '/api/v1/activities?quarter=2026Q4', { key: allKey });
    const bySource = Object.fromEntries((acts.body.data as Array<{ sourceId: string; counted: boolean; reasons: string[] }>).map((a) => [a.sourceId, [a.counted, a.reasons]]));
    expect(bySource).toEqual({ 'crm:a1': [true, []], 'crm:a2': [false, ['时长 10 分钟 < 30 分钟']], 'crm:a3': [true, []] });
    expect(ids((await call('GET', '/api/v1/deals', { key: allKey })).body)).toEqual(['rep01', 'rep03']);
    const reports = await call('GET', '/api/v1/weekly-reports?quarter=2026Q4', { key: allKey });
    expect((reports.body.data as Array<Record<string, string>>).map((r) => `${r.recipientId}:${r.part}:${r.status}:${r.quarterId}`).sort()).toEqual(['mgr01:team:sent:2026Q4', 'rep01:report:sent:2026Q4', 'rep03:report:sent:2026Q4']);
    const packs = await call('GET', '/api/v1/packs?quarter=2026Q4', { key: allKey });
    expect((packs.body.data as Array<Record<string, string>>).map((p) => `${p.managerId}:${p.part}:${p.status}`).sort()).toEqual(['mgr01:card:sent', 'mgr01:csv:sent', 'mgr02:card:failed']);
    // Paging by cursor through the real service: a page of five, then the last three.
    const p1 = await call('GET', '/api/v1/people?limit=5', { key: allKey });
    const p2 = await call('GET', `/api/v1/people?limit=5&cursor=${p1.body.nextCursor as string}`, { key: allKey });
    expect(p2.body.nextCursor).toBeNull();
    expect([...ids(p1.body, 'id'), ...ids(p2.body, 'id')].sort()).toEqual(['dir01', 'hr01', 'mgr01', 'mgr02', 'rep01', 'rep02', 'rep03', 'rep04']);
  });

  it("a team key reads its own team only; team B is refused", async () => {
    expect(ids((await call('GET', '/api/v1/people', { key: eastKey })).body, 'id')).toEqual(['mgr01', 'rep01', 'rep02']);
    expect(ids((await call('GET', '/api/v1/activities', { key: eastKey })).body)).toEqual(['rep01', 'rep01']);
    expect(ids((await call('GET', '/api/v1/weekly-reports', { key: eastKey })).body, 'recipientId')).toEqual(['mgr01', 'rep01']);
    expect(ids((await call('GET', '/api/v1/packs', { key: eastKey })).body, 'managerId')).toEqual(['mgr01', 'mgr01']);
    expect(await call('GET', '/api/v1/deals?team=mgr02', { key: eastKey })).toMatchObject({ status: 403, body: { error: 'out_of_scope' } });
    expect((await call('GET', '/api/v1/goals?person=rep03', { key: eastKey })).status).toBe(403);
    expect((await call('GET', '/api/v1/activities?quarter=2026-4', { key: eastKey })).status).toBe(400);
  });

  it('HR lists and revokes in chat; a revoked key gets 401 at once', async () => {
    const list = (await sayAndWait(h, 'hr01', 'API密钥 列表')).text!;
    expect(list).toMatch(/^API 密钥（2）：\n- bi（tck_\S{6}…）范围：全部；有效；最近使用：\d+月\d+日 \S+ \d{2}:\d{2}\n- east（tck_\S{6}…）范围：团队 王磊；有效；最近使用：/);
    expect(list).not.toContain(allKey);
    expect((await sayAndWait(h, 'hr01', 'API密钥 吊销 east')).text).toBe('已吊销 API 密钥「east」，它从现在起不能再读取数据。');
    expect(await call('GET', '/api/v1/people', { key: eastKey })).toMatchObject({ status: 401, body: { error: 'key_revoked' } });
    expect((await call('GET', '/api/v1/people')).status).toBe(401);
    expect((await sayAndWait(h, 'hr01', 'API密钥 吊销 east')).text).toBe('密钥「east」已经吊销过了。');
    const audit = await h.service.models.AuditLog.find({ entity: 'api_key', entityId: 'east' }).sort({ _id: 1 }).lean();
    expect(audit.map((a) => a.action)).toEqual(['api_key.create', 'api.read', 'api.read', 'api.read', 'api.read', 'access_denied', 'access_denied', 'api.refused', 'api_key.revoke', 'api.refused']);
  });

  it('a key above the per-minute limit gets 429 with Retry-After', async () => {
    const created = (await sayAndWait(h, 'hr01', 'API密钥 新建 burst')).text!;
    const key = SECRET_RE.exec(created)![0];
    let ok = 0;
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    // A fixed window: at most 2 × LIMIT requests reach a 429 even when a minute boundary falls in between.
    for (let i = 0; i <= 2 * LIMIT && !limited; i++) {
      const r = await call('GET', '/api/v1/quarters', { key });
      if (r.status === 429) limited = r;
      else ok++;
    }
    expect(limited).toBeDefined();
    expect(ok).toBeGreaterThanOrEqual(LIMIT);
    const retry = Number(limited!.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
  });

  it('the activity webhook answers as documented, refusals included', async () => {
    expect((await postActivities([{ id: 'bad', type: 'visit', person: { userId: 'rep01' }, startAt: 'yesterday' }])).status).toBe(422);
    expect((await postActivities([{ id: 'a9', type: 'visit', person: { userId: 'rep01' }, startAt: '2026-11-24T10:00:00+08:00' }], 'wrong-secret-0123456789-0123456789-xx')).status).toBe(401);
  });

  it('every operation in the document was exercised and matched', () => {
    const exercised = new Set([...api.checked].map((k) => k.split(' ').slice(0, 2).join(' ')));
    expect(api.operations().filter((op) => !exercised.has(op))).toEqual([]);
    for (const op of api.operations().filter((o) => o.startsWith('GET /api/v1/') && !o.endsWith('openapi.json'))) expect(api.checked).toContain(`${op} 200`);
  });
});
