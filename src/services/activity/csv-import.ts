import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse, type CsvError, type Info } from 'csv-parse';
import { csvLayout, csvRowId, csvRowToInput, type CsvLayout } from '../../domain/activity/csv-row.js';
import type { ActivityInput } from '../../domain/activity/types.js';
import { quarterOf } from '../../domain/time/calendar.js';
import type { ActivityCore } from './activity-core.js';
import { DirtyDays, withNeighbours } from './dirty-days.js';
import { AccountMemo, type PreparedBatch } from './ingest.js';
import { CsvEncodingError, decodeStream, detectCsvEncoding, type CsvEncoding } from './csv-encoding.js';
import { SeenIds, settleSuspects, type Suspect } from './seen-ids.js';

export interface CsvRowError {
  line: number;
  column?: string;
  message: string;
}

export interface CsvProgress {
  phase: 'check' | 'import' | 'match';
  bytes: number;
  totalBytes: number;
  rows: number;
}

export interface CsvImportOptions {
  file: string;
  core: ActivityCore;
  zone: string;
  typeAliases: ReadonlyMap<string, string>;
  /** Default: any invalid row means nothing is stored (house rule). `skipInvalid` imports the valid rows. */
  skipInvalid?: boolean;
  /** Check only; store nothing. */
  dryRun?: boolean;
  batchSize?: number;
  /** How many row errors to keep for the report (all are counted). */
  maxErrors?: number;
  onProgress?: (p: CsvProgress) => void;
}

export interface CsvImportResult {
  rows: number;
  valid: number;
  errorCount: number;
  errors: CsvRowError[];
  /** The header itself was unusable: nothing was read further. */
  headerErrors: string[];
  /** How the file was read (GB18030 covers GBK, what Excel in China writes). */
  encoding: CsvEncoding | undefined;
  stored: boolean;
  created: number;
  updated: number;
  unchanged: number;
  stale: number;
  parked: number;
  /** People whose rows were parked (no such person): email/userid → rows. */
  unmatchedPeople: Map<string, number>;
  matched: { records: number; changed: number };
}

type Issue = { column?: string; message: string };

/**
 * Imports an activity CSV as a stream (a million rows in constant memory): first a pass that checks
 * every row and counts them (so the progress bar knows the total, and a bad row stops the import before
 * anything is written), then a pass that stores them in batches through the same ingest as every other
 * source, then cross-system matching for the quarters it touched.
 */
export async function importCsv(o: CsvImportOptions): Promise<CsvImportResult> {
  const totalBytes = (await stat(o.file)).size;
  const maxErrors = o.maxErrors ?? 100;
  const result: CsvImportResult = {
    rows: 0, valid: 0, errorCount: 0, errors: [], headerErrors: [], encoding: undefined, stored: false,
    created: 0, updated: 0, unchanged: 0, stale: 0, parked: 0, unmatchedPeople: new Map(), matched: { records: 0, changed: 0 },
  };

  const detected = await detectCsvEncoding(o.file);
  if (!detected.ok) {
    result.headerErrors = [detected.error];
    return result;
  }
  result.encoding = detected.encoding;

  // Pass 1: check.
  const checked = await checkRows(o, detected.encoding, totalBytes, result, maxErrors);
  if (!checked.ok) {
    result.headerErrors = checked.errors;
    return result;
  }
  if (o.dryRun || (result.errorCount > 0 && !o.skipInvalid)) return result;

  // Pass 2: store.
  const people = await o.core.identity.snapshot();
  const dirty = new DirtyDays();
  const regroup = new DirtyDays();
  let minStart = Number.POSITIVE_INFINITY;
  let maxStart = Number.NEGATIVE_INFINITY;
  let batch: ActivityInput[] = [];
  // One batch is written while the next is parsed and checked: the database (another process) and this
  // one work at the same time. Writes stay in file order: a batch starts only after the previous one ended.
  let inFlight: Promise<void> | undefined;
  let failed: { error: unknown } | undefined;
  const settle = async () => {
    await inFlight;
    if (failed) throw failed.error;
  };
  const opts = { reconcile: 'defer' as const, dirty, regroup, people, accounts: new AccountMemo() };
  const write = async (prepared: PreparedBatch) => {
    const r = await o.core.ingest.commit(prepared, opts);
    result.created += r.created;
    result.updated += r.updated;
    result.unchanged += r.unchanged;
    result.stale += r.stale;
    result.parked += r.parked;
    for (const u of r.unmatched) {
      const key = u.person.kind === 'email' ? u.person.email : u.person.kind === 'userId' ? u.person.userId : `${u.person.system}:${u.person.id}`;
      result.unmatchedPeople.set(key, (result.unmatchedPeople.get(key) ?? 0) + 1);
    }
  };
  const flush = async () => {
    if (!batch.length) return;
    const rows = batch;
    batch = [];
    // Judged here, while the previous batch is still being written; written only after it.
    const prepared = await o.core.ingest.prepare(rows, opts);
    await settle();
    // Caught here and rethrown by the next settle(): an unobserved rejection would crash the process.
    inFlight = write(prepared).catch((error: unknown) => {
      failed = { error };
    });
  };
  const rowOptions = { zone: o.zone, typeAliases: o.typeAliases };
  const stored = await readRows(o, detected.encoding, totalBytes, 'import', false, async (row) => {
    // The check pass refused these (with --skip-invalid they are left out): a row of the wrong width, one that
    // does not convert, a later copy of a record.
    if (row.kind !== 'row' || row.cells.length !== row.width || checked.duplicates.has(row.index)) return;
    const r = csvRowToInput(row.cells, row.layout, rowOptions);
    if (!r.ok) return;
    const input = r.input;
    const t = input.startAt.getTime();
    if (t < minStart) minStart = t;
    if (t > maxStart) maxStart = t;
    batch.push(input);
    if (batch.length >= (o.batchSize ?? 1000)) await flush();
  });
  await flush();
  await settle();
  // The file was checked a moment ago; if it can no longer be read the same way, say so rather than claim success.
  if (!stored.ok) throw new Error(`文件在导入过程中变了：${stored.errors.join('；')}`);
  result.stored = true;

  // Pass 3: match visits across systems where this import can have changed something.
  o.onProgress?.({ phase: 'match', bytes: totalBytes, totalBytes, rows: result.rows });
  const wanted = new DirtyDays();
  for (const [person, days] of regroup.entries()) for (const d of days) wanted.add(person, d);
  for (const q of quartersBetween(minStart, maxStart, o.zone)) {
    const others = await o.core.reconciler.daysWithOtherSources(q, 'csv');
    for (const [person, days] of others.entries()) {
      const mine = dirty.get(person);
      // A visit just before midnight can match a check-in just after it: neighbouring days count.
      for (const d of withNeighbours(days)) if (mine.has(d)) wanted.add(person, d);
    }
  }
  if (wanted.size) {
    const m = await o.core.reconciler.reconcile(wanted);
    result.matched.records += m.records;
    result.matched.changed += m.changed;
  }
  return result;
}

/** Quarter keys from the first to the last row's start (the writer buckets by the same calendar). */
function quartersBetween(min: number, max: number, zone: string): string[] {
  const out: string[] = [];
  if (!Number.isFinite(min)) return out;
  for (let q = quarterOf(new Date(min), zone); q.start.getTime() <= max; q = quarterOf(q.end, zone)) out.push(q.id);
  return out;
}

/**
 * Pass 1: every row converted and validated, errors counted and the first `maxErrors` kept with their lines.
 * Returns the data rows (by index, see readRows) that repeat an earlier record, for the store pass to leave out.
 */
async function checkRows(
  o: CsvImportOptions,
  encoding: CsvEncoding,
  totalBytes: number,
  result: CsvImportResult,
  maxErrors: number,
): Promise<{ ok: true; duplicates: ReadonlySet<number> } | { ok: false; errors: string[] }> {
  const fail = (line: number, issues: readonly Issue[]) => {
    result.errorCount++;
    for (const i of issues) if (result.errors.length < maxErrors) result.errors.push({ line, ...i });
  };
  // The same record twice in one file is a mistake (an export joined twice, a copied row): refused with
  // both lines, never "the last one wins". Only hashes of the ids are kept (SeenIds); a row whose id hashes
  // like an earlier one's is settled after the pass, by reading the earlier line's id again.
  const seen = new SeenIds();
  const suspects: Suspect[] = [];
  const rowOptions = { zone: o.zone, typeAliases: o.typeAliases };
  const read = await readRows(o, encoding, totalBytes, 'check', true, (row) => {
    result.rows++;
    if (row.kind === 'unreadable') return fail(row.line, [{ message: row.message }]);
    if (row.cells.length !== row.width) return fail(row.line, [{ message: `有 ${row.cells.length} 列，表头有 ${row.width} 列` }]);
    const r = csvRowId(row.cells, row.layout, rowOptions);
    if (!r.ok) return fail(row.line, r.issues);
    const firstLine = seen.firstLineOf(r.sourceId, row.line);
    if (firstLine === undefined) result.valid++;
    else suspects.push({ index: row.index, line: row.line, id: r.sourceId, firstLine });
  });
  if (!read.ok) return read;
  const duplicates = new Set<number>();
  if (suspects.length === 0) return { ok: true, duplicates };

  const idOnLine = await idsOnLines(o, encoding, new Set(suspects.map((s) => s.firstLine)));
  const repeated: CsvRowError[] = [];
  for (const s of settleSuspects(suspects, idOnLine)) {
    if (s.firstLine === undefined) {
      result.valid++;
      continue;
    }
    duplicates.add(s.index);
    result.errorCount++;
    repeated.push({ line: s.line, column: 'id', message: `记录 ${s.id} 与第 ${s.firstLine} 行重复（同一文件里一条记录只能出现一次）` });
  }
  // In line order like every other error (a stable sort: one row's several issues keep their order).
  if (repeated.length) result.errors = [...result.errors, ...repeated].sort((a, b) => a.line - b.line).slice(0, maxErrors);
  return { ok: true, duplicates };
}

/** The record ids (as stored: "<system>:<id>") of the given lines, read from the file again. */
async function idsOnLines(o: CsvImportOptions, encoding: CsvEncoding, lines: ReadonlySet<number>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  // A loop, not Math.max(...lines): a file of copies can have more first lines than a call takes arguments.
  let last = 0;
  for (const l of lines) if (l > last) last = l;
  const rowOptions = { zone: o.zone, typeAliases: o.typeAliases };
  await readRows({ ...o, onProgress: undefined }, encoding, 0, 'check', true, (row) => {
    if (row.kind !== 'row' || !lines.has(row.line)) return row.line >= last ? 'stop' : undefined;
    const r = csvRowId(row.cells, row.layout, rowOptions);
    if (r.ok) out.set(row.line, r.sourceId);
    return row.line >= last ? 'stop' : undefined;
  });
  return out;
}

type DataRow =
  /** `index`: the row's position among the records the parser returned (the same in every pass over the file). */
  | { kind: 'row'; cells: string[]; index: number; line: number; layout: CsvLayout; width: number }
  /** A record the parser could not read (a stray or unclosed quote). */
  | { kind: 'unreadable'; line: number; message: string };

/**
 * Streams the file's data rows through `each` (which may return 'stop'); the header is read and checked
 * first. `lines`: whether rows carry their line number (the parser's per-record info, which costs; the
 * store pass does without, and without the unreadable rows the check pass already reported).
 */
async function readRows(
  o: CsvImportOptions,
  encoding: CsvEncoding,
  totalBytes: number,
  phase: 'check' | 'import',
  lines: boolean,
  each: (row: DataRow) => void | 'stop' | Promise<void | 'stop'>,
): Promise<{ ok: true } | { ok: false; errors: string[] }> {
  // A record the parser can't read (a stray or unclosed quote) is reported with its line like any bad row,
  // and skipped with --skip-invalid; the parser goes on with the next record.
  const unreadable: Array<{ line: number; message: string }> = [];
  const onSkip = (err: CsvError | undefined): undefined => {
    if (!err || !lines) return undefined;
    const line = (err as CsvError & { lines?: number }).lines ?? 0;
    if (unreadable.at(-1)?.line !== line) unreadable.push({ line, message: quoteProblem(err) });
    return undefined;
  };
  const source = createReadStream(o.file);
  const decoder = decodeStream(encoding);
  const parser = source.pipe(decoder).pipe(parse({ bom: true, info: lines, relax_column_count: true, skip_empty_lines: true, trim: false, skip_records_with_error: true, on_skip: onSkip }));
  // pipe() does not pass errors on: a bad byte (or a read error) must end the loop below, not hang it.
  for (const s of [source, decoder]) s.once('error', (err: Error) => parser.destroy(err));
  let layout: CsvLayout | undefined;
  let width = 0;
  let index = 0;
  let rows = 0;
  const reportUnreadable = async () => {
    for (const u of unreadable.splice(0)) {
      rows++;
      if ((await each({ kind: 'unreadable', ...u })) === 'stop') return 'stop';
    }
    return undefined;
  };
  try {
    for await (const row of parser as AsyncIterable<{ record: string[]; info: Info } | string[]>) {
      const record = Array.isArray(row) ? row : row.record;
      if (!layout) {
        const l = csvLayout(record);
        if (!l.ok) return { ok: false, errors: l.errors };
        layout = l.layout;
        width = record.length;
        continue;
      }
      if ((await reportUnreadable()) === 'stop') break;
      rows++;
      const r = await each({ kind: 'row', cells: record, index: index++, line: Array.isArray(row) ? 0 : row.info.lines, layout, width });
      if (r === 'stop') break;
      if (o.onProgress && rows % 1000 === 0) o.onProgress({ phase, bytes: source.bytesRead, totalBytes, rows });
    }
    if (layout) await reportUnreadable();
  } catch (err) {
    if (err instanceof CsvEncodingError) return { ok: false, errors: [err.message] };
    // Anything else the parser cannot go on from: say where it stopped.
    const e = err as { code?: string; lines?: number; message?: string };
    if (e.code?.startsWith('CSV_')) return { ok: false, errors: [`第 ${e.lines ?? '?'} 行附近无法解析：${e.message}`] };
    throw err;
  } finally {
    // Stopped early (or failed): close the file.
    source.destroy();
  }
  if (!layout) return { ok: false, errors: [unreadable[0] ? `第 ${unreadable[0].line} 行（表头）无法解析：${unreadable[0].message}` : '文件是空的：第一行应是表头'] };
  o.onProgress?.({ phase, bytes: totalBytes, totalBytes, rows });
  return { ok: true };
}

/** What a reader can do about a record the CSV parser could not read. */
function quoteProblem(err: { code?: string; message: string }): string {
  switch (err.code) {
    case 'INVALID_OPENING_QUOTE':
      return '格子中间有引号「"」：格内的引号要写成两个（""），并用引号把整格括起来';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return '右引号后面还有字符：用引号括起来的格，右引号后应直接是逗号或换行';
    case 'CSV_QUOTE_NOT_CLOSED':
      return '引号没有闭合：从前面某个引号起到文件结尾都被当成了一格';
    default:
      return `无法解析：${err.message}`;
  }
}
