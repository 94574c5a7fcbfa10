import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DingTalkOrgSource } from '../../src/adapters/dingtalk/org-source.js';
import { DingTalkOpenApi } from '../../src/adapters/dingtalk/openapi-client.js';
import { TokenProvider } from '../../src/adapters/dingtalk/token-provider.js';
import { HttpClient } from '../../src/adapters/http/http-client.js';
import { createRateLimiter } from '../../src/adapters/http/rate-limiter.js';
import { AuditRepository } from '../../src/adapters/mongo/audit-repository.js';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { FakeDingTalk } from '../../src/fake-dingtalk/fake-dingtalk.js';
import { starterOrg } from '../../src/fake-dingtalk/starter-org.js';
import { silentLogger } from '../../src/logger.js';
import { OrgSync } from '../../src/services/org-sync.js';
import { connectTestDb, type TestDb } from '../helpers/mongo.js';

/** Org sync against the fake DingTalk's contact API and the test database. */
describe('org sync', () => {
  let fake: FakeDingTalk;
  let db: TestDb;
  let models: Models;
  let now = new Date('2026-10-01T00:00:00Z');
  let sync: OrgSync;

  beforeEach(async () => {
    fake = await new FakeDingTalk().start();
    fake.org.load(starterOrg());
    db = await connectTestDb('org_sync');
    models = createModels(db.conn);
    await ensureIndexes(models);
    const http = new HttpClient({ timeoutMs: 2000, maxRetries: 1, baseDelayMs: 10, maxDelayMs: 20 });
    const api = new DingTalkOpenApi({
      apiBase: fake.baseUrl,
      oapiBase: fake.baseUrl,
      robotCode: fake.robotCode,
      http,
      tokens: new TokenProvider(http, { apiBase: fake.baseUrl, clientId: fake.clientId, clientSecret: fake.clientSecret }),
      sendLimiter: createRateLimiter(1000),
      logger: silentLogger,
    });
    const clock = { now: () => now };
    sync = new OrgSync({ models, source: new DingTalkOrgSource(api, silentLogger), hrUserIds: ['hr01'], audit: new AuditRepository(models, clock.now), clock, logger: silentLogger });
  });
  afterEach(async () => {
    await db.drop();
    await fake.stop();
  });

  const person = (id: string) => models.Person.findById(id).lean();

  it('reads every department and user, derives managers (with the dept-leader fallback) and roles', async () => {
    const r = await sync.run();
    expect(r).toMatchObject({ users: 8, added: 8, updated: 0, deactivated: [] });
    const people = await models.Person.find().sort({ _id: 1 }).lean();
    expect(Object.fromEntries(people.map((p) => [p._id, [p.managerId, p.role]]))).toEqual({
      dir01: [null, 'manager'],
      hr01: [null, 'hr'],
      mgr01: ['dir01', 'manager'],
      mgr02: ['dir01', 'manager'],
      rep01: ['mgr01', 'rep'],
      rep02: ['mgr01', 'rep'],
      rep03: ['mgr02', 'rep'],
      rep04: ['mgr02', 'rep'], // no 直属主管 set: the leader of 华南二组
    });
    expect((await person('rep04'))!.deptNames).toEqual(['华南二组']);
    // user/get once per person; the list APIs don't return managers.
    expect(fake.callsTo('org.user.get')).toHaveLength(8);
    expect(fake.callsTo('org.dept.listsub').length).toBe(fake.org.depts.size);
  });

  it('counts as "updated" only people whose stored fields change (12.8)', async () => {
    await sync.run();
    expect(await sync.run()).toMatchObject({ added: 0, updated: 0 });
    fake.org.users.get('rep03')!.title = '高级销售';
    expect(await sync.run()).toMatchObject({ added: 0, updated: 1 });
  });

  it('keeps history when someone changes manager or leaves; their goals stay', async () => {
    await sync.run();
    await models.Goal.create({ quarterId: '2026Q4', ownerId: 'rep02', managerId: 'mgr01', status: 'approved', targets: [{ metric: 'signed_amount', value: 800_000 }] });
    now = new Date('2026-11-01T00:00:00Z');
    fake.org.users.get('rep01')!.managerUserId = 'mgr02';
    fake.org.users.get('rep02')!.active = false;
    const r = await sync.run();
    expect(r.managerChanges).toEqual([{ id: 'rep01', from: 'mgr01', to: 'mgr02' }]);
    expect(r.deactivated).toEqual(['rep02']);

    const moved = await person('rep01');
    expect(moved!.managerId).toBe('mgr02');
    expect(moved!.managerHistory.map((s) => [s.managerId, s.from.toISOString(), s.to?.toISOString() ?? null])).toEqual([
      ['mgr01', '2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
      ['mgr02', '2026-11-01T00:00:00.000Z', null],
    ]);
    const left = await person('rep02');
    expect(left).toMatchObject({ isActive: false, managerId: 'mgr01' });
    expect(left!.leftAt!.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(await models.Goal.countDocuments({ ownerId: 'rep02' })).toBe(1);
    const audit = await models.AuditLog.find({ entity: 'person' }).sort({ action: 1 }).lean();
    expect(audit.map((a) => [a.action, a.entityId])).toEqual([
      ['person.deactivated', 'rep02'],
      ['person.manager_changed', 'rep01'],
    ]);

    // Coming back reactivates them with a new span; a third run with no change writes no new history.
    fake.org.users.get('rep02')!.active = true;
    now = new Date('2026-11-15T00:00:00Z');
    await sync.run();
    expect(await person('rep02')).toMatchObject({ isActive: true, leftAt: null });
    expect((await person('rep02'))!.managerHistory).toHaveLength(2);
    await sync.run();
    expect((await person('rep01'))!.managerHistory).toHaveLength(2);
  });

  it('a failing DingTalk call aborts the sync without deactivating anyone', async () => {
    await sync.run();
    fake.injectFault({ match: 'org.user.get', status: 500, times: 100 });
    await expect(sync.run()).rejects.toThrow();
    expect(await models.Person.countDocuments({ isActive: true })).toBe(8);
  });

  it('two syncs at once in one process share one run', async () => {
    const [a, b] = await Promise.all([sync.run(), sync.run()]);
    expect(a).toBe(b);
    expect(fake.callsTo('org.user.get')).toHaveLength(8);
  });

  it('fetches someone on first contact before any sync, with a provisional role', async () => {
    const p = await sync.ensurePerson('rep04');
    expect(p).toMatchObject({ _id: 'rep04', name: '孙强', managerId: 'mgr02', role: 'rep', isActive: true });
    expect(await sync.ensurePerson('nobody')).toBeNull();
    // The next full sync completes the picture without duplicating the person or their history.
    await sync.run();
    expect((await person('rep04'))!.managerHistory).toHaveLength(1);
  });
});
