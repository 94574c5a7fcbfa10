import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/app.js';
import { loadDemoCompany } from '../../src/demo/load-demo.js';
import type { DemoCompany } from '../../src/demo/company.js';
import { featuresAt, type PredictedMetric } from '../../src/domain/prediction/features.js';
import type { WeekModel } from '../../src/domain/prediction/model.js';
import { silentLogger } from '../../src/logger.js';
import { loadRepQuarters } from '../../src/services/prediction/rep-quarter-loader.js';
import { cardsTo, testClock } from '../helpers/report-e2e.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

// 2026Q4 began Thu 1 Oct. The company is loaded on Thu 5 Nov; the Friday report of 6 Nov 17:00 Shanghai
// (2026-W45) is the first one after five whole weeks: its predictions are week 5's, before the week-8 alert.
const LOADED = new Date('2026-11-05T02:00:00Z');
const AS_OF = new Date('2026-11-06T09:00:00Z');
const NOW = new Date('2026-11-06T09:00:30Z');
const RUN_ID = 'scheduled|2026-W45';
const METRICS: PredictedMetric[] = ['signed_amount', 'new_customers'];

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The stored model's output by hand: impute, standardise, linear score, logistic, Platt calibration. */
function scoreByHand(m: WeekModel, x: readonly number[]): number {
  let z = m.intercept;
  x.forEach((v, j) => (z += m.coef[j]! * (((Number.isFinite(v) ? v : m.impute[j]!) - m.means[j]!) / m.sds[j]!)));
  return 1 / (1 + Math.exp(-(m.calibration.a * z + m.calibration.b)));
}

async function runJob(s: Service, name: string): Promise<void> {
  const done = new Promise<void>((resolve) => s.agenda.once(`complete:${name}`, () => resolve()));
  await s.agenda.now(name);
  await done;
}

describe('the Friday pass stores each rep\'s prediction from week 4 on, and the week-5 cards show it', () => {
  let h: Harness;
  let company: DemoCompany;
  const clock = testClock(LOADED);
  /** Per metric, per rep: the probability the stored week-5 model gives, computed in this test. */
  const expected = new Map<PredictedMetric, Map<string, number>>();
  let version = 0;

  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01', PREDICTION_ALERT_WEEK: '8', PREDICTION_THRESHOLD: '0.5' }, service: { clock }, starterOrg: false });
    ({ company } = await loadDemoCompany({ models: h.service.models, db: h.service.models.Person.db.db!, fake: h.fake, seed: 3, size: 10, teamSize: 5, now: LOADED, timeZone: 'Asia/Shanghai', logger: silentLogger, chunkReps: 10, historyQuarters: 4 }));
    expect(await h.service.models.Prediction.countDocuments({})).toBe(0);
    clock.set(NOW);
    await h.service.agenda.now('weekly-report');
    await eventually(() => h.service.models.ReportRun.findById(RUN_ID).lean(), (r) => r?.status === 'done', 240_000);

    // Independent of the predictor: the stored model's week-5 coefficients applied by hand to the features
    // of each rep as of the report's cut-off.
    const model = (await h.service.models.PredictionModel.findOne({}).sort({ _id: -1 }).lean())!;
    expect(model.status).toBe('trained');
    version = model._id;
    const dims = (model.dimensions ?? []).map((x) => ({ key: x.key ?? '', name: x.name ?? '' }));
    const history = await loadRepQuarters(h.service.models, AS_OF, METRICS, { lastQuarters: 2 });
    for (const metric of METRICS) {
      const week5 = ((model.models as Record<string, WeekModel[]>)[metric] ?? []).find((w) => w.week === 5);
      const byRep = new Map<string, number>();
      if (week5) for (const d of history.data.get(metric)!.filter((x) => x.quarterId === company.quarter._id)) byRep.set(d.personId, scoreByHand(week5, featuresAt(d, 5, dims)));
      expected.set(metric, byRep);
    }
  }, 300_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('stores week 5 once per rep and metric with a target, with the model version, matching the model', async () => {
    const stored = await h.service.models.Prediction.find({ quarterId: company.quarter._id }).lean();
    expect(new Set(stored.map((p) => p.week))).toEqual(new Set([5]));
    const signed = expected.get('signed_amount')!;
    expect(signed.size).toBeGreaterThan(0);
    for (const metric of METRICS) {
      const mine = stored.filter((p) => p.metric === metric);
      expect(mine.map((p) => p.personId).sort(), metric).toEqual([...expected.get(metric)!.keys()].sort());
      for (const p of mine) {
        expect(p.modelVersion).toBe(version);
        expect(p.probability!, `${metric} ${p.personId}`).toBeCloseTo(expected.get(metric)!.get(p.personId)!, 9);
      }
    }
  });

  it("shows each rep a line per metric with the stored probability on the week-5 Friday card", async () => {
    const names = { signed_amount: '签约额', new_customers: '新客户数' } as const;
    for (const [personId, p] of expected.get('signed_amount')!) {
      const cards = cardsTo(h.fake, personId, 'weekly-report.schema');
      expect(cards, personId).toHaveLength(1);
      const progress = cards[0]!.cardParamMap.progress!;
      for (const metric of METRICS) {
        const q = metric === 'signed_amount' ? p : expected.get(metric)!.get(personId);
        if (q !== undefined) expect(progress, `${personId} ${metric}`).toContain(`**达成${names[metric]}目标的概率 ${pct(q)}**（第 5 周预测，模型 v${version}）`);
      }
      // The factors shown are the stored ones of the metric most at risk.
      const mine = await h.service.models.Prediction.find({ personId, week: 5 }).lean();
      const worst = mine.filter((d) => d.probability !== null).sort((a, b) => a.probability! - b.probability!)[0]!;
      for (const f of worst.factors as Array<{ text: string }>) expect(progress, personId).toContain(`- ${f.text}`);
    }
  });

  it("lists each manager's reps below 50 % on any metric first, lowest first", async () => {
    const lowest = new Map<string, number>();
    for (const byRep of expected.values()) for (const [id, p] of byRep) lowest.set(id, Math.min(p, lowest.get(id) ?? 1));
    for (const team of company.teams) {
      const cards = cardsTo(h.fake, team.managerId, 'team-report.schema');
      expect(cards, team.managerId).toHaveLength(1);
      const members = cards[0]!.cardParamMap.members!;
      const repIds = company.reps.filter((r) => r.managerId === team.managerId).map((r) => r.id);
      const below = repIds.filter((id) => (lowest.get(id) ?? 1) < 0.5).sort((a, b) => lowest.get(a)! - lowest.get(b)!);
      const block = members.split('\n\n')[0]!.split('\n');
      if (below.length === 0) expect(block[0], team.managerId).toContain('没有成员低于 50%');
      else {
        expect(block[0]).toBe('**达成目标的概率低于 50% 的成员**（第 5 周预测，任一指标低于即列出，低的在前）');
        const name = (id: string) => company.people.find((p) => p._id === id)!.name;
        expect(block.slice(1).map((l) => l.split(' ')[1]), team.managerId).toEqual(below.map((id) => `**${name(id)}**`));
      }
    }
  });

  it('a second pass and a retrained model leave week 5 as it was stored (first write wins)', async () => {
    const before = await h.service.models.Prediction.find({}).sort({ _id: 1 }).lean();
    await runJob(h.service, 'prediction-retrain');
    expect((await h.service.models.PredictionModel.findOne({}).sort({ _id: -1 }).lean())!._id).toBe(version + 1);
    const run = await h.service.reports.runner.requestRun({ kind: 'all', id: null }, 'hr01', company.quarter._id, 'Asia/Shanghai');
    await eventually(() => h.service.models.ReportRun.findById(run._id).lean(), (r) => r?.status === 'done', 120_000);
    const after = await h.service.models.Prediction.find({}).sort({ _id: 1 }).lean();
    expect(after.map((p) => [p._id, p.probability, p.modelVersion, p.createdAt?.getTime()])).toEqual(before.map((p) => [p._id, p.probability, p.modelVersion, p.createdAt?.getTime()]));
  }, 180_000);
});
