/**
 * Prediction speed and memory: train on N quarters × R reps, predict R reps.
 *
 *   npx tsx bench/prediction.ts [--reps=10000] [--quarters=4]
 *
 * Targets (issue 11): predict 10,000 reps ≤ 5 s; train on four quarters of 10,000 reps ≤ 60 s. The data
 * is the demo company, generated in memory and turned into the loader's compact rep-quarters one chunk at
 * a time (a 10,000-rep history does not fit in memory as documents). Database reading is NOT included
 * (it depends on the server); what is timed: features for every training week, the week models (penalty
 * search, calibration), and for prediction the features, probability and top-3 explanation per rep.
 */
import { DEFAULT_SEED, generateCompany, type DemoQuarter } from '../src/demo/company.js';
import { quarterChunks } from '../src/demo/rep-quarter.js';
import type { ActivityShape, DealShape } from '../src/demo/shapes.js';
import { featureDefs, featuresAt, reachedTarget, achievedBy, type RepQuarterData } from '../src/domain/prediction/features.js';
import { columnMedians, explain, predictProbability, trainWeekModel, type TrainingRow } from '../src/domain/prediction/model.js';
import { MODEL_WEEKS } from '../src/services/prediction/trainer.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const reps = Number(args.get('reps') ?? 10_000);
const quarters = Number(args.get('quarters') ?? 4);
const now = new Date('2026-11-26T10:00:00+08:00'); // week 8 of 2026Q4 has passed
const dims = [{ key: 'proposalCustomized', name: '方案定制率' }];
const keys = featureDefs(dims).map((f) => f.key);
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));

function compact(q: DemoQuarter, acts: ActivityShape[], deals: DealShape[], ids: string[], last: Map<string, number>): RepQuarterData[] {
  const target = new Map(q.goals.filter((g) => g.status === 'approved').map((g) => [g.ownerId, g.targets.find((t) => t.metric === 'signed_amount')!.value]));
  const out = new Map<string, RepQuarterData>();
  for (const id of ids) {
    const t = target.get(id);
    if (t) out.set(id, { personId: id, quarterId: q.quarter._id, startMs: q.quarter.startDate.getTime(), endMs: q.quarter.endDate.getTime(), metric: 'signed_amount', target: t, lastAttainment: last.get(id) ?? null, activities: [], deals: [] });
  }
  for (const a of acts) (out.get(a.personId)?.activities as unknown[] | undefined)?.push({ t: a.startAt.getTime(), type: a.type, counted: a.counted, merged: !!a.mergedInto, dims: a.dims.proposalCustomized === true ? ['proposalCustomized'] : [] });
  for (const d of deals) (out.get(d.personId)?.deals as unknown[] | undefined)?.push({ opened: d.openedDate.getTime(), close: d.closeDate.getTime(), closed: d.isClosed, won: d.isWon, amount: d.amountCny, isNew: d.isNewCustomer, account: d.accountId });
  return [...out.values()];
}

const t0 = performance.now();
const company = generateCompany({ seed: DEFAULT_SEED, size: reps, now, historyQuarters: quarters });
const rowsByWeek = new Map<number, TrainingRow[]>(MODEL_WEEKS.map((w) => [w, []]));
let last = new Map<string, number>();
let genMs = 0;
let featMs = 0;
let trainRepQuarters = 0;
for (const q of company.history) {
  const next = new Map<string, number>();
  for (const chunk of quarterChunks(company, 200, q)) {
    const g0 = performance.now();
    const data = compact(q, chunk.activities, chunk.deals, chunk.reps.map((r) => r.id), last);
    const f0 = performance.now();
    genMs += f0 - g0;
    for (const d of data) {
      const y = reachedTarget(d) ? 1 : 0;
      for (const w of MODEL_WEEKS) rowsByWeek.get(w)!.push({ quarterId: d.quarterId, x: featuresAt(d, w, dims), y });
      next.set(d.personId, achievedBy(d, d.endMs) / d.target);
      trainRepQuarters++;
    }
    featMs += performance.now() - f0;
    sample();
  }
  last = next;
}
const tTrain0 = performance.now();
const models = MODEL_WEEKS.map((w) => trainWeekModel(rowsByWeek.get(w)!, w, keys));
const trainMs = performance.now() - tTrain0;
sample();
rowsByWeek.clear();

// Predict today's quarter at week 8 for every rep: features, probability, team medians, top-3 factors.
const model8 = models.find((m) => m.week === 8)!;
const current: RepQuarterData[] = [];
for (const chunk of quarterChunks(company, 200)) {
  current.push(...compact(company.currentQuarter, chunk.activities, chunk.deals, chunk.reps.map((r) => r.id), last));
  sample();
}
const p0 = performance.now();
const x = current.map((d) => featuresAt(d, 8, dims));
const byTeam = new Map<string, number[][]>();
current.forEach((d, i) => {
  const m = company.reps.find((r) => r.id === d.personId)?.managerId ?? '';
  byTeam.set(m, [...(byTeam.get(m) ?? []), x[i]!]);
});
const medians = new Map([...byTeam].map(([m, rows]) => [m, columnMedians(rows)]));
const managerOf = new Map(company.reps.map((r) => [r.id, r.managerId]));
let below = 0;
current.forEach((d, i) => {
  const p = predictProbability(model8, x[i]!);
  if (p < 0.5) below++;
  explain(model8, x[i]!, medians.get(managerOf.get(d.personId) ?? '') ?? x[i]!);
});
const predictMs = performance.now() - p0;
sample();
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`reps ${reps}, training quarters ${quarters} (${trainRepQuarters} rep-quarters with targets), weeks ${MODEL_WEEKS.join(',')}`);
console.log(`generate + compact (not part of the targets): ${s(genMs)}; total wall ${s(performance.now() - t0)}`);
console.log(`train: features ${s(featMs)} + ${MODEL_WEEKS.length} week models ${s(trainMs)} = ${s(featMs + trainMs)} (target ≤ 60 s at 10,000 × 4)`);
console.log(`predict ${current.length} reps at week 8 (features, probability, top-3 factors): ${s(predictMs)} (target ≤ 5 s at 10,000); ${below} below 50 %`);
console.log(`peak RSS ${Math.round(peak / 2 ** 20)} MB`);
