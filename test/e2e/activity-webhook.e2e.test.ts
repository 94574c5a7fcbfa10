import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/domain/activity/webhook-signature.js';
import { seedPeople } from '../integration/activity/core-helpers.js';
import { startHarness, type Harness } from '../helpers/service-harness.js';

const SECRET = 'test-webhook-secret-0123456789-abcdefghij';
const OLD_SECRET = 'previous-webhook-secret-0123456789-klmnop';
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { ACTIVITY_WEBHOOK_SECRETS: `${SECRET},${OLD_SECRET}`, ACTIVITY_WEBHOOK_MAX_BYTES: '20000' } });
  await seedPeople(h.service.models);
});
afterAll(async () => {
  await h.stop();
});
beforeEach(async () => {
  await h.service.models.Activity.deleteMany({});
  await h.service.models.UnmatchedRecord.deleteMany({});
});

const visit = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  system: 'fxiaoke',
  type: 'visit',
  person: { email: 'zhang.wei@example.com' },
  startAt: '2026-11-24T10:00:00+08:00',
  endAt: '2026-11-24T10:40:00+08:00',
  customer: { name: '华为技术有限公司', lat: 31.2304, lng: 121.4737 },
  location: { lat: 31.231, lng: 121.474, place: '华为上海研究所' },
  ...extra,
});

async function post(body: string, opts: { secret?: string; ts?: number; signature?: string; contentType?: string } = {}) {
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  const res = await fetch(`${h.service.httpUrl}/api/v1/activities`, {
    method: 'POST',
    headers: {
      'content-type': opts.contentType ?? 'application/json',
      'x-trichain-timestamp': String(ts),
      'x-trichain-signature': opts.signature ?? signWebhook(opts.secret ?? SECRET, ts, body),
    },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const stored = () => h.service.models.Activity.countDocuments();

describe('POST /api/v1/activities (signed webhook)', () => {
  it('stores a valid batch once even when it is posted twice', async () => {
    const body = JSON.stringify([visit('v1'), visit('v2', { type: 'call', endAt: undefined, durationMin: 5, location: undefined })]);
    const first = await post(body);
    expect(first).toEqual({ status: 200, body: { received: 2, created: 2, updated: 0, unchanged: 0, stale: 0, parked: 0, unmatched: [] } });
    const again = await post(body);
    expect(again.body).toMatchObject({ created: 0, unchanged: 2 });
    expect(await stored()).toBe(2);
    expect(await h.service.models.Activity.findOne({ sourceId: 'fxiaoke:v1' }).lean()).toMatchObject({ source: 'webhook', personId: 'rep01', counted: true, durationMin: 40, isoWeek: '2026-W48' });
  });

  it('accepts a signature made with the previous secret during rotation, and an edit updates in place', async () => {
    await post(JSON.stringify([visit('v3')]), { secret: OLD_SECRET });
    const r = await post(JSON.stringify([visit('v3', { endAt: '2026-11-24T10:10:00+08:00', updatedAt: '2026-11-24T12:00:00+08:00' })]));
    expect(r.body).toMatchObject({ updated: 1 });
    expect(await h.service.models.Activity.find({ sourceId: 'fxiaoke:v3' }).lean()).toEqual([expect.objectContaining({ counted: false, reasons: ['时长 10 分钟 < 30 分钟'] })]);
  });

  it('refuses a bad signature with 401 and stores nothing', async () => {
    const body = JSON.stringify([visit('x1')]);
    expect(await post(body, { secret: 'someone-else-entirely-0123456789-qrstuv' })).toEqual({ status: 401, body: { error: 'bad_signature', message: 'signature does not match the body and timestamp' } });
    const tampered = await post(body.replace('10:40', '12:40'), { signature: signWebhook(SECRET, Math.floor(Date.now() / 1000), body) });
    expect(tampered.status).toBe(401);
    const missing = await fetch(`${h.service.httpUrl}/api/v1/activities`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: string }).error).toBe('missing_signature');
    expect(await stored()).toBe(0);
  });

  it('refuses a replay older than 5 minutes (and a timestamp from the future) with 401', async () => {
    const body = JSON.stringify([visit('x2')]);
    const now = Math.floor(Date.now() / 1000);
    expect(await post(body, { ts: now - 301 })).toMatchObject({ status: 401, body: { error: 'stale_timestamp', message: expect.stringMatching(/older than 5 minutes/) } });
    expect(await post(body, { ts: now + 400 })).toMatchObject({ status: 401, body: { error: 'stale_timestamp' } });
    expect((await post(body, { ts: now - 290 })).status).toBe(200); // inside the window
    await h.service.models.Activity.deleteMany({});
    expect(await post(body, { ts: 1234 })).toMatchObject({ status: 401, body: { error: 'bad_timestamp' } });
    expect(await stored()).toBe(0);
  });

  it('refuses malformed JSON with 400, and a non-array or empty array with 422', async () => {
    expect(await post('[{"id": "x3", ')).toMatchObject({ status: 400, body: { error: 'malformed_json', message: expect.stringMatching(/not valid JSON/) } });
    expect(await post(JSON.stringify(visit('x4')))).toMatchObject({ status: 422, body: { error: 'not_an_array' } });
    expect(await post('[]')).toMatchObject({ status: 422, body: { error: 'empty_batch' } });
    expect(await post('[]', { contentType: 'text/plain' })).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    expect(await stored()).toBe(0);
  });

  it('refuses a batch with any wrongly typed item with 422 naming each problem, storing none of it', async () => {
    const body = JSON.stringify([visit('ok1'), visit('bad1', { startAt: 1732413600, person: { email: 'not-an-email' } }), visit('bad2', { type: 'Visit', location: { lat: 'north', lng: 1 } })]);
    const r = await post(body);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ error: 'validation_failed', message: '2 of 3 activities are invalid; nothing was stored' });
    expect(r.body.details).toEqual([
      { index: 1, path: 'person.email', message: 'person.email 不是有效的邮箱' },
      { index: 1, path: 'startAt', message: '需要带时区的 ISO-8601 时间字符串，例如 2026-11-23T10:00:00+08:00' },
      { index: 2, path: 'type', message: 'type 要用小写英文键，如 visit、call、email、meeting、proposal' },
      { index: 2, path: 'location.lat', message: '纬度要是数字' },
    ]);
    expect(await stored()).toBe(0);
  });

  it('refuses an oversized body with 413, whether it declares its length or streams it', async () => {
    const items = Array.from({ length: 60 }, (_, i) => visit(`big${i}`, { dims: { note: 'x'.repeat(200) } }));
    const body = JSON.stringify(items);
    expect(body.length).toBeGreaterThan(20_000);
    expect(await post(body)).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    // Chunked, without Content-Length: counted while reading.
    const ts = Math.floor(Date.now() / 1000);
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${h.service.httpUrl}/api/v1/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'x-trichain-timestamp': String(ts), 'x-trichain-signature': signWebhook(SECRET, ts, body) },
      });
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      for (let i = 0; i < body.length; i += 4096) req.write(body.slice(i, i + 4096));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ error: 'body_too_large' });
    expect(await stored()).toBe(0);
  });

  it('a replayed older request (inside the 5-minute window) never reverts a later edit: it is "unchanged" (issue 15.4)', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Without updatedAt: the signed request time orders the versions.
    const v1 = JSON.stringify([visit('r1')]);
    const v2 = JSON.stringify([visit('r1', { endAt: '2026-11-24T10:10:00+08:00' })]);
    expect((await post(v1, { ts: now - 120 })).body).toMatchObject({ created: 1 });
    expect((await post(v2, { ts: now - 60 })).body).toMatchObject({ updated: 1 });
    const replay = await post(v1, { ts: now - 120 });
    expect(replay).toMatchObject({ status: 200, body: { created: 0, updated: 0, unchanged: 1, stale: 1 } });
    expect(await h.service.models.Activity.findOne({ sourceId: 'fxiaoke:r1' }).lean()).toMatchObject({ durationMin: 10 });
    // Resending the current content later is unchanged too, and still leaves the older one stale.
    expect((await post(v2, { ts: now })).body).toMatchObject({ updated: 0, unchanged: 1, stale: 0 });
    expect((await post(v1, { ts: now - 30 })).body).toMatchObject({ updated: 0, unchanged: 1, stale: 1 });

    // With updatedAt: the record's own version wins over arrival order, whatever the request time.
    const e1 = JSON.stringify([visit('r2', { updatedAt: '2026-11-24T11:00:00+08:00' })]);
    const e2 = JSON.stringify([visit('r2', { endAt: '2026-11-24T10:05:00+08:00', updatedAt: '2026-11-24T12:00:00+08:00' })]);
    await post(e2, { ts: now - 10 });
    expect((await post(e1, { ts: now })).body).toMatchObject({ updated: 0, unchanged: 1, stale: 1 });
    expect(await h.service.models.Activity.findOne({ sourceId: 'fxiaoke:r2' }).lean()).toMatchObject({ durationMin: 5 });
  });

  it('refuses duplicate ids inside one batch with both positions, storing nothing (issue 15.4)', async () => {
    const r = await post(JSON.stringify([visit('d1'), visit('d2'), visit('d1', { endAt: '2026-11-24T10:10:00+08:00' }), visit('d1', { system: 'other' })]));
    expect(r).toEqual({
      status: 422,
      body: { error: 'validation_failed', message: '1 of 4 activities are invalid; nothing was stored', details: [{ index: 2, path: 'id', message: '记录 fxiaoke:d1 与第 0 项重复（同一批里一条记录只能出现一次）' }] },
    });
    expect(await stored()).toBe(0);
  });

  it('refuses implausible dates and control characters in names (issue 15.4)', async () => {
    const r = await post(JSON.stringify([visit('p1', { startAt: '9999-01-01T10:00:00+08:00', endAt: undefined }), visit('p2', { customer: { name: '华为\n# 标题' } })]));
    expect(r.status).toBe(422);
    expect((r.body.details as Array<{ index: number; path: string }>).map((d) => [d.index, d.path])).toEqual([[0, 'startAt'], [1, 'customer.name']]);
    expect(await stored()).toBe(0);
  });

  it('parks items whose person is unknown and says so, instead of dropping them', async () => {
    const r = await post(JSON.stringify([visit('u1', { person: { email: 'new.hire@example.com' } }), visit('u2')]));
    expect(r).toMatchObject({ status: 200, body: { created: 1, parked: 1, unmatched: [{ index: 0, person: { email: 'new.hire@example.com' } }] } });
    expect(await h.service.models.UnmatchedRecord.countDocuments({ system: 'fxiaoke', externalEmail: 'new.hire@example.com' })).toBe(1);
  });
});
