/**
 * A pool of worker threads running vega-renderer.renderPng, so chart rendering (vega dataflow + SVG building
 * is synchronous JS, ~tens of ms per chart) never blocks the bot's event loop.
 *
 * - bounded queue: render() rejects with AppError('render') when `maxQueue` tasks already wait;
 * - a task that exceeds `taskTimeoutMs` is rejected and its worker is terminated and replaced;
 * - a worker that crashes rejects its in-flight task and is replaced (with backoff if it keeps dying at boot).
 *
 * The worker entry is `render-worker` next to this module with the same extension: `.js` when running the
 * compiled dist/, `.ts` when running from source (tsx, vitest); src/adapters/threads/module-worker.ts starts it.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { AppError, type ErrorCode } from '../../errors.js';
import { silentLogger, type Logger } from '../../logger.js';
import { moduleWorkerEntry, startModuleWorker } from '../threads/module-worker.js';
import type { RenderOptions } from './vega-renderer.js';
import type { RenderRequest, RenderResponse, WorkerHeap, WorkerReady } from './render-worker.js';

export interface RenderPoolOptions {
  /** Worker threads. Default: availableParallelism() - 1, at least 1, at most 4. */
  size?: number;
  /** Max tasks waiting for a worker (not counting running ones). Default 200. */
  maxQueue?: number;
  /** Per-task deadline; the worker is killed and replaced when exceeded. Default 30 s. */
  taskTimeoutMs?: number;
  /**
   * V8 heap limits per worker. Left unset, a worker's heap grows to V8's default ceiling before it
   * collects; a render needs a few MB, so a low ceiling keeps each worker's memory flat.
   */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number };
  logger?: Logger;
}

export type PoolRenderOptions = Pick<RenderOptions, 'scale' | 'background' | 'compressionLevel' | 'rasterizer'> & {
  /** Deadline for this render, overriding the pool's taskTimeoutMs. */
  timeoutMs?: number;
};

export interface RenderPool {
  readonly size: number;
  render(spec: TopLevelSpec, opts?: PoolRenderOptions): Promise<Buffer>;
  /** Rejects queued tasks, waits for nothing, terminates the workers. */
  close(): Promise<void>;
  stats(): { workers: number; busy: number; queued: number; restarts: number; heap?: WorkerHeap };
}

/** The pool createRenderPool starts (RenderPool stays the narrow interface services depend on). */
export interface StartedRenderPool extends RenderPool {
  /**
   * Resolves when every worker started with the pool has booted and rendered its warm-up chart (Skia, CJK
   * fonts and vega loaded). Renders need not wait for it; it is for callers that want the workers warm
   * before the first chart, and for the bench, to tell start-up from steady-state cost.
   */
  ready(): Promise<void>;
}

interface Task {
  id: number;
  spec: TopLevelSpec;
  opts: Pick<RenderOptions, 'scale' | 'background' | 'compressionLevel' | 'rasterizer'>;
  timeoutMs: number;
  resolve: (png: Buffer) => void;
  reject: (err: AppError) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker | undefined;
  task: Task | undefined;
  startedAt: number;
  failures: number;
  /** The worker's heap as it reported it with its last chart. */
  heap?: WorkerHeap | undefined;
}

const ERROR_CODES = new Set<ErrorCode>(['config', 'user_input', 'forbidden', 'not_found', 'conflict', 'platform', 'render', 'database', 'internal']);

export function createRenderPool(opts: RenderPoolOptions = {}): StartedRenderPool {
  const size = Math.max(1, Math.floor(opts.size ?? Math.min(4, Math.max(1, availableParallelism() - 1))));
  const maxQueue = opts.maxQueue ?? 200;
  const taskTimeoutMs = opts.taskTimeoutMs ?? 30_000;
  const log = (opts.logger ?? silentLogger).child({ component: 'render-pool' });
  const entry = moduleWorkerEntry(import.meta.url, 'render-worker');

  const slots: Slot[] = [];
  const queue: Task[] = [];
  let nextId = 1;
  let closed = false;
  let restarts = 0;

  function spawn(slot: Slot): void {
    const worker = startModuleWorker(entry, opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {});
    slot.worker = worker;
    slot.startedAt = Date.now();
    slot.heap = undefined;
    worker.on('message', (msg: RenderResponse | WorkerReady) => {
      if ('ready' in msg) {
        slot.failures = 0;
        if (msg.warmError) log.warn({ err: msg.warmError }, 'render worker warm-up chart failed');
        else log.debug({ warmUpMs: msg.warmUpMs }, 'render worker ready');
        markReady(slot);
        return;
      }
      const task = slot.task;
      if (!task || task.id !== msg.id) return; // answer to a task that already timed out
      finish(slot);
      if (msg.ok && msg.heap) slot.heap = msg.heap;
      if (msg.ok) task.resolve(Buffer.from(msg.png.buffer, msg.png.byteOffset, msg.png.byteLength));
      else {
        const code = ERROR_CODES.has(msg.code as ErrorCode) ? (msg.code as ErrorCode) : 'render';
        task.reject(new AppError(code, msg.message, msg.userMessage ? { userMessage: msg.userMessage } : {}));
      }
      pump();
    });
    worker.on('error', (err) => {
      log.error({ err }, 'render worker failed');
      failWorker(slot, worker, `render worker crashed: ${err.message}`, err);
    });
    worker.on('exit', (code) => {
      failWorker(slot, worker, `render worker exited with code ${code}`, undefined);
    });
  }

  // ready(): the first boot of each slot counts (a replaced worker warms up again, but nobody waits for it)
  const booting = new Set<Slot>();
  let allReady!: () => void;
  const readyPromise = new Promise<void>((resolve) => (allReady = resolve));
  function markReady(slot: Slot): void {
    if (booting.delete(slot) && booting.size === 0) allReady();
  }

  function finish(slot: Slot): void {
    if (slot.task?.timer) clearTimeout(slot.task.timer);
    slot.task = undefined;
  }

  /** Called on error and on exit of `worker`; acts once per worker. */
  function failWorker(slot: Slot, worker: Worker, message: string, cause: unknown): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    const task = slot.task;
    finish(slot);
    task?.reject(new AppError('render', message, { cause, userMessage: '图表生成失败' }));
    void worker.terminate();
    if (closed) return;
    restarts++;
    // A worker that dies right after starting (bad install, missing module) must not restart in a hot loop.
    slot.failures = Date.now() - slot.startedAt < 2000 ? slot.failures + 1 : 0;
    const delay = slot.failures === 0 ? 0 : Math.min(5000, 100 * 2 ** (slot.failures - 1));
    if (slot.failures >= 3) {
      // Nothing would serve the queue meanwhile; fail fast instead of letting tasks wait for a broken pool.
      for (const t of queue.splice(0)) t.reject(new AppError('render', `render workers keep crashing: ${message}`, { cause }));
    }
    const timer = setTimeout(() => {
      if (closed) return;
      spawn(slot);
      pump();
    }, delay);
    timer.unref();
  }

  function pump(): void {
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (!slot.worker || slot.task) continue;
      const task = queue.shift()!;
      slot.task = task;
      task.timer = setTimeout(() => {
        if (slot.task !== task) return;
        const worker = slot.worker;
        finish(slot);
        task.reject(new AppError('render', `chart render timed out after ${task.timeoutMs} ms`, { userMessage: '图表生成超时' }));
        // The worker may be stuck in synchronous code: replace it.
        if (worker) failWorker(slot, worker, 'render worker terminated after a timeout', undefined);
      }, task.timeoutMs);
      const req: RenderRequest = { id: task.id, spec: task.spec, opts: task.opts };
      try {
        slot.worker.postMessage(req);
      } catch (err) {
        finish(slot);
        task.reject(new AppError('render', `chart spec cannot be sent to a render worker: ${(err as Error).message}`, { cause: err }));
      }
    }
  }

  for (let i = 0; i < size; i++) {
    const slot: Slot = { worker: undefined, task: undefined, startedAt: 0, failures: 0 };
    slots.push(slot);
    booting.add(slot);
    spawn(slot);
  }
  log.debug({ size, entry: entry.entryUrl }, 'render pool started');

  return {
    size,
    render(spec, renderOpts = {}) {
      if (closed) return Promise.reject(new AppError('render', 'render pool is closed'));
      if (queue.length >= maxQueue) {
        return Promise.reject(
          new AppError('render', `render queue full (${maxQueue} waiting)`, { userMessage: '图表服务繁忙，请稍后再试' }),
        );
      }
      return new Promise<Buffer>((resolve, reject) => {
        const { timeoutMs, ...opts } = renderOpts;
        queue.push({ id: nextId++, spec, opts, timeoutMs: timeoutMs ?? taskTimeoutMs, resolve, reject });
        pump();
      });
    },
    ready() {
      return readyPromise;
    },
    async close() {
      if (closed) return;
      closed = true;
      allReady(); // nothing to wait for any more
      for (const t of queue.splice(0)) t.reject(new AppError('render', 'render pool closed'));
      await Promise.all(
        slots.map(async (slot) => {
          const worker = slot.worker;
          const task = slot.task;
          slot.worker = undefined;
          finish(slot);
          task?.reject(new AppError('render', 'render pool closed'));
          if (worker) await worker.terminate();
        }),
      );
    },
    stats() {
      return {
        workers: slots.filter((s) => s.worker).length,
        busy: slots.filter((s) => s.task).length,
        queued: queue.length,
        restarts,
        // Summed over the workers that reported (each worker's isolate is part of the process RSS).
        ...(slots.some((s) => s.heap)
          ? { heap: slots.reduce((sum, s) => (s.heap ? { used: sum.used + s.heap.used, total: sum.total + s.heap.total, external: sum.external + s.heap.external } : sum), { used: 0, total: 0, external: 0 }) }
          : {}),
      };
    },
  };
}
