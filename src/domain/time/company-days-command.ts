import { DateTime } from 'luxon';

/**
 * `公司假期 放假 2026-12-31 年终盘点`, `公司假期 上班 2027-02-13 补班`, `公司假期 删除 2026-12-31`, with a
 * day or a range ("2026-12-30 至 2026-12-31", "2026-12-30~2026-12-31"). Pure: the handler stores.
 */
export type CompanyDaysCommand =
  | { kind: 'list' }
  | { kind: 'set'; dayKind: 'off' | 'work'; days: string[]; note: string }
  | { kind: 'remove'; days: string[] };

export const MAX_RANGE_DAYS = 31;
const NOTE_MAX = 50;
const DATE = String.raw`(\d{4}-\d{1,2}-\d{1,2})`;
const RANGE = new RegExp(String.raw`^${DATE}(?:\s*(?:至|到|~|～|-\s|—)\s*${DATE})?\s*(.*)$`);

function day(s: string): string | null {
  const [y, m, d] = s.split('-').map(Number) as [number, number, number];
  const dt = DateTime.fromObject({ year: y, month: m, day: d });
  return dt.isValid ? dt.toISODate()! : null;
}

export type Problem = { zh: string; en: string };

export function parseCompanyDays(args: string): { ok: true; cmd: CompanyDaysCommand } | { ok: false; problem: Problem } {
  const t = args.trim();
  if (!t || /^(列表|list)$/i.test(t)) return { ok: true, cmd: { kind: 'list' } };
  const verb = /^(放假|休息|off|上班|补班|work|删除|取消|remove)\s*/i.exec(t);
  if (!verb) return { ok: false, problem: { zh: '没看懂。用法：「公司假期 放假 2026-12-31 年终盘点」「公司假期 上班 2027-02-13 补班」「公司假期 删除 2026-12-31」，日期可写范围「2026-12-30 至 2026-12-31」。', en: 'Not understood. Usage: "company days off 2026-12-31 stocktaking", "company days work 2027-02-13", "company days remove 2026-12-31"; a range is written "2026-12-30 ~ 2026-12-31".' } };
  const rest = t.slice(verb[0].length);
  const m = RANGE.exec(rest);
  // What came back is the person's own text: cut by characters, never inside one.
  const got = [...rest].slice(0, 20).join('');
  if (!m) return { ok: false, problem: { zh: `没找到日期，日期请写成 2026-12-31 这样（收到「${got}」）。`, en: `No date found; write dates like 2026-12-31 (got "${got}").` } };
  const from = day(m[1]!);
  const to = m[2] ? day(m[2]) : from;
  if (!from || !to) return { ok: false, problem: { zh: `${!from ? m[1] : m[2]} 不是有效的日期。`, en: `${!from ? m[1] : m[2]} is not a valid date.` } };
  if (to < from) return { ok: false, problem: { zh: `结束日期 ${to} 早于开始日期 ${from}。`, en: `The end date ${to} is before the start date ${from}.` } };
  const days: string[] = [];
  for (let d = DateTime.fromISO(from); d.toISODate()! <= to; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  if (days.length > MAX_RANGE_DAYS) return { ok: false, problem: { zh: `一次最多设置 ${MAX_RANGE_DAYS} 天（这次 ${days.length} 天）。`, en: `At most ${MAX_RANGE_DAYS} days at a time (this was ${days.length}).` } };
  const v = verb[1]!.toLowerCase();
  if (['删除', '取消', 'remove'].includes(v)) return { ok: true, cmd: { kind: 'remove', days } };
  const note = (m[3] ?? '').trim();
  if ([...note].length > NOTE_MAX) return { ok: false, problem: { zh: `说明最多 ${NOTE_MAX} 字。`, en: `The note may be at most ${NOTE_MAX} characters.` } };
  return { ok: true, cmd: { kind: 'set', dayKind: ['上班', '补班', 'work'].includes(v) ? 'work' : 'off', days, note } };
}
