/**
 * The pre-review pack at scale, split into load / compute / render:
 *   - one team of 56 reps (the 56-rep demo company, every rep in one pack; target ≤ 2 s), and
 *   - every team of a 1,000-rep demo company (one shared load, a pack per manager; target ≤ 20 s).
 *
 *   npx tsx bench/review-pack.ts [--size=1000] [--skip-large] [--skip-small] [--history=4] [--render-teams=N]
 *
 * --history: past quarters the demo companies carry (default 4, as `npm start`); they only feed the goal
 * link's history query, and seeding 4 quarters of a 1,000-rep company takes long on two cores.
 *
 * Runs on a throwaway local database (in-memory mongo-java-server). Rendering uses the same renderer and
 * scale as the service (one thread here; the service's pool renders off the event loop).
 * --render-teams renders only the first N teams of the large company (rendering dominates; the figure
 * printed is then extrapolated per team and labelled so).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { renderPng } from '../src/adapters/charts/vega-renderer.js';
import { startLocalMongo } from '../src/adapters/mongo/local-server.js';
import { createModels, ensureIndexes, type Models } from '../src/adapters/mongo/models/index.js';
import { loadDemoCompany } from '../src/demo/load-demo.js';
import { DEFAULT_REPORT_SETTINGS } from '../src/domain/report/types.js';
import { silentLogger } from '../src/logger.js';
import { ReviewPackBuilder, type TeamRef } from '../src/services/review-pack/pack-builder.js';
import { PACK_CHART_SCALE, packChartSpecs } from '../src/services/review-pack/pack-sender.js';
import { PRE_REVIEW_MS } from '../src/services/review-pack/review-pack-service.js';
import { ReportBuilder } from '../src/services/weekly-report/report-builder.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const LARGE = Number(args.get('size') ?? 1000);
const HISTORY = Number(args.get('history') ?? 4);
const RENDER_TEAMS = args.has('render-teams') ? Number(args.get('render-teams')) : Number.POSITIVE_INFINITY;
const out = (s: string) => process.stdout.write(`${s}\n`);

async function company(uri: string, db: string, size: number): Promise<{ models: Models; close: () => Promise<void>; seedMs: number }> {
  const conn = await mongoose.createConnection(`${uri.replace(/\/$/, '')}/${db}`).asPromise();
  const models = createModels(conn);
  await ensureIndexes(models);
  const t0 = performance.now();
  await loadDemoCompany({ models, db: conn.db!, seed: 1, size, historyQuarters: HISTORY, now: new Date('2026-12-01T02:00:00Z'), timeZone: 'Asia/Shanghai', logger: silentLogger });
  return { models, close: () => conn.close(), seedMs: performance.now() - t0 };
}

function builderFor(models: Models): ReviewPackBuilder {
  const reports = new ReportBuilder(models, DEFAULT_REPORT_SETTINGS, { weekday: 5, time: '17:00' });
  return new ReviewPackBuilder(models, (q) => reports.settingsFor(q));
}

async function render(pack: Parameters<typeof packChartSpecs>[0]): Promise<number> {
  const t0 = performance.now();
  for (const c of packChartSpecs(pack)) await renderPng(c.spec, { scale: PACK_CHART_SCALE });
  return performance.now() - t0;
}

const ms = (x: number) => `${Math.round(x).toLocaleString('en-US')} ms`;
const dataDir = await mkdtemp(join(tmpdir(), 'trichain-pack-bench-'));
// 4 GB: the 1,000-rep company (~0.6M documents) closes the connection at the JVM's default heap.
const server = await startLocalMongo({ dataDir, kind: 'auto', javaInMemory: true, javaMaxHeap: '4g' });
out(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(' ')} (figures are only meaningful on a quiet machine)`);
try {
  if (!args.has('skip-small')) {
    const c = await company(server.uri, 'bench56', 56);
    const models = c.models;
    const q = (await models.Quarter.findOne({}).lean())!;
    const director = (await models.Person.findOne({ role: 'manager', managerId: null }).lean())!;
    const reps = (await models.Person.find({ role: 'rep', isActive: true }, { _id: 1 }).lean()).map((p) => String(p._id));
    const asOf = new Date(q.reviewAt.getTime() - PRE_REVIEW_MS);
    const builder = builderFor(models);
    await builder.build(q as never, { managerId: String(director._id), managerName: director.name }, { asOf, reviewAt: q.reviewAt, preview: false, memberIds: reps }); // warm-up
    const b = await builder.build(q as never, { managerId: String(director._id), managerName: director.name }, { asOf, reviewAt: q.reviewAt, preview: false, memberIds: reps });
    if (!b.ok) throw new Error(b.problem.zh);
    const r = await render(b.pack);
    out(`one team of ${reps.length} reps: load ${ms(b.ms.load)} · compute ${ms(b.ms.compute)} · render 3 charts ${ms(r)} · total ${ms(b.ms.load + b.ms.compute + r)} (target ≤ 2 s)`);
    await c.close();
  }
  if (!args.has('skip-large')) {
    const c = await company(server.uri, `bench${LARGE}`, LARGE);
    const models = c.models;
    out(`seeded a ${LARGE}-rep demo company in ${ms(c.seedMs)}`);
    const q = (await models.Quarter.findOne({}).lean())!;
    const asOf = new Date(q.reviewAt.getTime() - PRE_REVIEW_MS);
    const managerIds: string[] = await models.Person.distinct('managerId', { isActive: true, role: 'rep', managerId: { $ne: null } });
    const managers = await models.Person.find({ _id: { $in: managerIds } }, { name: 1 }).lean();
    const teams: TeamRef[] = managers.map((m) => ({ managerId: String(m._id), managerName: m.name }));
    const t0 = performance.now();
    const built = await builderFor(models).buildMany(q as never, teams.map((team) => ({ team, reviewAt: q.reviewAt })), { asOf, preview: false });
    const loadCompute = performance.now() - t0;
    const load = built.reduce((s, b) => s + (b.ok ? b.ms.load : 0), 0);
    let rendered = 0;
    let renderMs = 0;
    for (const b of built) {
      if (!b.ok || rendered >= RENDER_TEAMS) continue;
      renderMs += await render(b.pack);
      rendered++;
    }
    const okTeams = built.filter((b) => b.ok).length;
    const renderAll = rendered ? (renderMs / rendered) * okTeams : 0;
    out(
      `every team of ${LARGE} reps (${okTeams} packs): load ${ms(load)} · compute ${ms(loadCompute - load)} · render ${ms(renderAll)}${rendered < okTeams ? ` (extrapolated from ${rendered} teams)` : ''} · total ${ms(loadCompute + renderAll)} (target ≤ 20 s)`,
    );
    await c.close();
  }
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
