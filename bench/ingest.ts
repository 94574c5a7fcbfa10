/**
 * Ingestion throughput of the CSV import path vs a bare insertMany of the same documents, and peak memory.
 *
 *   node --expose-gc --import tsx bench/ingest.ts [--n=1000000] [--people=2000] [--batch=1000]
 *   (npm run bench:ingest works too; --expose-gc lets the import start from a collected heap)
 *   --local-times: times written without offset ("2026-10-01 10:00", read in Asia/Shanghai), as people type them.
 *   --rollback: after the import, take it back as a refused file would be (ImportRunStore.rollback) and time that.
 *   --cpu-prof-import=<file.cpuprofile>: a V8 CPU profile of the import phase alone (not the CSV generation
 *   nor the baseline); `npx tsx bench/cpuprofile-summary.ts <file>` lists where its time goes.
 *
 * Generates a deterministic activity CSV (n rows, a quarter of visits/calls/emails/meetings/proposals by
 * `people` reps) in a temp dir, then against the same database server (MONGODB_URI, or a local
 * mongo-java-server like the tests use):
 *   1. baseline: the same rows turned into the very documents the import stores (same builder), timing
 *      only the insertMany calls — the database's own write cost;
 *   2. import: importCsv() as `npm run import:csv` runs it — one pass that checks and stores (each inserted
 *      document also carries the run's importId, for rollback; the baseline's documents do not), then
 *      matching — timed end to end.
 * Prints rows/s of each, their ratio (target ≥ 0.7), and the process's peak RSS (target ≤ 300 MB).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import mongoose from 'mongoose';
import { parse } from 'csv-parse';
import { createActivityCore } from '../src/services/activity/activity-core.js';
import { createActivityMetrics } from '../src/services/activity/activity-metrics.js';
import { importCsv } from '../src/services/activity/csv-import.js';
import { startLocalMongo } from '../src/adapters/mongo/local-server.js';
import { createModels, ensureIndexes } from '../src/adapters/mongo/models/index.js';
import { csvLayout, csvRowToInput } from '../src/domain/activity/csv-row.js';
import { factsOf, toContent } from '../src/domain/activity/normalize.js';
import { evaluationContext, typeAliases } from '../src/domain/activity/rules/context.js';
import { Rng } from '../src/demo/prng.js';
import { evaluate } from '../src/domain/activity/rules/evaluate.js';
import { DEFAULT_RULES_TEXT } from '../src/domain/activity/rules/rule-model.js';
import { parseRules } from '../src/domain/activity/rules/rule-parser.js';
import { silentLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const N = Number(args.get('n') ?? 1_000_000);
const PEOPLE = Number(args.get('people') ?? 2000);
const BATCH = Number(args.get('batch') ?? 1000);
const PROFILE = args.get('cpu-prof-import');
// --local-times: "2026-10-01 10:00" (read in the company zone) instead of "2026-10-01T10:00:00+08:00".
const LOCAL_TIMES = args.has('local-times');
const ROLLBACK = args.has('rollback');
const ZONE = 'Asia/Shanghai';

// Peak RSS: sampled, and the kernel's high-water mark at the end.
let peakRss = 0;
let peakHeap = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
}, 100);
const mb = (b: number) => `${(b / 1_048_576).toFixed(0)} MB`;
const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} rows/s`;


async function writeCsv(path: string): Promise<void> {
  const out = createWriteStream(path);
  // Seeded: the same file every run.
  const rng = new Rng(42);
  const r = () => rng.next();
  const q0 = Date.parse('2026-10-01T00:00:00+08:00');
  const span = Date.parse('2027-01-01T00:00:00+08:00') - q0;
  const types = ['visit', 'visit', 'visit', 'call', 'call', 'call', 'email', 'email', 'meeting', 'proposal'];
  const iso = (ms: number) =>
    LOCAL_TIMES ? new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ') : new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00').replace('.000', '');
  out.write('id,person_email,type,start,end,customer_name,customer_lat,customer_lng,lat,lng\n');
  for (let i = 0; i < N; i++) {
    const type = types[Math.floor(r() * types.length)]!;
    const start = q0 + Math.floor(r() * span / 60_000) * 60_000;
    const person = `p${String(Math.floor(r() * PEOPLE)).padStart(5, '0')}@bench.example`;
    const c = Math.floor(r() * 5000);
    const clat = 22 + (c % 100) / 10;
    const clng = 110 + Math.floor(c / 100) / 5;
    const line =
      type === 'visit'
        ? `b${i},${person},visit,${iso(start)},${iso(start + (10 + Math.floor(r() * 80)) * 60_000)},客户${c},${clat.toFixed(4)},${clng.toFixed(4)},${(clat + (r() - 0.5) / 50).toFixed(5)},${(clng + (r() - 0.5) / 50).toFixed(5)}`
        : type === 'call'
          ? `b${i},${person},call,${iso(start)},${iso(start + (1 + Math.floor(r() * 15)) * 60_000)},客户${c},,,,`
          : `b${i},${person},${type},${iso(start)},,客户${c},,,,`;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'trichain-bench-'));
  const csv = join(dir, 'activities.csv');
  let stopDb: (() => Promise<void>) | undefined;
  let base = process.env.MONGODB_URI;
  if (!base) {
    // In memory: the H2 file store fails reads ("Chunk … not found") past ~440k inserts, and this writes 2 × n.
    const local = await startLocalMongo({ dataDir: join(dir, 'db'), kind: 'mongo-java-server', javaInMemory: true, javaMaxHeap: '8g', readyTimeoutMs: 60_000 });
    stopDb = () => local.stop();
    base = local.uri;
  }
  const uri = (db: string) => {
    const u = new URL(base!);
    u.pathname = `/${db}`;
    return u.toString();
  };
  try {
    console.log(`ingest bench: ${N.toLocaleString('en-US')} activities${LOCAL_TIMES ? ' (local times)' : ''}, ${PEOPLE} people, batches of ${BATCH}; ${availableParallelism()} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}`);
    let t = performance.now();
    await writeCsv(csv);
    console.log(`generated ${mb((await stat(csv)).size)} CSV in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const conn = await mongoose.createConnection(uri('bench_ingest'), { autoCreate: false, autoIndex: false }).asPromise();
    const models = createModels(conn);
    await conn.dropDatabase();
    await ensureIndexes(models);
    await models.Person.collection.insertMany(
      Array.from({ length: PEOPLE }, (_, i) => ({ _id: `p${i}`, name: `代表${i}`, role: 'rep', isActive: true, email: `p${String(i).padStart(5, '0')}@bench.example` })) as never[],
    );

    // 1. Baseline: identical documents, only insertMany timed.
    const parsed = parseRules(DEFAULT_RULES_TEXT, typeAliases());
    if (!parsed.ok) throw new Error('rules');
    const ctx = evaluationContext(parsed.rules, 0);
    let insertMs = 0;
    let batch: object[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const a = performance.now();
      await models.Activity.collection.insertMany(batch, { ordered: false });
      insertMs += performance.now() - a;
      batch = [];
    };
    const parser = createReadStream(csv).pipe(parse({ bom: true }));
    let layout: ReturnType<typeof csvLayout> | undefined;
    const aliases = typeAliases();
    const emailToId = new Map(Array.from({ length: PEOPLE }, (_, i) => [`p${String(i).padStart(5, '0')}@bench.example`, `p${i}`]));
    t = performance.now();
    for await (const rec of parser as AsyncIterable<string[]>) {
      if (!layout) {
        layout = csvLayout(rec);
        continue;
      }
      if (!layout.ok) throw new Error('layout');
      const row = csvRowToInput(rec, layout.layout, { zone: ZONE, typeAliases: aliases });
      if (!row.ok) throw new Error(JSON.stringify(row.issues));
      const personId = emailToId.get(row.input.person.kind === 'email' ? row.input.person.email : '')!;
      const c = toContent(row.input, personId, { zone: ZONE });
      const now = new Date();
      batch.push({ ...c, ...evaluate(factsOf(c), ctx), ruleVersion: 0, createdAt: now, updatedAt: now });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    const baselineWall = performance.now() - t;
    const baselineCount = await models.Activity.estimatedDocumentCount();
    console.log(`baseline insertMany: ${baselineCount.toLocaleString('en-US')} docs, insertMany time ${(insertMs / 1000).toFixed(1)} s = ${rate(N, insertMs)} (loop incl. building docs ${(baselineWall / 1000).toFixed(1)} s)`);

    // The import must store the very documents the baseline did (keys in the same order), apart from _id and the write times.
    const sample = { sourceId: { $in: Array.from({ length: 20 }, (_, i) => `csv:b${i * Math.floor(N / 20)}`) } };
    const shape = async () =>
      (await models.Activity.collection.find(sample).sort({ sourceId: 1 }).toArray()).map(({ _id, createdAt, updatedAt, importId, ...rest }) => JSON.stringify(rest));
    const baselineDocs = await shape();

    // 2. The import path, same database server, fresh collection.
    await models.Activity.collection.drop();
    await ensureIndexes(models);
    const core = createActivityCore({ models, zone: ZONE, defaultRulesText: DEFAULT_RULES_TEXT, metrics: createActivityMetrics(createMetrics().registry), logger: silentLogger, clock: { now: () => new Date() } });
    const phases: Record<string, number> = {};
    let phase = '';
    let phaseStart = performance.now();
    // The baseline's garbage must not count against the import.
    (globalThis as { gc?: () => void }).gc?.();
    peakRss = 0;
    peakHeap = 0;
    const profiler = PROFILE ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    t = performance.now();
    const cpuBefore = process.cpuUsage();
    const r = await importCsv({
      file: csv,
      core,
      zone: ZONE,
      typeAliases: aliases,
      batchSize: BATCH,
      onProgress: (p) => {
        if (p.phase !== phase) {
          if (phase) phases[phase] = performance.now() - phaseStart;
          phase = p.phase;
          phaseStart = performance.now();
        }
      },
    });
    phases[phase] = performance.now() - phaseStart;
    const importMs = performance.now() - t;
    const cpu = process.cpuUsage(cpuBefore);
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      await writeFile(PROFILE!, JSON.stringify(profile));
      profiler.disconnect();
      console.log(`CPU profile of the import written to ${PROFILE}`);
    }
    const stored = await models.Activity.estimatedDocumentCount();
    if (stored !== N || r.created !== N) throw new Error(`import stored ${stored}, created ${r.created}, expected ${N}`);
    const importedDocs = await shape();
    if (JSON.stringify(importedDocs) !== JSON.stringify(baselineDocs)) throw new Error(`the import stored other documents than the baseline:\n${baselineDocs[0]}\n${importedDocs[0]}`);
    console.log(
      `import path: ${stored.toLocaleString('en-US')} docs in ${(importMs / 1000).toFixed(1)} s = ${rate(N, importMs)} ` +
        `(one pass checking and storing ${(phases.import! / 1000).toFixed(1)} s, match ${((phases.match ?? 0) / 1000).toFixed(1)} s); ` +
        `this process's CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s = ${(((cpu.user + cpu.system) / N)).toFixed(0)} µs a row`,
    );
    console.log(`ratio import / bare insertMany: ${(insertMs / importMs).toFixed(2)} (target ≥ 0.7)`);
    clearInterval(sampler);
    const maxRss = process.resourceUsage().maxRSS * 1024;
    console.log(`peak RSS of this process during the import: ${mb(peakRss)} sampled (heap used ≤ ${mb(peakHeap)}), ${mb(maxRss)} kernel high-water mark for the whole run incl. baseline (target ≤ 300 MB)`);
    if (ROLLBACK) {
      // The worst refusal: a bad last row, so every record was stored before the rollback deletes it again.
      const a = performance.now();
      const rb = await core.imports.rollback(r.importId!, 'bench');
      const ms = performance.now() - a;
      console.log(`rollback of the whole import: ${rb.removed.toLocaleString('en-US')} records removed in ${(ms / 1000).toFixed(1)} s = ${rate(rb.removed, ms)}; ${await models.Activity.estimatedDocumentCount()} left`);
    }
    console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    await conn.dropDatabase();
    await conn.close();
  } finally {
    clearInterval(sampler);
    await stopDb?.();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
