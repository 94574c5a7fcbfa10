import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModels, ensureIndexes, type Models } from '../../../src/adapters/mongo/models/index.js';
import { loadDemoCompany, startDemoLoad } from '../../../src/demo/load-demo.js';
import { FakeDingTalk } from '../../../src/fake-dingtalk/fake-dingtalk.js';
import { silentLogger } from '../../../src/logger.js';
import { connectTestDb, type TestDb } from '../../helpers/mongo.js';

const now = new Date('2026-11-26T10:00:00+08:00');

describe('loading the demo company', () => {
  let db: TestDb;
  let models: Models;
  beforeAll(async () => {
    db = await connectTestDb('demo_load');
    models = createModels(db.conn);
    await ensureIndexes(models);
  });
  afterAll(async () => {
    await db.drop();
  });

  const load = (fake?: FakeDingTalk, over: { seed?: number; size?: number } = {}) =>
    loadDemoCompany({ models, db: db.conn.db!, seed: over.seed ?? 7, size: over.size ?? 6, now, timeZone: 'Asia/Shanghai', logger: silentLogger, chunkReps: 5, historyQuarters: 2, ...(fake ? { fake } : {}) });

  it('inserts everything once, in bulk, and fills the stand-in org', async () => {
    const fake = new FakeDingTalk();
    const first = await load(fake);
    expect(first.inserted).toBe(true);
    expect(await models.Person.countDocuments()).toBe(first.counts.people);
    expect(await models.Goal.countDocuments()).toBe(first.counts.goals);
    expect(await models.Activity.countDocuments()).toBe(first.counts.activities);
    expect(await models.Deal.countDocuments()).toBe(first.counts.deals);
    expect(await models.Quarter.countDocuments()).toBe(3); // the current quarter and the two finished ones asked for
    expect(await models.Person.countDocuments({ isActive: false })).toBe(first.company.leavers.length);
    expect(await models.Goal.countDocuments({ quarterId: first.company.history[0]!.quarter._id, status: 'approved' })).toBe(first.company.history[0]!.goals.length);
    expect(await models.Deal.countDocuments({ openedDate: { $exists: false } })).toBe(0);
    expect(first.counts.activities).toBeGreaterThan(1000);
    expect(fake.org.users.size).toBe(first.company.people.filter((p) => p.isActive).length);
    expect(fake.org.groups.get(first.company.manifest.teamGroupId)?.memberIds).toContain(first.company.manifest.repA);

    // What mongoose reads back is what the models describe (dates, nested location, dims).
    const visit = await models.Activity.findOne({ source: 'salesforce', type: 'visit' }).lean();
    expect(visit?.startAt).toBeInstanceOf(Date);
    expect(visit?.location?.place).toBeTruthy();
    expect(visit).not.toHaveProperty('matchGroup', null);
    const rep = await models.Person.findById(first.company.manifest.repA).lean();
    expect(rep).toMatchObject({ role: 'rep', managerId: first.company.manifest.managerId, source: 'seed', isActive: true });
    expect(rep?.createdAt).toBeInstanceOf(Date);
  });

  it('leaves a loaded database alone on the next start, even with other settings, and rebuilds the same org', async () => {
    const fake = new FakeDingTalk();
    const again = await load(fake, { seed: 99, size: 30 });
    expect(again.inserted).toBe(false);
    expect(again.company.seed).toBe(7);
    expect(again.company.size).toBe(6);
    expect(await models.Person.countDocuments()).toBe(again.counts.people);
    expect(await models.Activity.countDocuments()).toBe(again.counts.activities);
    expect([...fake.org.users.keys()].sort()).toEqual(again.company.people.filter((p) => p.isActive).map((p) => p._id).sort());
  });

  it('resumes a load that stopped half-way without duplicating anything', async () => {
    const before = await models.Activity.countDocuments();
    await db.conn.db!.collection('demo_meta').updateOne({ _id: 'company' as never }, { $set: { status: 'loading' } });
    await models.Activity.deleteMany({ personId: { $in: ['rep001', 'rep002'] } });
    await models.Person.deleteMany({});
    const resumed = await load();
    expect(resumed.inserted).toBe(true);
    expect(await models.Activity.countDocuments()).toBe(before);
    expect(await models.Person.countDocuments()).toBe(resumed.counts.people);
    expect(await models.Goal.countDocuments()).toBe(resumed.counts.goals);
  });

  it('stops after the current batch on shutdown and finishes on the next start', async () => {
    await db.conn.db!.collection('demo_meta').deleteMany({});
    for (const name of ['people', 'goals', 'activities', 'deals', 'quarters']) await db.conn.db!.collection(name).deleteMany({});
    const opts = { models, db: db.conn.db!, seed: 8, size: 6, now, timeZone: 'Asia/Shanghai', logger: silentLogger, chunkReps: 2, historyQuarters: 0 };
    const first = await startDemoLoad(opts);
    await first.abort();
    expect(first.progress().done).toBe(false);
    expect(first.progress().error).toMatch(/aborted/);
    expect(await models.Person.countDocuments()).toBe(0); // people come last: the org is not "there" yet
    expect((await db.conn.db!.collection('demo_meta').findOne({}))?.status).toBe('loading');
    const second = await loadDemoCompany(opts);
    expect(second.inserted).toBe(true);
    expect(await models.Activity.countDocuments()).toBe(second.counts.activities);
    expect(await models.Person.countDocuments()).toBe(second.counts.people);
  });
});
