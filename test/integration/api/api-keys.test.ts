import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityDoc, apiFixture, type ApiFixture } from './api-fixture.js';

/** API keys against the real routes and the real MongoDB-wire server: scopes, revocation, audit, limits. */
describe('read API keys', () => {
  let f: ApiFixture;
  let all: string;
  let east: string;
  beforeAll(async () => {
    f = await apiFixture('api_keys');
    const at = new Date('2026-11-24T02:00:00Z');
    await f.models.Activity.collection.insertMany(['rep01', 'rep01', 'rep02', 'mgr01', 'rep03', 'rep03', 'rep04'].map((p) => activityDoc(p, at)));
    const a = await f.keys.create({ name: 'bi', scope: { kind: 'all' }, actorId: 'hr01' });
    const e = await f.keys.create({ name: 'east-bi', scope: { kind: 'team', managerId: 'mgr01' }, actorId: 'hr01' });
    if (!a.ok || !e.ok) throw new Error('could not create keys');
    all = a.secret;
    east = e.secret;
  });
  afterAll(async () => {
    await f.stop();
  });

  const people = (body: Record<string, unknown>) => (body.data as Array<{ personId?: string; id: string }>).map((x) => x.personId ?? x.id).sort();

  it('stores only the SHA-256 of the secret, and refuses a second key of the same name', async () => {
    const doc = await f.models.ApiKey.findOne({ name: 'bi' }).lean();
    expect(doc!.secretHash).toBe(createHash('sha256').update(all).digest('hex'));
    expect(JSON.stringify(doc)).not.toContain(all);
    expect(await f.keys.create({ name: 'bi', scope: { kind: 'all' }, actorId: 'hr01' })).toEqual({ ok: false, code: 'exists' });
    expect(await f.keys.create({ name: 'has space', scope: { kind: 'all' }, actorId: 'hr01' })).toEqual({ ok: false, code: 'bad_name' });
  });

  it('a read-all key sees every team', async () => {
    const r = await f.get('/api/v1/activities', all);
    expect(r.status).toBe(200);
    expect(people(r.body)).toEqual(['mgr01', 'rep01', 'rep01', 'rep02', 'rep03', 'rep03', 'rep04']);
    expect(people((await f.get('/api/v1/activities?team=mgr02', all)).body)).toEqual(['rep03', 'rep03']);
    expect(people((await f.get('/api/v1/people?team=dir01', all)).body)).toEqual(['dir01', 'mgr01', 'mgr02', 'rep01', 'rep02', 'rep03']);
  });

  it('a team key sees its manager and everyone under them, nothing else', async () => {
    expect(people((await f.get('/api/v1/activities', east)).body)).toEqual(['mgr01', 'rep01', 'rep01', 'rep02']);
    expect(people((await f.get('/api/v1/people', east)).body)).toEqual(['mgr01', 'rep01', 'rep02']);
    expect(people((await f.get('/api/v1/activities?person=rep02', east)).body)).toEqual(['rep02']);
  });

  it("a team-A key asking for team B or one of B's people is refused (403), and the refusal is audited", async () => {
    const other = await f.get('/api/v1/activities?team=mgr02', east);
    expect(other).toMatchObject({ status: 403, body: { error: 'out_of_scope' } });
    expect((await f.get('/api/v1/goals?person=rep03', east)).status).toBe(403);
    // The director's team contains team A but is wider than the key: refused, not narrowed.
    expect((await f.get('/api/v1/people?team=dir01', east)).status).toBe(403);
    const denied = await f.models.AuditLog.find({ entity: 'api_key', entityId: 'east-bi', action: 'access_denied' }).lean();
    expect(denied.map((d) => d.note)).toEqual([
      '403 out_of_scope: GET /api/v1/activities?team=mgr02',
      '403 out_of_scope: GET /api/v1/goals?person=rep03',
      '403 out_of_scope: GET /api/v1/people?team=dir01',
    ]);
  });

  it('no key, an unknown key and a revoked key get 401; every use of a known key is in the audit log', async () => {
    expect(await f.get('/api/v1/people')).toMatchObject({ status: 401, body: { error: 'missing_key' } });
    expect(await f.get('/api/v1/people', 'tck_not-a-real-key')).toMatchObject({ status: 401, body: { error: 'unknown_key' } });
    const temp = await f.keys.create({ name: 'temp', scope: { kind: 'all' }, actorId: 'hr01' });
    if (!temp.ok) throw new Error('no key');
    expect((await f.get('/api/v1/quarters', temp.secret)).status).toBe(200);
    expect(await f.keys.revoke('temp', 'hr01')).toMatchObject({ ok: true });
    expect(await f.keys.revoke('temp', 'hr01')).toMatchObject({ ok: false, code: 'already_revoked' });
    expect(await f.get('/api/v1/quarters', temp.secret)).toMatchObject({ status: 401, body: { error: 'key_revoked' } });
    const log = await f.models.AuditLog.find({ entity: 'api_key', entityId: 'temp' }).sort({ _id: 1 }).lean();
    expect(log.map((l) => [l.action, l.actorId])).toEqual([
      ['api_key.create', 'hr01'],
      ['api.read', 'api-key:temp'],
      ['api_key.revoke', 'hr01'],
      ['api.refused', 'api-key:temp'],
    ]);
    expect(log[1]!.note).toBe('200 GET /api/v1/quarters (0 items)');
  });

  it('bad parameters get a specific 400', async () => {
    expect(await f.get('/api/v1/activities?quater=2026Q4', all)).toMatchObject({ status: 400, body: { error: 'unknown_parameter' } });
    expect(await f.get('/api/v1/activities?quarter=Q4', all)).toMatchObject({ status: 400, body: { error: 'bad_quarter' } });
    expect(await f.get('/api/v1/activities?limit=0', all)).toMatchObject({ status: 400, body: { error: 'bad_limit' } });
    expect(await f.get('/api/v1/activities?updatedSince=yesterday', all)).toMatchObject({ status: 400, body: { error: 'bad_updated_since' } });
    expect(await f.get('/api/v1/activities?cursor=abc', all)).toMatchObject({ status: 400, body: { error: 'bad_cursor' } });
    expect(await f.get('/api/v1/activities?team=nobody', all)).toMatchObject({ status: 400, body: { error: 'unknown_team' } });
    // A cursor only continues the listing it came from.
    const first = await f.get('/api/v1/activities?limit=2', all);
    const other = await f.get(`/api/v1/activities?limit=2&person=rep01&cursor=${first.body.nextCursor as string}`, all);
    expect(other).toMatchObject({ status: 400, body: { error: 'bad_cursor' } });
  });

  it('an empty packs listing while no pack has been sent', async () => {
    expect(await f.get('/api/v1/packs', all)).toMatchObject({ status: 200, body: { data: [], nextCursor: null } });
  });
});

describe('rate limit per key', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await apiFixture('api_rate', { perMinute: 3 });
  });
  afterAll(async () => {
    await f.stop();
  });

  it('answers 429 with Retry-After above the limit, per key, and lets the key in again in the next minute', async () => {
    const a = await f.keys.create({ name: 'a', scope: { kind: 'all' }, actorId: 'hr01' });
    const b = await f.keys.create({ name: 'b', scope: { kind: 'all' }, actorId: 'hr01' });
    if (!a.ok || !b.ok) throw new Error('no keys');
    f.clock.set(new Date('2026-11-26T01:00:15Z'));
    for (let i = 0; i < 3; i++) expect((await f.get('/api/v1/quarters', a.secret)).headers.get('x-ratelimit-remaining')).toBe(String(2 - i));
    const limited = await f.get('/api/v1/quarters', a.secret);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('45');
    expect(limited.body.error).toBe('rate_limited');
    // Another key has its own budget.
    expect((await f.get('/api/v1/quarters', b.secret)).status).toBe(200);
    f.clock.set(new Date('2026-11-26T01:01:00Z'));
    expect((await f.get('/api/v1/quarters', a.secret)).status).toBe(200);
    expect(await f.models.AuditLog.countDocuments({ entityId: 'a', action: 'api.refused', note: /^429/ })).toBe(1);
  });
});
