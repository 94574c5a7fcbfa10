/**
 * Alignment board rendering cost for the 56-rep example (60 rows), PNG at 2×.
 *
 *   npx tsx bench/board.ts [--n=10]
 *
 * Prints p50/p95 for: building rows (alignment for every goal) + spec, SVG (vega), PNG (librsvg), and the
 * whole render through a one-worker render pool (what the bot does).
 */
import { createRenderPool } from '../src/adapters/charts/render-pool.js';
import { renderSvg, svgToPng } from '../src/adapters/charts/vega-renderer.js';
import { alignmentBoardSpec } from '../src/domain/charts/alignment-board.js';
import { exampleBoardInput } from '../scripts/board-example-data.js';

const N = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? 10);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(0)} ms, p95 ${pct(xs, 95).toFixed(0)} ms`;

const build: number[] = [];
const svgT: number[] = [];
const pngT: number[] = [];
let bytes = 0;
for (let i = 0; i < N + 2; i++) {
  const a = performance.now();
  const spec = alignmentBoardSpec(exampleBoardInput(56 + i));
  const b = performance.now();
  const svg = await renderSvg(spec);
  const c = performance.now();
  const png = await svgToPng(svg);
  const d = performance.now();
  if (i < 2) continue; // warm-up
  build.push(b - a);
  svgT.push(c - b);
  pngT.push(d - c);
  bytes = png.length;
}
process.stdout.write(`rows + spec: ${fmt(build)}\nSVG (vega):  ${fmt(svgT)}\nPNG:         ${fmt(pngT)}  (${(bytes / 1024).toFixed(0)} KiB)\n`);

const pool = createRenderPool({ size: 1 });
const poolT: number[] = [];
for (let i = 0; i < N + 2; i++) {
  const spec = alignmentBoardSpec(exampleBoardInput(56 + i));
  const a = performance.now();
  await pool.render(spec);
  if (i >= 2) poolT.push(performance.now() - a);
}
await pool.close();
process.stdout.write(`pool render: ${fmt(poolT)}\n`);
