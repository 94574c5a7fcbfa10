/**
 * Database size per rep per year, from the demo company (docs/deploy.md). Generates a finished quarter
 * (seeded, reproducible), measures the BSON size of what the service stores per rep, and scales to a
 * year. Sizes only (no timings), so a busy machine doesn't change the figures.
 *
 *   npx tsx scripts/deploy-sizing.ts [--reps=56]
 */
import { BSON } from 'mongodb';
import { generateCompany } from '../src/demo/company.js';
import { quarterChunks } from '../src/demo/rep-quarter.js';

const reps = Number(process.argv.find((a) => a.startsWith('--reps='))?.slice(7) ?? 56);
const now = new Date('2026-11-20T04:00:00Z');
const probe = generateCompany({ seed: 20_260_101, size: reps, now });
const company = generateCompany({ seed: 20_260_101, size: reps, now, until: new Date(probe.quarter.endDate) });

const size = (docs: readonly object[]) => docs.reduce((n, d) => n + BSON.calculateObjectSize(d as BSON.Document), 0);
let activities = 0;
let activityBytes = 0;
let deals = 0;
let dealBytes = 0;
for (const chunk of quarterChunks(company, 25)) {
  // Stored documents also carry _id, createdAt, updatedAt, counted/reasons and ruleVersion.
  const stored = chunk.activities.map((a) => ({ _id: new BSON.ObjectId(), ...a, counted: true, reasons: [] as string[], ruleVersion: 1, createdAt: now, updatedAt: now }));
  activities += stored.length;
  activityBytes += size(stored);
  const storedDeals = chunk.deals.map((d) => ({ _id: new BSON.ObjectId(), ...d, createdAt: now, updatedAt: now }));
  deals += storedDeals.length;
  dealBytes += size(storedDeals);
}
const goalBytes = size(company.goals);
const personBytes = size(company.people);
// The Friday report: one ledger entry per rep per week (+ one team part per manager), one run per week.
const ledgerDoc = { _id: 'weekly-report|2026-W48|rep001|report', kind: 'weekly-report', period: '2026-W48', recipientId: 'rep001', part: 'report', status: 'sent', attempt: 1, claimedBy: 'host-12345-abcdef12', claimedAt: now, sentAt: now, outTrackId: 'weekly-report:2026-W48:rep001:report', createdAt: now, updatedAt: now };
const claimDoc = { _id: 'weekly-report|2026-W48|rep001|report#1', claimedBy: 'host-12345-abcdef12', at: now };
const ledgerPerRepYear = 52 * (BSON.calculateObjectSize(ledgerDoc) + BSON.calculateObjectSize(claimDoc));

const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
const perRepYear = ((activityBytes + dealBytes) / reps) * 4 + (goalBytes / reps) * 4 + ledgerPerRepYear + personBytes / reps;
console.log(`demo company: ${reps} reps, one finished quarter (${company.quarter._id})`);
console.log(`activities: ${activities} (${(activities / reps).toFixed(0)} per rep per quarter), avg ${(activityBytes / activities).toFixed(0)} B BSON`);
console.log(`deals: ${deals} (${(deals / reps).toFixed(0)} per rep per quarter), avg ${(dealBytes / deals).toFixed(0)} B BSON`);
console.log(`goals: avg ${(goalBytes / company.goals.length).toFixed(0)} B; people: avg ${(personBytes / company.people.length).toFixed(0)} B; report ledger per rep per year: ${(ledgerPerRepYear / 1024).toFixed(1)} KB`);
console.log(`documents per rep per year: ${mb(perRepYear)} MB BSON (before compression and indexes)`);
for (const n of [100, 1000, 10_000]) console.log(`  ${n} reps: ${mb(perRepYear * n)} MB/year of documents`);
