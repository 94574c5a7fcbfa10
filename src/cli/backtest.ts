/**
 * npm run backtest -- [--weeks 4,6,8,10] [--from 2025Q1] [--threshold 0.5] [--metric signed_amount|new_customers] [--model logistic|gbt] [--as-of ISO]
 *
 * Rolling-origin backtest of the attainment prediction on whatever the database holds (MONGODB_URI):
 * imported CSVs, Salesforce, the demo company. For each finished quarter with at least two earlier ones,
 * trains on the earlier quarters only and scores week-N predictions against the quarter's outcome, next to
 * the pace and last-quarter baselines (docs/prediction.md). Exit codes: 0 printed, 1 could not run.
 */
import { parseArgs } from 'node:util';
import { connectMongo } from '../adapters/mongo/connect.js';
import { createModels } from '../adapters/mongo/models/index.js';
import { cliConfig } from './cli-config.js';
import { formatBacktest } from '../domain/prediction/backtest-format.js';
import { PREDICTED_METRICS, type PredictedMetric } from '../domain/prediction/features.js';
import { createLogger } from '../logger.js';
import { backtestFromDb } from '../services/prediction/backtest-service.js';

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { weeks: { type: 'string' }, from: { type: 'string' }, threshold: { type: 'string' }, metric: { type: 'string' }, model: { type: 'string' }, 'as-of': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    out('用法：npm run backtest -- [--weeks 4,6,8,10] [--from 2025Q1] [--threshold 0.5] [--metric signed_amount|new_customers] [--model logistic|gbt] [--as-of 2026-12-01]');
    return 0;
  }
  const weeks = (values.weeks ?? '4,6,8,10').split(',').map((w) => Number(w.trim()));
  if (weeks.some((w) => !Number.isInteger(w) || w < 1 || w > 13)) return fail(`--weeks：要用逗号分隔的 1–13 的整数，例如 4,6,8,10（收到 "${values.weeks}"）`);
  const threshold = values.threshold === undefined ? 0.5 : Number(values.threshold);
  if (!(threshold > 0 && threshold < 1)) return fail(`--threshold：要 0 到 1 之间的数，例如 0.5（收到 "${values.threshold}"）`);
  if (values.from !== undefined && !/^(FY)?\d{4}Q[1-4]$/.test(values.from)) return fail(`--from：要季度，例如 2025Q1（收到 "${values.from}"）`);
  const metric = (values.metric ?? 'signed_amount') as PredictedMetric;
  if (!PREDICTED_METRICS.includes(metric)) return fail(`--metric：${PREDICTED_METRICS.join(' 或 ')}（收到 "${values.metric}"）`);
  const model = values.model ?? 'logistic';
  if (model !== 'logistic' && model !== 'gbt') return fail(`--model：logistic 或 gbt（收到 "${values.model}"）`);
  const asOf = values['as-of'] ? new Date(values['as-of']) : new Date();
  if (Number.isNaN(asOf.getTime())) return fail(`--as-of：要日期，例如 2026-12-01（收到 "${values['as-of']}"）`);
  const config = cliConfig(err);
  if (!config) return 1;
  if (!config.mongo.uri) return fail('请设置 MONGODB_URI：回测读取服务使用的数据库（本地运行时，服务启动日志里的 "started local database" 给出了地址）。');
  // Errors only: the report goes to stdout, and the connection's own "disconnected" warning at exit is noise.
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'error' });
  const conn = await connectMongo(config.mongo.uri, logger);
  try {
    const t0 = performance.now();
    const r = await backtestFromDb(createModels(conn), { asOf, weeks, threshold, metric, model, ...(values.from ? { fromQuarter: values.from } : {}) });
    out(formatBacktest(r));
    err(`(${Math.round(performance.now() - t0)} ms)`);
    return 0;
  } finally {
    await conn.close();
  }
}

function fail(message: string): number {
  err(message);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(`回测失败：${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
