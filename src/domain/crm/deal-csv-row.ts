import type { PersonRef } from '../activity/types.js';
import { parseLocalOrInstant } from '../activity/timestamps.js';
import type { DealInput } from './salesforce-records.js';

/**
 * Deals (opportunities) from any CRM's CSV export. Columns are named in English or Chinese, or renamed
 * with `--map column=field` so an export loads without being edited. Stages are mapped to open / won /
 * lost (defaults cover Salesforce and common Chinese names; `--stages Name=won,…` adds more). Amounts are
 * whole CNY: another currency is refused unless a rate is given (`--rate USD=7.1`), so a dollar figure
 * never silently becomes yuan. Format and choices: docs/deals-import.md.
 */

export type DealField =
  | 'id' | 'name' | 'owner_userid' | 'owner_email' | 'owner_external' | 'account_id' | 'account'
  | 'stage' | 'amount' | 'currency' | 'opened' | 'close_date' | 'customer_type' | 'deleted';

interface FieldDef {
  name: DealField;
  aliases: string[];
}

export const DEAL_FIELDS: readonly FieldDef[] = [
  { name: 'id', aliases: ['opportunity_id', 'deal_id', '商机编号', '商机id', '编号'] },
  { name: 'name', aliases: ['opportunity_name', 'deal_name', '商机名称', '名称'] },
  { name: 'owner_userid', aliases: ['userid', '钉钉userid', '负责人userid'] },
  { name: 'owner_email', aliases: ['email', '负责人邮箱', '邮箱'] },
  { name: 'owner_external', aliases: ['owner', 'owner_id', 'sales_agent', '负责人', '销售'] },
  { name: 'account_id', aliases: ['客户编号', '客户id'] },
  { name: 'account', aliases: ['account_name', 'customer', '客户', '客户名称'] },
  { name: 'stage', aliases: ['deal_stage', 'stagename', '阶段', '商机阶段'] },
  { name: 'amount', aliases: ['close_value', 'value', '金额', '签约额', '合同金额'] },
  { name: 'currency', aliases: ['currencyisocode', '币种', '货币'] },
  { name: 'opened', aliases: ['created', 'created_date', 'createddate', 'engage_date', '创建日期', '创建时间', '接洽日期'] },
  { name: 'close_date', aliases: ['closedate', 'close', '关单日期', '成交日期', '结束日期'] },
  { name: 'customer_type', aliases: ['type', 'new_customer', '客户类型', '新老客户'] },
  { name: 'deleted', aliases: ['is_deleted', '已删除'] },
];

export type StageOutcome = 'open' | 'won' | 'lost';

/** Stage names every export is likely to use (lower-cased). Anything else needs `--stages`. */
export const DEFAULT_STAGES: ReadonlyMap<string, StageOutcome> = new Map([
  ...['won', 'closed won', 'closed_won', '赢单', '成交', '已成交', '签约', '已签约'].map((s) => [s, 'won'] as const),
  ...['lost', 'closed lost', 'closed_lost', '输单', '丢单', '已丢单', '失败'].map((s) => [s, 'lost'] as const),
  ...['open', 'prospecting', 'engaging', 'qualification', 'needs analysis', 'value proposition', 'id. decision makers',
    'perception analysis', 'proposal/price quote', 'negotiation/review', '初步接洽', '需求确认', '方案报价', '谈判', '跟进中', '进行中']
    .map((s) => [s, 'open'] as const),
]);

export interface DealCsvOptions {
  zone: string;
  /** Stage name (lower-cased) → outcome: DEFAULT_STAGES plus the `--stages` additions. */
  stages: ReadonlyMap<string, StageOutcome>;
  /** Currency of rows without a currency column/value (default CNY). */
  defaultCurrency: string;
  /** CNY per unit of each other currency ("USD" → 7.1). CNY is always 1. */
  rates: ReadonlyMap<string, number>;
  /** The system an owner_external id belongs to (the mapping table's key: "<system>:<id>"). */
  ownerSystem: string;
}

export interface DealCsvLayout {
  /** Per column index: the field it holds, or undefined (ignored: mapped to "-"). */
  columns: Array<DealField | undefined>;
}

export type DealLayoutResult = { ok: true; layout: DealCsvLayout } | { ok: false; errors: string[] };

const norm = (h: string) => h.trim().replace(/^\uFEFF/, '').toLowerCase();
const fieldOf = (h: string): DealField | undefined => DEAL_FIELDS.find((f) => f.name === h || f.aliases.includes(h))?.name;

/**
 * Parses `--map "sales_agent=owner_external,close_value=amount,product=-"`: CSV column → field ("-" or
 * "ignore" leaves a column out). Returns the problems in words.
 */
export function parseColumnMap(text: string | undefined): { ok: true; map: Map<string, DealField | undefined> } | { ok: false; errors: string[] } {
  const map = new Map<string, DealField | undefined>();
  const errors: string[] = [];
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      errors.push(`--map 的「${part}」要写成 列名=字段`);
      continue;
    }
    const column = norm(part.slice(0, eq));
    const target = norm(part.slice(eq + 1));
    if (target === '-' || target === 'ignore') map.set(column, undefined);
    else {
      const f = fieldOf(target);
      if (!f) errors.push(`--map 的字段「${part.slice(eq + 1)}」不认识。可用的字段：${DEAL_FIELDS.map((d) => d.name).join(', ')}，或 - 表示忽略`);
      else map.set(column, f);
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, map };
}

/** Parses `--stages "Engaging=open,Closed Won=won"`. */
export function parseStageMap(text: string | undefined): { ok: true; stages: Map<string, StageOutcome> } | { ok: false; errors: string[] } {
  const stages = new Map<string, StageOutcome>(DEFAULT_STAGES);
  const errors: string[] = [];
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.lastIndexOf('=');
    const outcome = norm(part.slice(eq + 1)) as StageOutcome;
    if (eq <= 0 || !['open', 'won', 'lost'].includes(outcome)) errors.push(`--stages 的「${part}」要写成 阶段名=open|won|lost`);
    else stages.set(norm(part.slice(0, eq)), outcome);
  }
  return errors.length ? { ok: false, errors } : { ok: true, stages };
}

/** Parses `--rate "USD=7.1,EUR=7.7"` (CNY per unit). */
export function parseRates(text: string | undefined): { ok: true; rates: Map<string, number> } | { ok: false; errors: string[] } {
  const rates = new Map<string, number>();
  const errors: string[] = [];
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]{3})\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m || Number(m[2]) <= 0) errors.push(`--rate 的「${part}」要写成 币种=汇率，例如 USD=7.1（1 美元 = 7.1 元）`);
    else rates.set(m[1]!.toUpperCase(), Number(m[2]));
  }
  return errors.length ? { ok: false, errors } : { ok: true, rates };
}

export function dealCsvLayout(headers: readonly string[], columnMap: ReadonlyMap<string, DealField | undefined> = new Map()): DealLayoutResult {
  const errors: string[] = [];
  const seen = new Set<DealField>();
  const columns = headers.map((raw, i) => {
    const h = norm(raw);
    if (columnMap.has(h)) {
      const f = columnMap.get(h);
      if (f && seen.has(f)) errors.push(`第 ${i + 1} 列「${raw}」和另一列都对应字段 ${f}`);
      if (f) seen.add(f);
      return f;
    }
    const f = fieldOf(h);
    if (!f) {
      errors.push(`第 ${i + 1} 列「${raw}」不认识。用 --map "${raw}=<字段>" 指定它是什么（或 "${raw}=-" 忽略）。可用的字段：${DEAL_FIELDS.map((d) => d.name).join(', ')}`);
      return undefined;
    }
    if (seen.has(f)) errors.push(`第 ${i + 1} 列「${raw}」重复了（字段 ${f}）`);
    seen.add(f);
    return f;
  });
  for (const required of ['id', 'stage'] as const) if (!seen.has(required)) errors.push(`缺少必需的列「${required}」（可用 --map 指定哪一列是它）`);
  if (!seen.has('owner_userid') && !seen.has('owner_email') && !seen.has('owner_external')) errors.push('缺少负责人列：owner_userid（钉钉 userid）、owner_email 或 owner_external（CRM 里的用户，经映射表对应）');
  return errors.length ? { ok: false, errors } : { ok: true, layout: { columns } };
}

export interface DealRowIssue {
  column: string;
  message: string;
}

export type CsvDeal = DealInput & { owner: PersonRef };
export type DealRowResult = { ok: true; deal: CsvDeal } | { ok: false; issues: DealRowIssue[] };

const AMOUNT = /^-?\d+(\.\d+)?$/;

export function dealRowToInput(cells: readonly string[], layout: DealCsvLayout, o: DealCsvOptions): DealRowResult {
  const v: Partial<Record<DealField, string>> = {};
  const raw: Record<string, string> = {};
  layout.columns.forEach((f, i) => {
    const cell = (cells[i] ?? '').trim();
    if (!f || cell === '') return;
    v[f] = cell;
    raw[f] = cell;
  });
  const issues: DealRowIssue[] = [];
  const bad = (column: string, message: string) => void issues.push({ column, message });

  if (!v.id) bad('id', '商机编号不能为空');
  let owner: PersonRef | undefined;
  if (v.owner_userid) owner = { kind: 'userId', userId: v.owner_userid };
  else if (v.owner_email) owner = { kind: 'email', email: v.owner_email.toLowerCase() };
  else if (v.owner_external) owner = { kind: 'external', system: o.ownerSystem, id: v.owner_external };
  else bad('owner', '负责人为空（owner_userid / owner_email / owner_external 至少填一个）');

  const stageName = v.stage ?? '';
  const outcome = o.stages.get(stageName.toLowerCase());
  if (!stageName) bad('stage', '阶段不能为空');
  else if (!outcome) bad('stage', `阶段「${stageName.slice(0, 40)}」不知道算进行中、赢单还是输单：用 --stages "${stageName.slice(0, 40)}=open|won|lost" 指定`);

  const currency = (v.currency ?? o.defaultCurrency).toUpperCase();
  const rate = currency === 'CNY' || currency === 'RMB' ? 1 : o.rates.get(currency);
  if (rate === undefined) bad('currency', `币种 ${currency.slice(0, 10)} 没有配置汇率：加 --rate ${currency.slice(0, 10)}=<1 单位折合多少元> 后重新导入，或先换算成人民币`);
  let amountCny = 0;
  const amountText = (v.amount ?? '').replace(/[,，\s]/g, '').replace(/^[¥￥$]/, '');
  if (v.amount !== undefined) {
    if (!AMOUNT.test(amountText) || !Number.isFinite(Number(amountText))) bad('amount', `金额要是数字（收到 ${JSON.stringify(v.amount.slice(0, 40))}）`);
    else if (Number(amountText) < 0) bad('amount', `金额不能是负数（收到 ${v.amount.slice(0, 40)}）`);
    else if (rate !== undefined) {
      amountCny = Math.round(Number(amountText) * rate);
      if (!Number.isSafeInteger(amountCny)) bad('amount', `金额太大（收到 ${v.amount.slice(0, 40)}）`);
    }
  } else if (outcome === 'won') bad('amount', '赢单的商机要有金额');

  const date = (field: 'opened' | 'close_date') => {
    const text = v[field];
    if (!text) return undefined;
    const d = parseLocalOrInstant(text, o.zone);
    if (!d) bad(field, `要是日期，例如 2026-11-23（收到 ${JSON.stringify(text.slice(0, 40))}）`);
    return d;
  };
  const openedDate = date('opened');
  const closeDate = date('close_date');
  if ((outcome === 'won' || outcome === 'lost') && !v.close_date) bad('close_date', `${outcome === 'won' ? '赢单' : '输单'}的商机要有关单日期`);
  if (openedDate && closeDate && closeDate.getTime() < openedDate.getTime()) bad('close_date', `关单日期 ${v.close_date} 早于创建日期 ${v.opened}`);

  let dealType: string | undefined;
  if (v.customer_type) {
    const t = v.customer_type.toLowerCase();
    if (['new', 'new customer', 'new business', '新客户', '新', 'true', '1', '是'].includes(t)) dealType = 'New Customer';
    else if (t.startsWith('existing') || ['老客户', '老', '存量', 'false', '0', '否'].includes(t)) dealType = 'Existing Customer';
    else bad('customer_type', `新老客户要是 新客户/老客户（new/existing）（收到 ${JSON.stringify(v.customer_type.slice(0, 40))}）`);
  }
  const deleted = v.deleted ? ['true', '1', 'yes', '是'].includes(v.deleted.toLowerCase()) : false;

  if (issues.length || !owner || !outcome || !v.id) return { ok: false, issues };
  return {
    ok: true,
    deal: {
      sourceId: v.id,
      ownerId: v.owner_userid ?? v.owner_email ?? v.owner_external ?? '',
      owner,
      name: v.name ?? v.account ?? '',
      // Without an account id the account's name keys it: new-vs-existing is derived per account.
      ...(v.account_id || v.account ? { accountId: v.account_id ?? `name:${v.account!.toLowerCase()}` } : {}),
      ...(v.account ? { accountName: v.account } : {}),
      stage: stageName,
      amountCny,
      isWon: outcome === 'won',
      isClosed: outcome !== 'open',
      ...(closeDate ? { closeDate } : {}),
      ...(openedDate ? { openedDate } : {}),
      ...(dealType ? { dealType } : {}),
      deleted,
      raw: { ...raw, ...(currency !== 'CNY' ? { currency, rate: String(rate) } : {}) },
    },
  };
}
