/**
 * The local server holds more data than its heap (issue 15 item 8). It starts its own server, so it can have
 * a small heap without touching the suite's shared one. (SIGKILL durability is measured, not asserted: see
 * docs/database-compat.md, "Capacity".)
 */
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { LocalMongo, StartLocalMongoOptions } from '../../src/adapters/mongo/local-server.js';
import { localMongoServers } from '../helpers/local-mongo-servers.js';

const { kind, newDir, start } = localMongoServers();
async function server(opts: Omit<StartLocalMongoOptions, 'dataDir' | 'kind'> = {}): Promise<{ s: LocalMongo }> {
  return { s: await start(await newDir('capacity'), opts) };
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
