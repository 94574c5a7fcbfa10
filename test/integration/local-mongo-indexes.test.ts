/**
 * Non-unique secondary indexes in the local mongo-java-server (launcher -r3, docs/database-compat.md "Indexes").
 * One database holds the same documents twice: `plain` has no secondary index, `indexed` has several (some
 * declared before its first document, some on existing documents). Every filter below must give the same
 * documents in the same order on both, before and after updates, deletes and (H2) a restart; and the server's
 * trichainIndexStats counters must show the indexed collection read through the index, not scanned.
 * Both backends the launcher has are checked: the H2 file (default) and --memory. Launcher -r4's hash sets for long
 * $in lists are checked here too (compareLongInLists): same documents as the stock walk of the list.
 */
import { Double, Int32, Long, MongoClient, ObjectId, type Db, type Document, type Filter } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { LocalMongo } from '../../src/adapters/mongo/local-server.js';
import { localMongoServers } from '../helpers/local-mongo-servers.js';

const servers = localMongoServers();
const { kind } = servers;
const start = (dir: string, inMemory: boolean): Promise<LocalMongo> => servers.start(dir, { javaInMemory: inMemory });

interface Row {
  _id: number;
  p?: string | number | null;
  at?: Date;
  amount?: number;
  tags?: string[];
  sub?: { k: string };
}

const T0 = Date.UTC(2026, 0, 5);
const DAY = 86_400_000;
const pid = (n: number): string => `p${String(n).padStart(2, '0')}`;

/** Deterministic documents with missing, null, numeric and string values in the indexed field. */
function makeRows(from: number, to: number): Row[] {
  let seed = 12345 + from;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const rows: Row[] = [];
  for (let i = from; i < to; i++) {
    const r: Row = { _id: i };
    if (i % 13 === 0) {
      // no p at all
    } else if (i % 17 === 0) r.p = null;
    else if (i % 19 === 0) r.p = i % 5; // a number among the strings
    else r.p = pid(Math.floor(rnd() * 60));
    if (i % 11 !== 0) r.at = new Date(T0 + Math.floor(rnd() * 120) * DAY + (i % 1000));
    r.amount = i % 3 === 0 ? Math.floor(rnd() * 10) : Math.floor(rnd() * 100) / 10; // ints and fractions
    // Beyond the int range the stock matcher compares a whole bound with a fraction by truncation.
    if (i % 29 === 0) r.amount = 3_000_000_000 + (i % 2 ? 0.5 : 0) + (i % 3);
    if (i % 7 === 0) r.tags = ['a', i % 2 ? 'b' : 'c'];
    if (i % 4 === 0) r.sub = { k: `k${i % 9}` };
    rows.push(r);
  }
  return rows;
}

const d = (day: number): Date => new Date(T0 + day * DAY);
const ids10 = [3, 7, 11, 12, 20, 33, 41, 42, 50, 59].map(pid);

/** Each filter, and whether the indexed collection should answer it through an index (else: a scan). */
const FILTERS: [Filter<Row>, boolean][] = [
  [{ p: 'p05' }, true],
  [{ p: { $eq: 'p44' } }, true],
  [{ p: { $in: [...ids10, 3, 'nope'] } }, true],
  [{ p: { $in: [] } }, true],
  [{ p: { $gte: 'p10', $lt: 'p20' } }, true],
  [{ p: { $gt: 'p55' } }, true],
  [{ p: { $lte: 'p03' } }, true],
  [{ p: { $in: ids10 }, at: { $gte: d(10), $lt: d(40) } }, true],
  [{ p: 'p07', at: { $gte: d(60) } }, true],
  [{ p: { $in: ids10 }, at: { $lte: d(5) } }, true],
  [{ $and: [{ p: { $in: ids10 } }, { at: { $lt: d(30) } }] }, true],
  [{ p: { $in: ids10 }, amount: { $gt: 3 } }, true],
  [{ p: { $gte: 'p20', $lte: 'p30' }, at: { $gte: d(50), $lt: d(80) } }, true],
  [{ p: { $in: ids10, $ne: 'p11' } }, true],
  [{ p: 3 }, true],
  [{ p: 3.0 }, true],
  [{ p: { $gte: 1, $lt: 4 } }, true],
  [{ p: null }, false],
  [{ p: { $exists: false } }, false],
  [{ p: { $ne: 'p05' } }, false],
  [{ p: { $regex: '^p1' } }, false],
  [{ at: { $gte: d(20), $lt: d(21) } }, true],
  [{ amount: { $gte: 2, $lt: 4.5 } }, true],
  [{ amount: 5 }, true],
  [{ amount: { $in: [1, 2.5, 9] } }, true],
  [{ amount: { $lte: 3_000_000_000 } }, false], // more than half the collection: a scan is cheaper
  [{ amount: { $gt: 3_000_000_000, $lt: 3_000_000_002 } }, true],
  [{ amount: 3_000_000_001 }, true],
  [{ tags: 'a' }, false],
  [{ 'sub.k': 'k3' }, true],
  [{ 'sub.k': { $in: ['k1', 'k2'] }, p: { $gte: 'p30' } }, true],
];

async function compareAll(db: Db, label: string): Promise<void> {
  const plain = db.collection<Row>('plain');
  const indexed = db.collection<Row>('indexed');
  for (const [f, usesIndex] of FILTERS) {
    const what = `${label} ${JSON.stringify(f)}`;
    const before = await stats(db, 'indexed');
    const want = await plain.find(f).toArray();
    // Unsorted: the index path returns natural (_id) order, like a scan.
    expect(await indexed.find(f).toArray(), what).toEqual(want);
    // A driver cursor with a batch size streams (StreamingH2Collection): same documents across getMores.
    expect(await indexed.find(f).batchSize(7).toArray(), `${what} batched`).toEqual(want);
    expect(await indexed.find(f).sort({ at: -1, _id: 1 }).toArray(), `${what} sorted`).toEqual(await plain.find(f).sort({ at: -1, _id: 1 }).toArray());
    expect(await indexed.find(f).skip(3).limit(5).project({ p: 1 }).toArray(), `${what} page`).toEqual(
      await plain.find(f).skip(3).limit(5).project({ p: 1 }).toArray(),
    );
    expect(await indexed.countDocuments(f), `${what} count`).toBe(want.length);
    const pipeline: Document[] = [{ $match: f }, { $group: { _id: '$p', n: { $sum: 1 }, total: { $sum: '$amount' } } }, { $sort: { _id: 1 } }];
    expect(await indexed.aggregate(pipeline).toArray(), `${what} aggregate`).toEqual(await plain.aggregate(pipeline).toArray());
    expect(await indexed.aggregate([{ $match: f }, { $project: { at: 1 } }]).toArray(), `${what} aggregate order`).toEqual(
      await plain.aggregate([{ $match: f }, { $project: { at: 1 } }]).toArray(),
    );
    const after = await stats(db, 'indexed');
    const uses = (s: IndexStats): number => Object.values(s.indexes).reduce((n, i) => n + i.uses, 0);
    // 7 reads of the indexed collection above: all through an index, or all scans.
    expect([uses(after) - uses(before), after.scans - before.scans], `${what} index use`).toEqual(usesIndex ? [7, 0] : [0, 7]);
  }
}

/**
 * Launcher -r4 checks a $in list of 16 or more members in a hash set (de.bwaldvogel.mongo.backend.InSet), the stock
 * matcher walks it. The reference here is the stock walk itself: the same list cut into chunks of 15 (under the
 * threshold) and OR-ed ($nin: AND-ed), on the collection without indexes, so the planner stays out of it. Lists
 * mix every case InSet must get right: numbers of three types that are equal (3, 3L, 3.0), a Long beyond a
 * double's exact range, null (also matches a missing field), regexes, an embedded document, an array member,
 * dates, ObjectIds, booleans, a Decimal128-free NaN; fields hold strings, numbers, null, nothing, arrays and
 * documents. Array members go first: for an array field the stock rule depends on the list's order there.
 */
async function compareLongInLists(db: Db, label: string): Promise<void> {
  const plain = db.collection<Row>('plain');
  const chunks = <T>(list: T[]): T[][] => Array.from({ length: Math.ceil(list.length / 15) }, (_, i) => list.slice(i * 15, i * 15 + 15));
  const pids = Array.from({ length: 40 }, (_, i) => pid(i + 10));
  const lists: [keyof Row | 'sub.k', unknown[]][] = [
    ['p', [...pids, 3, new Long(4), new Double(1), 'nope', null]],
    ['p', [['a', 'b'], /^p0/, ...pids.slice(0, 20), new Int32(2), 2.5, true, new ObjectId('0123456789abcdef01234567')]],
    ['amount', [1, new Long(2), new Double(3), 4.5, 0.5, 9.9, -0, Number.NaN, new Long('3000000001'), 3_000_000_000.5, 7, 8.1, 'x', null, 6, 5.5, 1.1]],
    ['tags', [['a', 'c'], 'b', ...pids.slice(0, 20), 'zz']],
    ['sub', [{ k: 'k3' }, { k: 'k5' }, ...pids.slice(0, 20)]],
    ['sub.k', [...Array.from({ length: 20 }, (_, i) => `k${i + 5}`), 'k1', /^k2/]],
    ['at', [...Array.from({ length: 30 }, (_, i) => d(i * 2)), d(60), null]],
  ];
  for (const [field, list] of lists) {
    const what = `${label} $in ${field} (${list.length})`;
    const hashed = await plain.find({ [field]: { $in: list } } as Filter<Row>).toArray();
    const walked = await plain.find({ $or: chunks(list).map((c) => ({ [field]: { $in: c } })) } as Filter<Row>).toArray();
    expect(hashed, what).toEqual(walked);
    expect(hashed.length, `${what} selects something`).toBeGreaterThan(0);
    const notIn = await plain.find({ [field]: { $nin: list } } as Filter<Row>).toArray();
    const notInWalked = await plain.find({ $and: chunks(list).map((c) => ({ [field]: { $nin: c } })) } as Filter<Row>).toArray();
    expect(notIn, `${what} $nin`).toEqual(notInWalked);
    // And with the hash sets switched off (the server's trichainInSets command): the stock walk of the whole list.
    await db.command({ trichainInSets: false });
    const stock = await plain.find({ [field]: { $in: list } } as Filter<Row>).toArray();
    const stockNotIn = await plain.find({ [field]: { $nin: list } } as Filter<Row>).toArray();
    await db.command({ trichainInSets: true });
    expect(hashed, `${what} stock`).toEqual(stock);
    expect(notIn, `${what} $nin stock`).toEqual(stockNotIn);
    // The aggregation's $match runs the same matcher.
    const agg = await plain.aggregate([{ $match: { [field]: { $in: list } } }, { $count: 'n' }]).toArray();
    expect(agg[0]?.n ?? 0, `${what} aggregate`).toBe(walked.length);
  }
}

/**
 * Launcher -r4 answers a filter on exactly a compound unique index's fields, equality or `$in` of scalars, by key
 * lookups (UniquePointQuery; stock scanned: mongo-java-server issue 80). The app's activity store sends
 * `{source, sourceId: {$in: [...]}}` for every ingest batch. Same documents as the collection without the index
 * (compared in _id order: lookups return the keys' order), including values the lookup must leave to a scan.
 */
async function compareUniqueLookups(db: Db, label: string): Promise<void> {
  interface U { _id: number; s?: string | null; sid?: unknown } // sid: strings, numbers, an array
  const docs: U[] = Array.from({ length: 600 }, (_, i) => ({ _id: i, s: i % 3 ? 'csv' : 'crm', sid: i % 50 === 7 ? i : `id${i}` }));
  docs.push({ _id: 1000, s: 'csv', sid: ['id-a', 'id-b'] }, { _id: 1001, sid: 'id-x' }, { _id: 1002, s: null, sid: 'id-y' });
  const plain = db.collection<U>(`uplain_${label.replace(/\W+/g, '_')}`);
  const unique = db.collection<U>(`uunique_${label.replace(/\W+/g, '_')}`);
  await plain.insertMany(docs.map((d) => ({ ...d })));
  await unique.createIndex({ s: 1, sid: 1 }, { unique: true });
  await unique.insertMany(docs.map((d) => ({ ...d })));
  const ids = Array.from({ length: 40 }, (_, i) => `id${i * 13}`);
  const filters: Filter<U>[] = [
    { s: 'csv', sid: { $in: ids } },
    { s: { $in: ['csv', 'crm', 'nope'] }, sid: { $in: [...ids, 57, 107, new Double(157), 'id-a', 'missing'] } },
    { s: 'crm', sid: 'id3' },
    { s: 'csv', sid: { $in: ['id-b', 'id1'] } },
    { s: 'csv', sid: { $in: [null, 'id1'] } }, // null: not a lookup (scan)
    { s: null, sid: { $in: ['id-x', 'id-y'] } },
    { s: 'csv', sid: { $in: [/^id1/, 'id2'] } },
    { s: 'csv', sid: { $in: [] } },
  ];
  for (const f of filters) {
    const what = `${label} unique lookup ${JSON.stringify(f)}`;
    expect(await unique.find(f).sort({ _id: 1 }).toArray(), what).toEqual(await plain.find(f).sort({ _id: 1 }).toArray());
    expect(await unique.countDocuments(f), `${what} count`).toBe(await plain.countDocuments(f));
  }
  // Writes through such a filter stay right, and the index still refuses duplicates.
  await unique.updateMany({ s: 'csv', sid: { $in: ids } }, { $set: { touched: true } } as never);
  await plain.updateMany({ s: 'csv', sid: { $in: ids } }, { $set: { touched: true } } as never);
  expect(await unique.find({}).sort({ _id: 1 }).toArray(), `${label} after update`).toEqual(await plain.find({}).sort({ _id: 1 }).toArray());
  await expect(unique.insertOne({ _id: 5000, s: 'csv', sid: 'id1' })).rejects.toThrow(/duplicate key/);
}

interface IndexStats {
  scans: number;
  indexes: Record<string, { uses: number; keysExamined: number; entries: number; multikey: boolean }>;
}
function ix(s: IndexStats, name: string): IndexStats['indexes'][string] {
  const i = s.indexes[name];
  if (!i) throw new Error(`no index ${name} in ${JSON.stringify(s)}`);
  return i;
}
const stats = (db: Db, collection: string): Promise<IndexStats> => db.command({ trichainIndexStats: collection }) as Promise<IndexStats>;

/** Applies the same writes to both collections. */
async function mutate(db: Db, round: number): Promise<void> {
  for (const name of ['plain', 'indexed']) {
    const c = db.collection<Row>(name);
    await c.updateMany({ p: 'p05' }, { $set: { p: 'p50' } }); // moves documents between index keys
    await c.updateMany({ p: { $in: ['p12', 'p13'] } }, { $set: { at: d(200) } }); // second field of the compound key
    await c.updateOne({ _id: 101 }, { $unset: { p: '' } }); // leaves the index
    await c.updateOne({ _id: 169 }, { $set: { p: 'p05' } }); // was missing/null, enters it
    await c.updateMany({ p: 'p33' }, { $inc: { amount: 1 } }); // indexed field unchanged
    await c.deleteMany({ p: { $in: ['p41', 'p42'] } });
    await c.deleteOne({ p: 'p07' });
    await c.findOneAndUpdate({ p: 'p20' }, { $set: { p: 'p21' } }, { sort: { _id: -1 } });
    await c.insertMany(makeRows(5000 + round * 1000, 5400 + round * 1000));
    await c.updateOne({ _id: 9999 + round }, { $set: { p: 'p58', at: d(3), amount: 1 } }, { upsert: true });
  }
}

async function scenario(inMemory: boolean): Promise<void> {
  const dir = await servers.newDir('indexes');
  let s = await start(dir, inMemory);
  let client = await MongoClient.connect(s.uri);
  let db = client.db('idx');
  const first = makeRows(0, 1000);
  const rest = makeRows(1000, 2000);
  await db.collection<Row>('plain').insertMany([...first, ...rest]);
  const indexed = db.collection<Row>('indexed');
  await indexed.createIndex({ amount: 1 }); // declared on an empty collection: kept up by the inserts
  await indexed.insertMany(first);
  // Declared on existing documents: built from them.
  await indexed.createIndex({ p: 1, at: 1 });
  await indexed.createIndex({ at: 1 });
  await indexed.createIndex({ tags: 1 }); // arrays: multikey, not used (scan)
  await indexed.createIndex({ 'sub.k': 1 });
  await indexed.insertMany(rest);

  // The index is used: one filter on the indexed collection reads a few keys and scans nothing.
  const before = await stats(db, 'indexed');
  const selected = await indexed.find({ p: 'p05' }).toArray();
  const after = await stats(db, 'indexed');
  expect(selected.length).toBeGreaterThan(10);
  expect(after.scans).toBe(before.scans);
  expect(ix(after, 'p_1_at_1').uses).toBe(ix(before, 'p_1_at_1').uses + 1);
  // A few keys past the interval's end at most: nowhere near the 2,000 documents.
  expect(ix(after, 'p_1_at_1').keysExamined - ix(before, 'p_1_at_1').keysExamined).toBeLessThanOrEqual(selected.length + 1);
  // A leading $match in an aggregation (also what countDocuments sends) uses it too.
  await indexed.countDocuments({ p: { $in: ids10 }, at: { $gte: d(10) } });
  const afterCount = await stats(db, 'indexed');
  expect(ix(afterCount, 'p_1_at_1').uses).toBe(ix(after, 'p_1_at_1').uses + 1);
  expect(afterCount.scans).toBe(after.scans);
  // The same filter on the collection without the index scans it.
  const plainBefore = await stats(db, 'plain');
  await db.collection<Row>('plain').find({ p: 'p05' }).toArray();
  expect((await stats(db, 'plain')).scans).toBe(plainBefore.scans + 1);
  expect(ix(after, 'tags_1').multikey).toBe(true);
  // Documents with p missing or null have no entry; all others have one.
  const withP = await db.collection<Row>('plain').countDocuments({ p: { $exists: true, $ne: null } });
  expect(ix(after, 'p_1_at_1').entries).toBe(withP);

  // (Compared after the writes only: the suite runs beside other servers on 2 cores; the writes change
  // the state the built index started from, so nothing the fresh state would show is skipped.)
  await mutate(db, 0);
  await compareAll(db, 'after writes');
  await compareLongInLists(db, 'after writes');
  await compareUniqueLookups(db, inMemory ? 'memory' : 'h2');
  const written = await stats(db, 'indexed');
  expect(ix(written, 'p_1_at_1').entries).toBe(await db.collection<Row>('plain').countDocuments({ p: { $exists: true, $ne: null } }));

  if (!inMemory) {
    // The index lives in the H2 file beside the data: after a restart it is used at once, not rebuilt.
    await client.close();
    await s.stop();
    s = await start(dir, false);
    client = await MongoClient.connect(s.uri);
    db = client.db('idx');
    const restarted = await stats(db, 'indexed');
    expect(ix(restarted, 'p_1_at_1').entries).toBe(ix(written, 'p_1_at_1').entries);
    expect(ix(restarted, 'p_1_at_1').uses).toBe(0);
    await compareAll(db, 'after restart');
    expect(ix(await stats(db, 'indexed'), 'p_1_at_1').uses).toBeGreaterThan(0);
    await mutate(db, 1); // and keeps being maintained (compared below, with the re-created index beside it)
    // Dropped and declared again: rebuilt from the documents.
    await db.collection('indexed').dropIndex('p_1_at_1');
    await db.collection('indexed').createIndex({ p: 1, at: 1 });
    await compareAll(db, 'after restart, writes and re-create');
  }
  await client.close();
}

describe.runIf(kind === 'mongo-java-server')('local mongo-java-server secondary indexes', () => {
  it('H2 (durable): same results with and without the index, through writes and a restart', async () => {
    await scenario(false);
  }, 400_000);

  it('memory backend: same results with and without the index, through writes', async () => {
    await scenario(true);
  }, 400_000);
});
