import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { startService, type Service, type ServiceOptions } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import { FakeDingTalk, type FakeDingTalkOptions } from '../../src/fake-dingtalk/fake-dingtalk.js';
import { starterOrg } from '../../src/fake-dingtalk/starter-org.js';
import { createLogger } from '../../src/logger.js';

/** A database name nobody else uses (FerretDB accepts [a-zA-Z0-9_-] only). */
export function uniqueDbName(prefix = 't'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export function mongoUriFor(db: string): string {
  const base = inject('mongoUri');
  const u = new URL(base);
  u.pathname = `/${db}`;
  return u.toString();
}

export interface Harness {
  fake: FakeDingTalk;
  service: Service;
  dbName: string;
  /** Starts another service instance on the same database and fake (restart / second instance). */
  startAnother(opts?: Partial<ServiceOptions>): Promise<Service>;
  stop(): Promise<void>;
}

/**
 * The real service, connected through the real dingtalk-stream SDK to a fake DingTalk on 127.0.0.1,
 * on a fresh database of the test MongoDB-wire server.
 */
export async function startHarness(
  opts: {
    fake?: FakeDingTalkOptions;
    env?: Record<string, string>;
    service?: Partial<ServiceOptions>;
    /** false: the fake's address book stays empty (tests that seed people straight into the database). */
    starterOrg?: boolean;
  } = {},
): Promise<Harness> {
  const fake = await new FakeDingTalk({ redeliverAfterMs: 60_000, ...opts.fake }).start();
  // On an empty database the service runs org-sync at start-up (app.ts), so it reads this address book.
  if (opts.starterOrg !== false) fake.org.load(starterOrg());
  const dbName = uniqueDbName();
  const services: Service[] = [];
  const launch = async (extra: Partial<ServiceOptions> = {}) => {
    const config = readConfig({
      ...fake.env(),
      MONGODB_URI: mongoUriFor(dbName),
      PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DINGTALK_MAX_RETRIES: '4',
      DINGTALK_SEND_QPS: '200',
      ...opts.env,
    });
    const s = await startService(config, {
      logger: createLogger({ level: config.log.level }),
      jobPollMs: 300,
      ...opts.service,
      ...extra,
    });
    services.push(s);
    // startService returns once HTTP listens; the tests talk over the stream, so wait for it too.
    await s.streamReady;
    return s;
  };
  const service = await launch();
  return {
    fake,
    service,
    dbName,
    startAnother: launch,
    async stop() {
      for (const s of services) await s.stop().catch(() => undefined);
      if (services[0]) await dropDatabase(services[0]).catch(() => undefined);
      await fake.stop();
    },
  };
}

async function dropDatabase(s: Service): Promise<void> {
  const { MongoClient } = await import('mongodb');
  const client = await MongoClient.connect(s.config.mongo.uri!);
  try {
    await client.db().dropDatabase();
  } finally {
    await client.close();
  }
}

/** Polls until `pred` holds or the time is up. */
export async function eventually<T>(fn: () => T | Promise<T>, pred: (v: T) => boolean = Boolean, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
