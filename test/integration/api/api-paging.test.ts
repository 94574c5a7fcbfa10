import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityDoc, apiFixture, type ApiFixture } from './api-fixture.js';

const SEEDED = 10_000;
const PEOPLE = ['rep01', 'rep02', 'rep03', 'mgr01'];

/**
 * Paging with the opaque cursor while activities keep arriving: every record is handed out exactly once.
 * New records land after the cursor (keyset on updatedAt, _id), so a consumer that pages to the end sees
 * all of them; nothing already handed out comes again, nothing is skipped.
 */
describe('paging 10,000 activities while new ones arrive', () => {
  let f: ApiFixture;
  let secret: string;
  beforeAll(async () => {
    f = await apiFixture('api_paging');
    const k = await f.keys.create({ name: 'sync', scope: { kind: 'all' }, actorId: 'hr01' });
    if (!k.ok) throw new Error('no key');
    secret = k.secret;
    // Many share one updatedAt millisecond (as a bulk import writes them): the _id tie-break must hold.
    const stamp = new Date();
    const docs = Array.from({ length: SEEDED }, (_, i) => activityDoc(PEOPLE[i % PEOPLE.length]!, new Date(Date.UTC(2026, 10, 1 + (i % 28), 2)), { updatedAt: new Date(stamp.getTime() + Math.floor(i / 500)) }));
    for (let i = 0; i < docs.length; i += 2000) await f.models.Activity.collection.insertMany(docs.slice(i, i + 2000));
  });
  afterAll(async () => {
    await f.stop();
  });

  it('no duplicates, no gaps', async () => {
    let inserting = true;
    let inserted = 0;
    // A writer running alongside the reader, like the connectors and the webhook do.
    const writer = (async () => {
      while (inserting) {
        await f.models.Activity.collection.insertMany(Array.from({ length: 25 }, (_, i) => activityDoc(PEOPLE[i % PEOPLE.length]!, new Date('2026-11-25T02:00:00Z'), { updatedAt: new Date() })));
        inserted += 25;
      }
    })();

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const r = await f.get(`/api/v1/activities?limit=500${cursor ? `&cursor=${cursor}` : ''}`, secret);
      expect(r.status).toBe(200);
      const page = r.body as { data: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...page.data.map((a) => a.id));
      pages++;
      // Stop the writer once the reader is well past the seeded records; then read to the end.
      if (seen.length >= SEEDED && inserting) {
        inserting = false;
        await writer;
      }
      if (!page.nextCursor) {
        if (inserting) continue; // reached the head while the writer still runs: keep following
        break;
      }
      cursor = page.nextCursor;
    }
    await writer;

    const stored = (await f.models.Activity.collection.find({}, { projection: { _id: 1 } }).toArray()).map((d) => String(d._id));
    expect(inserted).toBeGreaterThan(0);
    expect(stored.length).toBe(SEEDED + inserted);
    expect(new Set(seen).size).toBe(seen.length); // no duplicates
    expect(new Set(seen)).toEqual(new Set(stored)); // no gaps
    expect(pages).toBeGreaterThanOrEqual(Math.ceil((SEEDED + inserted) / 500));
  });

  it('a record changed after it was handed out comes again later (updatedSince sync picks up changes)', async () => {
    const first = await f.get('/api/v1/activities?limit=1', secret);
    const id = (first.body.data as Array<{ id: string }>)[0]!.id;
    const since = new Date().toISOString();
    const { ObjectId } = await import('mongodb');
    await f.models.Activity.collection.updateOne({ _id: new ObjectId(id) }, { $set: { counted: true, reasons: [], updatedAt: new Date(Date.now() + 5) } });
    const changed = await f.get(`/api/v1/activities?updatedSince=${encodeURIComponent(since)}`, secret);
    expect((changed.body.data as Array<{ id: string }>).map((a) => a.id)).toEqual([id]);
  });
});
