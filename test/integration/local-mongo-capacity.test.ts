/**
 * The local server holds more data than its heap (issue 15 item 8). It starts its own server, so it can have
 * a small heap without touching the suite's shared one. (SIGKILL durability is measured, not asserted: see
 * docs/database-compat.md, "Capacity".)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureLocalMongoBuilt, resolveLocalMongoKind, startLocalMongo, type LocalMongo, type LocalMongoKind } from '../../src/adapters/mongo/local-server.js';

const kind = resolveLocalMongoKind((process.env.TEST_MONGO_KIND ?? 'auto') as 'auto' | LocalMongoKind);
const dirs: string[] = [];
const servers: LocalMongo[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function server(opts: Partial<Parameters<typeof startLocalMongo>[0]> = {}): Promise<{ s: LocalMongo; dir: string }> {
  ensureLocalMongoBuilt(kind);
  const dir = await mkdtemp(join(tmpdir(), 'trichain-capacity-'));
  dirs.push(dir);
  const s = await startLocalMongo({ dataDir: dir, kind, ...opts });
  servers.push(s);
  return { s, dir };
}

describe.runIf(kind === 'mongo-java-server')('local mongo-java-server (H2) capacity', () => {
  it('aggregates and streams a collection much larger than its heap', async () => {
    // 64 MB heap; the collection is ~72 MB of strings alone as Java objects. Stock mongo-java-server loaded the whole
    // collection for any aggregation (and a find's whole result) into the heap: this ran out of memory.
    const { s } = await server({ javaMaxHeap: '64m' });
    const client = await MongoClient.connect(s.uri);
    const col = client.db('capacity').collection<{ _id: number; g: number; pad: string }>('big');
    const N = 6_000;
    const pad = 'x'.repeat(12_000);
    for (let i = 0; i < N; i += 500) {
      await col.insertMany(Array.from({ length: 500 }, (_, k) => ({ _id: i + k, g: (i + k) % 7, pad })));
    }
    expect(await col.countDocuments({ g: { $gte: 0 } })).toBe(N);
    const groups = await col.aggregate<{ _id: number; n: number }>([{ $match: { pad } }, { $group: { _id: '$g', n: { $sum: 1 } } }, { $sort: { _id: 1 } }]).toArray();
    expect(groups.map((g) => g.n)).toEqual(Array.from({ length: 7 }, (_, g) => Array.from({ length: N }, (_, i) => i).filter((i) => i % 7 === g).length));
    let seen = 0;
    let sum = 0;
    for await (const d of col.find({ pad }).batchSize(500)) {
      seen++;
      sum += d._id;
    }
    expect(seen).toBe(N);
    expect(sum).toBe((N * (N - 1)) / 2);
    // A cursor abandoned half-way is killed by the driver and the server stays usable.
    const cursor = col.find({}).batchSize(100);
    await cursor.next();
    await cursor.close();
    expect(await col.countDocuments()).toBe(N);
    await client.close();
    // 15-25 s alone; over 60 s when the suite runs another server's heavy test beside it on 2 cores.
  }, 180_000);
});
