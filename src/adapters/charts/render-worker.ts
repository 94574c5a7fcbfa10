/**
 * Worker-thread entry for the render pool (src/adapters/charts/render-pool.ts). Receives
 * { id, spec, opts } and answers { id, ok: true, png } or { id, ok: false, code, message }; first, once warmed
 * up, it posts { ready: true, warmUpMs }.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { AppError } from '../../errors.js';
import { renderPng, type RenderOptions } from './vega-renderer.js';

export interface RenderRequest {
  id: number;
  spec: TopLevelSpec;
  opts: Pick<RenderOptions, 'scale' | 'background' | 'compressionLevel' | 'rasterizer'>;
}

/** Sent once, after the boot warm-up render. */
export interface WorkerReady {
  ready: true;
  warmUpMs: number;
  warmError?: string;
}

/** The worker's own V8 heap after the render (bytes): part of the process RSS, invisible to the main thread's heap figures. */
export interface WorkerHeap {
  used: number;
  total: number;
  external: number;
}

export type RenderResponse =
  | { id: number; ok: true; png: Uint8Array; heap?: WorkerHeap }
  | { id: number; ok: false; code: string; message: string; userMessage?: string };

if (!parentPort) throw new Error('render-worker must run in a worker thread');
const port = parentPort;

/**
 * Rendered once at boot, before the first task is taken: loads Skia, registers the CJK faces (fc-match, font
 * file), fills the glyph caches and compiles vega's code paths, so the first real chart costs what later
 * ones do and `ready` means the worker can render (render-pool's ready()).
 */
const WARM_UP_SPEC: TopLevelSpec = {
  title: '预热 ¥1,234',
  width: 40,
  height: 20,
  data: { values: [{ k: '张伟', v: 1 }] },
  mark: { type: 'bar' },
  encoding: { y: { field: 'k', type: 'nominal' }, x: { field: 'v', type: 'quantitative' } },
};

async function warmUp(): Promise<string | undefined> {
  try {
    await renderPng(WARM_UP_SPEC);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err); // reported with `ready`; tasks still get their own error
  }
}

function onRequest(req: RenderRequest): void {
  renderPng(req.spec, req.opts).then(
    (png) => {
      // Copy into a fresh, exactly sized ArrayBuffer so transferring it moves only this image.
      const out = new Uint8Array(png.byteLength);
      out.set(png);
      const h = getHeapStatistics();
      const msg: RenderResponse = { id: req.id, ok: true, png: out, heap: { used: h.used_heap_size, total: h.total_heap_size, external: h.external_memory } };
      port.postMessage(msg, [out.buffer]);
    },
    (err: unknown) => {
      const msg: RenderResponse =
        err instanceof AppError
          ? { id: req.id, ok: false, code: err.code, message: err.message, ...(err.userMessage ? { userMessage: err.userMessage } : {}) }
          : { id: req.id, ok: false, code: 'render', message: err instanceof Error ? err.message : String(err) };
      port.postMessage(msg);
    },
  );
}

const started = performance.now();
const warmError = await warmUp();
// Tasks posted meanwhile wait in the port: it delivers nothing until a listener is attached.
port.on('message', onRequest);
const ready: WorkerReady = { ready: true, warmUpMs: Math.round(performance.now() - started), ...(warmError ? { warmError } : {}) };
port.postMessage(ready);
