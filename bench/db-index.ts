/**
 * Do the local server's non-unique indexes pay off? (launcher -r3, docs/database-compat.md "Indexes") Inserts N
 * activity documents for R reps twice into one database: into `activities` through the app's Activity model
 * (its secondary indexes: personId+isoWeek, quarterId+personId+type, personId+day, ...) and into
 * `activities_noindex` (the same documents, only the _id index), then runs the Friday pass's kinds of filtered
 * reads on both and prints each one's time with and without the index, checking both return the same documents.
 * Then counts with a 500- and a 10,000-id $in on the unindexed collection, with the launcher's hash set for long
 * $in lists (-r4) and with the stock list walk (switched back on for the baseline: trichainInSets).
 *
 *   npx tsx bench/db-index.ts [--n=200000] [--reps=10000] [--heap=1g] [--memory]
 *
 * Load average before and after; the unindexed collection is the baseline measured in the same run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { ObjectId, type Collection, type Document } from 'mongodb';
import { startLocalMongo } from '../src/adapters/mongo/local-server.js';
import { createModels, ensureIndexes } from '../src/adapters/mongo/models/index.js';
import { silentLogger } from '../src/logger.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const N = Number(args.get('n') ?? 200_000);
const REPS = Number(args.get('reps') ?? 10_000);
const HEAP = args.get('heap') ?? '1g';
const MEMORY = args.has('memory');
const BATCH = 2000;
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const rep = (i: number): string => `rep${String(i).padStart(5, '0')}`;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5); // a Monday

function activity(j: number): Document {
  const start = new Date(T0 + ((j * 7919) % 364) * DAY + (j % 480) * 60_000);
  return {
    personId: rep(j % REPS),
    type: ['visit', 'call', 'email', 'meeting', 'proposal'][j % 5],
    source: 'csv',
    sourceId: `bench-${j}`,
    startAt: start,
    durationMin: 15 + (j % 90),
    day: start.toISOString().slice(0, 10),
    isoWeek: `2026-W${String(1 + Math.floor((start.getTime() - T0) / (7 * DAY))).padStart(2, '0')}`,
    quarterId: `2026-Q${1 + Math.floor((start.getTime() - T0) / (91 * DAY))}`,
    counted: j % 3 !== 0,
    deleted: false,
  };
}

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await f();
  return { ms: performance.now() - t, value };
}

async function main(): Promise<void> {
  console.log(`load average before: ${load()}`);
  const dataDir = await mkdtemp(join(tmpdir(), 'db-index-'));
  const local = await startLocalMongo({ dataDir, kind: 'mongo-java-server', logger: silentLogger, javaMaxHeap: HEAP, javaInMemory: MEMORY, readyTimeoutMs: 60_000 });
  const conn = await mongoose.createConnection(`${local.uri.replace(/\/$/, '')}/dbindex`).asPromise();
  try {
    const models = createModels(conn);
    await ensureIndexes(models);
    const indexed = models.Activity.collection as unknown as Collection;
    const plain = conn.db!.collection('activities_noindex');
    let insIndexed = 0;
    let insPlain = 0;
    for (let i = 0; i < N; i += BATCH) {
      // The same _id in both collections, so both return identical documents.
      const docs = Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => ({ _id: new ObjectId(), ...activity(i + k) }));
      insIndexed += (await timed(() => indexed.insertMany(docs.map((d) => ({ ...d }))))).ms;
      insPlain += (await timed(() => plain.insertMany(docs.map((d) => ({ ...d }))))).ms;
      if ((i / BATCH) % 25 === 0) process.stderr.write(`\rinserted ${(i + docs.length).toLocaleString('en-US')} of ${N.toLocaleString('en-US')} (load ${load()})   `);
    }
    process.stderr.write('\n');
    console.log(JSON.stringify({ n: N, reps: REPS, backend: MEMORY ? 'memory' : 'h2', insertIndexedDocsPerS: Math.round(N / (insIndexed / 1000)), insertNoIndexDocsPerS: Math.round(N / (insPlain / 1000)) }));

    const slice = Array.from({ length: 500 }, (_, k) => rep(k * Math.max(1, Math.floor(REPS / 500))));
    const week = { $gte: new Date(T0 + 14 * 7 * DAY), $lt: new Date(T0 + 15 * 7 * DAY) };
    const cases: { name: string; run: (c: Collection) => Promise<unknown> }[] = [
      { name: 'find personId $in 50 reps', run: (c) => c.find({ personId: { $in: slice.slice(0, 50) } }).toArray() },
      { name: 'countDocuments one rep', run: (c) => c.countDocuments({ personId: rep(7) }) },
      {
        // The Friday pass's slice aggregation: a quarter, a personId range of 500 reps, up to asOf.
        name: 'aggregate slice: quarter + personId range of 500 + startAt',
        run: (c) =>
          c
            .aggregate([
              { $match: { quarterId: '2026-Q2', type: { $in: ['visit', 'call', 'meeting'] }, deleted: { $ne: true }, startAt: { $lt: week.$lt }, personId: { $gte: rep(0), $lte: rep(499) } } },
              { $group: { _id: { p: '$personId', t: '$type', c: '$counted' }, n: { $sum: 1 } } },
              { $sort: { _id: 1 } },
            ])
            .toArray(),
      },
      {
        name: 'find slice $in 500 reps + one week',
        run: (c) => c.find({ personId: { $in: slice }, isoWeek: '2026-W15', startAt: week }, { projection: { personId: 1, type: 1, day: 1 } }).toArray(),
      },
    ];
    for (const k of cases) {
      const without = await timed(() => k.run(plain));
      const withIdx = await timed(() => k.run(indexed));
      const same = JSON.stringify(withIdx.value) === JSON.stringify(without.value);
      const size = Array.isArray(withIdx.value) ? withIdx.value.length : withIdx.value;
      console.log(JSON.stringify({ query: k.name, result: size, noIndexMs: Math.round(without.ms), indexMs: Math.round(withIdx.ms), speedup: Number((without.ms / withIdx.ms).toFixed(1)), same }));
      if (!same) process.exitCode = 1;
    }
    // Long $in lists (launcher -r4 checks them in a hash set; stock walks the list for every document). Counted on
    // the collection without indexes, so every document goes through the matcher; the stock walk is the baseline,
    // switched back on in the same run with the server's trichainInSets command. Half the ids exist.
    for (const size of [500, 10_000]) {
      const ids = Array.from({ length: size }, (_, k) => (k % 2 ? `absent${k}` : rep(Math.floor(k / 2) % REPS)));
      const filter = { personId: { $in: ids } };
      const runs: Record<string, { ms: number; value: number }> = {};
      for (const mode of [false, true]) {
        await conn.db!.command({ trichainInSets: mode });
        runs[mode ? 'hash' : 'walk'] = await timed(() => plain.countDocuments(filter));
      }
      const { walk, hash } = runs as { walk: { ms: number; value: number }; hash: { ms: number; value: number } };
      console.log(JSON.stringify({ query: `countDocuments personId $in ${size.toLocaleString('en-US')} ids (no index)`, result: hash.value, walkMs: Math.round(walk.ms), hashMs: Math.round(hash.ms), speedup: Number((walk.ms / hash.ms).toFixed(1)), same: walk.value === hash.value, load: load() }));
      if (walk.value !== hash.value) process.exitCode = 1;
    }
    const stats = (await conn.db!.command({ trichainIndexStats: 'activities' })) as { scans: number; indexes: Record<string, { uses: number }> };
    console.log(JSON.stringify({ indexUses: Object.fromEntries(Object.entries(stats.indexes).map(([k, v]) => [k, v.uses])), scansOfIndexed: stats.scans }));
  } finally {
    await conn.close();
    await local.stop();
    await rm(dataDir, { recursive: true, force: true });
    console.log(`load average after: ${load()}`);
  }
}

main().catch((err: unknown) => {
  console.error(`db-index failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
