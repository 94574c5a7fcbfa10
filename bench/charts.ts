/**
 * Chart rendering throughput and rasteriser comparison: a 56-bar chart with Chinese rep names and ¥ value
 * labels, PNG at 2×, through every rasteriser in one run (issue 14, target ≥ 30/s per core, ≥ 50/s pool of 2):
 *
 * - librsvg  — the baseline: vega SVG → sharp (librsvg + zlib), `renderPng(spec, { rasterizer: 'librsvg' })`;
 * - resvg    — vega SVG → @resvg/resvg-js (its own PNG encoder), measured on a few charts only (slow);
 * - canvas   — vega's canvas renderer on @napi-rs/canvas (Skia) → sharp PNG: the default renderer.
 *
 *   npx tsx bench/charts.ts [--n=60] [--pool=<workers>] [--cold=30] [--steady=300]
 *
 * Per rasteriser (taking turns in blocks of 10 charts): charts/s (wall), CPU per chart and "/s per core" (1000 / CPU ms: the figure to compare,
 * wall charts/s swings with whatever else runs on the shared machine), ratio to the librsvg baseline measured
 * in the same run, a pixel diff against the baseline's PNG of the same spec, and a CJK check (汉字 in
 * Simplified-Chinese forms, not tofu). Then the canvas path's other costs (cold compile, PNG level/palette)
 * and the worker pool (1 and N workers) for canvas and the baseline, cold (start-up included: --cold charts
 * from createRenderPool on) and steady (--steady charts through warm workers, the two pools taking turns in
 * batches; the batch p50 latencies' median is printed). Load average is printed
 * before and after.
 */
import { availableParallelism, loadavg } from 'node:os';
import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { pixelDiff } from '../src/adapters/charts/png-diff.js';
import { createRenderPool, type RenderPool } from '../src/adapters/charts/render-pool.js';
import { prepareForRaster } from '../src/adapters/charts/svg-raster-prep.js';
import { clearRenderCache, renderPng, renderSvg, type RenderOptions } from '../src/adapters/charts/vega-renderer.js';
import { textCellSpec } from '../test/helpers/text-cell-spec.js';
import { barChartSpec, type BarRow } from '../src/domain/charts/bar-chart.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const N = Number(args.get('n') ?? 60);
const N_RESVG = Math.min(N, 3); // ~2 s a chart: a few are enough to place it
const POOL = Number(args.get('pool') ?? availableParallelism());
const N_COLD = Number(args.get('cold') ?? 30); // pool: charts right after start-up
const N_STEADY = Number(args.get('steady') ?? 300); // pool: charts through warm workers
const STEADY_ROUNDS = 5; // steady pool runs: batches per rasteriser, taking turns
const SHAPES = 13; // specFor's titles repeat every 13 charts: one compiled vega shape each

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵';
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚', '桂英'];

function rows(seed: number): BarRow[] {
  return Array.from({ length: 56 }, (_, i) => ({
    label: (i === 7 ? '欧阳' : SURNAMES[(i + seed) % SURNAMES.length]!) + GIVEN[(i * 7 + seed) % GIVEN.length]!,
    value: 100_000 + (((i + 1) * 7919 * (seed + 3)) % 900_000),
    ...(i < 10 ? { color: '#54A24B' } : {}),
  })).sort((a, b) => b.value - a.value);
}
const specFor = (seed: number) =>
  barChartSpec({ title: `本季度签约额（第 ${(seed % SHAPES) + 1} 周）`, rows: rows(seed), valueTitle: '签约额', valueFormat: 'cny', showValues: true });

type Render = (spec: TopLevelSpec) => Promise<Buffer>;

const resvgRender: Render = async (spec) => {
  const svg = prepareForRaster(await renderSvg(spec));
  const opts = { fitTo: { mode: 'zoom' as const, value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' } };
  return new Resvg(svg, opts).render().asPng();
};
const viaRenderer = (opts: RenderOptions): Render => (spec) => renderPng(spec, opts);

const RASTERISERS: Contender[] = [
  { name: 'librsvg (baseline)', render: viaRenderer({ rasterizer: 'librsvg' }), n: N },
  { name: '@resvg/resvg-js', render: resvgRender, n: N_RESVG },
  { name: 'canvas (@napi-rs/canvas)', render: viaRenderer({ rasterizer: 'canvas' }), n: N },
];

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

interface Single {
  perSec: number;
  cpuMs: number;
  p50: number;
  kib: number;
}

interface Contender {
  name: string;
  render: Render;
  n: number;
  before?: () => void;
}

/**
 * Each contender renders `n` charts one at a time on this thread, after a warm-up; the contenders take turns
 * in blocks of BLOCK charts, so a load swing on the shared machine hits all of them alike. CPU is the whole
 * process's (JS, libvips threads, GC) over each block: taking turns chart by chart instead billed ~20 ms of
 * each canvas render's cost (GC, freeing) to the librsvg render after it (blocks 1.30×, chart by chart 2.72×
 * in the same process, docs/performance.md).
 */
const BLOCK = 10;
async function interleaved(contenders: Contender[]): Promise<Single[]> {
  for (const c of contenders) for (let i = 0; i < Math.min(c.n, 3); i++) await c.render(specFor(i)); // JIT, fonts, caches
  const acc = contenders.map(() => ({ times: [] as number[], cpuMs: 0, bytes: 0 }));
  const rounds = Math.max(...contenders.map((c) => c.n));
  for (let start = 0; start < rounds; start += BLOCK) {
    for (const [k, c] of contenders.entries()) {
      const cpu0 = process.cpuUsage();
      for (let i = start; i < Math.min(start + BLOCK, c.n); i++) {
        c.before?.();
        const a = performance.now();
        acc[k]!.bytes += (await c.render(specFor(i))).length;
        acc[k]!.times.push(performance.now() - a);
      }
      const cpu = process.cpuUsage(cpu0);
      acc[k]!.cpuMs += (cpu.user + cpu.system) / 1000;
    }
  }
  return acc.map(({ times, cpuMs, bytes }) => {
    const n = times.length;
    const wall = times.reduce((s, t) => s + t, 0);
    times.sort((x, y) => x - y);
    return { perSec: n / (wall / 1000), cpuMs: cpuMs / n, p50: pct(times, 50), kib: bytes / n / 1024 };
  });
}

/**
 * CJK check: 骨直角 drawn by `render` is nearer librsvg's Simplified-Chinese face than its Japanese one (the
 * forms differ), and far from private-use code points (tofu boxes). librsvg is checked against tofu only.
 */
async function cjkCheck(render: Render): Promise<string> {
  const rsvg = viaRenderer({ rasterizer: 'librsvg' });
  const [own, sc, jp, tofu] = await Promise.all([
    render(textCellSpec('骨直角', 200)),
    rsvg(textCellSpec('骨直角', 200)),
    rsvg(textCellSpec('骨直角', 200, 'Noto Sans CJK JP')),
    render(textCellSpec('\uE000\uE001\uE002', 200)),
  ]);
  const [toSc, toJp, toTofu] = await Promise.all([pixelDiff(own, sc), pixelDiff(own, jp), pixelDiff(own, tofu)]);
  const notTofu = toTofu.mean > 0.05;
  const scForms = toJp.mean > 2 * toSc.mean || toSc.mean === 0;
  const verdict = notTofu && scForms ? 'yes' : !notTofu ? 'NO (tofu)' : 'NO (JP forms)';
  return `${verdict} (Δ SC ${toSc.mean.toFixed(3)}, JP ${toJp.mean.toFixed(3)}, tofu ${toTofu.mean.toFixed(3)})`;
}

interface PoolRun {
  perSec: number;
  p50: number;
  cpuMs: number;
  /** ms from createRenderPool until every worker had rendered its warm-up chart (cold runs only). */
  bootMs?: number;
}

/** Wall charts/s, p50 latency (incl. queueing) and CPU per chart (process-wide: the workers included) of `n` concurrent renders. */
async function timedBatch(pool: RenderPool, n: number, opts: RenderOptions, since = performance.now(), cpu0 = process.cpuUsage()): Promise<PoolRun> {
  const lat: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const a = performance.now();
      await pool.render(specFor(i), opts);
      lat.push(performance.now() - a);
    }),
  );
  const wall = performance.now() - since;
  const cpu = process.cpuUsage(cpu0);
  lat.sort((x, y) => x - y);
  return { perSec: n / (wall / 1000), p50: pct(lat, 50), cpuMs: (cpu.user + cpu.system) / 1000 / n };
}

/**
 * Cold: the clock starts before createRenderPool, so worker start-up (thread, modules — transpiled by tsx when
 * the bench runs from sources —, Skia, CJK fonts, warm-up chart) and the first compile of each chart shape
 * are in the figure, as for the first charts after the bot starts.
 */
async function poolCold(size: number, opts: RenderOptions): Promise<PoolRun> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const pool = createRenderPool({ size, maxQueue: N_COLD * 2 });
  try {
    let bootMs = 0;
    void pool.ready().then(() => (bootMs = performance.now() - t0));
    const run = await timedBatch(pool, N_COLD, opts, t0, cpu0);
    await pool.ready();
    return { ...run, bootMs };
  } finally {
    await pool.close();
  }
}

/**
 * Steady state: warm workers (ready, and every chart shape compiled in each) render N_STEADY charts. The
 * baseline's pool and the canvas pool take turns in STEADY_ROUNDS batches, so a load swing on the shared
 * machine hits both alike (as the main-thread comparison does chart by chart).
 */
async function poolSteady(size: number): Promise<[PoolRun, PoolRun]> {
  const opts: RenderOptions[] = [{ rasterizer: 'librsvg' }, { rasterizer: 'canvas' }];
  const pools = opts.map(() => createRenderPool({ size, maxQueue: N_STEADY * 2 }));
  try {
    await Promise.all(pools.map((p) => p.ready()));
    for (const [k, pool] of pools.entries()) {
      await Promise.all(Array.from({ length: SHAPES * size * 2 }, (_, i) => pool.render(specFor(i), opts[k]!)));
    }
    const acc = pools.map(() => ({ n: 0, wall: 0, cpuMs: 0, p50s: [] as number[] }));
    const batch = Math.ceil(N_STEADY / STEADY_ROUNDS);
    for (let r = 0; r < STEADY_ROUNDS; r++) {
      for (const [k, pool] of pools.entries()) {
        const t0 = performance.now();
        const run = await timedBatch(pool, batch, opts[k]!, t0);
        const a = acc[k]!;
        a.n += batch;
        a.wall += performance.now() - t0;
        a.cpuMs += run.cpuMs * batch;
        a.p50s.push(run.p50);
      }
    }
    const [base, canvas] = acc.map((a) => ({ perSec: a.n / (a.wall / 1000), cpuMs: a.cpuMs / a.n, p50: pct(a.p50s.sort((x, y) => x - y), 50) }));
    return [base!, canvas!];
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}

console.log(`56-bar chart, Chinese names, ¥ value labels, PNG 2× — ${N} renders, ${availableParallelism()} cores, node ${process.version}`);
console.log(`load average before: ${load()}`);

// --- rasterisers, main thread ------------------------------------------------------------------------------
const reference = await renderPng(specFor(0), { rasterizer: 'librsvg' });
const results = await interleaved(RASTERISERS);
const baseline = results[0]!;
console.log('\nrasteriser                 charts/s  CPU/chart   /s per core  vs baseline  p50       KiB  pixel diff vs librsvg      CJK ok?');
for (const [k, r] of RASTERISERS.entries()) {
  const s = results[k]!;
  const d = await pixelDiff(await r.render(specFor(0)), reference).then(
    (x) => `mean ${x.mean.toFixed(4)}, ${(x.changed * 100).toFixed(2)}% px`,
    (e: Error) => e.message,
  );
  console.log(
    `${r.name.padEnd(26)} ${s.perSec.toFixed(1).padStart(7)}  ${ms(s.cpuMs).padStart(9)}  ${(1000 / s.cpuMs).toFixed(1).padStart(10)}` +
      `  ${`${(baseline.cpuMs / s.cpuMs).toFixed(2)}×`.padStart(10)}  ${ms(s.p50).padStart(8)}  ${s.kib.toFixed(0).padStart(4)}  ${d.padEnd(25)}  ${await cjkCheck(r.render)}` +
      (r.n < N ? `  [${r.n} charts]` : ''),
  );
}

// --- other costs of the canvas path ------------------------------------------------------------------------
const NV = Math.min(N, 30);
const variants: Contender[] = [
  { name: 'librsvg (baseline)', render: viaRenderer({ rasterizer: 'librsvg' }), n: NV },
  { name: 'canvas, compile every time (no cache)', render: viaRenderer({}), n: NV, before: clearRenderCache },
  { name: 'canvas, PNG zlib level 1', render: viaRenderer({ compressionLevel: 1 }), n: NV },
  { name: 'canvas, PNG zlib level 2 (default)', render: viaRenderer({ compressionLevel: 2 }), n: NV },
  { name: 'canvas, PNG zlib level 6', render: viaRenderer({ compressionLevel: 6 }), n: NV },
  { name: 'canvas, PNG zlib level 9', render: viaRenderer({ compressionLevel: 9 }), n: NV },
  {
    name: 'canvas, PNG palette (256 colours)',
    render: async (spec) => sharp(await renderPng(spec, { compressionLevel: 0 })).png({ palette: true, compressionLevel: 2 }).toBuffer(),
    n: NV,
  },
];
const vr = await interleaved(variants);
console.log('\nvariant (interleaved with its own baseline)   /s per core  vs baseline   KiB');
for (const [k, v] of variants.entries()) {
  const s = vr[k]!;
  console.log(`${v.name.padEnd(45)} ${(1000 / s.cpuMs).toFixed(1).padStart(11)}  ${`${(vr[0]!.cpuMs / s.cpuMs).toFixed(2)}×`.padStart(11)}  ${s.kib.toFixed(0).padStart(4)}`);
}

// --- worker pool -------------------------------------------------------------------------------------------
console.log(`\nworker pool                                   charts/s  vs baseline pool  CPU/chart  /s per core  p50 latency incl. queueing`);
for (const size of [...new Set([1, POOL])]) {
  const cold = [await poolCold(size, { rasterizer: 'librsvg' }), await poolCold(size, { rasterizer: 'canvas' })] as const;
  const steady = await poolSteady(size);
  for (const [label, [base, canvas], n] of [['cold', cold, N_COLD], ['steady', steady, N_STEADY]] as const) {
    for (const [name, p] of [[`librsvg, pool of ${size}, ${label} ${n}`, base], [`canvas, pool of ${size}, ${label} ${n}`, canvas]] as const) {
      console.log(
        `${name.padEnd(44)} ${p.perSec.toFixed(1).padStart(8)}  ${`${(p.perSec / base.perSec).toFixed(2)}×`.padStart(16)}  ${ms(p.cpuMs).padStart(9)}` +
          `  ${(1000 / p.cpuMs).toFixed(1).padStart(11)}  ${ms(p.p50)}${p.bootMs !== undefined ? `  (workers ready after ${p.bootMs.toFixed(0)} ms)` : ''}`,
      );
    }
  }
}
console.log(`\nload average after: ${load()}`);
