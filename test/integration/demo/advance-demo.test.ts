import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../../src/adapters/mongo/models/index.js';
import { advanceDemo } from '../../../src/demo/advance-demo.js';
import { loadDemoCompany } from '../../../src/demo/load-demo.js';
import { generateRepQuarter } from '../../../src/demo/rep-quarter.js';
import { silentLogger } from '../../../src/logger.js';
import { connectTestDb, type TestDb } from '../../helpers/mongo.js';

const now = new Date('2026-11-26T10:00:00+08:00'); // Thursday, week 9
const DAY = 86_400_000;

describe('the demo company keeps working as the simulated clock moves on', () => {
  let db: TestDb;
  let models: Models;
  beforeAll(async () => {
    db = await connectTestDb('demo_advance');
    models = createModels(db.conn);
    await ensureIndexes(models);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('adds the activity of the days passed and updates the deals that moved, as the finished quarter has them', { timeout: 120_000 }, async () => {
    const { company } = await loadDemoCompany({ models, db: db.conn.db!, seed: 4, size: 3, now, timeZone: 'Asia/Shanghai', logger: silentLogger, historyQuarters: 1 });
    const later = new Date(now.getTime() + 15 * DAY);
    const weeksBefore = await models.Activity.distinct('isoWeek', { quarterId: company.quarter._id });
    const first = await advanceDemo({ models, db: db.conn.db!, company, to: new Date(now.getTime() + 6 * DAY) });
    const second = await advanceDemo({ models, db: db.conn.db!, company, to: later });
    expect(first.advanced && second.advanced).toBe(true);
    expect(first.activities).toBeGreaterThan(0);
    // Nothing to do when the clock did not pass what is stored.
    expect((await advanceDemo({ models, db: db.conn.db!, company, to: later })).advanced).toBe(false);
    const weeksAfter = await models.Activity.distinct('isoWeek', { quarterId: company.quarter._id });
    expect(weeksAfter.length).toBe(weeksBefore.length + 2);

    // The database now holds, for each rep, exactly the quarter as it stood at `later` (computed from the generator directly).
    for (const rep of company.reps) {
      const expected = generateRepQuarter(company, rep, undefined, company.currentQuarter, later);
      const stored = await models.Activity.find({ personId: rep.id, quarterId: company.quarter._id }).lean();
      expect(stored.length, rep.id).toBe(expected.activities.length);
      const deals = await models.Deal.find({ personId: rep.id, sourceId: { $regex: `^OP-${rep.id}-` } }).lean();
      const byId = new Map(deals.map((d) => [d.sourceId, d]));
      expect(deals.length, rep.id).toBe(expected.deals.length);
      for (const d of expected.deals) expect(byId.get(d.sourceId), d.sourceId).toMatchObject({ stage: d.stage, isWon: d.isWon, isClosed: d.isClosed, quarterId: d.quarterId });
    }
  });
});
