/**
 * Regenerates docs/examples/review-pack/: the pre-review pack (three charts, the card's text, the CSV) for
 *   - the 56-rep demo company (every rep, at T−72h before its review), and
 *   - the Maven CRM sample (../shared/data/maven-crm-sales-opportunities, 35 agents, 2017Q4), set up with
 *     scripts/maven/setup-org.ts and loaded with the deals CSV import exactly as docs/examples/maven/README.md
 *     shows (--map product=- --system maven --currency USD --rate USD=7.1),
 * on a throwaway local database, through the same builder, chart specs and renderer as the service.
 *
 *   npx tsx scripts/review-pack-examples.ts [--maven-dir ../shared/data/maven-crm-sales-opportunities]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mongoose from 'mongoose';
import { renderPng } from '../src/adapters/charts/vega-renderer.js';
import { DealStore } from '../src/adapters/mongo/deal-store.js';
import { IdentityResolver } from '../src/adapters/mongo/identity-resolver.js';
import { startLocalMongo } from '../src/adapters/mongo/local-server.js';
import { createModels, ensureIndexes, type Models } from '../src/adapters/mongo/models/index.js';
import { loadDemoCompany } from '../src/demo/load-demo.js';
import { parseColumnMap, parseRates, parseStageMap } from '../src/domain/crm/deal-csv-row.js';
import { DEFAULT_REPORT_SETTINGS } from '../src/domain/report/types.js';
import { silentLogger } from '../src/logger.js';
import { importDealsCsv } from '../src/services/deals/deal-csv-import.js';
import { ReviewPackBuilder } from '../src/services/review-pack/pack-builder.js';
import { PACK_CHART_SCALE, packChartSpecs } from '../src/services/review-pack/pack-sender.js';
import { PRE_REVIEW_MS } from '../src/services/review-pack/review-pack-service.js';
import { ReportBuilder } from '../src/services/weekly-report/report-builder.js';
import { MAVEN_REVIEW_AT, setupMavenOrg } from './maven/setup-org.js';

const OUT = 'docs/examples/review-pack';
const argDir = process.argv.indexOf('--maven-dir');
// From the main checkout the shared data is ../shared; from a worktree under /work/wt, ../../shared.
const MAVEN_DIR = resolve(
  argDir > 0 ? process.argv[argDir + 1]! : (['../shared', '../../shared'].map((p) => `${p}/data/maven-crm-sales-opportunities`).find((p) => existsSync(p)) ?? '../shared/data/maven-crm-sales-opportunities'),
);
const USD_RATE = 7.1;

async function writePack(models: Models, name: string, quarterId: string, team: { managerId: string; managerName: string }, memberIds: string[], asOf: Date, reviewAt: Date): Promise<void> {
  const reports = new ReportBuilder(models, DEFAULT_REPORT_SETTINGS, { weekday: 5, time: '17:00' });
  const builder = new ReviewPackBuilder(models, (q) => reports.settingsFor(q));
  const q = (await builder.quarter(quarterId))!;
  const built = await builder.build(q, team, { asOf, reviewAt, preview: false, memberIds });
  if (!built.ok) throw new Error(`${name}: ${built.problem.zh}`);
  const dir = join(OUT, name);
  mkdirSync(dir, { recursive: true });
  for (const c of packChartSpecs(built.pack)) writeFileSync(join(dir, c.filename), await renderPng(c.spec, { scale: PACK_CHART_SCALE }));
  writeFileSync(join(dir, 'pack.csv'), built.pack.csv.text);
  const v = built.pack.cardValues;
  writeFileSync(
    join(dir, 'card.md'),
    [`### ${v.title}`, '**偏差归因：哪一环断了**', String(v.attribution), '---', '**值得讨论的对比**', String(v.contrasts), '---', '**前 25% 与后 25% 差在哪里**', String(v.quartiles), '---', String(v.footer), '',
      '![目标 vs 实际](goal-vs-actual.png)', '![投入 vs 转化](input-vs-conversion.png)', '![团队排名](team-ranking.png)', ''].join('\n\n'),
  );
  process.stdout.write(`${name}: ${memberIds.length} reps → ${dir} (load ${Math.round(built.ms.load)} ms, compute ${Math.round(built.ms.compute)} ms)\n`);
}

const dataDir = await mkdtemp(join(tmpdir(), 'trichain-pack-example-'));
const server = await startLocalMongo({ dataDir, kind: 'auto', javaInMemory: true });
try {
  // The demo company, as the simulator loads it (seed 1, 56 reps), at T−72h before its review.
  {
    const conn = await mongoose.createConnection(`${server.uri.replace(/\/$/, '')}/demo`).asPromise();
    const models = createModels(conn);
    await ensureIndexes(models);
    const probeNow = new Date('2026-12-01T02:00:00Z');
    await loadDemoCompany({ models, db: conn.db!, seed: 1, size: 56, now: probeNow, timeZone: 'Asia/Shanghai', logger: silentLogger });
    const q = (await models.Quarter.findOne({}).lean())!;
    const asOf = new Date(q.reviewAt.getTime() - PRE_REVIEW_MS);
    const director = (await models.Person.findOne({ role: 'manager', managerId: null }).lean())!;
    const reps = (await models.Person.find({ role: 'rep', isActive: true }, { _id: 1 }).lean()).map((p) => String(p._id));
    await writePack(models, 'demo-56', q._id, { managerId: String(director._id), managerName: director.name }, reps, asOf, q.reviewAt);
    await conn.close();
  }
  // The Maven export, loaded the documented way.
  {
    const conn = await mongoose.createConnection(`${server.uri.replace(/\/$/, '')}/maven`).asPromise();
    const models = createModels(conn);
    await ensureIndexes(models);
    const org = await setupMavenOrg(models, MAVEN_DIR, USD_RATE);
    const map = parseColumnMap('product=-');
    const stages = parseStageMap('');
    const rates = parseRates(`USD=${USD_RATE}`);
    if (!map.ok || !stages.ok || !rates.ok) throw new Error('options');
    const r = await importDealsCsv({
      file: join(MAVEN_DIR, 'sales_pipeline.csv'),
      store: new DealStore(models, 'Asia/Shanghai', () => new Date()),
      identity: new IdentityResolver(models),
      row: { zone: 'Asia/Shanghai', stages: stages.stages, rates: rates.rates, defaultCurrency: 'USD', ownerSystem: 'maven' },
      columnMap: map.map,
      source: 'maven',
    });
    if (!r.stored) throw new Error(`maven import: ${JSON.stringify(r.errors.slice(0, 5))} ${r.headerErrors.join('; ')}`);
    const asOf = new Date(MAVEN_REVIEW_AT.getTime() - PRE_REVIEW_MS);
    await writePack(models, 'maven-2017q4', org.quarterId, { managerId: 'mv-hr', managerName: 'Maven 全公司' }, org.reps.map((x) => x.id), asOf, MAVEN_REVIEW_AT);
    await conn.close();
  }
} finally {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
}
