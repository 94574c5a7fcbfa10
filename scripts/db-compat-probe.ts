/**
 * Compatibility probe: runs the query shapes trichain relies on against a MongoDB-compatible
 * server, through the real driver, mongoose and Agenda, and prints a markdown table.
 *
 *   npx tsx scripts/db-compat-probe.ts mongodb://127.0.0.1:27017/ [--json out.json] [--quick]
 *
 * Each check verifies results, not just the absence of an error. `--quick` skips the 100k-doc
 * throughput run and the TTL expiry wait (about 65 s, since mongod's TTL monitor runs every 60 s).
 * Everything is written into a fresh database `probe_<time>` that is dropped at the end.
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoBulkWriteError, MongoClient, type Collection, type Db, type Document } from 'mongodb';
import mongoose from 'mongoose';
import { Agenda } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';

type Status = 'pass' | 'fail' | 'info';
interface Result {
  name: string;
  status: Status;
  notes: string;
  ms: number;
}
/** A check returns notes (pass), or an explicit status + notes; throwing means fail. */
type Outcome = string | { status: Status; notes: string };

const args = process.argv.slice(2);
const baseUri = args.find((a) => a.startsWith('mongodb://'));
if (baseUri === undefined) {
  console.error('usage: npx tsx scripts/db-compat-probe.ts <mongodb-uri> [--json out.json] [--quick]');
  process.exit(2);
}
const jsonIdx = args.indexOf('--json');
const jsonOut = jsonIdx >= 0 ? args[jsonIdx + 1] : undefined;
const quick = args.includes('--quick');
const ttlWaitMs = Number(process.env.PROBE_TTL_WAIT_MS ?? 65_000);

const dbName = `probe_${Date.now()}`;
const uriWithDb = withDb(baseUri, dbName);
const results: Result[] = [];

function withDb(uri: string, db: string): string {
  const u = new URL(uri);
  u.pathname = `/${db}`;
  return u.toString();
}

/** Short, comparable description of an error: driver class, code and the start of the message. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { code?: unknown; codeName?: unknown };
  const code = e.code === undefined ? '' : ` code=${String(e.code)}`;
  const codeName = typeof e.codeName === 'string' ? `(${e.codeName})` : '';
  const msg = e.message.replace(/\s+/g, ' ').slice(0, 140);
  return `${e.name}${code}${codeName}: ${msg}`;
}

function codeOf(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
}

function assert(cond: boolean, message: string): asserts cond {
  if (!cond) throw new Error(`unexpected result: ${message}`);
}

async function check(name: string, fn: () => Promise<Outcome>, timeoutMs = 60_000): Promise<void> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
    });
    const out = await Promise.race([fn(), timeout]);
    const r = typeof out === 'string' ? { status: 'pass' as const, notes: out } : out;
    results.push({ name, ...r, ms: Math.round(performance.now() - t0) });
  } catch (err) {
    results.push({ name, status: 'fail', notes: describe(err), ms: Math.round(performance.now() - t0) });
  } finally {
    clearTimeout(timer);
  }
  const last = results[results.length - 1];
  if (last !== undefined) console.error(`${last.status.padEnd(4)} ${name} (${last.ms} ms) ${last.notes}`);
}

// ---------------------------------------------------------------------------------------------
// CRUD shapes

async function crudChecks(db: Db): Promise<void> {
  await check('findOneAndUpdate sort+upsert+after, $setOnInsert, $inc', async () => {
    const c = db.collection('fam');
    const created = new Date('2025-01-01T00:00:00Z');
    const upd = { $set: { v: 1 }, $setOnInsert: { created }, $inc: { n: 1 } };
    const opts = { sort: { v: -1 }, upsert: true, returnDocument: 'after' } as const;
    const first = await c.findOneAndUpdate({ k: 'x' }, upd, opts);
    assert(first?.n === 1 && first.k === 'x' && first.created instanceof Date, `first=${JSON.stringify(first)}`);
    const second = await c.findOneAndUpdate({ k: 'x' }, { ...upd, $setOnInsert: { created: new Date() } }, opts);
    assert(second?.n === 2 && (second.created as Date).getTime() === created.getTime(), `second=${JSON.stringify(second)}`);
    await c.insertMany([{ g: 's', p: 1 }, { g: 's', p: 3 }, { g: 's', p: 2 }]);
    const top = await c.findOneAndUpdate({ g: 's' }, { $set: { picked: true } }, { sort: { p: -1 }, returnDocument: 'after' });
    assert(top?.p === 3 && top.picked === true, `sorted pick=${JSON.stringify(top)}`);
    return 'insert-then-update via upsert; $setOnInsert only on insert; sort picks p=3';
  });

  await check('updateOne upsert ($set + $setOnInsert)', async () => {
    const c = db.collection('uo');
    const r1 = await c.updateOne({ k: 'u' }, { $set: { a: 1 }, $setOnInsert: { b: 2 } }, { upsert: true });
    const r2 = await c.updateOne({ k: 'u' }, { $set: { a: 3 }, $setOnInsert: { b: 9 } }, { upsert: true });
    const doc = await c.findOne({ k: 'u' });
    assert(r1.upsertedCount === 1 && r2.matchedCount === 1 && r2.upsertedCount === 0, `r1=${JSON.stringify(r1)} r2=${JSON.stringify(r2)}`);
    assert(doc?.a === 3 && doc.b === 2, `doc=${JSON.stringify(doc)}`);
    return 'upsertedCount/matchedCount correct, filter field copied into new doc';
  });

  const uniq = db.collection('uniq');
  await uniq.createIndex({ email: 1 }, { unique: true });
  await uniq.insertMany([{ email: 'a' }, { email: 'b' }]);

  await check('unique index: duplicate insert', async () => {
    try {
      await uniq.insertOne({ email: 'a' });
    } catch (err) {
      assert(codeOf(err) === 11000, describe(err));
      return `code 11000 (${describe(err).slice(0, 60)})`;
    }
    throw new Error('duplicate insert was accepted');
  });

  await check('unique index: duplicate via upsert', async () => {
    try {
      await uniq.updateOne({ other: 'z' }, { $set: { email: 'a' } }, { upsert: true });
    } catch (err) {
      assert(codeOf(err) === 11000, describe(err));
      return 'code 11000';
    }
    throw new Error('duplicate upsert was accepted');
  });

  await check('unique index: duplicate via update', async () => {
    try {
      await uniq.updateOne({ email: 'b' }, { $set: { email: 'a' } });
    } catch (err) {
      assert(codeOf(err) === 11000, describe(err));
      return 'code 11000';
    }
    throw new Error('duplicate update was accepted');
  });

  await check('unique index: duplicate via findOneAndUpdate', async () => {
    try {
      await uniq.findOneAndUpdate({ email: 'b' }, { $set: { email: 'a' } });
    } catch (err) {
      assert(codeOf(err) === 11000, describe(err));
      return 'code 11000';
    }
    throw new Error('duplicate findOneAndUpdate was accepted');
  });

  await check('compound unique index', async () => {
    const c = db.collection('cuniq');
    await c.createIndex({ rep: 1, week: 1 }, { unique: true });
    await c.insertMany([{ rep: 1, week: 1 }, { rep: 1, week: 2 }, { rep: 2, week: 1 }]);
    try {
      await c.insertOne({ rep: 1, week: 1 });
    } catch (err) {
      assert(codeOf(err) === 11000, describe(err));
      return 'distinct pairs accepted, repeated pair rejected with 11000';
    }
    throw new Error('duplicate pair accepted');
  });

  await check('insertMany ordered:false with duplicates', async () => {
    const c = db.collection('imany');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertMany([{ email: 'a' }, { email: 'b' }]);
    const docs = [{ email: 'n1' }, { email: 'a' }, { email: 'n2' }, { email: 'b' }, { email: 'n3' }];
    try {
      await c.insertMany(docs, { ordered: false });
    } catch (err) {
      const count = await c.countDocuments({ email: { $in: ['n1', 'n2', 'n3'] } });
      if (!(err instanceof MongoBulkWriteError)) {
        return { status: 'fail', notes: `not a MongoBulkWriteError: ${describe(err)}; non-dups inserted: ${count}/3` };
      }
      const we = err.writeErrors;
      const list = Array.isArray(we) ? we : [we];
      const idx = list.map((w) => `${w.index}:${w.code}`).join(',');
      const ok = count === 3 && idx === '1:11000,3:11000' && err.insertedCount === 3;
      return { status: ok ? 'pass' : 'fail', notes: `non-dups inserted ${count}/3, insertedCount=${err.insertedCount}, writeErrors [index:code]=${idx}` };
    }
    throw new Error('no error raised');
  });

  await check('bulkWrite updateOne upserts ordered:false', async () => {
    const c = db.collection('bulk');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.insertOne({ key: 'taken', email: 'dup' });
    const ops = ['k1', 'k2', 'k3', 'k4'].map((key) => ({
      updateOne: { filter: { key }, update: { $set: { email: key === 'k2' ? 'dup' : `${key}@x` }, $inc: { n: 1 } }, upsert: true },
    }));
    try {
      const r = await c.bulkWrite(ops, { ordered: false });
      return { status: 'fail', notes: `no error for the duplicate; upserted=${r.upsertedCount}` };
    } catch (err) {
      const count = await c.countDocuments({ key: { $in: ['k1', 'k3', 'k4'] } });
      if (!(err instanceof MongoBulkWriteError)) {
        return { status: 'fail', notes: `not a MongoBulkWriteError: ${describe(err)}; others upserted ${count}/3` };
      }
      const list = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
      const idx = list.map((w) => `${w.index}:${w.code}`).join(',');
      const ok = count === 3 && idx === '1:11000';
      return { status: ok ? 'pass' : 'fail', notes: `others upserted ${count}/3, upsertedCount=${err.result.upsertedCount}, writeErrors=${idx}` };
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Concurrency: each round uses a pool wide enough that all 20 operations are in flight at once.

async function concurrencyChecks(db: Db): Promise<void> {
  await Promise.all(Array.from({ length: 20 }, () => db.command({ ping: 1 }))); // warm 20 connections
  const rounds = 10;

  await check('20 concurrent findOneAndUpdate claims of one doc', async () => {
    const c = db.collection('claims');
    const winsPerRound: number[] = [];
    for (let r = 0; r < rounds; r++) {
      await c.insertOne({ _id: `lock${r}` as unknown as never, lockedBy: null });
      const res = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          c.findOneAndUpdate({ _id: `lock${r}` as unknown as never, lockedBy: null }, { $set: { lockedBy: i } }, { returnDocument: 'after' }),
        ),
      );
      winsPerRound.push(res.filter((d) => d !== null).length);
    }
    const ok = winsPerRound.every((w) => w === 1);
    return { status: ok ? 'pass' : 'fail', notes: `winners per round (${rounds} rounds, want 1): ${winsPerRound.join(',')}` };
  });

  await check('20 concurrent inserts of one unique key', async () => {
    const c = db.collection('race');
    await c.createIndex({ key: 1 }, { unique: true });
    const winsPerRound: number[] = [];
    const otherErrors = new Set<string>();
    for (let r = 0; r < rounds; r++) {
      const res = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => c.insertOne({ key: `k${r}`, i })));
      winsPerRound.push(res.filter((x) => x.status === 'fulfilled').length);
      for (const x of res) if (x.status === 'rejected' && codeOf(x.reason) !== 11000) otherErrors.add(describe(x.reason).slice(0, 80));
    }
    const stored = await c.countDocuments();
    const ok = winsPerRound.every((w) => w === 1) && stored === rounds && otherErrors.size === 0;
    const other = otherErrors.size > 0 ? `; non-11000 errors: ${[...otherErrors].join(' | ')}` : '';
    return { status: ok ? 'pass' : 'fail', notes: `successes per round (want 1): ${winsPerRound.join(',')}; docs stored ${stored}/${rounds}${other}` };
  });
}

// ---------------------------------------------------------------------------------------------
// Aggregation: small fixed data set, expected values worked out by hand.

async function aggregationChecks(db: Db): Promise<void> {
  const sales = db.collection('sales');
  await sales.insertMany([
    { rep: 'a', amount: 100, visits: 4, day: new Date('2025-03-02T20:00:00Z'), tags: ['x', 'y'], items: [{ sku: 1 }, { sku: 2 }] },
    { rep: 'a', amount: 300, visits: 2, day: new Date('2025-03-05T02:00:00Z'), tags: ['y'], items: [] },
    { rep: 'b', amount: 50, visits: 0, day: new Date('2025-03-10T10:00:00Z'), tags: [], items: [{ sku: 3 }] },
  ]);
  const reps = db.collection('reps');
  await reps.insertMany([
    { _id: 'a' as unknown as never, name: 'Alice', team: 't1' },
    { _id: 'b' as unknown as never, name: 'Bob', team: 't2' },
  ]);
  const run = (coll: Collection, pipeline: Document[]): Promise<Document[]> => coll.aggregate(pipeline).toArray();
  // Compare values, not field order: servers legitimately differ in where computed fields land.
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v !== null && typeof v === 'object' && !(v instanceof Date) && v.constructor === Object
        ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)).map(([k, x]) => [k, canon(x)]))
        : v;
  const eq = (a: unknown, b: unknown): boolean => JSON.stringify(canon(a)) === JSON.stringify(canon(b));

  await check('agg $match + $group $sum', async () => {
    const r = await run(sales, [{ $match: { amount: { $gte: 50 } } }, { $group: { _id: '$rep', total: { $sum: '$amount' }, n: { $sum: 1 } } }, { $sort: { _id: 1 } }]);
    assert(eq(r, [{ _id: 'a', total: 400, n: 2 }, { _id: 'b', total: 50, n: 1 }]), `{total:{$sum:'$amount'}, n:{$sum:1}} gave ${JSON.stringify(r)}`);
    return 'ok';
  });
  await check('agg $group $avg/$min/$max', async () => {
    const r = await run(sales, [{ $group: { _id: '$rep', avg: { $avg: '$amount' }, min: { $min: '$amount' }, max: { $max: '$amount' } } }, { $sort: { _id: 1 } }]);
    assert(eq(r, [{ _id: 'a', avg: 200, min: 100, max: 300 }, { _id: 'b', avg: 50, min: 50, max: 50 }]), JSON.stringify(r));
    return 'ok';
  });
  await check('agg $group $push/$addToSet/$first', async () => {
    const r = await run(sales, [
      { $sort: { amount: 1 } },
      { $group: { _id: '$rep', amounts: { $push: '$amount' }, firstAmount: { $first: '$amount' }, tagSets: { $addToSet: { $size: '$tags' } } } },
      { $sort: { _id: 1 } },
    ]);
    const a = r[0];
    assert(eq(a?.amounts, [100, 300]) && a?.firstAmount === 100 && eq([...(a?.tagSets as number[])].sort(), [1, 2]), JSON.stringify(r));
    return 'ok';
  });
  await check('agg $project arithmetic ($divide/$multiply/$cond)', async () => {
    const r = await run(sales, [
      { $sort: { amount: 1 } },
      {
        $project: {
          _id: 0,
          perVisit: { $cond: [{ $gt: ['$visits', 0] }, { $divide: ['$amount', '$visits'] }, null] },
          doubled: { $multiply: ['$amount', 2] },
        },
      },
    ]);
    assert(eq(r, [{ perVisit: null, doubled: 100 }, { perVisit: 25, doubled: 200 }, { perVisit: 150, doubled: 600 }]), JSON.stringify(r));
    return 'ok';
  });
  await check('agg $unwind (string form)', async () => {
    const r = await run(sales, [{ $unwind: '$tags' }, { $group: { _id: '$tags', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]);
    assert(eq(r, [{ _id: 'x', n: 1 }, { _id: 'y', n: 2 }]), JSON.stringify(r));
    return 'ok (empty arrays dropped)';
  });
  await check('agg $unwind (object form, preserveNullAndEmptyArrays)', async () => {
    const r = await run(sales, [{ $unwind: { path: '$items', preserveNullAndEmptyArrays: true } }, { $count: 'n' }]);
    assert(eq(r, [{ n: 4 }]), JSON.stringify(r));
    return 'ok';
  });
  await check('agg $lookup', async () => {
    const r = await run(sales, [
      { $match: { rep: 'b' } },
      { $lookup: { from: 'reps', localField: 'rep', foreignField: '_id', as: 'who' } },
      { $project: { _id: 0, name: { $arrayElemAt: ['$who.name', 0] } } },
    ]);
    assert(eq(r, [{ name: 'Bob' }]), JSON.stringify(r));
    return 'ok';
  });
  await check('agg $facet', async () => {
    const r = await run(sales, [{ $facet: { total: [{ $group: { _id: null, s: { $sum: '$amount' } } }], top: [{ $sort: { amount: -1 } }, { $limit: 1 }, { $project: { _id: 0, amount: 1 } }] } }]);
    assert(eq(r, [{ total: [{ _id: null, s: 450 }], top: [{ amount: 300 }] }]), JSON.stringify(r));
    return 'ok';
  });
  await check('agg $sort + $limit', async () => {
    const r = await run(sales, [{ $sort: { amount: -1 } }, { $limit: 2 }, { $project: { _id: 0, amount: 1 } }]);
    assert(eq(r, [{ amount: 300 }, { amount: 100 }]), JSON.stringify(r));
    return 'ok';
  });
  await check('agg $count', async () => {
    const r = await run(sales, [{ $match: { rep: 'a' } }, { $count: 'n' }]);
    assert(eq(r, [{ n: 2 }]), JSON.stringify(r));
    return 'ok';
  });
  await check('agg $dateToString with timezone', async () => {
    const r = await run(sales, [{ $sort: { day: 1 } }, { $project: { _id: 0, d: { $dateToString: { format: '%Y-%m-%d', date: '$day', timezone: 'Asia/Shanghai' } } } }]);
    // 2025-03-02T20:00Z is already 03-03 in Shanghai (UTC+8)
    assert(eq(r, [{ d: '2025-03-03' }, { d: '2025-03-05' }, { d: '2025-03-10' }]), JSON.stringify(r));
    return 'ok (UTC+8 shift applied)';
  });
  await check('agg $isoWeek (with timezone)', async () => {
    const r = await run(sales, [{ $sort: { day: 1 } }, { $project: { _id: 0, w: { $isoWeek: { date: '$day', timezone: 'Asia/Shanghai' } }, wUtc: { $isoWeek: '$day' } } }]);
    // Sun 2025-03-02 20:00Z: UTC week 9, Shanghai Monday -> week 10
    assert(eq(r, [{ w: 10, wUtc: 9 }, { w: 10, wUtc: 10 }, { w: 11, wUtc: 11 }]), JSON.stringify(r));
    return 'ok';
  });
  await check('agg ISO week via $dateToString %G-W%V (timezone)', async () => {
    const r = await run(sales, [{ $sort: { day: 1 } }, { $project: { _id: 0, w: { $dateToString: { format: '%G-W%V', date: '$day', timezone: 'Asia/Shanghai' } } } }]);
    assert(eq(r, [{ w: '2025-W10' }, { w: '2025-W10' }, { w: '2025-W11' }]), JSON.stringify(r));
    return 'ok';
  });
  await check('agg date parts with timezone ($dayOfWeek/$dayOfMonth/$hour)', async () => {
    const tz = 'Asia/Shanghai';
    const r = await run(sales, [
      { $sort: { day: 1 } },
      { $limit: 1 },
      { $project: { _id: 0, dow: { $dayOfWeek: { date: '$day', timezone: tz } }, dom: { $dayOfMonth: { date: '$day', timezone: tz } }, h: { $hour: { date: '$day', timezone: tz } } } },
    ]);
    // 2025-03-02T20:00Z = Monday 2025-03-03 04:00 in Shanghai; $dayOfWeek: Sunday=1, so Monday=2
    assert(eq(r, [{ dow: 2, dom: 3, h: 4 }]), `want {dow:2,dom:3,h:4}, got ${JSON.stringify(r)}`);
    return 'ok';
  });
  await check('agg $bucket', async () => {
    const r = await run(sales, [{ $bucket: { groupBy: '$amount', boundaries: [0, 100, 1000], default: 'other', output: { n: { $sum: 1 } } } }]);
    assert(eq(r, [{ _id: 0, n: 1 }, { _id: 100, n: 2 }]), JSON.stringify(r));
    return 'ok';
  });
  await check('agg $addFields', async () => {
    const r = await run(sales, [{ $match: { rep: 'b' } }, { $addFields: { big: { $gte: ['$amount', 100] }, nTags: { $size: '$tags' } } }, { $project: { _id: 0, big: 1, nTags: 1, rep: 1 } }]);
    assert(eq(r, [{ rep: 'b', big: false, nTags: 0 }]), JSON.stringify(r));
    return 'ok';
  });
}

// ---------------------------------------------------------------------------------------------
// Indexes, transactions, change streams, and a few update shapes mongoose emits

async function indexChecks(client: MongoClient, db: Db): Promise<void> {
  await check('partialFilterExpression unique index', async () => {
    const c = db.collection('partial');
    await c.createIndex({ email: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await c.insertMany([{ email: 'p', active: false }, { email: 'p', active: false }, { email: 'p', active: true }]);
    try {
      await c.insertOne({ email: 'p', active: true });
    } catch (err) {
      assert(codeOf(err) === 11000, describe(err));
      return 'inactive dups allowed, active dup rejected (11000)';
    }
    throw new Error('second active dup accepted: partial filter not enforced');
  });

  await check('sparse unique index semantics', async () => {
    const c = db.collection('sparse');
    await c.createIndex({ code: 1 }, { unique: true, sparse: true });
    const notes: string[] = [];
    let twoMissing = false;
    let twoNull = false;
    try {
      await c.insertMany([{ x: 1 }, { x: 2 }]);
      twoMissing = true;
    } catch (err) {
      notes.push(`2 docs missing field rejected: ${describe(err).slice(0, 60)}`);
    }
    try {
      await c.insertMany([{ code: null }, { code: null }]);
      twoNull = true;
    } catch {
      // MongoDB indexes explicit nulls in a sparse index, so this should fail
    }
    const spec = (await c.listIndexes().toArray()).find((i) => i.name === 'code_1');
    notes.push(`2 missing: ${twoMissing ? 'allowed' : 'rejected'}; 2 explicit nulls: ${twoNull ? 'allowed' : 'rejected'}; listIndexes sparse=${String(spec?.sparse)}`);
    // mongod: missing allowed, explicit nulls rejected, sparse=true (a lost flag makes mongoose's
    // syncIndexes() see a different index every time)
    return { status: twoMissing && !twoNull && spec?.sparse === true ? 'pass' : 'fail', notes: notes.join('; ') };
  });

  await check('non-sparse unique: two docs missing the field', async () => {
    const c = db.collection('nonsparse');
    await c.createIndex({ code: 1 }, { unique: true });
    await c.insertOne({ x: 1 });
    try {
      await c.insertOne({ x: 2 });
      return { status: 'fail', notes: 'second doc without the field accepted (mongod treats missing as null: 11000)' };
    } catch (err) {
      return `rejected: ${codeOf(err) === 11000 ? '11000' : describe(err)}`;
    }
  });

  await check('transactions (session.withTransaction)', async () => {
    const c = db.collection('txn');
    await c.insertOne({ seed: true }); // collection must exist before a transaction on older servers
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await c.insertOne({ a: 1 }, { session });
        await c.insertOne({ a: 2 }, { session });
      });
      try {
        await session.withTransaction(async () => {
          await c.insertOne({ a: 3 }, { session });
          throw new Error('abort-me');
        });
      } catch {
        // expected
      }
      const committed = await c.countDocuments({ a: { $in: [1, 2] } });
      const leaked = await c.countDocuments({ a: 3 });
      const ok = committed === 2 && leaked === 0;
      return { status: ok ? 'pass' : 'fail', notes: `committed ${committed}/2, aborted write visible: ${leaked === 1 ? 'YES (no rollback)' : 'no'}` };
    } finally {
      await session.endSession();
    }
  });

  await check('change streams (collection.watch)', async () => {
    const c = db.collection('watched');
    await c.insertOne({ seed: true });
    const stream = c.watch([], { maxAwaitTimeMS: 500 });
    try {
      // Settle into a value at once: the server may reject the stream while we are still inserting.
      const next = stream.next().then(
        (change) => ({ change }),
        (err: unknown) => ({ err }),
      );
      await sleep(300);
      await c.insertOne({ hello: 'world' });
      const got = await Promise.race([next, sleep(5_000).then(() => null)]);
      if (got === null) return { status: 'fail', notes: 'no change event within 5 s' };
      if ('err' in got) throw got.err;
      return `got ${got.change.operationType}`;
    } finally {
      await stream.close().catch(() => undefined);
    }
  }, 20_000);

  await check('update: positional $ and arrayFilters', async () => {
    const c = db.collection('positional');
    await c.insertOne({ k: 1, items: [{ sku: 'a', q: 1 }, { sku: 'b', q: 1 }] });
    await c.updateOne({ k: 1, 'items.sku': 'a' }, { $inc: { 'items.$.q': 5 } });
    await c.updateOne({ k: 1 }, { $set: { 'items.$[it].q': 9 } }, { arrayFilters: [{ 'it.sku': 'b' }] });
    const d = await c.findOne({ k: 1 });
    const qs = (d?.items as Array<{ q: number }>).map((i) => i.q).join(',');
    assert(qs === '6,9', `q=${qs}`);
    return 'ok';
  });

  await check('query: $expr', async () => {
    const c = db.collection('expr');
    await c.insertMany([{ target: 10, actual: 12 }, { target: 10, actual: 3 }]);
    const n = await c.countDocuments({ $expr: { $gte: ['$actual', '$target'] } });
    assert(n === 1, `n=${n}`);
    return 'ok';
  });
}

// ---------------------------------------------------------------------------------------------
// mongoose

async function mongooseChecks(): Promise<void> {
  const conn = await mongoose.createConnection(uriWithDb, { autoIndex: false }).asPromise();
  try {
    await check('mongoose Model.init() index build (unique, compound, expires, partial)', async () => {
      const schema = new mongoose.Schema({
        email: { type: String, unique: true },
        rep: String,
        week: Number,
        at: { type: Date, expires: 3600 },
        status: String,
      });
      schema.index({ rep: 1, week: -1 }, { unique: true });
      schema.index({ status: 1 }, { partialFilterExpression: { status: 'open' } });
      const M = conn.model('IdxModel', schema, 'idxmodel');
      await M.init();
      await M.createIndexes(); // autoIndex is off: build explicitly so errors surface
      const names = (await M.collection.listIndexes().toArray()).map((i) => String(i.name)).sort();
      const want = ['_id_', 'at_1', 'email_1', 'rep_1_week_-1', 'status_1'];
      assert(JSON.stringify(names) === JSON.stringify(want), `indexes=${names.join(',')}`);
      return `indexes: ${names.join(', ')}`;
    });

    const Goal = conn.model(
      'Goal',
      new mongoose.Schema({ owner: String, target: Number, tags: [String], items: [{ name: String }] }, { timestamps: true }),
      'goals',
    );

    await check('mongoose save with versioning (VersionError on stale array edit)', async () => {
      const g = await Goal.create({ owner: 'r1', target: 10, tags: ['a', 'b'] });
      const a = await Goal.findById(g._id).orFail();
      const b = await Goal.findById(g._id).orFail();
      a.tags.splice(0, 1);
      await a.save();
      b.tags.splice(1, 1);
      try {
        await b.save();
        return { status: 'fail', notes: 'stale save accepted' };
      } catch (err) {
        assert(err instanceof mongoose.Error.VersionError, describe(err));
        const fresh = await Goal.findById(g._id).lean().orFail();
        return `VersionError raised; __v=${String(fresh.__v)}`;
      }
    });

    await check('mongoose subdoc array .pull(id) + save', async () => {
      const g = await Goal.create({ owner: 'r2', items: [{ name: 'x' }, { name: 'y' }] });
      const first = g.items[0];
      assert(first !== undefined, 'no item');
      g.items.pull(first._id);
      await g.save();
      const fresh = await Goal.findById(g._id).lean().orFail();
      assert(fresh.items.length === 1 && fresh.items[0]?.name === 'y', `items=${JSON.stringify(fresh.items)}`);
      return 'removed';
    });

    await check('mongoose findOneAndUpdate with projection (select)', async () => {
      const r = await Goal.findOneAndUpdate({ owner: 'r1' }, { $inc: { target: 1 } }, { new: true }).select('target').lean();
      assert(r !== null && r.target === 11 && r.owner === undefined, JSON.stringify(r));
      return 'projection applied';
    });

    await check('mongoose lean find $in, countDocuments, distinct', async () => {
      await Goal.insertMany(Array.from({ length: 30 }, (_, i) => ({ owner: `o${i % 5}`, target: i })));
      const found = await Goal.find({ owner: { $in: ['o1', 'o2'] } }).sort({ target: 1 }).lean();
      const count = await Goal.countDocuments({ owner: { $in: ['o1', 'o2'] } });
      const owners = (await Goal.distinct('owner', { target: { $gte: 0 } })).map(String).sort();
      assert(found.length === 12 && count === 12 && found[0]?.target === 1, `found=${found.length} count=${count}`);
      assert(owners.length === 6, `distinct=${owners.join(',')}`);
      return `find ${found.length}, count ${count}, distinct ${owners.length}`;
    });

    await check('mongoose cursor streaming over 10k docs', async () => {
      const Ev = conn.model('Ev', new mongoose.Schema({ i: Number, rep: String }), 'events');
      await Ev.insertMany(Array.from({ length: 10_000 }, (_, i) => ({ i, rep: `r${i % 50}` })));
      const t0 = performance.now();
      let n = 0;
      let sum = 0;
      for await (const d of Ev.find({}).sort({ i: 1 }).lean().cursor({ batchSize: 500 })) {
        n++;
        sum += d.i ?? 0;
      }
      const ms = performance.now() - t0;
      assert(n === 10_000 && sum === (9_999 * 10_000) / 2, `n=${n} sum=${sum}`);
      return `10k docs in ${Math.round(ms)} ms (${Math.round(n / (ms / 1000))} docs/s)`;
    });
  } finally {
    await conn.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Agenda v6 + mongo-backend (polling; its default)

function newAgenda(collection: string): Agenda {
  return new Agenda({ backend: new MongoBackend({ address: uriWithDb, collection }), processEvery: 200 });
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(50);
  }
  return cond();
}

async function agendaChecks(): Promise<void> {
  await check('agenda: define + every + now, processEvery 200ms', async () => {
    const agenda = newAgenda('jobs_single');
    let everyRuns = 0;
    let nowRuns = 0;
    let completes = 0;
    agenda.define('tick', async () => {
      everyRuns++;
    });
    agenda.define('once', async () => {
      nowRuns++;
    });
    agenda.on('complete', () => {
      completes++;
    });
    try {
      await agenda.start();
      await agenda.every('1 second', 'tick');
      await agenda.now('once');
      const ok = await waitFor(() => nowRuns >= 1 && everyRuns >= 2, 5_000);
      const jobs = await agenda.queryJobs({});
      return { status: ok ? 'pass' : 'fail', notes: `in ≤5 s: every-job runs ${everyRuns}, now-job runs ${nowRuns}, complete events ${completes}, jobs stored ${jobs.total}` };
    } finally {
      await agenda.stop();
    }
  }, 30_000);

  await check('agenda: two instances, one now-job (5 trials)', async () => {
    const runsPerTrial: number[] = [];
    for (let t = 0; t < 5; t++) {
      const collection = `jobs_dual_${t}`;
      const a = newAgenda(collection);
      const b = newAgenda(collection);
      let runs = 0;
      for (const ag of [a, b]) {
        ag.define('dup', async () => {
          runs++;
          await sleep(100);
        });
      }
      try {
        await Promise.all([a.ready, b.ready]);
        await a.now('dup'); // saved before either polls, so both see it on their first fill
        await Promise.all([a.start(), b.start()]);
        await waitFor(() => runs >= 1, 5_000);
        await sleep(1_500); // room for a duplicate run
        runsPerTrial.push(runs);
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
    }
    const ok = runsPerTrial.every((r) => r === 1);
    return { status: ok ? 'pass' : 'fail', notes: `runs per trial (want 1): ${runsPerTrial.join(',')}` };
  }, 90_000);
}

// ---------------------------------------------------------------------------------------------

async function throughputCheck(db: Db): Promise<void> {
  await check('throughput: insertMany 100k small docs, then find them back', async () => {
    const c = db.collection('bulk100k');
    const docs = Array.from({ length: 100_000 }, (_, i) => ({ i, rep: `r${i % 500}`, amount: i % 997, at: new Date(1_700_000_000_000 + i * 1000) }));
    let t0 = performance.now();
    await c.insertMany(docs, { ordered: false });
    const insertMs = performance.now() - t0;
    t0 = performance.now();
    const back = await c.find({}).toArray();
    const findMs = performance.now() - t0;
    assert(back.length === 100_000, `read back ${back.length}`);
    const rate = (n: number, ms: number): number => Math.round(n / (ms / 1000));
    return `insert ${Math.round(insertMs)} ms (${rate(100_000, insertMs)} docs/s); find ${Math.round(findMs)} ms (${rate(100_000, findMs)} docs/s)`;
  }, 600_000);
}

async function main(): Promise<void> {
  const client = new MongoClient(uriWithDb, { maxPoolSize: 25 });
  await client.connect();
  const db = client.db(dbName);
  const admin = client.db('admin');
  // mongo-java-server has no `hello` command (the driver's handshake uses legacy isMaster there)
  const hello = await admin.command({ hello: 1 }).catch(() => admin.command({ isMaster: 1 }));
  const build = await admin.command({ buildInfo: 1 }).catch(() => ({}) as Document);
  const header = `server: version ${String(build.version)}, maxWireVersion ${String(hello.maxWireVersion)}, setName ${String(hello.setName ?? '-')}`;
  console.error(header);

  // TTL: create now, look again at the end, so the wait overlaps with the other checks.
  const ttlStart = Date.now();
  let ttlCreateError: string | undefined;
  try {
    await db.collection('ttl').createIndex({ at: 1 }, { expireAfterSeconds: 0 });
    await db.collection('ttl').insertOne({ at: new Date(Date.now() - 3_600_000) });
  } catch (err) {
    ttlCreateError = describe(err);
  }

  await crudChecks(db);
  await concurrencyChecks(db);
  await aggregationChecks(db);
  await indexChecks(client, db);
  await mongooseChecks();
  await agendaChecks();
  if (!quick) await throughputCheck(db);

  await check('TTL index: created, listed, and expires docs', async () => {
    if (ttlCreateError !== undefined) throw new Error(`createIndex: ${ttlCreateError}`);
    const spec = (await db.collection('ttl').listIndexes().toArray()).find((i) => i.name === 'at_1');
    const listed = `listIndexes expireAfterSeconds=${String(spec?.expireAfterSeconds)}`;
    if (quick) return { status: 'info', notes: `${listed}; expiry not awaited (--quick)` };
    let expired = false;
    while (!expired && Date.now() - ttlStart <= ttlWaitMs) {
      expired = (await db.collection('ttl').countDocuments()) === 0;
      if (!expired) await sleep(1_000);
    }
    const waited = Math.round((Date.now() - ttlStart) / 1000);
    return { status: expired && spec?.expireAfterSeconds === 0 ? 'pass' : 'fail', notes: `${listed}; expired doc removed: ${expired ? `yes (by ${waited} s)` : `no (waited ${waited} s)`}` };
  }, ttlWaitMs + 30_000);

  await db.dropDatabase().catch(() => undefined);
  await client.close();

  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const lines = [header, '', '| check | result | notes | ms |', '| --- | --- | --- | --- |'];
  for (const r of results) lines.push(`| ${esc(r.name)} | ${r.status === 'pass' ? '✅ pass' : r.status === 'fail' ? '❌ fail' : 'ℹ️ info'} | ${esc(r.notes)} | ${r.ms} |`);
  const passed = results.filter((r) => r.status === 'pass').length;
  const failed = results.filter((r) => r.status === 'fail').length;
  lines.push('', `${passed} passed, ${failed} failed`);
  console.log(lines.join('\n'));
  if (jsonOut !== undefined) writeFileSync(jsonOut, JSON.stringify({ header, results }, null, 2));
}

main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
