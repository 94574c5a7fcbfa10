import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { loadDemoCompany } from '../../src/demo/load-demo.js';
import { silentLogger } from '../../src/logger.js';
import { ModelKeeper } from '../../src/services/prediction/model-keeper.js';
import { predictNow, predictPeople, type PredictionSet } from '../../src/services/prediction/predictor.js';
import { trainAndStore } from '../../src/services/prediction/trainer.js';
import { connectTestDb, type TestDb } from '../helpers/mongo.js';

const NOW = new Date('2026-11-26T10:00:00+08:00'); // week 8 of 2026Q4 has passed

/** The prediction read and built per slice of whole teams equals the one read all at once. */
describe('predicting per slice of reps (on the MongoDB-wire test server)', () => {
  let db: TestDb;
  let m: Models;

  beforeAll(async () => {
    db = await connectTestDb('predictionslices');
    m = createModels(db.conn);
    await ensureIndexes(m);
    await loadDemoCompany({ models: m, db: db.conn.db!, seed: 11, size: 24, now: NOW, timeZone: 'Asia/Shanghai', logger: silentLogger, chunkReps: 12, historyQuarters: 2 });
    await new ModelKeeper({ models: m, clock: { now: () => NOW }, logger: silentLogger }).ensure();
  }, 240_000);
  afterAll(async () => {
    await db.drop();
  });

  const rows = (s: PredictionSet) => (s.status === 'no-quarter' ? [] : [...s.rows].sort((a, b) => `${a.personId}|${a.metric}`.localeCompare(`${b.personId}|${b.metric}`)));

  it('gives the same rows, probabilities and factors as all at once, with more than one slice', async () => {
    const all = await predictNow(m, NOW, { week: 8, metrics: ['signed_amount', 'new_customers'] });
    expect(all.status).toBe('ok');
    const teams = new Set((await m.Person.find({ role: 'rep' }).lean()).map((p) => p.managerId));
    expect(teams.size).toBeGreaterThan(1);
    for (const size of [1, 7]) {
      const sliced = await predictNow(m, NOW, { week: 8, metrics: ['signed_amount', 'new_customers'], sliceReps: size });
      expect(sliced.status).toBe(all.status);
      expect(rows(sliced).length).toBeGreaterThan(0);
      expect(rows(sliced)).toEqual(rows(all));
      if (sliced.status !== 'no-quarter' && all.status !== 'no-quarter') expect(sliced.modelVersion).toBe(all.modelVersion);
    }
  }, 120_000);

  it('predicting some people (read with their teams) gives exactly their company-wide rows', async () => {
    const all = await predictNow(m, NOW, { week: 8, metrics: ['signed_amount', 'new_customers'] });
    // Reps with a prediction (an approved target), from two different teams for the second ask.
    const predicted = [...new Set(rows(all).map((r) => r.personId))].sort();
    const managerOf = new Map((await m.Person.find({ _id: { $in: predicted } }).lean()).map((p) => [String(p._id), p.managerId]));
    const other = predicted.find((id) => managerOf.get(id) !== managerOf.get(predicted[0]!))!;
    expect(other).toBeDefined();
    for (const ids of [[predicted[0]!], [predicted[1]!, other]]) {
      const some = await predictPeople(m, NOW, ids, { week: 8, metrics: ['signed_amount', 'new_customers'] });
      const mine = (s: PredictionSet) => rows(s).filter((r) => ids.includes(r.personId));
      expect(mine(some).length).toBeGreaterThan(0);
      expect(mine(some)).toEqual(mine(all));
    }
  }, 120_000);

  it('trains the same models and backtest read a slice of reps at a time as all at once', async () => {
    const stored = async (version: number) => {
      const d = (await m.PredictionModel.findById(version).lean())!;
      return { status: d.status, trainingQuarters: d.trainingQuarters, repQuarters: d.repQuarters, dimensions: d.dimensions, models: d.models, backtest: d.backtest };
    };
    const whole = await trainAndStore(m, NOW, silentLogger, { threads: 1, sliceReps: 100_000 });
    expect(whole.status).toBe('trained');
    // Every finished rep-quarter with an approved 签约额 target, counted here from the goals.
    const finished = (await m.Quarter.find({ endDate: { $lte: NOW } }).lean()).map((q) => String(q._id));
    const reps = new Set((await m.Person.find({ role: 'rep' }).lean()).map((p) => String(p._id)));
    const goals = await m.Goal.find({ quarterId: { $in: finished }, status: 'approved' }).lean();
    const signedGoals = goals.filter((g) => reps.has(g.ownerId) && (g.targets ?? []).some((t) => t.metric === 'signed_amount' && (t.value ?? 0) > 0));
    expect(whole.repQuarters).toBe(signedGoals.length);
    for (const sliceReps of [1, 7]) {
      const sliced = await trainAndStore(m, NOW, silentLogger, { threads: 1, sliceReps });
      expect(await stored(sliced.version)).toEqual(await stored(whole.version));
    }
  }, 120_000);

  it('above the cap trains on a share of the rep-quarters, the same share however the history is read', async () => {
    const cap = 20;
    const a = await trainAndStore(m, NOW, silentLogger, { threads: 1, sliceReps: 100_000, maxRepQuarters: cap });
    const b = await trainAndStore(m, NOW, silentLogger, { threads: 1, sliceReps: 3, maxRepQuarters: cap });
    const all = await trainAndStore(m, NOW, silentLogger, { threads: 1 });
    // A hash-chosen share of about cap / total: fewer than all, not none, and identical across the two reads.
    expect(a.repQuarters).toBeLessThan(all.repQuarters);
    expect(a.repQuarters).toBeGreaterThan(0);
    expect(b.repQuarters).toBe(a.repQuarters);
    const docs = await m.PredictionModel.find({ _id: { $in: [a.version, b.version] } }).sort({ _id: 1 }).lean();
    expect(docs[1]!.models).toEqual(docs[0]!.models);
  }, 120_000);
});
