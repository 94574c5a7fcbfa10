import { createModels, ensureIndexes, type Models } from '../../../src/adapters/mongo/models/index.js';
import { createActivityCore, type ActivityCore } from '../../../src/services/activity/activity-core.js';
import { createActivityMetrics, type ActivityMetrics } from '../../../src/services/activity/activity-metrics.js';
import type { Clock } from '../../../src/clock.js';
import { DEFAULT_RULES_TEXT } from '../../../src/domain/activity/rules/rule-model.js';
import { silentLogger } from '../../../src/logger.js';
import { createMetrics } from '../../../src/metrics.js';
import { connectTestDb, type TestDb } from '../../helpers/mongo.js';

export interface CoreFixture {
  db: TestDb;
  models: Models;
  core: ActivityCore;
  metrics: ActivityMetrics;
  clock: Clock & { set(d: Date): void };
}

/** The activity core on a fresh database of the test server, with the starter org's people in it. */
export async function coreFixture(name: string, opts: { userMap?: Map<string, string>; now?: Date } = {}): Promise<CoreFixture> {
  const db = await connectTestDb(name);
  // As the service does (connectMongo): collections and indexes come from ensureIndexes only. Mongoose's
  // own auto-create would race it, which the local server reports as an unknown error.
  Object.assign(db.conn.config, { autoCreate: false, autoIndex: false });
  const models = createModels(db.conn);
  await ensureIndexes(models);
  let now = opts.now ?? new Date('2026-11-26T09:00:00+08:00');
  const clock = { now: () => now, set: (d: Date) => (now = d) };
  const metrics = createActivityMetrics(createMetrics().registry);
  const core = createActivityCore({ models, zone: 'Asia/Shanghai', defaultRulesText: DEFAULT_RULES_TEXT, metrics, logger: silentLogger, clock, ...(opts.userMap ? { userMap: opts.userMap } : {}) });
  await seedPeople(models);
  return { db, models, core, metrics, clock };
}

/** The fake DingTalk starter org as synced people (org sync is issue 3's; tests seed it). */
export async function seedPeople(models: Models): Promise<void> {
  const people = [
    { _id: 'hr01', name: '周敏', role: 'hr', managerId: null, email: 'zhou.min@example.com' },
    { _id: 'dir01', name: '陈建国', role: 'manager', managerId: null, email: 'chen.jianguo@example.com' },
    { _id: 'mgr01', name: '王磊', role: 'manager', managerId: 'dir01', email: 'wang.lei@example.com' },
    { _id: 'mgr02', name: '李娜', role: 'manager', managerId: 'dir01', email: 'li.na@example.com' },
    { _id: 'rep01', name: '张伟', role: 'rep', managerId: 'mgr01', email: 'zhang.wei@example.com' },
    { _id: 'rep02', name: '刘洋', role: 'rep', managerId: 'mgr01', email: 'liu.yang@example.com' },
    { _id: 'rep03', name: '赵静', role: 'rep', managerId: 'mgr02', email: 'zhao.jing@example.com' },
    { _id: 'rep04', name: '孙强', role: 'rep', managerId: null, email: 'sun.qiang@example.com' },
  ];
  await models.Person.insertMany(people.map((p) => ({ ...p, isActive: true, source: 'seed' })));
}
