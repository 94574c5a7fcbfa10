import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ensureLocalMongoBuilt,
  resolveLocalMongoKind,
  startLocalMongo,
  type LocalMongoKind,
} from '../../src/adapters/mongo/local-server.js';
import { connectTestDb } from '../helpers/mongo.js';

// The server the project starts by default (or TEST_MONGO_KIND), independent of the shared one.
const requested = (process.env.TEST_MONGO_KIND ?? 'auto') as 'auto' | LocalMongoKind;
const kind = resolveLocalMongoKind(requested);

describe(`local MongoDB server (${kind})`, () => {
  let dataDir = '';
  afterAll(async () => {
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps data in its data dir across a stop and a restart', async () => {
    ensureLocalMongoBuilt(kind);
    dataDir = await mkdtemp(join(tmpdir(), 'trichain-local-mongo-'));

    const first = await startLocalMongo({ dataDir, kind });
    expect(first.kind).toBe(kind);
    const c1 = await MongoClient.connect(first.uri);
    await c1.db('persist_check').collection('docs').insertOne({ _id: 'k1' as never, note: '持久化', n: 42 });
    await c1.close();
    await first.stop();
    await first.stop(); // idempotent

    // Stopped means gone: nothing answers on the old address any more.
    const probe = new MongoClient(first.uri, { serverSelectionTimeoutMS: 500 });
    await expect(probe.connect()).rejects.toThrow();
    await probe.close();

    const second = await startLocalMongo({ dataDir, kind });
    try {
      const c2 = await MongoClient.connect(second.uri);
      const doc = await c2.db('persist_check').collection('docs').findOne({ _id: 'k1' as never });
      await c2.close();
      expect(doc).toMatchObject({ note: '持久化', n: 42 });
    } finally {
      await second.stop();
    }
  });

  it('connectTestDb gives each caller its own droppable database on the shared server', async () => {
    const a = await connectTestDb('Local Mongo!');
    const b = await connectTestDb('Local Mongo!');
    expect(a.dbName).toMatch(/^local_mongo_[a-z0-9_]+$/);
    expect(a.dbName).not.toBe(b.dbName);
    await a.conn.collection('x').insertOne({ v: 1 });
    expect(await b.conn.collection('x').countDocuments()).toBe(0);
    await a.drop();
    await b.drop();
  });
});
