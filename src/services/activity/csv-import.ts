import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse, type CsvError, type Info } from 'csv-parse';
import { csvLayout, csvRowId, csvRowToInput, type CsvLayout } from '../../domain/activity/csv-row.js';
import type { ActivityInput } from '../../domain/activity/types.js';
import { quarterOf } from '../../domain/time/calendar.js';
import type { ActivityCore } from './activity-core.js';
import { DirtyDays, withNeighbours } from './dirty-days.js';
import { IMPORT_HEARTBEAT_MS, IMPORT_STALE_MS, type RollbackResult, type WriteJournal } from '../../adapters/mongo/import-run-store.js';
import { AccountMemo, type IngestOptions, type PreparedBatch } from './ingest.js';
import { CsvEncodingError, decodeStream, detectCsvEncoding, type CsvEncoding } from './csv-encoding.js';
import { SeenIds, settleSuspects, type Suspect } from './seen-ids.js';

export interface CsvRowError {
  line: number;
  column?: string;
  message: string;
}

export interface CsvProgress {
  /** 'check': a dry run; 'import': the one pass that checks and stores; 'rollback': a refused file being taken back. */
  phase: 'check' | 'import' | 'rollback' | 'match';
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
  /** Tests: the duplicate table (e.g. one where every id hashes alike, to drive the hash-collision path). */
  seenIds?: () => SeenIds;
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
  /** The import run (activity_imports) when anything was written; on a refusal, what its rollback took back. */
  importId?: string;
  rolledBack?: { removed: number; restored: number };
  /** Earlier imports found dead (no heartbeat) and rolled back before this one started. */
  recovered: RollbackResult[];
}

type Issue = { column?: string; message: string };

/**
 * Imports an activity CSV as a stream (a million rows in constant memory) in one pass that checks each row
 * and stores the valid ones in batches through the same ingest as every other source; then cross-system
 * matching for the quarters it touched.
 *
 * "A refused file stores nothing" holds by rollback, not by a check before writing (a second parse of the
 * whole file cost a fifth of the import's time): every record the run inserts carries its id, every record
 * it updates is journalled first (ImportRunStore). At the first bad row (without --skip-invalid) storing
 * stops, the rest of the file is only checked (so every error is still reported with its line), and the
 * run is rolled back. A run whose process dies is rolled back by the next import (its heartbeat stops).
 */
export async function importCsv(o: CsvImportOptions): Promise<CsvImportResult> {
  const totalBytes = (await stat(o.file)).size;
  const maxErrors = o.maxErrors ?? 100;
  const result: CsvImportResult = {
    rows: 0, valid: 0, errorCount: 0, errors: [], headerErrors: [], encoding: undefined, stored: false,
    created: 0, updated: 0, unchanged: 0, stale: 0, parked: 0, unmatchedPeople: new Map(), matched: { records: 0, changed: 0 }, recovered: [],
  };

  const detected = await detectCsvEncoding(o.file);
  if (!detected.ok) {
    result.headerErrors = [detected.error];
    return result;
  }
  const encoding = detected.encoding;
  result.encoding = encoding;

  if (o.dryRun) {
    const checked = await checkAndStore(o, encoding, totalBytes, result, maxErrors, undefined);
    if (!checked.ok) result.headerErrors = checked.errors;
    else await settleDuplicates(o, encoding, checked.suspects, result, maxErrors);
    return result;
  }

  const begun = await o.core.imports.begin(basename(o.file));
  result.recovered = begun.recovered;
  const journal = begun.journal;
  result.importId = journal.importId;
  let alive = true;
  const heartbeat = setInterval(() => {
    o.core.imports.heartbeat(journal.importId).then(
      (ok) => (alive &&= ok),
      () => undefined,
    );
  }, IMPORT_HEARTBEAT_MS);
  heartbeat.unref();
  const writer = new BatchWriter(o, result, journal);
  const rollback = async (reason: string) => {
    o.onProgress?.({ phase: 'rollback', bytes: 0, totalBytes, rows: result.rows });
    // The batch in flight when storing stopped must land before the rollback looks.
    await writer.settled();
    // Nothing handed to the database: no scan of the activities for the import id (it has no index).
    const r = writer.flushes === 0 ? await o.core.imports.refusedEmpty(journal.importId, reason) : await o.core.imports.rollback(journal.importId, reason);
    result.rolledBack = { removed: r.removed, restored: r.restored };
  };
  try {
    const pass = await checkAndStore(o, encoding, totalBytes, result, maxErrors, writer);
    if (!pass.ok) {
      // The header was unusable, or the bytes stopped being UTF-8 halfway: what was stored goes.
      result.headerErrors = pass.errors;
      await rollback(`refused: ${pass.errors[0] ?? ''}`);
      return result;
    }
    const { duplicates, collisions } = await settleDuplicates(o, encoding, pass.suspects, result, maxErrors);
    if (result.errorCount > 0 && !o.skipInvalid) {
      await rollback(`refused: ${result.errorCount} invalid rows`);
      return result;
    }
    // Rows held back as probable repeats that only shared a hash with an earlier id (about 3 in 100 million
    // at a million rows), and, without --skip-invalid, every row after the first of them: stored now.
    if (collisions.size || pass.stoppedAt !== Number.POSITIVE_INFINITY) {
      await storeAgain(o, encoding, writer, (index) => !duplicates.has(index) && (index >= pass.stoppedAt || collisions.has(index)));
    }
    await writer.finish();
    if (!alive) throw new Error(`导入 ${journal.importId} 被另一个进程当作已中断而撤销（心跳超过 ${IMPORT_STALE_MS / 1000} 秒没有更新）：请重新导入`);
    await o.core.imports.stored(journal.importId);
  } catch (err) {
    // A failure (most often the database going away): take back what was written if the database still
    // answers; if not, the run stays 'running' and the next import rolls it back once its heartbeat is stale.
    clearInterval(heartbeat);
    await writer.settled();
    await o.core.imports.rollback(journal.importId, `failed: ${err instanceof Error ? err.message : String(err)}`).catch(() => undefined);
    throw err;
  } finally {
    clearInterval(heartbeat);
  }
  result.stored = true;

  // Cross-system matching where this import can have changed something.
  o.onProgress?.({ phase: 'match', bytes: totalBytes, totalBytes, rows: result.rows });
  const wanted = new DirtyDays();
  for (const [person, days] of writer.regroup.entries()) for (const d of days) wanted.add(person, d);
  for (const q of quartersBetween(writer.minStart, writer.maxStart, o.zone)) {
    const others = await o.core.reconciler.daysWithOtherSources(q, 'csv');
    for (const [person, days] of others.entries()) {
      const mine = writer.dirty.get(person);
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

/**
 * Batches of valid rows to the ingest. One batch is written while the next is parsed and judged: the database
 * (another process) and this one work at the same time. Writes stay in file order: a batch starts only after
 * the previous one ended (bounded memory: one in flight).
 */
class BatchWriter {
  readonly dirty = new DirtyDays();
  readonly regroup = new DirtyDays();
  minStart = Number.POSITIVE_INFINITY;
  maxStart = Number.NEGATIVE_INFINITY;
  /** Batches handed to the ingest (parking writes during prepare, the rest in commit). */
  flushes = 0;
  private batch: ActivityInput[] = [];
  private inFlight: Promise<void> | undefined;
  private failed: { error: unknown } | undefined;
  private people: Awaited<ReturnType<ActivityCore['identity']['snapshot']>> | undefined;
  private readonly accounts = new AccountMemo();
  private readonly size: number;

  constructor(
    private readonly o: CsvImportOptions,
    private readonly result: CsvImportResult,
    private readonly journal: WriteJournal,
  ) {
    this.size = o.batchSize ?? 1000;
  }

  async add(input: ActivityInput): Promise<void> {
    const t = input.startAt.getTime();
    if (t < this.minStart) this.minStart = t;
    if (t > this.maxStart) this.maxStart = t;
    this.batch.push(input);
    if (this.batch.length >= this.size) await this.flush();
  }

  async finish(): Promise<void> {
    await this.flush();
    await this.settle();
  }

  /** The write in flight has ended (whether or not it worked). */
  async settled(): Promise<void> {
    await this.inFlight;
  }

  private async settle(): Promise<void> {
    await this.inFlight;
    if (this.failed) throw this.failed.error;
  }

  private async flush(): Promise<void> {
    if (!this.batch.length) return;
    const rows = this.batch;
    this.batch = [];
    this.flushes++;
    // People are read once, when the first batch is ready (like before, at the start of storing).
    this.people ??= await this.o.core.identity.snapshot();
    const opts = { reconcile: 'defer' as const, dirty: this.dirty, regroup: this.regroup, people: this.people, accounts: this.accounts, journal: this.journal };
    // Judged here, while the previous batch is still being written; written only after it.
    const prepared = await this.o.core.ingest.prepare(rows, opts);
    await this.settle();
    // Caught here and rethrown by the next settle(): an unobserved rejection would crash the process.
    this.inFlight = this.write(prepared, opts).catch((error: unknown) => {
      this.failed = { error };
    });
  }

  private async write(prepared: PreparedBatch, opts: IngestOptions): Promise<void> {
    const r = await this.o.core.ingest.commit(prepared, opts);
    const result = this.result;
    result.created += r.created;
    result.updated += r.updated;
    result.unchanged += r.unchanged;
    result.stale += r.stale;
    result.parked += r.parked;
    for (const u of r.unmatched) {
      const key = u.person.kind === 'email' ? u.person.email : u.person.kind === 'userId' ? u.person.userId : `${u.person.system}:${u.person.id}`;
      result.unmatchedPeople.set(key, (result.unmatchedPeople.get(key) ?? 0) + 1);
    }
  }
}

/** Quarter keys from the first to the last row's start (the writer buckets by the same calendar). */
function quartersBetween(min: number, max: number, zone: string): string[] {
  const out: string[] = [];
  if (!Number.isFinite(min)) return out;
  for (let q = quarterOf(new Date(min), zone); q.start.getTime() <= max; q = quarterOf(q.end, zone)) out.push(q.id);
  return out;
}

/**
 * The pass: every row converted and validated, errors counted and the first `maxErrors` kept with their lines;
 * with a writer, valid rows are stored as they come. Storing stops (without --skip-invalid) at the first bad
 * row, or at the first row whose id hashes like an earlier one's (a probable repeat, settled after the pass:
 * `stoppedAt` is its index). Repeats and probable repeats are never stored by the pass.
 */
async function checkAndStore(
  o: CsvImportOptions,
  encoding: CsvEncoding,
  totalBytes: number,
  result: CsvImportResult,
  maxErrors: number,
  writer: BatchWriter | undefined,
): Promise<{ ok: true; suspects: Suspect[]; stoppedAt: number } | { ok: false; errors: string[] }> {
  let storing = writer !== undefined;
  let stoppedAt = Number.POSITIVE_INFINITY;
  // Rows already batched stay batched: after a bad row they are never written (the run is rolled back);
  // after probable repeats that turn out to be hash collisions, they are written before the rows read again.
  const stop = (index: number) => {
    if (!storing || o.skipInvalid) return;
    storing = false;
    stoppedAt = index;
  };
  const fail = (line: number, issues: readonly Issue[]) => {
    result.errorCount++;
    for (const i of issues) if (result.errors.length < maxErrors) result.errors.push({ line, ...i });
    stop(-1);
  };
  // The same record twice in one file is a mistake (an export joined twice, a copied row): refused with
  // both lines, never "the last one wins". Only hashes of the ids are kept (SeenIds); a row whose id hashes
  // like an earlier one's is settled after the pass, by reading the earlier line's id again.
  // Sized for the file (~100 bytes a row) so the table is not copied while it grows.
  const seen = o.seenIds?.() ?? new SeenIds(Math.max(1024, Math.min(totalBytes / 50, 1 << 22)));
  const suspects: Suspect[] = [];
  const rowOptions = { zone: o.zone, typeAliases: o.typeAliases };
  const phase = writer ? 'import' : 'check';
  const read = await readRows(o, encoding, totalBytes, phase, true, async (row) => {
    result.rows++;
    if (row.kind === 'unreadable') return fail(row.line, [{ message: row.message }]);
    if (row.cells.length !== row.width) return fail(row.line, [{ message: `有 ${row.cells.length} 列，表头有 ${row.width} 列` }]);
    let sourceId: string;
    let input: ActivityInput | undefined;
    if (storing) {
      const r = csvRowToInput(row.cells, row.layout, rowOptions);
      if (!r.ok) return fail(row.line, r.issues);
      input = r.input;
      sourceId = input.sourceId;
    } else {
      const r = csvRowId(row.cells, row.layout, rowOptions);
      if (!r.ok) return fail(row.line, r.issues);
      sourceId = r.sourceId;
    }
    const firstLine = seen.firstLineOf(sourceId, row.line);
    if (firstLine !== undefined) {
      suspects.push({ index: row.index, line: row.line, id: sourceId, firstLine });
      return stop(row.index);
    }
    result.valid++;
    if (storing && input) await writer!.add(input);
  });
  if (!read.ok) return read;
  return { ok: true, suspects, stoppedAt };
}

/**
 * Probable repeats settled by reading their first lines' ids again: real repeats are errors (naming both
 * lines, in line order with the others); the rest only shared a hash and are valid rows.
 */
async function settleDuplicates(
  o: CsvImportOptions,
  encoding: CsvEncoding,
  suspects: readonly Suspect[],
  result: CsvImportResult,
  maxErrors: number,
): Promise<{ duplicates: ReadonlySet<number>; collisions: ReadonlySet<number> }> {
  const duplicates = new Set<number>();
  const collisions = new Set<number>();
  if (suspects.length === 0) return { duplicates, collisions };
  const idOnLine = await idsOnLines(o, encoding, new Set(suspects.map((s) => s.firstLine)));
  const repeated: CsvRowError[] = [];
  for (const s of settleSuspects(suspects, idOnLine)) {
    if (s.firstLine === undefined) {
      result.valid++;
      collisions.add(s.index);
      continue;
    }
    duplicates.add(s.index);
    result.errorCount++;
    repeated.push({ line: s.line, column: 'id', message: `记录 ${s.id} 与第 ${s.firstLine} 行重复（同一文件里一条记录只能出现一次）` });
  }
  // In line order like every other error (a stable sort: one row's several issues keep their order).
  if (repeated.length) result.errors = [...result.errors, ...repeated].sort((a, b) => a.line - b.line).slice(0, maxErrors);
  return { duplicates, collisions };
}

/** Stores the valid rows `want` picks (by index), reading the file again: the rare rows the pass held back. */
async function storeAgain(o: CsvImportOptions, encoding: CsvEncoding, writer: BatchWriter, want: (index: number) => boolean): Promise<void> {
  const rowOptions = { zone: o.zone, typeAliases: o.typeAliases };
  const read = await readRows({ ...o, onProgress: undefined }, encoding, 0, 'import', false, async (row) => {
    if (row.kind !== 'row' || row.cells.length !== row.width || !want(row.index)) return;
    const r = csvRowToInput(row.cells, row.layout, rowOptions);
    if (r.ok) await writer.add(r.input);
  });
  // The file was read a moment ago; if it can no longer be read the same way, say so rather than claim success.
  if (!read.ok) throw new Error(`文件在导入过程中变了：${read.errors.join('；')}`);
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
