import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { DEFAULT_REPORT_SETTINGS } from '../../src/domain/report/types.js';
import { ReviewPackBuilder } from '../../src/services/review-pack/pack-builder.js';
import type { QuarterRecord } from '../../src/services/weekly-report/report-builder.js';
import { connectTestDb, type TestDb } from '../helpers/mongo.js';

/** The goal link's history: signed amount per quarter over the four quarters before the review quarter. */
describe('review pack: reps\' own history for the goal link', () => {
  let db: TestDb;
  let models: Models;
  beforeAll(async () => {
    db = await connectTestDb('packhistory');
    Object.assign(db.conn.config, { autoCreate: false, autoIndex: false });
    models = createModels(db.conn);
    await ensureIndexes(models);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('averages won amounts over the past quarters the company sold in, ignoring lost, deleted and older deals', async () => {
    const deal = (id: string, personId: string, quarterId: string, amountCny: number, extra: Record<string, unknown> = {}) => ({
      personId, source: 'seed', sourceId: id, stage: 'won', amountCny, isWon: true, isClosed: true, quarterId, ...extra,
    });
    await models.Deal.insertMany([
      deal('a1', 'a', '2026Q3', 300_000),
      deal('a2', 'a', '2026Q2', 100_000),
      deal('b1', 'b', '2026Q3', 50_000),
      deal('b2', 'b', '2026Q3', 90_000, { isWon: false, stage: 'lost' }),
      deal('b3', 'b', '2026Q2', 70_000, { deleted: true }),
      deal('a3', 'a', '2025Q3', 999_000), // five quarters back: not history any more
      deal('a4', 'a', '2026Q4', 500_000), // the review quarter itself
    ]);
    const q = { _id: '2026Q4', startDate: new Date('2026-09-30T16:00:00Z'), timeZone: 'Asia/Shanghai' } as unknown as QuarterRecord;
    const h = await new ReviewPackBuilder(models, () => DEFAULT_REPORT_SETTINGS).history(q);
    expect(h.get('a')).toEqual({ avgSignedCny: 200_000 });
    expect(h.get('b')).toEqual({ avgSignedCny: 25_000 });
    expect(h.has('c')).toBe(false);
  });
});
