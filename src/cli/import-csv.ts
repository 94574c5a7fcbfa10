/**
 * npm run import:csv -- <file.csv> [--skip-invalid] [--dry-run]
 * npm run import:csv -- --kind=deals <file.csv> [--map col=field,…] [--stages Name=won,…] [--currency USD --rate USD=7.1] …
 *   (deals from any CRM export: src/cli/import-deals.ts, docs/deals-import.md)
 *
 * Imports activities from a CSV (format: docs/activities.md) into the service's database (MONGODB_URI),
 * through the same ingest as the connectors: owners matched by email/userid (unknown ones parked for HR),
 * rules applied, duplicates by (system, id) updated, not doubled. Rows are checked and stored in one pass;
 * with any bad row what was stored is taken back (the import's rollback), so nothing of the file stays;
 * with --skip-invalid the valid rows are imported and the bad ones reported.
 * Exit codes: 0 imported, 2 rows invalid (nothing stored unless --skip-invalid), 1 could not run.
 */
import { parseArgs } from 'node:util';
import { createActivityCore } from '../services/activity/activity-core.js';
import { createActivityMetrics } from '../services/activity/activity-metrics.js';
import { importCsv, type CsvImportResult } from '../services/activity/csv-import.js';
import { connectMongo } from '../adapters/mongo/connect.js';
import { IMPORT_STALE_MS } from '../adapters/mongo/import-run-store.js';
import { parseUserMap } from '../adapters/mongo/identity-resolver.js';
import { createModels, ensureIndexes } from '../adapters/mongo/models/index.js';
import { systemClock } from '../clock.js';
import { cliConfig } from './cli-config.js';
import { typeAliases } from '../domain/activity/rules/context.js';
import { createLogger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { dealOptionProblems, runDealImport, type DealCliOptions } from './import-deals.js';
import { ProgressBar } from './progress-bar.js';

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'skip-invalid': { type: 'boolean' }, 'dry-run': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      kind: { type: 'string' }, map: { type: 'string' }, stages: { type: 'string' }, currency: { type: 'string' }, rate: { type: 'string' }, system: { type: 'string' }, source: { type: 'string' },
    },
  });
  const file = positionals[0];
  const kind = values.kind ?? 'activities';
  if (values.help || !file || !['activities', 'deals'].includes(kind)) {
    err('用法：npm run import:csv -- <文件.csv> [--skip-invalid] [--dry-run]\n列的格式见 docs/activities.md（id, type, start, person_email 或 person_userid, …）。');
    err('商机：npm run import:csv -- --kind=deals <文件.csv> [--map 列=字段,…] [--stages 阶段=open|won|lost,…] [--currency USD --rate USD=7.1] [--system crm] [--source csv:crm]\n格式见 docs/deals-import.md。');
    return values.help ? 0 : 1;
  }
  const dealOptions: DealCliOptions | undefined =
    kind === 'deals'
      ? { file, map: values.map, stages: values.stages, currency: values.currency, rate: values.rate, system: values.system, source: values.source, skipInvalid: values['skip-invalid'] === true, dryRun: values['dry-run'] === true }
      : undefined;
  const optionProblems = dealOptions ? dealOptionProblems(dealOptions) : [];
  if (optionProblems.length) {
    optionProblems.forEach((p) => err(p));
    return 1;
  }
  const config = cliConfig(err);
  if (!config) return 1;
  if (!config.mongo.uri) {
    err('请设置 MONGODB_URI：导入写入服务使用的数据库（本地运行时，服务启动日志里的 "started local database" 给出了地址）。');
    return 1;
  }
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });
  const conn = await connectMongo(config.mongo.uri, logger);
  try {
    const models = createModels(conn);
    await ensureIndexes(models);
    if (dealOptions) return await runDealImport(dealOptions, { config, models });
    const changedRules = new Set<string>();
    const core = createActivityCore({
      models,
      zone: config.timeZone,
      defaultRulesText: config.activity.defaultRules,
      userMap: parseUserMap(config.salesforce.userMap),
      metrics: createActivityMetrics(createMetrics().registry),
      logger,
      clock: systemClock,
      onRulesChanged: async (q) => void changedRules.add(q),
    });
    const bars = { check: new ProgressBar(process.stderr, '检查'), import: new ProgressBar(process.stderr, '导入') };
    let phase = '';
    const r = await importCsv({
      file,
      core,
      zone: config.timeZone,
      typeAliases: typeAliases(),
      skipInvalid: values['skip-invalid'] === true,
      dryRun: values['dry-run'] === true,
      onProgress: (p) => {
        if (p.phase === 'match') {
          if (phase !== 'match') err('跨系统匹配拜访记录…');
        } else if (p.phase === 'rollback') {
          if (phase !== 'rollback') err('文件有问题：正在撤销本次已写入的记录…');
        } else bars[p.phase].update(p.bytes, p.totalBytes, `${p.rows.toLocaleString('en-US')} 行`);
        phase = p.phase;
      },
    });
    // HR changed the rules while the file was imported: judge the touched quarters again with the new ones.
    for (const q of changedRules) await core.reevaluator.quarter(q);
    return report(r, file, values['dry-run'] === true);
  } finally {
    await conn.close();
  }
}

function report(r: CsvImportResult, file: string, dryRun: boolean): number {
  if (r.headerErrors.length) {
    err(`${file}：表头有问题，没有导入任何记录：`);
    r.headerErrors.forEach((e) => err(`  - ${e}`));
    return 2;
  }
  for (const x of r.recovered) err(`上一次中断的导入 ${x.importId} 已撤销：删除 ${x.removed} 条，恢复 ${x.restored} 条。`);
  if (r.encoding === 'gb18030') err('文件不是 UTF-8，已按 GB18030（GBK，Excel 中文版的默认编码）读取。');
  for (const e of r.errors) err(`  第 ${e.line} 行${e.column ? ` ${e.column}` : ''}：${e.message}`);
  if (r.errorCount > r.errors.length) err(`  …共 ${r.errorCount} 行有错误，只列出前 ${r.errors.length} 条`);
  if (!r.stored) {
    if (dryRun) out(`检查完毕：${r.rows} 行，${r.valid} 行有效，${r.errorCount} 行有错误（--dry-run，未写入）。`);
    else {
      if (r.rolledBack && (r.rolledBack.removed || r.rolledBack.restored)) err(`已撤销本次导入已写入的部分：删除 ${r.rolledBack.removed} 条，恢复被更新的 ${r.rolledBack.restored} 条。`);
      err(`${r.errorCount} 行有错误，没有导入任何记录。修正后重新导入，或加 --skip-invalid 只导入有效的 ${r.valid} 行。`);
    }
    return r.errorCount ? 2 : 0;
  }
  out(`导入完成：${r.rows} 行，新增 ${r.created}，更新 ${r.updated}，未变 ${r.unchanged}${r.stale ? `，比已有版本旧而忽略 ${r.stale}` : ''}${r.errorCount ? `，跳过有错误的 ${r.errorCount} 行` : ''}。`);
  if (r.parked) {
    out(`${r.parked} 行的人员不是已知的钉钉同事，已暂存（HR 在机器人里发「未匹配」查看、「映射」补录）：`);
    for (const [who, n] of [...r.unmatchedPeople].sort((a, b) => b[1] - a[1]).slice(0, 10)) out(`  - ${who}：${n} 行`);
  }
  if (r.matched.changed) out(`与其他系统匹配：${r.matched.changed} 条记录的合并/计入结果有变化。`);
  return r.errorCount ? 2 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(`导入失败：${e instanceof Error ? e.message : String(e)}`);
    // The database went away mid-import (server killed, out of memory, network): say what to do next.
    if (lostDatabase(e)) {
      err(`数据库连接中断：已写入的部分会在下次导入时撤销（${IMPORT_STALE_MS / 1000} 秒后）；数据库恢复后重新导入同一文件即可。`);
    }
    process.exit(1);
  },
);

/** A network-level database failure (a bulk write that lost its connection carries the driver's ResetPool label). */
function lostDatabase(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const labelled = (e as { hasErrorLabel?: (l: string) => boolean }).hasErrorLabel;
  return /^Mongo(Network|ServerSelection|NotConnected|Topology)/.test(e.name) || (typeof labelled === 'function' && ['ResetPool', 'NetworkError'].some((l) => labelled.call(e, l)));
}
