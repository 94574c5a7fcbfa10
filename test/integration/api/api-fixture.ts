import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuditRepository } from '../../../src/adapters/mongo/audit-repository.js';
import { createModels, ensureIndexes, type Models } from '../../../src/adapters/mongo/models/index.js';
import { createHttpApp } from '../../../src/http/create-app.js';
import { readApiRoutes } from '../../../src/http/routes/api/read-routes.js';
import { silentLogger } from '../../../src/logger.js';
import { ApiKeys } from '../../../src/services/api/api-keys.js';
import { buildOpenApi } from '../../../src/services/api/openapi.js';
import { ApiRateLimiter } from '../../../src/services/api/rate-limit.js';
import { ApiReadService } from '../../../src/services/api/read-service.js';
import { connectTestDb, type TestDb } from '../../helpers/mongo.js';
import { seedPeople } from '../activity/core-helpers.js';

export interface ApiFixture {
  db: TestDb;
  models: Models;
  keys: ApiKeys;
  url: string;
  clock: { now(): Date; set(d: Date): void };
  get(path: string, secret?: string): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** The read API's real routes on a real HTTP server over a fresh database with the starter org's people. */
export async function apiFixture(name: string, o: { perMinute?: number } = {}): Promise<ApiFixture> {
  const db = await connectTestDb(name);
  Object.assign(db.conn.config, { autoCreate: false, autoIndex: false });
  const models = createModels(db.conn);
  await ensureIndexes(models);
  await seedPeople(models);
  let now = new Date('2026-11-26T09:00:00+08:00');
  const clock = { now: () => now, set: (d: Date) => void (now = d) };
  const audit = new AuditRepository(models, clock.now);
  const keys = new ApiKeys({ models, audit, now: clock.now });
  const perMinute = o.perMinute ?? 10_000;
  const router = readApiRoutes({
    keys,
    limiter: new ApiRateLimiter({ models, perMinute, now: clock.now }),
    reads: new ApiReadService(models),
    openApi: buildOpenApi({ rateLimitPerMinute: perMinute }),
    logger: silentLogger,
  });
  const server: Server = await new Promise((resolve) => {
    const s = createHttpApp({ logger: silentLogger, routers: [router] }).listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    db,
    models,
    keys,
    url,
    clock,
    async get(path, secret) {
      const res = await fetch(url + path, { headers: secret ? { authorization: `Bearer ${secret}` } : {} });
      return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await db.drop();
    },
  };
}

let seq = 0;
/** An activity document as the activity store writes it (buckets precomputed). */
export function activityDoc(personId: string, at: Date, extra: Record<string, unknown> = {}) {
  seq++;
  return {
    personId,
    type: 'visit',
    source: 'webhook',
    sourceId: `t:${seq}:${Math.random().toString(36).slice(2)}`,
    startAt: at,
    durationMin: 40,
    dims: {},
    counted: seq % 3 !== 0,
    reasons: seq % 3 !== 0 ? [] : ['时长 18 分钟 < 30 分钟'],
    ruleVersion: 1,
    day: '2026-11-24',
    isoWeek: '2026-W48',
    quarterId: '2026Q4',
    createdAt: new Date(),
    updatedAt: new Date(),
    ...extra,
  };
}
