/**
 * Trains the week models on worker threads: each (metric, week) model is independent, so on a machine
 * with two cores the retrain takes about half the wall time (the 60 s target at 10,000 reps × 4
 * quarters, bench/prediction.ts), and the bot's event loop stays free while it runs. The threads live for
 * one training and are then terminated (the retrain is weekly; nothing to keep warm).
 *
 * The worker entry is `training-worker` next to this module with the same extension: `.js` from the
 * compiled dist/, `.ts` from source (tsx, vitest), started by src/adapters/threads/module-worker.ts.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { moduleWorkerEntry, startModuleWorker } from '../../adapters/threads/module-worker.js';
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

/**
 * The week models of `tasks`, in order. `threads` ≤ 1 (or a single task) trains inline. A worker that
 * fails rejects the whole training (the caller logs it and keeps the model it had).
 */
export async function trainWeekModels(tasks: readonly WeekModelTask[], threads = defaultTrainingThreads()): Promise<WeekModel[]> {
  const n = Math.min(threads, tasks.length);
  if (n <= 1) return tasks.map((t) => trainWeekModel(t.rows, t.week, t.featureKeys));
  const entry = moduleWorkerEntry(import.meta.url, 'training-worker');
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
        const w = startModuleWorker(entry);
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
