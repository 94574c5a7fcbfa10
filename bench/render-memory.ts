/**
 * The memory a Friday pass's chart rendering costs, on its own: the report's render pool (same options as
 * the bot, services/weekly-report) renders the pass's mix of charts — per manager one team bar chart and
 * `--per-manager` reps' trend charts — `--concurrency` at a time, and the process RSS (anonymous /
 * file-backed) and the worker's heap are printed every `--every` charts.
 *
 *   npx tsx bench/render-memory.ts [--charts=1500] [--per-manager=8] [--concurrency=10] [--every=250]
 *
 * Baseline (same run): the RSS with the pool started and warm (its warm-up chart rendered), before the
 * charts. Allocator settings (MALLOC_ARENA_MAX, LD_PRELOAD=libjemalloc) and V8 flags are the caller's
 * environment: run it once per setting to compare them (docs/performance.md, "Friday pass").
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { createRenderPool } from '../src/adapters/charts/render-pool.js';
import { barChartSpec } from '../src/domain/charts/bar-chart.js';
import { trendChartSpec } from '../src/domain/charts/report-trend-chart.js';
import { silentLogger } from '../src/logger.js';
import { REPORT_CHART_SCALE } from '../src/services/weekly-report/report-sender.js';
import { reportRenderPoolOptions } from '../src/services/weekly-report/index.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const CHARTS = Number(args.get('charts') ?? 1500);
const PER_MANAGER = Number(args.get('per-manager') ?? 8);
const CONCURRENCY = Number(args.get('concurrency') ?? 10);
const EVERY = Number(args.get('every') ?? 250);

const load = () => loadavg().map((x) => x.toFixed(2)).join(' / ');
const status = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;
const mem = () => `rss ${status('VmRSS').toFixed(0)} MB (anon ${status('RssAnon').toFixed(0)}, file ${status('RssFile').toFixed(0)})`;

/** A rep's quarter so far, varied by `i` (13 weeks, the report week 9). */
function repSpec(i: number) {
  const rows = Array.from({ length: 13 }, (_, w) => ({
    week: `2026-W${String(40 + w).padStart(2, '0')}`,
    counted: w < 9 ? (i * 7 + w * 3) % 11 : null,
    cumulative: w < 9 ? Math.min(1.4, ((i % 17) + w) / 20) : null,
    pace: (w + 1) / 13,
  }));
  return trendChartSpec({ metricName: '签约额', rows, reportWeek: '2026-W48' });
}

/** A manager's team: `PER_MANAGER` reps' health scores, names in 汉字. */
function teamSpec(i: number) {
  const names = ['王磊', '张伟', '刘洋', '陈静', '许怡', '李娜', '赵强', '孙丽', '周杰', '吴敏'];
  return barChartSpec({
    title: '团队健康分 · 2026 第 48 周',
    subtitle: '分数低的在上',
    rows: Array.from({ length: PER_MANAGER }, (_, k) => ({ label: `${names[(i + k) % names.length]}${k}`, value: (i * 13 + k * 29) % 100, color: k % 3 ? '#4C9F70' : '#E4572E' })),
    valueTitle: '健康分',
    orientation: 'horizontal',
    width: 360,
  });
}

console.log(`load average before: ${load()} (1 / 5 / 15 min), ${availableParallelism()} cores, node ${process.version}`);
console.log(`env: MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '-'} LD_PRELOAD=${process.env.LD_PRELOAD ?? '-'} NODE_OPTIONS=${process.env.NODE_OPTIONS ?? '-'}`);
const pool = createRenderPool(reportRenderPoolOptions(silentLogger, CONCURRENCY));
await pool.ready();
const baseline = status('VmRSS');
console.log(`pool of ${pool.size} warm: ${mem()} ← baseline`);
let next = 0;
let done = 0;
let peak = baseline;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < CHARTS) {
      const i = next++;
      // Per manager: the team summary, then the reps' cards.
      const spec = i % (PER_MANAGER + 1) === 0 ? teamSpec(i) : repSpec(i);
      await pool.render(spec, { scale: REPORT_CHART_SCALE });
      peak = Math.max(peak, status('VmRSS'));
      if (++done % EVERY === 0) {
        const heap = pool.stats().heap;
        console.log(`${String(done).padStart(6)} charts: ${mem()}; worker heap ${heap ? `${(heap.used / 1_048_576).toFixed(0)}/${(heap.total / 1_048_576).toFixed(0)} MB, external ${(heap.external / 1_048_576).toFixed(0)} MB` : '-'}`);
      }
    }
  }),
);
const s = (performance.now() - t0) / 1000;
await pool.close();
console.log(`${CHARTS} charts in ${s.toFixed(1)} s (${(CHARTS / s).toFixed(1)}/s); peak RSS ${peak.toFixed(0)} MB, ${(peak - baseline).toFixed(0)} MB over the warm pool's ${baseline.toFixed(0)} MB`);
console.log(`load average after: ${load()}`);
