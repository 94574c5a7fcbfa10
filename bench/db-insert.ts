/**
 * Bulk-insert rate of the local server's launcher revisions side by side (docs/database-compat.md "Launcher -r4"):
 * for each revision given (jars from the build cache, ~/.cache/trichain/db/mongo-java-server-1.47.0-<rev>/; build an
 * older one with `git checkout <commit> -- scripts/db && scripts/db/build.sh mongo-java-server`), a fresh H2 server
 * gets N activity documents in insertMany batches of 2,000, alternately into the app's `activities` (its model's
 * indexes: _id, unique source+sourceId, four secondary) and into a collection with only `_id` — the baseline of the
 * same run. Prints docs/s of each, their ratio, and the load average before and after each revision's run.
 *
 *   npx tsx bench/db-insert.ts [N=100000] [revisions=r3,r4]     (EXTRA="--cache-mb 64" passes launcher options)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { createModels, ensureIndexes } from '../src/adapters/mongo/models/index.js';
const N = Number(process.argv[2] ?? 100_000);
const DAY = 86_400_000, T0 = Date.UTC(2026, 0, 5);
const rep = (i: number) => `rep${String(i).padStart(5, '0')}`;
function activity(j: number) {
  const start = new Date(T0 + ((j * 7919) % 364) * DAY + (j % 480) * 60_000);
  return { personId: rep(j % 10000), type: ['visit','call','email','meeting','proposal'][j % 5], source: 'csv', sourceId: `bench-${j}`, startAt: start, durationMin: 15 + (j % 90), day: start.toISOString().slice(0, 10), isoWeek: `2026-W${String(1 + Math.floor((start.getTime() - T0) / (7 * DAY))).padStart(2, '0')}`, quarterId: `2026-Q${1 + Math.floor((start.getTime() - T0) / (91 * DAY))}`, counted: j % 3 !== 0, deleted: false, createdAt: new Date(), updatedAt: new Date() };
}
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
for (const ver of (process.argv[3] ?? 'r3,r4').split(',')) {
  const dir = await mkdtemp(join(tmpdir(), 'r3r4-'));
  const p = spawn('java', ['-Xmx1g', '-jar', `${process.env.HOME}/.cache/trichain/db/mongo-java-server-1.47.0-${ver}/mongo-java-server-launcher.jar`, '--port', '0', '--data-dir', dir, ...(process.env.EXTRA ? process.env.EXTRA.split(' ') : [])], { stdio: ['ignore', 'pipe', 'ignore'] });
  const uri = await new Promise<string>((res) => p.stdout.on('data', (b: Buffer) => { const m = /listening on (\S+)/.exec(b.toString()); if (m) res(m[1]!); }));
  const conn = await mongoose.createConnection(`${uri}ins`).asPromise();
  const models = createModels(conn); await ensureIndexes(models);
  const c = models.Activity.collection; const pl = conn.db!.collection('plain');
  const l0 = load(); let ti = 0, tp = 0;
  for (let i = 0; i < N; i += 2000) {
    const docs = Array.from({ length: Math.min(2000, N - i) }, (_, k) => activity(i + k));
    let t = performance.now(); await c.insertMany(docs.map((d) => ({ ...d }))); ti += performance.now() - t;
    t = performance.now(); await pl.insertMany(docs.map((d) => ({ ...d }))); tp += performance.now() - t;
  }
  console.log(JSON.stringify({ launcher: ver, extra: process.env.EXTRA ?? '', n: N, indexedDocsPerS: Math.round((N / ti) * 1000), idOnlyDocsPerS: Math.round((N / tp) * 1000), ratio: +(tp / ti).toFixed(2), load: `${l0} -> ${load()}` }));
  await conn.close(); p.kill('SIGTERM'); await new Promise((r) => p.on('exit', r)); await rm(dir, { recursive: true, force: true });
}
