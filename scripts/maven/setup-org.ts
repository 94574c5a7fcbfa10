/**
 * Sets up the Maven CRM sample (../shared/data/maven-crm-sales-opportunities, fictional, 2017, USD) as a
 * company in our database: the 6 managers and 35 agents as people (reporting lines from sales_teams.csv),
 * an HR person, the mapping table entries `maven:<agent name>` → person (so the deals CSV loads unedited
 * with `--system maven`), and one quarter, 2017Q4, with every agent's goal.
 *
 * Target choice (documented in docs/examples/maven/README.md): signed amount = the agent's won amount in
 * the previous quarter (2017Q3) × 1.1, rounded up to 10,000 yuan at the given USD rate; new customers =
 * the accounts the agent won in 2017Q3 for the first time (at least 1). An agent with no 2017Q3 history
 * (the five with no deals at all) gets no goal: the pack shows them as "未设目标".
 *
 *   MONGODB_URI=mongodb://127.0.0.1:PORT/trichain npx tsx scripts/maven/setup-org.ts <dir> [--rate 7.1]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Models } from '../../src/adapters/mongo/models/index.js';
import { parseDateInZone } from '../../src/domain/activity/timestamps.js';
import { quarterOf } from '../../src/domain/time/calendar.js';

export const MAVEN_QUARTER = '2017Q4';
const ZONE = 'Asia/Shanghai';
/** The review meeting: Monday after the quarter, 14:00 Shanghai. */
export const MAVEN_REVIEW_AT = new Date('2018-01-08T06:00:00Z');

export const slug = (name: string) => `mv-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;

export interface MavenOrg {
  hrId: string;
  managers: Array<{ id: string; name: string }>;
  reps: Array<{ id: string; name: string; managerId: string; region: string }>;
  quarterId: string;
}

export async function setupMavenOrg(models: Models, dir: string, usdRate: number): Promise<MavenOrg> {
  const teams = parse(readFileSync(join(dir, 'sales_teams.csv')), { columns: true, bom: true, skip_empty_lines: true }) as Array<{ sales_agent: string; manager: string; regional_office: string }>;
  const pipeline = parse(readFileSync(join(dir, 'sales_pipeline.csv')), { columns: true, bom: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const managers = [...new Set(teams.map((t) => t.manager))].map((name) => ({ id: slug(name), name }));
  const reps = teams.map((t) => ({ id: slug(t.sales_agent), name: t.sales_agent, managerId: slug(t.manager), region: t.regional_office }));
  const hrId = 'mv-hr';
  const people = [
    { _id: hrId, name: 'Maven HR', role: 'hr', managerId: null },
    ...managers.map((m) => ({ _id: m.id, name: m.name, role: 'manager', managerId: null, deptNames: [] })),
    ...reps.map((r) => ({ _id: r.id, name: r.name, role: 'rep', managerId: r.managerId, deptNames: [r.region] })),
  ];
  for (const p of people) await models.Person.updateOne({ _id: p._id }, { $set: { ...p, isActive: true, source: 'seed' } }, { upsert: true });
  for (const r of reps) {
    await models.UserMapping.updateOne(
      { _id: `maven:${r.name}` },
      { $set: { system: 'maven', externalId: r.name, personId: r.id, createdBy: hrId, createdAt: new Date() } },
      { upsert: true },
    );
  }

  const q = quarterOf(new Date('2017-11-15T00:00:00Z'), ZONE);
  await models.Quarter.updateOne(
    { _id: q.id },
    {
      $set: {
        startDate: q.start,
        endDate: q.end,
        reviewAt: MAVEN_REVIEW_AT,
        timeZone: ZONE,
        metrics: [
          { key: 'signed_amount', name: '签约额', unit: 'cny' },
          { key: 'new_customers', name: '新客户', unit: 'count' },
        ],
        activityTypes: [{ key: 'visit', name: '拜访' }],
        status: 'active',
      },
    },
    { upsert: true },
  );

  // History: 2017Q3 won deals per agent, and each account's first won deal (for "new" accounts).
  const firstWon = new Map<string, number>();
  const won = pipeline
    .filter((r) => r.deal_stage === 'Won' && r.close_date)
    .map((r) => ({ agent: r.sales_agent!, account: r.account ?? '', at: parseDateInZone(r.close_date!, ZONE)!, value: Number(r.close_value) }));
  for (const w of [...won].sort((a, b) => a.at.getTime() - b.at.getTime())) if (w.account && !firstWon.has(`${w.agent}|${w.account}`)) firstWon.set(`${w.agent}|${w.account}`, w.at.getTime());
  const q3 = quarterOf(new Date('2017-08-15T00:00:00Z'), ZONE);
  for (const r of reps) {
    const mine = won.filter((w) => w.agent === r.name && w.at >= q3.start && w.at < q3.end);
    if (mine.length === 0) continue;
    const signed = Math.ceil((mine.reduce((s, w) => s + w.value, 0) * usdRate * 1.1) / 10_000) * 10_000;
    const newAccounts = new Set(mine.filter((w) => firstWon.get(`${w.agent}|${w.account}`) === w.at.getTime()).map((w) => w.account)).size;
    await models.Goal.updateOne(
      { quarterId: q.id, ownerId: r.id },
      { $set: { managerId: r.managerId, status: 'approved', targets: [{ metric: 'signed_amount', value: signed }, { metric: 'new_customers', value: Math.max(1, newAccounts) }] } },
      { upsert: true },
    );
  }
  return { hrId, managers, reps, quarterId: q.id };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { default: mongoose } = await import('mongoose');
  const { createModels, ensureIndexes } = await import('../../src/adapters/mongo/models/index.js');
  const dir = process.argv[2];
  const rateArg = process.argv.indexOf('--rate');
  const rate = rateArg > 0 ? Number(process.argv[rateArg + 1]) : 7.1;
  if (!dir || !process.env.MONGODB_URI || !(rate > 0)) {
    process.stderr.write('用法：MONGODB_URI=… npx tsx scripts/maven/setup-org.ts <maven 目录> [--rate 7.1]\n');
    process.exit(1);
  }
  const conn = await mongoose.createConnection(process.env.MONGODB_URI).asPromise();
  const models = createModels(conn);
  await ensureIndexes(models);
  const org = await setupMavenOrg(models, dir, rate);
  process.stdout.write(`已建立：${org.managers.length} 位经理、${org.reps.length} 位销售、季度 ${org.quarterId}（复盘 ${MAVEN_REVIEW_AT.toISOString()}）。\n`);
  await conn.close();
}
