/**
 * Prediction speed and memory: train on Q quarters × R reps, predict R reps — for every metric the model
 * predicts (签约额 and 新客户数), as the weekly retrain and the Friday pass do.
 *
 *   npx tsx bench/prediction.ts [--reps=10000] [--quarters=4] [--baseline-reps=1000] [--db-reps=1000] [--threads=N]
 *
 * The week models train on worker threads as the retrain job does (--threads, default one per core). At
 * --baseline-reps the same rows are also trained on one thread and with the solver's plain-Newton mode
 * (the curvature rebuilt at every step, the code path before the speed-up): before/after in one run,
 * wall and CPU time.
 *
 * Targets (issue 11): predict 10,000 reps ≤ 5 s; train on four quarters of 10,000 reps ≤ 60 s.
 * The data is the demo company, generated in memory and turned into the loader's compact rep-quarters
 * one chunk at a time. Database reading is NOT included (a 10,000-rep history is tens of millions of
 * activities, more than the embedded test database holds); what is timed: features for every training
 * week, the week models (penalty search by leave-one-quarter-out, calibration) per metric, and for
 * prediction the features, probability and top-3 explanation per rep and metric. The retrain job's
 * rolling-origin backtest (stored with each model) is not in the figure. A last leg (--db-reps) times the
 * production path through the database at a size the embedded server holds.
 *
 * Printed in the same run, so a figure from a busy machine can be told apart: the load average before and
 * after; the pace baseline (one-feature logistic, fitted and applied to the same rows) as a baseline
 * measured alongside; and the whole thing at --baseline-reps first, for scaling. Peak memory is the
 * process's maximum resident set (getrusage), which covers the synchronous training too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { startLocalMongo } from '../src/adapters/mongo/local-server.js';
import { createModels, ensureIndexes } from '../src/adapters/mongo/models/index.js';
import { loadDemoCompany } from '../src/demo/load-demo.js';
import { silentLogger } from '../src/logger.js';
import { ModelKeeper } from '../src/services/prediction/model-keeper.js';
import { historyKey } from '../src/services/prediction/trainer.js';
import { WeeklyPredictions } from '../src/services/prediction/weekly-predictions.js';
import { DEFAULT_SEED, generateCompany, type DemoQuarter } from '../src/demo/company.js';
import { quarterChunks } from '../src/demo/rep-quarter.js';
import type { ActivityShape, DealShape } from '../src/demo/shapes.js';
import { paceFeature } from '../src/domain/prediction/backtest.js';
import { achievedBy, featureDefs, featuresAt, PREDICTED_METRICS, reachedTarget, type PredictedMetric, type RepQuarterData } from '../src/domain/prediction/features.js';
import { columnMedians, explain, fitBaseline, predictBaseline, predictProbability, trainWeekModel, type TrainingRow, type WeekModel } from '../src/domain/prediction/model.js';
import { MODEL_WEEKS } from '../src/services/prediction/trainer.js';
import { defaultTrainingThreads, trainWeekModels } from '../src/services/prediction/training-threads.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const REPS = Number(args.get('reps') ?? 10_000);
/** Worker threads for the week models (default as the retrain job: one per core, at most 4). */
const THREADS = Number(args.get('threads') ?? defaultTrainingThreads());
const QUARTERS = Number(args.get('quarters') ?? 4);
const BASELINE_REPS = Number(args.get('baseline-reps') ?? 1_000);
/** The database path (read, predict, store) at this many reps; 0 skips it. */
const DB_REPS = Number(args.get('db-reps') ?? 1_000);
const now = new Date('2026-11-26T10:00:00+08:00'); // week 8 of 2026Q4 has passed
const dims = [{ key: 'proposalCustomized', name: '方案定制率' }];
const keys = featureDefs(dims).map((f) => f.key);
const out = (s: string) => process.stdout.write(`${s}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const peakMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** One rep-quarter per metric the rep has an approved target for; the activities and deals are shared. */
function compact(q: DemoQuarter, acts: ActivityShape[], deals: DealShape[], ids: string[], last: Map<string, number>): RepQuarterData[] {
  const goals = new Map(q.goals.filter((g) => g.status === 'approved').map((g) => [g.ownerId, g]));
  const byRep = new Map<string, { activities: RepQuarterData['activities'] & unknown[]; deals: RepQuarterData['deals'] & unknown[] }>();
  for (const id of ids) byRep.set(id, { activities: [], deals: [] });
  for (const a of acts) byRep.get(a.personId)?.activities.push({ t: a.startAt.getTime(), type: a.type, counted: a.counted, merged: !!a.mergedInto, dims: a.dims.proposalCustomized === true ? ['proposalCustomized'] : [] });
  for (const d of deals) byRep.get(d.personId)?.deals.push({ opened: d.openedDate.getTime(), close: d.closeDate.getTime(), closed: d.isClosed, won: d.isWon, amount: d.amountCny, isNew: d.isNewCustomer, account: d.accountId });
  const outList: RepQuarterData[] = [];
  for (const id of ids) {
    const g = goals.get(id);
    const mine = byRep.get(id)!;
    for (const metric of PREDICTED_METRICS) {
      const target = g?.targets.find((t) => t.metric === metric)?.value;
      if (!target) continue;
      outList.push({ personId: id, quarterId: q.quarter._id, startMs: q.quarter.startDate.getTime(), endMs: q.quarter.endDate.getTime(), metric, target, lastAttainment: last.get(`${id}|${metric}`) ?? null, activities: mine.activities, deals: mine.deals });
    }
  }
  return outList;
}

interface Figures {
  reps: number;
  /** The week models of both metrics, per way of training (the same rows each time). */
  train: TrainTiming[];
  repQuarters: number;
  activities: number;
  generateMs: number;
  featureMs: number;
  paceFitMs: number;
  predicted: number;
  predictMs: number;
  pacePredictMs: number;
  below: number;
  /** The week models of every metric (the database leg stores them as a trained model). */
  weekModels: Record<string, WeekModel[]>;
}

type TrainMode = 'threads' | 'one thread' | 'plain Newton, one thread';
interface TrainTiming {
  mode: TrainMode;
  wallMs: number;
  /** CPU time of the whole process (user + system, worker threads included): on a shared machine, the work. */
  cpuMs: number;
  load: string;
}

/**
 * The week models of every metric: 'threads' as the retrain job trains them (training-threads.ts, THREADS
 * workers); 'one thread' the same solver inline; 'plain Newton' the solver rebuilding its curvature at
 * every step, inline — the code path before this stop's speed-up, as the same-run baseline.
 */
async function trainAll(rows: Map<PredictedMetric, Map<number, TrainingRow[]>>, mode: TrainMode): Promise<{ timing: TrainTiming; weekModels: Record<string, WeekModel[]> }> {
  const tasks = PREDICTED_METRICS.flatMap((metric) => MODEL_WEEKS.map((week) => ({ metric, week, rows: rows.get(metric)!.get(week)!, featureKeys: keys })));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const trained =
    mode === 'threads' ? await trainWeekModels(tasks, THREADS) : tasks.map((t) => trainWeekModel(t.rows, t.week, keys, undefined, { everyStep: mode !== 'one thread' }));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const weekModels: Record<string, WeekModel[]> = {};
  trained.forEach((m, i) => (weekModels[tasks[i]!.metric] ??= []).push(m));
  return { timing: { mode, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, load: load() }, weekModels };
}

/** `modes`: the ways to train the same rows (the first one's models are the ones used for prediction). */
async function runAt(reps: number, modes: readonly TrainMode[]): Promise<Figures> {
  const g0 = performance.now();
  const company = generateCompany({ seed: DEFAULT_SEED, size: reps, now, historyQuarters: QUARTERS });
  let generateMs = performance.now() - g0;
  const rows = new Map(PREDICTED_METRICS.map((m) => [m, new Map<number, TrainingRow[]>(MODEL_WEEKS.map((w) => [w, []]))]));
  const pace = new Map<number, { f: number[]; y: number[] }>(MODEL_WEEKS.map((w) => [w, { f: [], y: [] }]));
  let last = new Map<string, number>();
  let featureMs = 0;
  let repQuarters = 0;
  let activities = 0;
  for (const q of company.history) {
    const next = new Map<string, number>();
    for (const chunk of quarterChunks(company, 200, q)) {
      const c0 = performance.now();
      const data = compact(q, chunk.activities, chunk.deals, chunk.reps.map((r) => r.id), last);
      activities += chunk.activities.length;
      const f0 = performance.now();
      generateMs += f0 - c0;
      for (const d of data) {
        const y = reachedTarget(d) ? 1 : 0;
        for (const w of MODEL_WEEKS) rows.get(d.metric as PredictedMetric)!.get(w)!.push({ quarterId: d.quarterId, x: featuresAt(d, w, dims), y });
        if (d.metric === 'signed_amount') for (const w of MODEL_WEEKS) (pace.get(w)!.f.push(paceFeature(d, w)), pace.get(w)!.y.push(y));
        next.set(`${d.personId}|${d.metric}`, achievedBy(d, d.endMs) / d.target);
        repQuarters++;
      }
      featureMs += performance.now() - f0;
    }
    last = next;
  }
  const train: TrainTiming[] = [];
  let weekModels: Record<string, WeekModel[]> = {};
  for (const mode of modes) {
    const r = await trainAll(rows, mode);
    train.push(r.timing);
    if (train.length === 1) weekModels = r.weekModels;
  }
  const models = new Map(PREDICTED_METRICS.map((m) => [m, weekModels[m]!.find((x) => x.week === 8)!]));
  rows.clear();
  // The pace baseline on the same signed-amount rows: one feature, no penalty search.
  const b0 = performance.now();
  const baselines = new Map(MODEL_WEEKS.map((w) => [w, fitBaseline(pace.get(w)!.f, pace.get(w)!.y)]));
  const paceFitMs = performance.now() - b0;

  // Today's quarter at week 8, every rep and metric: features, probability, team medians, top-3 factors.
  const current: RepQuarterData[] = [];
  for (const chunk of quarterChunks(company, 200)) current.push(...compact(company.currentQuarter, chunk.activities, chunk.deals, chunk.reps.map((r) => r.id), last));
  const managerOf = new Map(company.reps.map((r) => [r.id, r.managerId]));
  const p0 = performance.now();
  let below = 0;
  for (const metric of PREDICTED_METRICS) {
    const model = models.get(metric)!;
    const mine = current.filter((d) => d.metric === metric);
    const x = mine.map((d) => featuresAt(d, 8, dims));
    const byTeam = new Map<string, number[][]>();
    mine.forEach((d, i) => {
      const team = byTeam.get(managerOf.get(d.personId) ?? '') ?? [];
      team.push(x[i]!);
      byTeam.set(managerOf.get(d.personId) ?? '', team);
    });
    const medians = new Map([...byTeam].map(([m, r]) => [m, columnMedians(r)]));
    mine.forEach((d, i) => {
      if (predictProbability(model, x[i]!) < 0.5) below++;
      explain(model, x[i]!, medians.get(managerOf.get(d.personId) ?? '') ?? x[i]!);
    });
  }
  const predictMs = performance.now() - p0;
  const q0 = performance.now();
  for (const d of current) if (d.metric === 'signed_amount') predictBaseline(baselines.get(8)!, paceFeature(d, 8));
  const pacePredictMs = performance.now() - q0;
  return { reps, repQuarters, activities, generateMs, featureMs, train, paceFitMs, predicted: current.length, predictMs, pacePredictMs, below, weekModels };
}

function print(f: Figures): void {
  out(`— ${f.reps.toLocaleString('en-US')} reps × ${QUARTERS} quarters: ${f.repQuarters.toLocaleString('en-US')} rep-quarter×metric rows, ${f.activities.toLocaleString('en-US')} activities (generate + compact ${s(f.generateMs)}, not timed below)`);
  for (const t of f.train) {
    out(`  train (${t.mode}${t.mode === 'threads' ? ` ×${THREADS}` : ''}): features ${s(f.featureMs)} + ${MODEL_WEEKS.length} week models × 2 metrics ${s(t.wallMs)} = ${s(f.featureMs + t.wallMs)} wall; week models ${s(t.cpuMs)} CPU; load average after ${t.load}`);
  }
  out(`  predict ${f.predicted.toLocaleString('en-US')} rep×metric at week 8 (features, probability, top-3 factors): ${s(f.predictMs)}; ${f.below} below 50 %`);
  out(`  baseline (pace, one-feature logistic, same rows): fit ${MODEL_WEEKS.length} weeks ${s(f.paceFitMs)}, predict ${s(f.pacePredictMs)}`);
  out(`  peak RSS so far ${peakMb()} MB`);
}

out(`load average before: ${load()} (2 cores; figures are only comparable on a quiet machine)`);
// At --baseline-reps the same rows are trained three ways in the same run: the speed-up on whatever the machine is doing now.
const small = BASELINE_REPS > 0 ? await runAt(BASELINE_REPS, ['threads', 'one thread', 'plain Newton, one thread']) : undefined;
if (small) {
  print(small);
  const [threads, inline, newton] = small.train as [TrainTiming, TrainTiming, TrainTiming];
  out(`  week models at ${BASELINE_REPS.toLocaleString('en-US')} reps vs plain Newton on one thread (before): solver ×${(newton.cpuMs / inline.cpuMs).toFixed(2)} less CPU, ×${(newton.wallMs / inline.wallMs).toFixed(2)} wall; with ${THREADS} threads ×${(newton.wallMs / threads.wallMs).toFixed(2)} wall`);
}
const big = await runAt(REPS, ['threads']);
print(big);
const train = (f: Figures) => f.featureMs + f.train[0]!.wallMs;
out(`targets at ${REPS.toLocaleString('en-US')} reps: train ${s(train(big))} (≤ 60 s) · predict ${s(big.predictMs)} (≤ 5 s) · peak RSS ${peakMb()} MB`);
if (small) out(`scaling ${BASELINE_REPS} → ${REPS} reps: train ×${(train(big) / train(small)).toFixed(1)}, predict ×${(big.predictMs / small.predictMs).toFixed(1)} (reps ×${(REPS / BASELINE_REPS).toFixed(0)})`);

/**
 * The production path at DB_REPS: the demo company's current and last quarter seeded raw (insertMany),
 * a trained model stored as the retrain job stores it (the week models above, with this database's
 * history key so nothing retrains), then WeeklyPredictions.ensure as the Friday pass calls it: read the
 * two quarters, predict every rep and metric with factors, store the documents.
 */
async function databaseLeg(weekModels: Record<string, WeekModel[]>): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'trichain-prediction-bench-'));
  const server = await startLocalMongo({ dataDir, kind: 'auto', javaInMemory: true, javaMaxHeap: '4g' });
  const conn = await mongoose.createConnection(`${server.uri.replace(/\/$/, '')}/benchprediction`).asPromise();
  try {
    const models = createModels(conn);
    await ensureIndexes(models);
    const t0 = performance.now();
    const { company, counts } = await loadDemoCompany({ models, db: conn.db!, seed: DEFAULT_SEED, size: DB_REPS, historyQuarters: 1, now, timeZone: 'Asia/Shanghai', logger: silentLogger });
    const seedMs = performance.now() - t0;
    await models.PredictionModel.create({ _id: 1, trainedAt: new Date(), asOf: now, status: 'trained', trainingQuarters: ['bench'], repQuarters: 0, historyKey: await historyKey(models, now), dimensions: dims, models: weekModels, backtest: {} });
    const weekly = new WeeklyPredictions({ models, keeper: new ModelKeeper({ models, clock: { now: () => now }, logger: silentLogger }), logger: silentLogger });
    const load0 = load();
    const p0 = performance.now();
    const r = await weekly.ensure(company.quarter._id, now, 8);
    const ms = performance.now() - p0;
    if (r.state !== 'stored' || r.status !== 'ok') throw new Error(`database leg: expected a stored model-based week, got ${JSON.stringify(r)}`);
    out(`— database path, ${DB_REPS.toLocaleString('en-US')} reps (current + last quarter: ${counts.activities.toLocaleString('en-US')} activities, ${counts.deals.toLocaleString('en-US')} deals, seeded raw in ${s(seedMs)}; ${server.kind}):`);
    out(`  WeeklyPredictions.ensure at week 8 (read, predict, factors, store ${r.rows.toLocaleString('en-US')} documents): ${s(ms)} (load average ${load0})`);
  } finally {
    await conn.close();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
if (DB_REPS > 0) await databaseLeg((small ?? big).weekModels);
out(`load average after: ${load()}`);
