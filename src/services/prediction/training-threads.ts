/**
 * Trains the week models on worker threads: each (metric, week) model is independent, so on a machine
 * with two cores the retrain takes about half the wall time (the 60 s target at 10,000 reps × 4
 * quarters, bench/prediction.ts), and the bot's event loop stays free while it runs. The threads live for
 * one training and are then terminated (the retrain is weekly; nothing to keep warm).
 *
 * The worker entry is `training-worker` next to this module with the same extension: `.js` from the
 * compiled dist/, `.ts` from source (tsx, vitest), where an eval'd bootstrap registers tsx's ESM loader
 * in the worker first, as src/adapters/charts/render-pool.ts does (Node 20's tsx does not register itself
 * in worker threads).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { trainWeekModel, type TrainingRow, type WeekModel } from '../../domain/prediction/model.js';
import { packRows, type TrainRequest, type TrainResponse } from './training-worker.js';

export interface WeekModelTask {
  rows: readonly TrainingRow[];
  week: number;
  featureKeys: string[];
}

/** Threads for a training: one per core, at most 4 (18 week models at most to share). */
export function defaultTrainingThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApiUrl) (await import(workerData.tsxApiUrl)).register();
  await import(workerData.entryUrl);
})().catch((err) => { setImmediate(() => { throw err; }); });
`;

function workerEntry(): { entryUrl: string; tsxApiUrl: string | undefined } {
  const ext = extname(fileURLToPath(import.meta.url)) || '.js';
  const entryUrl = new URL(`./training-worker${ext}`, import.meta.url).href;
  if (ext !== '.ts' && ext !== '.mts') return { entryUrl, tsxApiUrl: undefined };
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const mjs = cjs.replace(/\.cjs$/, '.mjs'); // the ESM build is the one that works in a worker
  if (!existsSync(mjs)) throw new Error('training threads run from TypeScript sources but tsx/esm/api could not be resolved');
  return { entryUrl, tsxApiUrl: pathToFileURL(mjs).href };
}

/**
 * The week models of `tasks`, in order. `threads` ≤ 1 (or a single task) trains inline. A worker that
 * fails rejects the whole training (the caller logs it and keeps the model it had).
 */
export async function trainWeekModels(tasks: readonly WeekModelTask[], threads = defaultTrainingThreads()): Promise<WeekModel[]> {
  const n = Math.min(threads, tasks.length);
  if (n <= 1) return tasks.map((t) => trainWeekModel(t.rows, t.week, t.featureKeys));
  const entry = workerEntry();
  const results = new Array<WeekModel>(tasks.length);
  const workers: Worker[] = [];
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let done = 0;
      let failed = false;
      const give = (w: Worker) => {
        if (next >= tasks.length) return;
        const id = next++;
        const t = tasks[id]!;
        const packed = packRows(t.rows);
        const req: TrainRequest = { id, week: t.week, featureKeys: t.featureKeys, ...packed };
        w.postMessage(req, [packed.x.buffer as ArrayBuffer, packed.y.buffer as ArrayBuffer, packed.quarterIndex.buffer as ArrayBuffer]);
      };
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      for (let i = 0; i < n; i++) {
        const w = new Worker(BOOTSTRAP, { eval: true, workerData: entry });
        workers.push(w);
        w.on('message', (msg: TrainResponse) => {
          if (!msg.ok) return fail(new Error(`training worker: ${msg.message}`));
          results[msg.id] = msg.model;
          if (++done === tasks.length) resolve();
          else give(w);
        });
        w.on('error', (err) => fail(err));
        w.on('exit', (code) => {
          if (done < tasks.length) fail(new Error(`training worker exited with code ${code}`));
        });
        give(w);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
