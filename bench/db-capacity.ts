/**
 * Can the database hold a real company's year? (issue 15.8) Inserts N activity documents shaped like the
 * app's (default 3,000,000 ≈ a 300-rep company over three years), reads every one back, and accounts for
 * each: count, the sum of a per-document sequence number, and a spread of point reads by _id. Prints
 * insert and read rates and peak RSS of this process and of the database server process.
 *
 *   npx tsx bench/db-capacity.ts [--n=3000000] [--batch=2000] [--kind=mongo-java-server|ferretdb|mongod]
 *   MONGODB_URI=mongodb://… npx tsx bench/db-capacity.ts   (an existing server instead of a local one)
 *
 * Exits non-zero with the reason on any database error or on a single missing/extra document.
 * NOT RUN YET: written during issue 15 on a shared 2-core machine where multi-million benches were off
 * limits; see docs/database-compat.md ("Capacity") for what is and isn't known.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { startLocalMongo, type LocalMongo } from '../src/adapters/mongo/local-server.js';
import { createModels, ensureIndexes } from '../src/adapters/mongo/models/index.js';
import { silentLogger } from '../src/logger.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const N = Number(args.get('n') ?? 3_000_000);
const BATCH = Number(args.get('batch') ?? 2000);
const KIND = (args.get('kind') ?? 'mongo-java-server') as 'mongo-java-server' | 'ferretdb' | 'mongod';
const mb = (b: number) => `${(b / 1_048_576).toFixed(0)} MB`;
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} docs/s`;

/** The server process's RSS from /proc (Linux), found by its data directory (or port) on its command line. */
async function serverRss(needle: string): Promise<number> {
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.includes(needle) || cmd.includes('db-capacity.ts')) continue;
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    if (kb) return Number(kb) * 1024;
  }
  return 0;
}

async function main(): Promise<void> {
  let local: LocalMongo | undefined;
  let dataDir: string | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    dataDir = await mkdtemp(join(tmpdir(), 'db-capacity-'));
    local = await startLocalMongo({ dataDir, kind: KIND, logger: silentLogger });
    uri = `${local.uri.replace(/\/$/, '')}/capacity`;
  }
  const port = new URL(uri).port;
  let peakSelf = 0;
  let peakServer = 0;
  const sampler = setInterval(() => {
    peakSelf = Math.max(peakSelf, process.memoryUsage().rss);
    void serverRss(dataDir ?? port).then((r) => (peakServer = Math.max(peakServer, r)));
  }, 500);
  const conn = await mongoose.createConnection(uri).asPromise();
  try {
    const models = createModels(conn);
    await ensureIndexes(models);
    await models.Activity.deleteMany({ isoWeek: 'bench' });
    const t0 = performance.now();
    for (let i = 0; i < N; i += BATCH) {
      const docs = [];
      for (let j = i; j < Math.min(N, i + BATCH); j++) {
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
      if ((i / BATCH) % 100 === 0) process.stderr.write(`\rinserted ${(i + docs.length).toLocaleString('en-US')}`);
    }
    const insertMs = performance.now() - t0;
    process.stderr.write('\n');

    const t1 = performance.now();
    let count = 0;
    let seqSum = 0;
    for await (const d of models.Activity.find({ isoWeek: 'bench' }).select({ dims: 1 }).lean().cursor({ batchSize: 5000 })) {
      count++;
      seqSum += ((d as { dims?: { seq?: number } }).dims?.seq ?? NaN);
    }
    const readMs = performance.now() - t1;
    const expectedSum = (N * (N - 1)) / 2;
    const counted = await models.Activity.countDocuments({ isoWeek: 'bench' });
    let pointMisses = 0;
    for (let k = 0; k < 1000; k++) {
      const j = Math.floor((k * N) / 1000);
      if (!(await models.Activity.exists({ source: 'csv', sourceId: `bench-${j}` }))) pointMisses++;
    }
    console.log(
      JSON.stringify({
        kind: local?.kind ?? 'MONGODB_URI',
        n: N,
        insert: rate(N, insertMs),
        read: rate(count, readMs),
        readBack: count,
        countDocuments: counted,
        seqSumOk: seqSum === expectedSum,
        pointMisses,
        peakRssBench: mb(peakSelf),
        peakRssServer: peakServer ? mb(peakServer) : 'unknown',
      }),
    );
    if (count !== N || counted !== N || seqSum !== expectedSum || pointMisses > 0) {
      console.error(`FAIL: ${N - count} document(s) not read back, countDocuments ${counted}, point misses ${pointMisses}`);
      process.exitCode = 1;
    }
  } finally {
    clearInterval(sampler);
    await conn.close();
    await local?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`db-capacity failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
