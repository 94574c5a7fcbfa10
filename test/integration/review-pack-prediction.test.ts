import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CardTemplates } from '../../src/adapters/cards/template-store.js';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { DEFAULT_REPORT_SETTINGS } from '../../src/domain/report/types.js';
import { ReviewPackBuilder } from '../../src/services/review-pack/pack-builder.js';
import type { QuarterRecord } from '../../src/services/weekly-report/report-builder.js';
import { connectTestDb, type TestDb } from '../helpers/mongo.js';

/** The pack's "what week N predicted vs what happened", read from the stored week-N predictions. */
describe('review pack: week-N prediction vs outcome (on the MongoDB-wire test server)', () => {
  let db: TestDb;
  let m: Models;
  const asOf = new Date('2026-12-22T02:00:00Z');
  const reviewAt = new Date('2026-12-25T02:00:00Z');

  const stored = (personId: string, week: number, probability: number | null) => ({
    _id: `2026Q4|w${week}|${personId}|signed_amount`, quarterId: '2026Q4', week, personId, managerId: 'm1', metric: 'signed_amount',
    probability, modelVersion: probability === null ? null : 2, thin: probability === null, target: 400_000, achieved: 150_000, paceProjected: 243_750,
    factors: [], asOf: new Date('2026-11-26T00:00:00Z'),
  });

  beforeAll(async () => {
    db = await connectTestDb('packprediction');
    m = createModels(db.conn);
    await ensureIndexes(m);
    await m.Quarter.create({
      _id: '2026Q4',
      startDate: new Date('2026-09-30T16:00:00Z'),
      endDate: new Date('2026-12-31T16:00:00Z'),
      reviewAt,
      metrics: [{ key: 'signed_amount', name: '签约额', unit: 'cny' }],
      activityTypes: [{ key: 'visit', name: '拜访' }],
    });
    await m.Person.insertMany([
      { _id: 'r1', name: '张伟', role: 'rep', managerId: 'm1' },
      { _id: 'r2', name: '刘洋', role: 'rep', managerId: 'm1' },
      { _id: 'r3', name: '陈静', role: 'rep', managerId: 'm1' },
      { _id: 'm1', name: '王磊', role: 'manager' },
    ]);
    await m.Goal.insertMany(['r1', 'r2', 'r3'].map((ownerId) => ({ quarterId: '2026Q4', ownerId, targets: [{ metric: 'signed_amount', value: 400_000 }], status: 'approved' })));
    const deal = (i: number, personId: string, amountCny: number) => ({
      personId, source: 'seed', sourceId: `d${i}`, stage: 'won', isWon: true, isClosed: true, quarterId: '2026Q4', amountCny, closeDate: new Date('2026-12-10T00:00:00Z'), isoWeek: '2026-W50',
    });
    await m.Deal.insertMany([deal(1, 'r1', 440_000), deal(2, 'r2', 200_000)]);
    await m.Prediction.insertMany([
      stored('r1', 8, 0.3), // predicted a miss, reached 110%
      stored('r2', 8, null), // thin history: the pace projection only
      stored('r3', 6, 0.9), // week 6 is not week 8: r3 has 无预测
    ]);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('shows each rep the week-8 prediction next to the attainment, and 无预测 when none was stored', async () => {
    const builder = new ReviewPackBuilder(m, () => DEFAULT_REPORT_SETTINGS, { alertWeek: 8, threshold: 0.5 });
    const q = (await builder.quarter('2026Q4')) as QuarterRecord;
    const built = await builder.build(q, { managerId: 'm1', managerName: '王磊' }, { asOf, reviewAt, preview: false });
    if (!built.ok) throw new Error(built.problem.zh);
    const v = built.pack.cardValues;
    expect(v.predictedTitle).toBe('**第 8 周预测 vs 实际**');
    const lines = String(v.predicted).split('\n');
    // Attainment from the figures module: 440k / 400k = 110 %, 200k / 400k = 50 %, 0.
    expect(lines).toEqual([
      '- **张伟**：预测 30%（低于阈值） → 达成 110%（已达成）',
      '- **刘洋**：历史数据不足，按节奏推算 24.4万（不是预测） → 达成 50%（未达成）',
      '- **陈静**：无预测 → 达成 0%（未达成）',
    ]);
    const rows = built.pack.csv.text.replace(/^\uFEFF/, '').trim().split('\r\n').map((r) => r.split(','));
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    expect(col('第8周预测达成概率')).toBeGreaterThan(0);
    const byId = new Map(rows.slice(1).map((r) => [r[2], r]));
    expect(byId.get('r1')![col('第8周预测达成概率')]).toBe('30.0%');
    expect(byId.get('r2')![col('第8周预测达成概率')]).toBe('历史数据不足');
    expect(byId.get('r3')![col('第8周预测达成概率')]).toBe('无预测');
    expect(byId.get('r1')![col('第8周预测 vs 实际')]).toBe('30% → 达成 110%（已达成）');
    // The card template takes the new section.
    const card = new CardTemplates().instance('review-pack', 'rp:test', v);
    expect(card.cardParamMap.predicted).toContain('无预测');
  });
});
