import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse, type Info } from 'csv-parse';
import type { DealStore } from '../../adapters/mongo/deal-store.js';
import type { IdentityResolver } from '../../adapters/mongo/identity-resolver.js';
import type { PersonRef } from '../../domain/activity/types.js';
import { dealCsvLayout, dealRowToInput, type CsvDeal, type DealCsvLayout, type DealCsvOptions, type DealField } from '../../domain/crm/deal-csv-row.js';
import type { CsvProgress, CsvRowError } from '../activity/csv-import.js';

export interface DealCsvImportOptions {
  file: string;
  store: DealStore;
  identity: IdentityResolver;
  row: DealCsvOptions;
  /** CSV column (lower-cased) → field, from `--map`. */
  columnMap?: ReadonlyMap<string, DealField | undefined>;
  /** Deals are keyed by (source, id): the same export imported twice updates, never doubles. */
  source: string;
  skipInvalid?: boolean;
  dryRun?: boolean;
  batchSize?: number;
  maxErrors?: number;
  onProgress?: (p: Omit<CsvProgress, 'phase'> & { phase: 'check' | 'import' }) => void;
}

export interface DealCsvImportResult {
  rows: number;
  valid: number;
  errorCount: number;
  errors: CsvRowError[];
  headerErrors: string[];
  stored: boolean;
  /** New or changed deals written (an edited row updates its deal in place). */
  written: number;
  unchanged: number;
  won: number;
  amountWonCny: number;
}

type Row = { record: string[]; info: Info };

const refText = (r: PersonRef) => (r.kind === 'userId' ? r.userId : r.kind === 'email' ? r.email : `${r.system}:${r.id}`);

/**
 * Imports a deals CSV like the activity CSV: a first pass checks every row (format, stage, currency, and
 * that the owner is a known person) with line numbers, and nothing is stored if any row is bad (unless
 * `skipInvalid`); a second pass writes in batches through the same DealStore the Salesforce sync uses.
 * An unknown owner is a row error here rather than parked: a CSV is re-imported after fixing the mapping.
 */
export async function importDealsCsv(o: DealCsvImportOptions): Promise<DealCsvImportResult> {
  const totalBytes = (await stat(o.file)).size;
  const maxErrors = o.maxErrors ?? 100;
  const result: DealCsvImportResult = { rows: 0, valid: 0, errorCount: 0, errors: [], headerErrors: [], stored: false, written: 0, unchanged: 0, won: 0, amountWonCny: 0 };
  const people = await o.identity.snapshot();
  const seen = new Map<string, number>();

  const judge = (cells: string[], layout: DealCsvLayout, line: number): { deal?: CsvDeal & { personId: string }; issues: Array<{ column?: string; message: string }> } => {
    // A short or long row: its cells would land in the wrong fields.
    if (cells.length !== layout.columns.length) return { issues: [{ message: `有 ${cells.length} 列，表头有 ${layout.columns.length} 列` }] };
    const r = dealRowToInput(cells, layout, o.row);
    if (!r.ok) return { issues: r.issues };
    const personId = people.resolveSync(r.deal.owner);
    if (!personId) return { issues: [{ column: 'owner', message: `负责人「${refText(r.deal.owner).slice(0, 60)}」不是已知的同事：检查邮箱/userid，或让 HR 在机器人里「映射」，再重新导入` }] };
    const first = seen.get(r.deal.sourceId);
    if (first !== undefined && first !== line) return { issues: [{ column: 'id', message: `商机编号 ${r.deal.sourceId.slice(0, 40)} 在第 ${first} 行已出现过` }] };
    seen.set(r.deal.sourceId, line);
    return { deal: { ...r.deal, personId }, issues: [] };
  };

  const checked = await forEachRow(o, totalBytes, 'check', (cells, layout, line) => {
    result.rows++;
    const j = judge(cells, layout, line);
    if (j.deal) result.valid++;
    else {
      result.errorCount++;
      for (const i of j.issues) if (result.errors.length < maxErrors) result.errors.push({ line, ...i });
    }
  });
  if (!checked.ok) {
    result.headerErrors = checked.errors;
    return result;
  }
  if (o.dryRun || (result.errorCount > 0 && !o.skipInvalid)) return result;

  let batch: Array<CsvDeal & { personId: string }> = [];
  const flush = async () => {
    if (!batch.length) return;
    const w = await o.store.write(o.source, batch.map(({ owner: _o, ...d }) => d));
    result.written += w.written;
    result.unchanged += w.unchanged;
    batch = [];
  };
  seen.clear();
  await forEachRow(o, totalBytes, 'import', async (cells, layout, line) => {
    const j = judge(cells, layout, line);
    if (!j.deal) return;
    if (j.deal.isWon && !j.deal.deleted) {
      result.won++;
      result.amountWonCny += j.deal.amountCny;
    }
    batch.push(j.deal);
    if (batch.length >= (o.batchSize ?? 1000)) await flush();
  });
  await flush();
  result.stored = true;
  return result;
}

async function forEachRow(
  o: DealCsvImportOptions,
  totalBytes: number,
  phase: 'check' | 'import',
  each: (cells: string[], layout: DealCsvLayout, line: number) => void | Promise<void>,
): Promise<{ ok: true } | { ok: false; errors: string[] }> {
  const parser = createReadStream(o.file).pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: false }));
  let layout: DealCsvLayout | undefined;
  let rows = 0;
  let lastReport = 0;
  try {
    for await (const row of parser as AsyncIterable<Row>) {
      if (!layout) {
        const l = dealCsvLayout(row.record, o.columnMap);
        if (!l.ok) return { ok: false, errors: l.errors };
        layout = l.layout;
        continue;
      }
      rows++;
      const line = row.info.lines;
      await each(row.record, layout, line);
      if (o.onProgress && row.info.records - lastReport >= 1000) {
        lastReport = row.info.records;
        o.onProgress({ phase, bytes: row.info.bytes, totalBytes, rows });
      }
    }
  } catch (err) {
    const e = err as { code?: string; lines?: number; message?: string };
    if (e.code?.startsWith('CSV_')) return { ok: false, errors: [`第 ${e.lines ?? '?'} 行附近无法解析：${e.message}`] };
    throw err;
  }
  if (!layout) return { ok: false, errors: ['文件是空的：第一行应是表头'] };
  o.onProgress?.({ phase, bytes: totalBytes, totalBytes, rows });
  return { ok: true };
}
