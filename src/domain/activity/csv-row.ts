import { itemToInput, sourceIdOf, validateItem, type ActivityItem } from './activity-item.js';
import { hasOffset, parseLocalOrInstant } from './timestamps.js';
import type { ActivityInput } from './types.js';
import { cutText } from '../text/cut.js';

/**
 * The CSV import format: one activity per row, columns named in English or Chinese (any order).
 * Times may carry an offset; without one they are read in the company zone (see parseLocalOrInstant).
 */

type Kind = 'string' | 'number' | 'bool' | 'time' | 'type';
interface ColumnDef {
  name: string;
  /** Where the value goes in the activity item. */
  path: string[];
  kind: Kind;
  aliases: string[];
}

export const CSV_COLUMNS: readonly ColumnDef[] = [
  { name: 'id', path: ['id'], kind: 'string', aliases: ['编号', '记录id', '记录编号'] },
  { name: 'system', path: ['system'], kind: 'string', aliases: ['来源系统', '系统'] },
  { name: 'person_userid', path: ['person', 'userId'], kind: 'string', aliases: ['userid', '钉钉userid', '人员id'] },
  { name: 'person_email', path: ['person', 'email'], kind: 'string', aliases: ['email', '邮箱', '人员邮箱'] },
  { name: 'type', path: ['type'], kind: 'type', aliases: ['类型', '行为类型'] },
  { name: 'start', path: ['startAt'], kind: 'time', aliases: ['start_at', 'startat', '开始时间', '开始'] },
  { name: 'end', path: ['endAt'], kind: 'time', aliases: ['end_at', 'endat', '结束时间', '结束'] },
  { name: 'duration_min', path: ['durationMin'], kind: 'number', aliases: ['duration', '时长', '时长分钟', '时长(分钟)', '时长（分钟）'] },
  { name: 'customer_id', path: ['customer', 'id'], kind: 'string', aliases: ['客户编号', '客户id'] },
  { name: 'customer_name', path: ['customer', 'name'], kind: 'string', aliases: ['customer', '客户', '客户名称'] },
  { name: 'customer_lat', path: ['customer', 'lat'], kind: 'number', aliases: ['客户纬度'] },
  { name: 'customer_lng', path: ['customer', 'lng'], kind: 'number', aliases: ['客户经度'] },
  { name: 'lat', path: ['location', 'lat'], kind: 'number', aliases: ['latitude', '纬度'] },
  { name: 'lng', path: ['location', 'lng'], kind: 'number', aliases: ['longitude', '经度'] },
  { name: 'place', path: ['location', 'place'], kind: 'string', aliases: ['地点', '位置'] },
  { name: 'completed', path: ['completed'], kind: 'bool', aliases: ['已完成', '完成'] },
];

const DIM_PREFIX = /^(dim_|维度_)(.+)$/i;
const norm = (h: string) => h.trim().replace(/^\uFEFF/, '').toLowerCase();

export interface CsvLayout {
  /** Per column index: its definition, or a dims key. */
  columns: Array<ColumnDef | { dim: string }>;
}

export type LayoutResult = { ok: true; layout: CsvLayout } | { ok: false; errors: string[] };

export function csvLayout(headers: readonly string[]): LayoutResult {
  const errors: string[] = [];
  const seen = new Set<string>();
  const columns: CsvLayout['columns'] = headers.map((raw, i) => {
    const h = norm(raw);
    const def = CSV_COLUMNS.find((c) => c.name === h || c.aliases.includes(h));
    const dim = DIM_PREFIX.exec(raw.trim())?.[2];
    const key = def?.name ?? (dim ? `dim:${dim}` : h);
    if (seen.has(key)) errors.push(`第 ${i + 1} 列「${raw}」重复了`);
    seen.add(key);
    if (def) return def;
    if (dim) return { dim };
    errors.push(`第 ${i + 1} 列「${raw}」不认识。可用的列：${CSV_COLUMNS.map((c) => c.name).join(', ')}，以及 dim_<名称> 形式的维度列`);
    return { dim: h };
  });
  for (const required of ['id', 'type', 'start']) if (!seen.has(required)) errors.push(`缺少必需的列「${required}」`);
  if (!seen.has('person_userid') && !seen.has('person_email')) errors.push('缺少人员列：person_userid（钉钉 userid）或 person_email');
  return errors.length ? { ok: false, errors } : { ok: true, layout: { columns } };
}

export interface RowIssue {
  column: string;
  message: string;
}

export type RowResult = { ok: true; input: ActivityInput } | { ok: false; issues: RowIssue[] };

export interface RowOptions {
  zone: string;
  /** Chinese type names (拜访) → keys (visit). */
  typeAliases: ReadonlyMap<string, string>;
}

export function csvRowToInput(cells: readonly string[], layout: CsvLayout, opts: RowOptions): RowResult {
  const r = csvRowToItem(cells, layout, opts);
  return r.ok ? { ok: true, input: itemToInput(r.item, 'csv', r.raw) } : r;
}

/** The record id a valid row is stored under (what csvRowToInput's sourceId is), for a pass that only checks. */
export function csvRowId(cells: readonly string[], layout: CsvLayout, opts: RowOptions): { ok: true; sourceId: string } | { ok: false; issues: RowIssue[] } {
  const r = csvRowToItem(cells, layout, opts);
  return r.ok ? { ok: true, sourceId: sourceIdOf(r.item, 'csv') } : r;
}

function csvRowToItem(cells: readonly string[], layout: CsvLayout, opts: RowOptions): { ok: true; item: ActivityItem; raw: Record<string, string> } | { ok: false; issues: RowIssue[] } {
  const item: Record<string, unknown> = {};
  const issues: RowIssue[] = [];
  const raw: Record<string, string> = {};
  layout.columns.forEach((col, i) => {
    const cell = (cells[i] ?? '').trim();
    const colName = 'dim' in col ? `dim_${col.dim}` : col.name;
    if (cell === '') return;
    raw[colName] = cell;
    if ('dim' in col) {
      const dims = (item.dims ??= {}) as Record<string, unknown>;
      dims[col.dim] = cell === 'true' ? true : cell === 'false' ? false : /^-?\d+(\.\d+)?$/.test(cell) ? Number(cell) : cell;
      return;
    }
    const value = convert(cell, col.kind, opts);
    if (value === undefined) {
      issues.push({ column: col.name, message: `${KIND_HINT[col.kind]}（收到 ${JSON.stringify(cutText(cell, 40))}）` });
      return;
    }
    setPath(item, col.path, value);
  });
  if (issues.length) return { ok: false, issues };
  const v = validateItem(item);
  if (!v.ok) return { ok: false, issues: v.issues.map((i) => ({ column: columnFor(i.path), message: i.message })) };
  return { ok: true, item: v.item, raw };
}

const KIND_HINT: Record<Kind, string> = {
  string: '不能为空',
  number: '要是数字',
  bool: '要是 是/否、true/false 或 1/0',
  time: '要是时间，例如 2026-11-23 10:00 或 2026-11-23T10:00:00+08:00',
  type: '要是行为类型',
};

function convert(cell: string, kind: Kind, opts: RowOptions): unknown {
  switch (kind) {
    case 'string':
      return cell;
    case 'number': {
      const n = Number(cell);
      return /^-?\d+(\.\d+)?$/.test(cell) && Number.isFinite(n) ? n : undefined;
    }
    case 'bool':
      if (['true', '1', 'yes', 'y', '是'].includes(cell.toLowerCase())) return true;
      if (['false', '0', 'no', 'n', '否'].includes(cell.toLowerCase())) return false;
      return undefined;
    case 'time':
      // With an offset the item schema parses it; only local times need converting here.
      return hasOffset(cell) ? cell : parseLocalOrInstant(cell, opts.zone)?.toISOString();
    case 'type':
      return opts.typeAliases.get(cell) ?? opts.typeAliases.get(cell.toLowerCase()) ?? cell.toLowerCase();
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = target;
  // Indexes, not path.slice(): this runs for every cell of a million-row import.
  for (let i = 0; i < path.length - 1; i++) cur = (cur[path[i]!] ??= {}) as Record<string, unknown>;
  cur[path[path.length - 1]!] = value;
}

function columnFor(itemPath: string): string {
  if (itemPath === 'person') return 'person_userid/person_email';
  if (itemPath === 'customer') return 'customer_lat/customer_lng';
  if (itemPath === 'location') return 'lat/lng';
  const col = CSV_COLUMNS.find((c) => c.path.join('.') === itemPath);
  if (col) return col.name;
  if (itemPath.startsWith('dims.')) return `dim_${itemPath.slice(5)}`;
  return itemPath;
}
