/**
 * Worker-thread entry for the render pool (src/adapters/charts/render-pool.ts). Receives
 * { id, spec, opts } and answers { id, ok: true, png } or { id, ok: false, code, message }.
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

port.on('message', (req: RenderRequest) => {
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
});

port.postMessage({ ready: true });
