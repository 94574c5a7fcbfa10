/**
 * Demo company generator speed and memory: org + goals, then every rep's quarter streamed in chunks.
 *
 *   npx tsx bench/demo-company.ts [--sizes=56,10000] [--full] [--chunk=25]
 *
 * `--full` generates the whole quarter (as a backtest would); otherwise up to a fixed "now" in week 9.
 * Prints, per size: org time, activities and deals generated, activities per second, peak RSS.
 */
import { generateCompany } from '../src/demo/company.js';
import { quarterChunks } from '../src/demo/rep-quarter.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const sizes = (args.get('sizes') ?? '56,10000').split(',').map(Number);
const chunk = Number(args.get('chunk') ?? 25);
const now = new Date('2026-11-26T10:00:00+08:00');
const until = args.has('full') ? new Date('2027-01-01T00:00:00+08:00') : undefined;

for (const size of sizes) {
  const t0 = performance.now();
  const company = generateCompany({ size, now, ...(until ? { until } : {}) });
  const t1 = performance.now();
  let activities = 0;
  let deals = 0;
  let peak = process.memoryUsage().rss;
  for (const c of quarterChunks(company, chunk)) {
    activities += c.activities.length;
    deals += c.deals.length;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const t2 = performance.now();
  console.log(
    [
      `${String(size).padStart(6)} reps`,
      `org+goals ${(t1 - t0).toFixed(0)} ms`,
      `${activities.toLocaleString('en')} activities + ${deals.toLocaleString('en')} deals in ${((t2 - t1) / 1000).toFixed(2)} s`,
      `${Math.round(activities / ((t2 - t1) / 1000)).toLocaleString('en')} activities/s`,
      `peak RSS ${Math.round(peak / 1e6)} MB`,
    ].join(' | '),
  );
}
