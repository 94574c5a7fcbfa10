/**
 * Worker threads that run one of this project's modules, from the compiled dist/ (`.js`) or from source
 * (`.ts`, under tsx or vitest). On Node 20 tsx does not register itself in worker threads, so for `.ts` a
 * tiny eval'd bootstrap registers tsx's ESM loader in the worker before importing the module.
 * Used by the chart render pool and the prediction training threads.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { AppError } from '../../errors.js';

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsxApiUrl) (await import(workerData.tsxApiUrl)).register();
  await import(workerData.entryUrl);
})().catch((err) => { setImmediate(() => { throw err; }); });
`;

/** What a worker is started with: the module to import, and tsx's register API when it is TypeScript. */
export interface ModuleWorkerEntry {
  entryUrl: string;
  tsxApiUrl: string | undefined;
}

/**
 * The entry for module `name` next to `fromUrl` (the caller's `import.meta.url`), with the caller's own
 * extension: `.js` beside compiled code, `.ts` beside sources. Resolve once per pool or training, not per worker.
 */
export function moduleWorkerEntry(fromUrl: string, name: string): ModuleWorkerEntry {
  const ext = extname(fileURLToPath(fromUrl)) || '.js';
  const entryUrl = new URL(`./${name}${ext}`, fromUrl).href;
  if (ext !== '.ts' && ext !== '.mts') return { entryUrl, tsxApiUrl: undefined };
  return { entryUrl, tsxApiUrl: resolveTsxEsmApi(name) };
}

/** Starts one worker thread on `entry`. */
export function startModuleWorker(entry: ModuleWorkerEntry, opts: { resourceLimits?: ResourceLimits } = {}): Worker {
  return new Worker(BOOTSTRAP, { eval: true, workerData: entry, ...(opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {}) });
}

/** URL of tsx's ESM register API ('tsx/esm/api', import condition). */
function resolveTsxEsmApi(name: string): string {
  try {
    const resolved = (import.meta as ImportMeta & { resolve?: (s: string) => string }).resolve?.('tsx/esm/api');
    if (resolved && /\.mjs$/.test(resolved)) return resolved;
  } catch {
    // fall through
  }
  try {
    const cjsPath = createRequire(import.meta.url).resolve('tsx/esm/api'); // the require-condition build …
    const mjsPath = cjsPath.replace(/\.cjs$/, '.mjs'); // … whose ESM sibling is the one that works in a worker
    if (existsSync(mjsPath)) return pathToFileURL(mjsPath).href;
  } catch {
    // fall through
  }
  throw new AppError('config', `${name} runs from TypeScript sources but tsx could not be resolved for its worker threads`);
}
