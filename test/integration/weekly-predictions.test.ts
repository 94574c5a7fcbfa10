import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { silentLogger } from '../../src/logger.js';
import { ModelKeeper } from '../../src/services/prediction/model-keeper.js';
import { WeeklyPredictions } from '../../src/services/prediction/weekly-predictions.js';
import { PredictionStore, storePredictions } from '../../src/services/prediction/predictor.js';
import { ReportBuilder } from '../../src/services/weekly-report/report-builder.js';
import { repCardValues } from '../../src/domain/report/card-values.js';
import { metricValue } from '../../src/domain/report/format.js';
import { DEFAULT_REPORT_SETTINGS } from '../../src/domain/report/types.js';
import { connectTestDb, type TestDb } from '../helpers/mongo.js';

// 2026Q4 from Thu 1 Oct (Shanghai). Fri 23 Oct 17:00 is three whole weeks in; Fri 30 Oct 17:00 is four.
const START = new Date('2026-09-30T16:00:00Z');
const WEEK3 = new Date('2026-10-23T09:00:00Z');
const WEEK4 = new Date('2026-10-30T09:00:00Z');
const DAY = 86_400_000;

/** A company with no finished quarter: the weekly store keeps the pace projection, labelled thin. */
describe('weekly predictions on a company without history (on the MongoDB-wire test server)', () => {
  let db: TestDb;
  let m: Models;
  let now = WEEK3;
  let weekly: WeeklyPredictions;

  beforeAll(async () => {
    db = await connectTestDb('weeklypredictions');
    m = createModels(db.conn);
    await ensureIndexes(m);
    await m.Quarter.create({
      _id: '2026Q4',
      startDate: START,
      endDate: new Date('2026-12-31T16:00:00Z'),
      reviewAt: new Date('2026-12-25T02:00:00Z'),
      metrics: [
        { key: 'signed_amount', name: '签约额', unit: 'cny' },
        { key: 'new_customers', name: '新客户数', unit: 'count' },
      ],
      activityTypes: [{ key: 'visit', name: '拜访' }],
    });
    await m.Person.insertMany([
      { _id: 'r1', name: '张伟', role: 'rep', managerId: 'm1', isActive: true },
      { _id: 'r2', name: '刘洋', role: 'rep', managerId: 'm1', isActive: true },
      { _id: 'm1', name: '王磊', role: 'manager', isActive: true },
    ]);
    await m.Goal.insertMany([
      { quarterId: '2026Q4', ownerId: 'r1', targets: [{ metric: 'signed_amount', value: 1_300_000 }, { metric: 'new_customers', value: 13 }], status: 'approved' },
      { quarterId: '2026Q4', ownerId: 'r2', targets: [{ metric: 'signed_amount', value: 650_000 }], status: 'approved' },
    ]);
    // r1 signed 200,000 with two new customers in the first four weeks; one deal after week 4 must not count.
    const deal = (i: number, amountCny: number, closeDate: Date, accountId: string) => ({
      personId: 'r1', source: 'seed', sourceId: `d${i}`, stage: 'won', isWon: true, isClosed: true, isNewCustomer: true, quarterId: '2026Q4', amountCny, accountId,
      openedDate: new Date(START.getTime() - 20 * DAY), closeDate, isoWeek: '2026-W42',
    });
    await m.Deal.insertMany([deal(1, 120_000, new Date(START.getTime() + 10 * DAY), 'a1'), deal(2, 80_000, new Date(START.getTime() + 20 * DAY), 'a2'), deal(3, 500_000, new Date(START.getTime() + 29 * DAY), 'a3')]);
    const keeper = new ModelKeeper({ models: m, clock: { now: () => now }, logger: silentLogger });
    weekly = new WeeklyPredictions({ models: m, keeper, logger: silentLogger });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('stores nothing before week 4', async () => {
    expect(await weekly.ensure('2026Q4', WEEK3)).toEqual({ state: 'too-early', quarterId: '2026Q4', week: 3 });
    expect(await m.Prediction.countDocuments({})).toBe(0);
  });

  it('stores week 4 once per rep and metric with a target: no probability, the pace projection, the thin model version', async () => {
    now = WEEK4;
    const r = await weekly.ensure('2026Q4', WEEK4);
    expect(r).toMatchObject({ state: 'stored', week: 4, status: 'thin', rows: 3 });
    const model = (await m.PredictionModel.findOne({}).lean())!;
    expect(model.status).toBe('thin');
    const docs = await m.Prediction.find({}).sort({ _id: 1 }).lean();
    expect(docs.map((d) => d._id)).toEqual(['2026Q4|w4|r1|new_customers', '2026Q4|w4|r1|signed_amount', '2026Q4|w4|r2|signed_amount']);
    for (const d of docs) expect(d).toMatchObject({ probability: null, thin: true, modelVersion: model._id, factors: [] });
    // Pace, computed here: achieved by the end of week 4 × 13 weeks ÷ 4 weeks.
    const weeks = (new Date('2026-12-31T16:00:00Z').getTime() - START.getTime()) / (7 * DAY);
    const r1 = docs.find((d) => d._id === '2026Q4|w4|r1|signed_amount')!;
    expect(r1.achieved).toBe(200_000);
    expect(r1.paceProjected).toBeCloseTo((200_000 * weeks) / 4, 6);
    expect(docs.find((d) => d._id === '2026Q4|w4|r1|new_customers')!.achieved).toBe(2);

    // The Friday card shows it as stored: 历史数据不足 and the pace projection, labelled, per metric.
    const builder = new ReportBuilder(m, DEFAULT_REPORT_SETTINGS, { weekday: 5, time: '17:00' });
    const built = await builder.build((await builder.quarter('2026Q4'))!, WEEK4);
    const progress = repCardValues(built.reports.find((x) => x.personId === 'r1')!, undefined).progress as string;
    expect(progress).toContain('**达成目标的概率**：历史数据不足，暂无预测（第 4 周）');
    expect(progress).toContain(`- 按当前节奏推算季末签约额 ${metricValue(r1.paceProjected, 'cny')} / 目标 ${metricValue(1_300_000, 'cny')}（按节奏推算，不是预测）`);
    expect(progress).toContain('按当前节奏推算季末新客户数');
    expect(progress).not.toMatch(/概率 \d+%/);
  });

  it('a second call stores nothing new', async () => {
    const before = await m.Prediction.find({}).sort({ _id: 1 }).lean();
    expect((await weekly.ensure('2026Q4', new Date(WEEK4.getTime() + 3600_000))).state).toBe('stored-before');
    expect(await m.Prediction.find({}).sort({ _id: 1 }).lean()).toEqual(before);
  });
});

/** The store writes in chunks (so the Friday pass's event loop keeps turning); every row still lands once. */
describe('storePredictions in chunks (on the MongoDB-wire test server)', () => {
  let db: TestDb;
  let m: Models;
  beforeAll(async () => {
    db = await connectTestDb('storechunks');
    m = createModels(db.conn);
    await ensureIndexes(m);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('stores every row of a set larger than a chunk, each metric complete, and a repeat changes nothing', async () => {
    const metrics = ['signed_amount', 'new_customers'] as const;
    const rows = metrics.flatMap((metric) =>
      Array.from({ length: 300 }, (_, i) => ({ personId: `p${i}`, name: `p${i}`, managerId: null, metric, probability: null, target: 100 + i, achieved: i, paceProjected: 2 * i, factors: [] })),
    );
    const set = { status: 'thin' as const, quarterId: '2026Q4', week: 5, asOf: new Date('2026-11-06T09:00:00Z'), modelVersion: null, trainingQuarters: [], repQuarters: 0, rows };
    await storePredictions(m, set);
    await storePredictions(m, { ...set, rows: rows.map((r) => ({ ...r, target: 1 })) });
    for (const metric of metrics) {
      const stored = await m.Prediction.find({ quarterId: '2026Q4', week: 5, metric }).lean();
      expect(stored).toHaveLength(300);
      // First write wins: the repeat with other targets changed nothing.
      expect(stored.reduce((s, r) => s + (r.target as number), 0)).toBe(300 * 100 + (299 * 300) / 2);
    }
  });

  it('part by part (a slice at a time): the week reads as stored only after finish(), then holds every row once', async () => {
    const metrics = ['signed_amount', 'new_customers'] as const;
    const part = (from: number) => ({
      status: 'thin' as const, quarterId: '2026Q4', week: 6, asOf: new Date('2026-11-13T09:00:00Z'), modelVersion: null, trainingQuarters: [], repQuarters: 0,
      rows: metrics.flatMap((metric) => Array.from({ length: 260 }, (_, i) => ({ personId: `p${from + i}`, name: `p${from + i}`, managerId: null, metric, probability: from + i === 5 ? 0.4 : null, target: 1, achieved: 0, paceProjected: 0, factors: [] }))),
    });
    const store = new PredictionStore(m);
    await store.add(part(0));
    await store.add(part(260));
    // A crash here: no metric has its first row yet, so WeeklyPredictions.ensure writes the week again.
    expect(await m.Prediction.distinct('metric', { quarterId: '2026Q4', week: 6, personId: 'p0' })).toEqual([]);
    expect(await m.Prediction.countDocuments({ quarterId: '2026Q4', week: 6 })).toBe(2 * 520 - 2);
    await store.finish();
    expect(store.rows).toBe(2 * 520);
    expect(store.withProbability).toBe(2);
    for (const metric of metrics) expect(await m.Prediction.countDocuments({ quarterId: '2026Q4', week: 6, metric })).toBe(520);
    expect((await m.Prediction.findById('2026Q4|w6|p5|signed_amount').lean())?.probability).toBe(0.4);
  });
});
