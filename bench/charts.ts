/**
 * Chart rendering throughput: a 56-bar chart with Chinese rep names, PNG at 2×.
 *
 *   npx tsx bench/charts.ts [--n=60] [--pool=<workers>]
 *
 * Prints charts/s, p50/p95 and process CPU per chart for: one render at a time on the main thread (with a
 * stage breakdown: spec → SVG (vega-lite compile + vega dataflow) → PNG (librsvg + zlib)) for ¥ labels,
 * 万 labels and no value labels, then concurrent renders through the worker pool (1 and N = cores workers).
 * "/s per core" (1000 / CPU ms per chart) is the figure to compare: wall-clock charts/s swings with whatever
 * else runs on the machine, so the load average is printed before and after.
 */
import { availableParallelism, loadavg } from 'node:os';
import { createRenderPool } from '../src/adapters/charts/render-pool.js';
import { clearRenderCache, renderSvg, svgToPng } from '../src/adapters/charts/vega-renderer.js';
import { barChartSpec, type BarRow, type ValueFormat } from '../src/domain/charts/bar-chart.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const N = Number(args.get('n') ?? 60);
const POOL = Number(args.get('pool') ?? availableParallelism());

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵';
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚', '桂英'];

function rows(seed: number): BarRow[] {
  return Array.from({ length: 56 }, (_, i) => ({
    label: (i === 7 ? '欧阳' : SURNAMES[(i + seed) % SURNAMES.length]!) + GIVEN[(i * 7 + seed) % GIVEN.length]!,
    value: 100_000 + (((i + 1) * 7919 * (seed + 3)) % 900_000),
    ...(i < 10 ? { color: '#54A24B' } : {}),
  })).sort((a, b) => b.value - a.value);
}
let showValues = true;
let valueFormat: ValueFormat = 'cny';
const specFor = (seed: number) =>
  barChartSpec({ title: `本季度签约额（第 ${(seed % 13) + 1} 周）`, rows: rows(seed), valueTitle: '签约额', valueFormat, showValues });

/** Process CPU (all threads: JS, libuv pool, vips, workers) per chart since `since`. */
function cpuPerChart(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000 / N;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}
const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function single(label: string, cold: boolean) {
  const total: number[] = [];
  const svgT: number[] = [];
  const pngT: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) await svgToPng(await renderSvg(specFor(i))); // warm-up (JIT, fonts)
  const cpu0 = process.cpuUsage(); // after the warm-up, which is not one of the N charts
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    if (cold) clearRenderCache();
    const a = performance.now();
    const spec = specFor(i);
    const svg = await renderSvg(spec);
    const b = performance.now();
    const png = await svgToPng(svg);
    const c = performance.now();
    bytes += png.length;
    total.push(c - a);
    svgT.push(b - a);
    pngT.push(c - b);
  }
  const wall = performance.now() - t0;
  const cpuMs = cpuPerChart(cpu0);
  for (const a of [total, svgT, pngT]) a.sort((x, y) => x - y);
  console.log(
    `${label.padEnd(34)} ${(N / (wall / 1000)).toFixed(1).padStart(5)} charts/s   p50 ${fmt(pct(total, 50))}  p95 ${fmt(pct(total, 95))}` +
      `   CPU ${fmt(cpuMs)}/chart (= ${(1000 / cpuMs).toFixed(1)}/s per core)` +
      `   [spec→SVG p50 ${fmt(pct(svgT, 50))}, SVG→PNG p50 ${fmt(pct(pngT, 50))}, ${(bytes / N / 1024).toFixed(0)} KiB]`,
  );
}

async function pooled(size: number) {
  const pool = createRenderPool({ size, maxQueue: N * 2 });
  try {
    await Promise.all(Array.from({ length: size * 3 }, (_, i) => pool.render(specFor(i)))); // boot + warm-up
    const lat: number[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const a = performance.now();
        await pool.render(specFor(i));
        lat.push(performance.now() - a);
      }),
    );
    const wall = performance.now() - t0;
    lat.sort((x, y) => x - y);
    console.log(
      `${`pool of ${size} (${N} concurrent)`.padEnd(34)} ${(N / (wall / 1000)).toFixed(1).padStart(5)} charts/s   ` +
        `CPU ${fmt(cpuPerChart(cpu0))}/chart   (latency incl. queueing p50 ${fmt(pct(lat, 50))})`,
    );
  } finally {
    await pool.close();
  }
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`56-bar chart, Chinese names, PNG 2× — ${N} renders, ${availableParallelism()} cores, node ${process.version}, load ${load()}`);
await single('main thread, ¥1,061,666 labels', false);
await single('  same, compile every time', true);
valueFormat = 'cny-wan';
await single('main thread, 106.2万 labels', false);
showValues = false;
await single('main thread, no value labels', false);
showValues = true;
valueFormat = 'cny';
await pooled(1);
if (POOL > 1) await pooled(POOL);
console.log(`load average after: ${load()}`);
