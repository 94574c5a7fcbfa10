/**
 * The deals half of `npm run import:csv -- --kind=deals <file.csv> [--map …] [--stages …] [--currency …]
 * [--rate …] [--system …] [--source …] [--skip-invalid] [--dry-run]` (format: docs/deals-import.md).
 * Exit codes as for activities: 0 imported, 2 rows invalid (nothing stored unless --skip-invalid), 1 could not run.
 */
import { DealStore } from '../adapters/mongo/deal-store.js';
import { IdentityResolver, parseUserMap } from '../adapters/mongo/identity-resolver.js';
import type { Models } from '../adapters/mongo/models/index.js';
import { systemClock } from '../clock.js';
import type { Config } from '../config.js';
import { parseColumnMap, parseRates, parseStageMap } from '../domain/crm/deal-csv-row.js';
import { importDealsCsv, type DealCsvImportResult } from '../services/deals/deal-csv-import.js';
import { ProgressBar } from './progress-bar.js';

export interface DealCliOptions {
  file: string;
  map?: string;
  stages?: string;
  currency?: string;
  rate?: string;
  system?: string;
  source?: string;
  skipInvalid: boolean;
  dryRun: boolean;
}

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

/** Checks the options before touching the database: a typo in --map must not cost a connection. */
export function dealOptionProblems(o: DealCliOptions): string[] {
  const problems: string[] = [];
  for (const r of [parseColumnMap(o.map), parseStageMap(o.stages), parseRates(o.rate)]) if (!r.ok) problems.push(...r.errors);
  if (o.currency && !/^[A-Za-z]{3}$/.test(o.currency)) problems.push(`--currency 要是三个字母的币种代码，例如 CNY、USD（收到 ${o.currency}）`);
  return problems;
}

export async function runDealImport(o: DealCliOptions, deps: { config: Config; models: Models }): Promise<number> {
  const map = parseColumnMap(o.map);
  const stages = parseStageMap(o.stages);
  const rates = parseRates(o.rate);
  if (!map.ok || !stages.ok || !rates.ok) return 1;
  const bars = { check: new ProgressBar(process.stderr, '检查'), import: new ProgressBar(process.stderr, '导入') };
  const r = await importDealsCsv({
    file: o.file,
    store: new DealStore(deps.models, deps.config.timeZone, () => systemClock.now()),
    identity: new IdentityResolver(deps.models, parseUserMap(deps.config.salesforce.userMap)),
    row: { zone: deps.config.timeZone, stages: stages.stages, rates: rates.rates, defaultCurrency: (o.currency ?? 'CNY').toUpperCase(), ownerSystem: o.system ?? 'crm' },
    columnMap: map.map,
    source: o.source ?? `csv:${o.system ?? 'crm'}`,
    skipInvalid: o.skipInvalid,
    dryRun: o.dryRun,
    onProgress: (p) => bars[p.phase].update(p.bytes, p.totalBytes, `${p.rows.toLocaleString('en-US')} 行`),
  });
  return report(r, o.file, o.dryRun);
}

function report(r: DealCsvImportResult, file: string, dryRun: boolean): number {
  if (r.headerErrors.length) {
    err(`${file}：表头有问题，没有导入任何商机：`);
    r.headerErrors.forEach((e) => err(`  - ${e}`));
    return 2;
  }
  for (const e of r.errors) err(`  第 ${e.line} 行${e.column ? ` ${e.column}` : ''}：${e.message}`);
  if (r.errorCount > r.errors.length) err(`  …共 ${r.errorCount} 行有错误，只列出前 ${r.errors.length} 条`);
  if (!r.stored) {
    if (dryRun) out(`检查完毕：${r.rows} 行，${r.valid} 行有效，${r.errorCount} 行有错误（--dry-run，未写入）。`);
    else err(`${r.errorCount} 行有错误，没有导入任何商机。修正后重新导入，或加 --skip-invalid 只导入有效的 ${r.valid} 行。`);
    return r.errorCount ? 2 : 0;
  }
  out(`导入完成：${r.rows} 行商机，新增或更新 ${r.written}，未变 ${r.unchanged}；其中赢单 ${r.won} 单，共 ${r.amountWonCny.toLocaleString('en-US')} 元${r.errorCount ? `；跳过有错误的 ${r.errorCount} 行` : ''}。`);
  return r.errorCount ? 2 : 0;
}
