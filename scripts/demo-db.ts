/**
 * A local database holding the demo company, for trying the CLI tools on it (npm run backtest, import):
 *   npx tsx scripts/demo-db.ts [--now 2026-11-26T10:00:00+08:00] [--size 56] [--port 47017]
 * Starts the bundled server in memory on 127.0.0.1, loads the company (current quarter + four finished
 * ones), prints the MONGODB_URI to use, and keeps running until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModels, ensureIndexes } from '../src/adapters/mongo/models/index.js';
import { startLocalMongo } from '../src/adapters/mongo/local-server.js';
import { DEFAULT_SEED } from '../src/demo/company.js';
import { loadDemoCompany } from '../src/demo/load-demo.js';
import { silentLogger } from '../src/logger.js';

const { values } = parseArgs({ options: { now: { type: 'string' }, size: { type: 'string' }, port: { type: 'string' }, seed: { type: 'string' } } });
const now = values.now ? new Date(values.now) : new Date();
const server = await startLocalMongo({ dataDir: mkdtempSync(join(tmpdir(), 'demo-db-')), ...(values.port ? { port: Number(values.port) } : {}), javaInMemory: true });
const uri = `${server.uri}demo`;
const conn = await mongoose.createConnection(uri).asPromise();
const models = createModels(conn);
await ensureIndexes(models);
const r = await loadDemoCompany({ models, db: conn.db!, seed: Number(values.seed ?? DEFAULT_SEED), size: Number(values.size ?? 56), now, timeZone: 'Asia/Shanghai', logger: silentLogger, chunkReps: 28 });
process.stdout.write(`demo company loaded in ${(r.ms / 1000).toFixed(0)} s: ${r.counts.activities} activities, ${r.counts.deals} deals, ${r.counts.goals} goals\nMONGODB_URI=${uri}\n`);
const stop = async () => {
  await conn.close();
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
