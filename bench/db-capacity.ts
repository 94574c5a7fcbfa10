/**
 * Can the database hold a real company's year? (issue 15.8) Inserts N activity documents shaped like the
 * app's (default 3,000,000 ≈ a 300-rep company over three years), reads every one back, and accounts for
 * each: count, the sum of a per-document sequence number, and a spread of point reads by _id. Prints
 * insert and read rates and peak RSS of this process and of the database server process.
 *
 *   npx tsx bench/db-capacity.ts [--n=3000000] [--batch=2000] [--kind=mongo-java-server|ferretdb|mongod]
 *                                [--heap=1g] [--commit-delay-ms=100]   (mongo-java-server's -Xmx and commit mode)
 *   MONGODB_URI=mongodb://… npx tsx bench/db-capacity.ts   (an existing server instead of a local one)
 *
 * Before the N documents it measures a 20,000-document baseline on the same server (same code, its own
 * database), so a slow figure from a busy shared machine is recognisable; the load average is printed before
 * and after. Every document is read back by a cursor (count + checksum of a per-document number), counted
 * server-side by a report-shaped aggregation over the whole collection (by quarter, count and minutes checked
 * against the generator), and 1,000 of them are read by key. Exits non-zero with the reason on any database error or on a single
 * missing/extra document. Figures: docs/database-compat.md ("Capacity") and docs/performance.md.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { startLocalMongo, type LocalMongo } from '../src/adapters/mongo/local-server.js';
import { createModels, ensureIndexes } from '../src/adapters/mongo/models/index.js';
import { silentLogger } from '../src/logger.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const N = Number(args.get('n') ?? 3_000_000);
const BATCH = Number(args.get('batch') ?? 2000);
const KIND = (args.get('kind') ?? 'mongo-java-server') as 'mongo-java-server' | 'ferretdb' | 'mongod';
const HEAP = args.get('heap') ?? '1g';
const COMMIT_DELAY_MS = Number(args.get('commit-delay-ms') ?? 100);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const mb = (b: number) => `${(b / 1_048_576).toFixed(0)} MB`;
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} docs/s`;

/** A process's resident set size from /proc (Linux); 0 when it is gone or unknown. */
async function rssOf(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

async function main(): Promise<void> {
  let local: LocalMongo | undefined;
  let dataDir: string | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    dataDir = await mkdtemp(join(tmpdir(), 'db-capacity-'));
    local = await startLocalMongo({ dataDir, kind: KIND, logger: silentLogger, javaMaxHeap: HEAP, javaCommitDelayMs: COMMIT_DELAY_MS, readyTimeoutMs: 60_000 });
    uri = `${local.uri.replace(/\/$/, '')}/capacity`;
  }
  console.log(`load average before: ${load()}`);
  let peakSelf = 0;
  let peakServer = 0;
  const sampler = setInterval(() => {
    peakSelf = Math.max(peakSelf, process.memoryUsage().rss);
    void rssOf(local?.pid).then((r) => (peakServer = Math.max(peakServer, r)));
  }, 500);
  try {
    const baseline = await run(uri.replace(/\/capacity$/, '/capacity_baseline'), 20_000, 'baseline');
    console.log(JSON.stringify({ phase: 'baseline', ...baseline }));
    const r = await run(uri, N, 'capacity');
    const file = dataDir ? await stat(join(dataDir, KIND, 'mongo.mv.db')).then((st) => mb(st.size), () => 'n/a') : 'n/a';
    console.log(
      JSON.stringify({
        phase: 'capacity',
        kind: local?.kind ?? 'MONGODB_URI',
        heap: HEAP,
        commitDelayMs: COMMIT_DELAY_MS,
        ...r,
        file,
        peakRssBench: mb(peakSelf),
        peakRssServer: peakServer ? mb(peakServer) : 'unknown',
      }),
    );
    if (!r.ok) {
      console.error(`FAIL: ${N - r.readBack} document(s) not read back, count ${r.estimatedCount}, aggregated ${r.aggregated} (quarters ok: ${r.quartersOk}), point misses ${r.pointMisses}`);
      process.exitCode = 1;
    }
  } finally {
    clearInterval(sampler);
    console.log(`load average after: ${load()}`);
    await local?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

/** Inserts n activity-shaped documents into the database at `uri`, then accounts for every one. */
async function run(uri: string, n: number, label: string) {
  const conn = await mongoose.createConnection(uri).asPromise();
  try {
    const models = createModels(conn);
    await ensureIndexes(models);
    await models.Activity.deleteMany({ isoWeek: 'bench' });
    const t0 = performance.now();
    for (let i = 0; i < n; i += BATCH) {
      const docs = [];
      for (let j = i; j < Math.min(n, i + BATCH); j++) {
        const start = new Date(Date.UTC(2024, 0, 1) + (j % (3 * 365)) * 86_400_000 + (j % 480) * 60_000);
        docs.push({
          personId: `rep${String(j % 300).padStart(4, '0')}`,
          type: ['visit', 'call', 'email', 'meeting', 'proposal'][j % 5],
          source: 'csv',
          sourceId: `bench-${j}`,
          accountName: `客户${j % 5000}`,
          startAt: start,
          durationMin: 15 + (j % 90),
          day: start.toISOString().slice(0, 10),
          isoWeek: 'bench',
          quarterId: `${start.getUTCFullYear()}-Q${Math.floor(start.getUTCMonth() / 3) + 1}`,
          dims: { seq: j },
          counted: j % 3 !== 0,
        });
      }
      await models.Activity.insertMany(docs, { ordered: true, lean: true });
      if ((i / BATCH) % 100 === 0) process.stderr.write(`\r${label}: inserted ${(i + docs.length).toLocaleString('en-US')} (${((performance.now() - t0) / 1000).toFixed(0)} s, load ${load()})   `);
    }
    const insertMs = performance.now() - t0;
    process.stderr.write('\n');

    // Every document by a cursor: the count and the sum of the per-document sequence numbers must match.
    const t1 = performance.now();
    let count = 0;
    let seqSum = 0;
    for await (const d of models.Activity.find({ isoWeek: 'bench' }).select({ dims: 1 }).lean().cursor({ batchSize: 5000 })) {
      count++;
      seqSum += (d as { dims?: { seq?: number } }).dims?.seq ?? NaN;
    }
    const readMs = performance.now() - t1;
    const expectedSum = (n * (n - 1)) / 2;
    const counted = await models.Activity.estimatedDocumentCount();
    // Server-side, over the whole collection, shaped like a report: every activity grouped by quarter, each
    // quarter's count and minutes checked against a count made here from the same generator.
    const t3 = performance.now();
    const groups = await models.Activity.aggregate<{ _id: string; n: number; minutes: number }>([
      { $match: { isoWeek: 'bench' } },
      { $group: { _id: '$quarterId', n: { $sum: 1 }, minutes: { $sum: '$durationMin' } } },
    ]);
    const aggregateMs = performance.now() - t3;
    const expected = new Map<string, { n: number; minutes: number }>();
    for (let j = 0; j < n; j++) {
      const start = new Date(Date.UTC(2024, 0, 1) + (j % (3 * 365)) * 86_400_000 + (j % 480) * 60_000);
      const q = `${start.getUTCFullYear()}-Q${Math.floor(start.getUTCMonth() / 3) + 1}`;
      const e = expected.get(q) ?? { n: 0, minutes: 0 };
      e.n++;
      e.minutes += 15 + (j % 90);
      expected.set(q, e);
    }
    const aggregated = groups.reduce((sum, g) => sum + g.n, 0);
    const groupsOk = groups.length === expected.size && groups.every((g) => expected.get(g._id)?.n === g.n && expected.get(g._id)?.minutes === g.minutes);
    let pointMisses = 0;
    const t4 = performance.now();
    for (let k = 0; k < 1000; k++) {
      const j = Math.floor((k * n) / 1000);
      if (!(await models.Activity.exists({ source: 'csv', sourceId: `bench-${j}` }))) pointMisses++;
    }
    const pointMs = performance.now() - t4;
    const ok = count === n && counted === n && seqSum === expectedSum && aggregated === n && groupsOk && pointMisses === 0;
    return {
      n,
      insert: rate(n, insertMs),
      insertS: Math.round(insertMs / 1000),
      read: rate(count, readMs),
      readS: Math.round(readMs / 1000),
      readBack: count,
      seqSumOk: seqSum === expectedSum,
      estimatedCount: counted,
      aggregated,
      quartersOk: groupsOk,
      aggregateS: Math.round(aggregateMs / 1000),
      pointMisses,
      pointReadMsEach: Number((pointMs / 1000).toFixed(1)),
      ok,
    };
  } finally {
    await conn.close();
  }
}

main().catch((err: unknown) => {
  console.error(`db-capacity failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
