/**
 * Friday report fan-out at scale: N reps against the fake DingTalk with a send rate limit.
 *
 *   npx tsx bench/report-fanout.ts [--reps=10000] [--qps=20] [--per-manager=8] [--activities=6] [--renders=200] [--from=dist|src] [--until=computed]
 *
 * --from=dist (default) builds with tsconfig.build.json and runs dist/src/main.js, as the Docker image does;
 * --from=src runs src/main.ts through tsx (more memory: the TypeScript loader runs in every thread).
 *
 * Seeds a company (reps, managers, goals, ~activities/week each, won deals) into a local MongoDB-wire server
 * (or MONGODB_URI), starts the fake DingTalk here and the bot as its own process (src/main.ts, as in
 * production), schedules this week's report for the minute that just passed, and watches it go out.
 *
 * Prints: total fan-out time as a ratio to the rate-limit floor ((cards − 1) / qps), report computation
 * time alone (bulk load + compute, measured here and as logged by the bot), chart renders per second
 * (pool capacity, measured here; and the bot's in-run render time), and the bot process's peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import { createRenderPool } from '../src/adapters/charts/render-pool.js';
import { startLocalMongo } from '../src/adapters/mongo/local-server.js';
import { createModels, ensureIndexes } from '../src/adapters/mongo/models/index.js';
import { FakeDingTalk } from '../src/fake-dingtalk/fake-dingtalk.js';
import { ReportBuilder } from '../src/services/weekly-report/report-builder.js';
import { REPORT_CHART_SCALE, repChartSpec } from '../src/services/weekly-report/report-sender.js';
import { DEFAULT_REPORT_SETTINGS } from '../src/domain/report/types.js';
import { spawnBot } from '../test/helpers/bot-process.js';
import { seedReportData } from '../test/helpers/report-seed.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const REPS = Number(args.get('reps') ?? 10_000);
const QPS = Number(args.get('qps') ?? 20);
const PER_MANAGER = Number(args.get('per-manager') ?? 8);
const ACTIVITIES = Number(args.get('activities') ?? 6);
const RENDERS = Number(args.get('renders') ?? 200);
const FROM = args.get('from') === 'src' ? 'src' : 'dist';
/** --until=computed: stop once the bot has built the reports and sent a few cards (memory experiments). */
const UNTIL_COMPUTED = args.get('until') === 'computed';

const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

function procStatus(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

if (FROM === 'dist') {
  log('building dist/ (tsc -p tsconfig.build.json) …');
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
const dataDir = await mkdtemp(join(tmpdir(), 'trichain-bench-'));
// The local server at this size: its default 1 GB heap stalls in GC on the report aggregation, and its H2
// file store failed reads ("Chunk … not found") after ~440k inserts; in memory with 4 GB it holds up.
const server = process.env.MONGODB_URI ? undefined : await startLocalMongo({ dataDir, kind: 'auto', javaMaxHeap: '4g', javaInMemory: true, readyTimeoutMs: 60_000 });
const uri = `${(process.env.MONGODB_URI ?? server!.uri).replace(/\/$/, '')}/bench_report_${Date.now()}`;
// Long aggregations on the local server can starve its heartbeat answers; don't give up on it for that.
const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 600_000, heartbeatFrequencyMS: 30_000, socketTimeoutMS: 0 }).asPromise();
const models = createModels(conn);
await ensureIndexes(models);
const fake = await new FakeDingTalk().start();
let bot: ReturnType<typeof spawnBot> | undefined;

try {
  log(`seeding ${REPS} reps (${PER_MANAGER} per manager, ~${ACTIVITIES} activities/week) …`);
  const now = new Date();
  const due = DateTime.fromJSDate(new Date(now.getTime() - 60_000), { zone: 'Asia/Shanghai' });
  let t = performance.now();
  // Schedule far away first; it is moved to "a minute ago" once the bot is up, so the run starts on demand.
  const org = await seedReportData(models, { reps: REPS, repsPerManager: PER_MANAGER, now, seed: 1, activitiesPerWeek: ACTIVITIES, reportSchedule: { weekday: ((due.weekday + 2) % 7) + 1, time: '03:00' } });
  fake.org.load({ users: org.fakeUsers });
  const cards = org.reps.length + org.managers.length;
  log(`seeded in ${((performance.now() - t) / 1000).toFixed(1)} s: ${await models.Activity.estimatedDocumentCount()} activities, ${await models.Deal.estimatedDocumentCount()} deals`);

  // Report computation alone, here: the same bulk path the job uses.
  const builder = new ReportBuilder(models, DEFAULT_REPORT_SETTINGS, { weekday: 5, time: '17:00' });
  const quarter = (await builder.quarter(org.quarterId))!;
  const built = await builder.build(quarter, now);
  log(`computed ${built.reports.length} reports + ${built.teams.length} team summaries: load ${built.ms.load.toFixed(0)} ms, compute ${built.ms.compute.toFixed(0)} ms`);

  // Chart render capacity of a pool of the size the bot uses.
  const poolSize = Math.min(4, Math.max(1, availableParallelism() - 1));
  const pool = createRenderPool({ size: poolSize, maxQueue: RENDERS + 10, resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 } });
  const specs = built.reports.slice(0, RENDERS).map(repChartSpec);
  await Promise.all(specs.slice(0, poolSize * 2).map((s) => pool.render(s, { scale: REPORT_CHART_SCALE }))); // boot + warm-up
  t = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(specs.map((s) => pool.render(s, { scale: REPORT_CHART_SCALE })));
  const rendersPerSec = specs.length / ((performance.now() - t) / 1000);
  const cpu = process.cpuUsage(cpu0);
  // Process CPU (all threads) per chart: what one free core would render per second, whatever the load now.
  const cpuPerChartMs = (cpu.user + cpu.system) / 1000 / specs.length;
  await pool.close();
  log(`chart renders: ${rendersPerSec.toFixed(1)}/s with a pool of ${poolSize} (${specs.length} charts), ${cpuPerChartMs.toFixed(0)} ms CPU each`);

  bot = spawnBot({
    ...fake.env(),
    MONGODB_URI: uri,
    PORT: '0',
    DINGTALK_SEND_QPS: String(QPS),
    REPORT_TICK_SECONDS: '2',
    LOG_LEVEL: 'info',
  }, { from: FROM });
  await bot.waitFor(/trichain is up/);
  const pid = bot.child.pid!;
  let peakRss = procStatus(pid, 'VmRSS');
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, procStatus(pid, 'VmRSS'));
    } catch {
      /* process gone */
    }
  }, 250);

  await models.Quarter.updateOne({ _id: org.quarterId }, { $set: { reportSchedule: { weekday: due.weekday, time: due.toFormat('HH:mm') } } });
  log(`report scheduled for ${due.toFormat('ccc HH:mm')} Shanghai (a minute ago); waiting for ${cards} cards at ${QPS}/s …`);
  const cardsOut = () => fake.outbox.deliveries.filter((d) => d.type === 'card').length;
  // A labelled block: `break measure` ends a --until=computed run early (top-level code has no return).
  measure: {
    if (UNTIL_COMPUTED) {
      await bot.waitFor(/weekly report: reports computed/, 300_000);
      while (cardsOut() < QPS * 10) await new Promise((r) => setTimeout(r, 500));
      const line = bot.output().split('\n').find((l) => l.includes('weekly report: reports computed')) ?? '';
      log(`bot after computing: ${line.trim()}`);
      log(`bot peak RSS so far ${mb(Math.max(procStatus(pid, 'VmHWM'), peakRss))}, now ${mb(procStatus(pid, 'VmRSS'))}`);
      clearInterval(sampler);
      break measure;
    }
    let last = 0;
    while (cardsOut() < cards) {
      await new Promise((r) => setTimeout(r, 1000));
      const n = cardsOut();
      if (n - last >= Math.max(1, Math.floor(cards / 10)) || (n === cards && n !== last)) {
        log(`  ${n}/${cards} cards, bot RSS ${mb(procStatus(pid, 'VmRSS'))}`);
        last = n;
      }
      if (bot.child.exitCode !== null) throw new Error(`bot exited:\n${bot.output().slice(-3000)}`);
    }
    await bot.waitFor(/weekly report: pass finished/, 60_000);
    clearInterval(sampler);
    const hwm = procStatus(pid, 'VmHWM');

    const lines = bot.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const started = lines.find((l) => l.msg === 'weekly report: pass started')!;
    const computed = lines.find((l) => l.msg === 'weekly report: reports computed, delivering')!;
    const finished = lines.find((l) => l.msg === 'weekly report: pass finished')! as { time: number; counts: Record<string, number>; renders: { count: number; ms: number } };
    const deliveries = fake.outbox.deliveries.filter((d) => d.type === 'card');
    const totalS = (deliveries.at(-1)!.at - (started.time as number)) / 1000;
    const sendingS = (deliveries.at(-1)!.at - deliveries[0]!.at) / 1000;
    const floorS = (cards - 1) / QPS;
    const perRecipient = new Map<string, number>();
    for (const d of deliveries) perRecipient.set(d.conversation, (perRecipient.get(d.conversation) ?? 0) + 1);
    const exactlyOnce = perRecipient.size === cards && [...perRecipient.values()].every((n) => n === 1);

    console.log('');
    console.log(`report fan-out: ${org.reps.length} reps + ${org.managers.length} managers = ${cards} cards, ${QPS} sends/s, bot from ${FROM}, ${availableParallelism()} cores, node ${process.version}`);
    console.log(`  total (pass start → last card)     ${totalS.toFixed(1)} s   floor ${floorS.toFixed(1)} s   ratio ${(totalS / floorS).toFixed(3)}  (target ≤ 1.15)`);
    console.log(`  sending only (first → last card)   ${sendingS.toFixed(1)} s   ratio ${(sendingS / floorS).toFixed(3)}`);
    console.log(`  report computation alone           load ${computed.loadMs} ms + compute ${computed.computeMs} ms in the bot; here: ${built.ms.load.toFixed(0)} + ${built.ms.compute.toFixed(0)} ms`);
    console.log(`  chart renders                      ${rendersPerSec.toFixed(1)}/s measured with a pool of ${poolSize} now; ${cpuPerChartMs.toFixed(0)} ms CPU per chart = ${(1000 / cpuPerChartMs).toFixed(1)}/s per free core`);
    console.log(`                                     in the run: ${finished.renders.count} renders, ${(finished.renders.ms / Math.max(1, finished.renders.count)).toFixed(0)} ms each incl. queueing; machine load average ${loadavg()[0]!.toFixed(1)}`);
    console.log(`  bot peak memory (RSS)              ${mb(Math.max(hwm, peakRss))}  (target ≤ 500 MB)`);
    console.log(`  delivered exactly once             ${exactlyOnce ? 'yes' : 'NO'} (${deliveries.length} cards, ${perRecipient.size} recipients); pass counts ${JSON.stringify(finished.counts)}`);
  }
} finally {
  bot?.child.kill('SIGTERM');
  await bot?.exited;
  await fake.stop();
  await conn.dropDatabase().catch(() => undefined);
  await conn.close();
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
}
