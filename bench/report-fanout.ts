/**
 * Friday report fan-out at scale: N reps against the DingTalk stand-in with a send rate limit, at one or
 * several company sizes in one invocation (issue 14: memory bounded by the slice, not the company).
 *
 *   npx tsx bench/report-fanout.ts [--reps=2000,10000,50000] [--qps=20,20,100] [--activities=6,6,1]
 *        [--max-seconds=0,0,600] [--per-manager=8] [--slice=500] [--from=dist|src] [--build=no]
 *        [--bisect=render,upload,send,ledger] [--bot-log=FILE]
 *
 * Per size (lists give one value per size; a single value applies to all): a fresh database on one local
 * MongoDB-wire server (in memory, 6 GB heap; or MONGODB_URI), a bulk seed (raw documents, insertMany), the
 * bot as its own process (dist/src/main.js as the Docker image runs it, or --from=src), this week's
 * report scheduled for the minute that just passed, and the run watched until every card is out, or
 * until --max-seconds of fan-out (then the figures are for the part that went out, and say so).
 *
 * `--bot-log=FILE` keeps each size's bot log (JSON lines) in FILE.<reps>, to line the RSS timeline up with it.
 *
 * `--bisect` (bench-only, bench/fanout-bisect.mjs) takes parts of a card's path out of the compiled bot, to see
 * which part the memory follows. Per slice the bot's log gives RSS (anonymous / file-backed), the main heap,
 * external and ArrayBuffer memory and the render worker's own heap; the bench prints them.
 *
 * Prints per size: cards, time from pass start to last card against the rate-limit floor ((cards − 1) /
 * qps), whether every card was delivered once, the bot's peak RSS (VmHWM and 250 ms samples) and its RSS
 * when it was up and idle (the baseline measured in the same run); then the growth table and the machine's
 * load average before and after.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalMongo } from '../src/adapters/mongo/local-server.js';
import { FakeDingTalk } from '../src/fake-dingtalk/fake-dingtalk.js';
import { buildDist, load, log, mb, seedCompany, startBot } from './fanout-setup.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const list = (key: string, dflt: string) => (args.get(key) ?? dflt).split(',').map(Number);
const SIZES = list('reps', '10000');
const at = (xs: number[], i: number) => xs[Math.min(i, xs.length - 1)]!;
const QPS = list('qps', '20');
const ACTIVITIES = list('activities', '6');
const MAX_SECONDS = list('max-seconds', '0');
const PER_MANAGER = Number(args.get('per-manager') ?? 8);
const SLICE = args.get('slice');
const FROM = args.get('from') === 'src' ? 'src' : 'dist';
// Bench-only bisection (bench/fanout-bisect.mjs): parts of a card's path taken out to see where memory goes.
const BISECT = args.get('bisect') ?? '';
if (BISECT && FROM !== 'dist') throw new Error('--bisect patches the compiled bot: use it with --from=dist');
const BISECT_ENV: Record<string, string> = BISECT
  ? { FANOUT_BISECT: BISECT, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${new URL('./fanout-bisect.mjs', import.meta.url).href}`.trim() }
  : {};
// Without sends nothing reaches the stand-in: the pass's own "finished" line ends the wait.
const NO_CARDS = /\bsend\b/.test(BISECT);

interface Row {
  reps: number;
  cards: number;
  out: number;
  qps: number;
  activities: number;
  totalS: number;
  floorS: number;
  exactlyOnce: boolean;
  idleKb: number;
  peakKb: number;
  complete: boolean;
  slices: number;
}

const loadBefore = load();
log(`load average before: ${loadBefore} (1 / 5 / 15 min), ${availableParallelism()} cores, node ${process.version}`);
if (FROM === 'dist' && args.get('build') !== 'no') buildDist();
const dataDir = await mkdtemp(join(tmpdir(), 'trichain-bench-'));
// In memory with a large heap: the default 1 GB heap stalls in GC on the report aggregations at 10,000
// reps, and the H2 file store lost chunks after ~440k inserts (docs/database-compat.md).
const server = process.env.MONGODB_URI ? undefined : await startLocalMongo({ dataDir, kind: 'auto', javaMaxHeap: '6g', javaInMemory: true, readyTimeoutMs: 60_000 });
const serverUri = process.env.MONGODB_URI ?? server!.uri;
const rows: Row[] = [];

try {
  for (const [i, reps] of SIZES.entries()) {
    const qps = at(QPS, i);
    const activities = at(ACTIVITIES, i);
    const maxS = at(MAX_SECONDS, i);
    const company = await seedCompany(serverUri, { reps, perManager: PER_MANAGER, activities, name: `bench_report_${reps}` });
    const fake = await new FakeDingTalk().start();
    const bot = await startBot(fake, company, { DINGTALK_SEND_QPS: String(qps), ...(SLICE ? { REPORT_SLICE_SIZE: SLICE } : {}), ...BISECT_ENV }, FROM);
    try {
      // Up and idle for a few seconds: the baseline the run's growth is measured against.
      await new Promise((r) => setTimeout(r, 5000));
      const idleKb = bot.rssKb();
      await company.scheduleNow();
      log(`${reps} reps: report scheduled a minute ago; waiting for ${company.cards} cards at ${qps}/s${maxS ? ` (at most ${maxS} s of fan-out)` : ''}; bot idle RSS ${mb(idleKb)}`);
      await bot.bot.waitFor(/weekly report: pass started/, 120_000);
      const startedAt = Date.now();
      const cardsOut = () => fake.outbox.deliveries.filter((d) => d.type === 'card');
      let last = 0;
      const finished = () => NO_CARDS && /weekly report: pass finished/.test(bot.bot.output());
      while (cardsOut().length < company.cards && !finished() && (!maxS || Date.now() - startedAt < maxS * 1000)) {
        await new Promise((r) => setTimeout(r, 1000));
        const n = cardsOut().length;
        if (n - last >= Math.max(1, Math.floor(company.cards / 10))) {
          log(`  ${n}/${company.cards} cards, bot RSS ${mb(bot.rssKb())} (peak ${mb(bot.peakKb())})`);
          last = n;
        }
        if (bot.bot.child.exitCode !== null) throw new Error(`bot exited:\n${bot.bot.output().slice(-3000)}`);
      }
      const deliveries = cardsOut();
      const complete = deliveries.length === company.cards || finished();
      if (complete) await bot.bot.waitFor(/weekly report: pass finished/, 120_000);
      const peakKb = bot.peakKb();
      const started = bot.logs('weekly report: pass started')[0]!;
      const planned = bot.logs('weekly report: pass planned')[0];
      const perRecipient = new Map<string, number>();
      for (const d of deliveries) perRecipient.set(d.conversation, (perRecipient.get(d.conversation) ?? 0) + 1);
      const row: Row = {
        reps,
        cards: company.cards,
        out: deliveries.length,
        qps,
        activities,
        totalS: ((deliveries.at(-1)?.at ?? Number(bot.logs('weekly report: pass finished')[0]?.time ?? Date.now())) - (started.time as number)) / 1000,
        floorS: (Math.max(deliveries.length, company.cards) - 1) / qps,
        exactlyOnce: [...perRecipient.values()].every((n) => n === 1) && (!complete || NO_CARDS || perRecipient.size === company.cards),
        idleKb,
        peakKb,
        complete,
        slices: Number(planned?.slices ?? 0),
      };
      rows.push(row);
      const slicesLogged = bot.logs('weekly report: slice built');
      // RSS / JS heap used, as the bot logged them when each slice was built: live memory vs what the process holds.
      const rssBySlice = slicesLogged.map((l) => `${Number(l.rssMb)}/${Number(l.heapUsedMb)}`);
      // Per slice, where the memory is: RSS (anonymous / file-backed), main JS heap used / total, its external
      // and ArrayBuffer memory, and the render workers' own heap used / total (MB).
      const f = (l: Record<string, unknown> | undefined, key: string) => (l?.[key] === undefined ? '-' : String(l[key]));
      const predicted = bot.logs('weekly report: predictions ready')[0];
      log(`  predictions ready after ${f(predicted, 'ms')} ms: rss ${f(predicted, 'rssMb')} (anon ${f(predicted, 'anonMb')}); heap ${f(predicted, 'heapUsedMb')}/${f(predicted, 'heapTotalMb')}; external ${f(predicted, 'externalMb')}`);
      log(`  planned (predictions stored, comparison figures computed): rss ${f(planned, 'rssMb')} (anon ${f(planned, 'anonMb')}, file ${f(planned, 'fileMb')}); heap ${f(planned, 'heapUsedMb')}/${f(planned, 'heapTotalMb')}; external ${f(planned, 'externalMb')}, arrayBuffers ${f(planned, 'arrayBuffersMb')}; plan ${f(planned, 'planMs')} ms`);
      for (const [k, l] of slicesLogged.entries()) {
        log(`  slice ${k + 1}: ${f(l, 'cards')} cards, load ${f(l, 'loadMs')} ms; rss ${f(l, 'rssMb')} (anon ${f(l, 'anonMb')}, file ${f(l, 'fileMb')}); heap ${f(l, 'heapUsedMb')}/${f(l, 'heapTotalMb')}; external ${f(l, 'externalMb')}, arrayBuffers ${f(l, 'arrayBuffersMb')}; worker heap ${f(l, 'workerHeapUsedMb')}/${f(l, 'workerHeapTotalMb')}, worker external ${f(l, 'workerExternalMb')}`);
      }
      const where = bot.peakWhere();
      log(`  peak ${mb(peakKb)} at ${((where.at - (started.time as number)) / 1000).toFixed(0)} s after the pass started; the bot's last log line before it: "${where.lastMsg}"`);
      // The seconds around the peak, every other sample: which pages grew, and whether a thread started.
      const around = bot.aroundPeak();
      log(`  around the peak (s from it: RSS anon/file MB, threads): ${around.filter((_, k) => k % 2 === 0).map((x) => `${((x.at - where.at) / 1000).toFixed(1)}: ${Math.round(x.kb / 1024)} ${Math.round(x.anon / 1024)}/${Math.round(x.file / 1024)} t${x.threads}`).join(' · ')}`);
      // The RSS timeline from 10 s before the report was scheduled: one line per phase (consecutive 5 s buckets
      // with the same last log message are merged, showing their max).
      const tl = bot.timeline();
      const phases: Array<{ from: number; to: number; kb: number; msg: string }> = [];
      for (const p of tl) {
        const cur = phases.at(-1);
        if (cur && cur.msg === p.lastMsg) (cur.to = p.at), (cur.kb = Math.max(cur.kb, p.kb));
        else phases.push({ from: p.at, to: p.at, kb: p.kb, msg: p.lastMsg });
      }
      const t0 = started.time as number;
      for (const ph of phases.slice(-60)) log(`    ${((ph.from - t0) / 1000).toFixed(0).padStart(5)} … ${((ph.to + 5000 - t0) / 1000).toFixed(0).padStart(5)} s  max RSS ${mb(ph.kb).padStart(7)}  after "${ph.msg}"`);
      log(
        `${reps} reps: ${row.out}/${row.cards} cards in ${row.totalS.toFixed(1)} s (floor ${row.floorS.toFixed(1)} s, ratio ${(row.totalS / row.floorS).toFixed(3)}), peak RSS ${mb(peakKb)}; ` +
          `RSS/heap at slices built (MB): ${rssBySlice.length > 12 ? [...rssBySlice.slice(0, 6), '…', ...rssBySlice.slice(-6)].join(' ') : rssBySlice.join(' ')}`,
      );
    } finally {
      if (args.get('bot-log')) await writeFile(`${args.get('bot-log')}.${reps}`, bot.bot.output());
      await bot.stop();
      await fake.stop();
      await company.drop();
    }
  }
} finally {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
}

const loadAfter = load();
console.log('');
console.log(`report fan-out${BISECT ? ` (BISECT: ${BISECT} taken out)` : ''}, bot from ${FROM}, ${availableParallelism()} cores, node ${process.version}, ${PER_MANAGER} reps per manager, slice ${SLICE ?? 'default (500)'}`);
console.log('| reps | activities/wk | cards out | qps | pass start → last card | rate floor | ratio | slices | bot idle RSS | bot peak RSS | peak − idle | once |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  console.log(
    `| ${r.reps.toLocaleString('en-US')} | ${r.activities} | ${r.out.toLocaleString('en-US')}${r.complete ? '' : ` of ${r.cards.toLocaleString('en-US')} (partial)`} | ${r.qps} | ${r.totalS.toFixed(1)} s | ${r.floorS.toFixed(1)} s | ${(r.totalS / r.floorS).toFixed(3)} | ${r.slices} | ${mb(r.idleKb)} | **${mb(r.peakKb)}** | ${mb(r.peakKb - r.idleKb)} | ${r.exactlyOnce ? 'yes' : 'NO'} |`,
  );
}
const base = rows.find((r) => r.reps === 10_000) ?? rows[0];
if (base && rows.length > 1) {
  console.log(`growth of peak RSS against ${base.reps.toLocaleString('en-US')} reps: ${rows.map((r) => `${r.reps.toLocaleString('en-US')} → ${((r.peakKb / base.peakKb - 1) * 100).toFixed(1)} %`).join(', ')} (target: 50,000 within 10 % of 10,000; 10,000 ≤ 400 MB)`);
}
console.log(`load average before ${loadBefore}, after ${loadAfter} (1 / 5 / 15 min)`);
