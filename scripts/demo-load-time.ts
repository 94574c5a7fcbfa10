/**
 * How long the default demo company takes to load into the bundled local database (what the first
 * `npm start` does in the background): `npx tsx scripts/demo-load-time.ts [size] [historyQuarters]`.
 * Prints when the current quarter and the people are in (the bot answers with data from then on) and
 * when the history is (the prediction can train from then on).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { createModels, ensureIndexes } from '../src/adapters/mongo/models/index.js';
import { startLocalMongo } from '../src/adapters/mongo/local-server.js';
import { DEFAULT_SEED } from '../src/demo/company.js';
import { startDemoLoad } from '../src/demo/load-demo.js';
import { silentLogger } from '../src/logger.js';

const size = Number(process.argv[2] ?? 56);
const historyQuarters = Number(process.argv[3] ?? 4);
const dir = mkdtempSync(join(tmpdir(), 'demo-load-'));
const server = await startLocalMongo({ dataDir: dir });
try {
  const conn = await mongoose.createConnection(`${server.uri}demo`).asPromise();
  const models = createModels(conn);
  await ensureIndexes(models);
  const t0 = performance.now();
  const load = await startDemoLoad({ models, db: conn.db!, seed: DEFAULT_SEED, size, now: new Date(), timeZone: 'Asia/Shanghai', logger: silentLogger, historyQuarters });
  let peopleAt: number | undefined;
  const poll = setInterval(() => {
    if (peopleAt === undefined)
      models.Person.estimatedDocumentCount().then(
        (n) => void (n > 0 && peopleAt === undefined && (peopleAt = performance.now() - t0)),
        () => undefined, // the connection closed at the end
      );
  }, 200);
  const r = await load.ready;
  clearInterval(poll);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(`server: ${server.kind}; ${size} reps, ${historyQuarters} finished quarters`);
  console.log(`current quarter + people in: ${peopleAt === undefined ? '?' : s(peopleAt)}`);
  console.log(`everything in: ${s(r.ms)} (${r.counts.activities} activities, ${r.counts.deals} deals, ${r.counts.goals} goals)`);
  await conn.close();
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
