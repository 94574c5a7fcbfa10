/**
 * HR's quarter set-up, typed into a card: dates, review meeting, tracked metrics (one per line, e.g.
 * "方案定制率 %"), the industries people may choose from, and the company direction. Pure.
 */
import { DateTime } from 'luxon';
import type { FieldError } from './goal-form.js';
import { matchOptions, normKey, splitList } from './lists.js';
import { MAX_METRICS, type MetricDef } from './metrics.js';
import { joinList, msg, toHalfWidth } from './msg.js';
import type { MetricUnit } from './numbers.js';
import { cutText } from '../text/cut.js';

export interface QuarterSetup {
  id: string;
  start: Date;
  /** Exclusive: midnight after the last day. */
  end: Date;
  reviewAt: Date;
  metrics: MetricDef[];
  industryOptions: string[];
  direction: { industries: string[]; keyAccounts: string[] };
}

export type QuarterFormResult = { ok: true; value: QuarterSetup } | { ok: false; errors: FieldError[] };

export const DEFAULT_INDUSTRIES = ['制造业', '能源', '金融', '教育', '医疗', '零售', '互联网', '政府', '物流', '房地产'];

/** Well-known metric names → stable keys and English names, so "方案定制率" gets the same key everywhere. */
const KNOWN: Record<string, { key: string; en: string }> = {
  签约额: { key: 'signed_amount', en: 'Signed amount' },
  签约金额: { key: 'signed_amount', en: 'Signed amount' },
  新客户数: { key: 'new_customers', en: 'New customers' },
  新客户: { key: 'new_customers', en: 'New customers' },
  方案定制率: { key: 'proposal_rate', en: 'Proposal customisation rate' },
  拜访次数: { key: 'visits', en: 'Visits' },
  回款额: { key: 'collected_amount', en: 'Collected amount' },
};

const QUARTER_ID = /^(\d{4})Q([1-4])$/;

export function isQuarterId(s: string): boolean {
  return QUARTER_ID.test(s);
}

/** Calendar dates of a quarter id and a default review meeting: the last Friday of the quarter, 14:00. */
export function quarterDefaults(id: string, zone: string): { start: Date; end: Date; reviewAt: Date } {
  const m = QUARTER_ID.exec(id);
  if (!m) throw new RangeError(`not a quarter id: ${id}`);
  const start = DateTime.fromObject({ year: Number(m[1]), month: (Number(m[2]) - 1) * 3 + 1, day: 1 }, { zone });
  const end = start.plus({ months: 3 });
  let review = end.minus({ days: 1 }).set({ hour: 14, minute: 0 });
  while (review.weekday !== 5) review = review.minus({ days: 1 });
  return { start: start.toJSDate(), end: end.toJSDate(), reviewAt: review.toJSDate() };
}

export function parseLocalDate(raw: string, zone: string): DateTime | undefined {
  const s = toHalfWidth(raw).trim();
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(s);
  if (!m) return undefined;
  const d = DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }, { zone });
  return d.isValid ? d : undefined;
}

export function parseLocalDateTime(raw: string, zone: string): DateTime | undefined {
  const s = toHalfWidth(raw).trim();
  const m = /^(.+?)[\sT]+(\d{1,2})\s*[:点时]\s*(\d{2})?\s*分?$/.exec(s);
  if (!m) return undefined;
  const day = parseLocalDate(m[1]!, zone);
  const hour = Number(m[2]);
  const minute = Number(m[3] ?? 0);
  if (!day || hour > 23 || minute > 59) return undefined;
  return day.set({ hour, minute });
}

export function validateQuarterForm(
  raw: Readonly<Record<string, unknown>>,
  ctx: { quarterId: string; zone: string; existingMetrics: readonly MetricDef[] },
): QuarterFormResult {
  const errors: FieldError[] = [];
  const err = (field: string, zh: string, en: string) => errors.push({ field, message: msg(zh, en) });
  const text = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : raw[k] === undefined || raw[k] === null ? '' : String(raw[k]));

  const start = parseLocalDate(text('startDate'), ctx.zone);
  const last = parseLocalDate(text('endDate'), ctx.zone);
  const review = parseLocalDateTime(text('reviewAt'), ctx.zone);
  if (!start) err('startDate', `开始日期：「${text('startDate')}」不是日期，请写成 2026-10-01`, `Start date: "${text('startDate')}" is not a date; write 2026-10-01`);
  if (!last) err('endDate', `结束日期：「${text('endDate')}」不是日期，请写成 2026-12-31`, `End date: "${text('endDate')}" is not a date; write 2026-12-31`);
  const end = last?.plus({ days: 1 });
  if (start && end) {
    const days = end.diff(start, 'days').days;
    if (days < 28 || days > 186) err('endDate', `结束日期：季度长度应在 4 周到 6 个月之间（现在 ${Math.round(days)} 天）`, `End date: a quarter lasts 4 weeks to 6 months (now ${Math.round(days)} days)`);
  }
  if (!review) {
    err('reviewAt', `评审会时间：「${text('reviewAt')}」请写成 2026-12-25 14:00`, `Review meeting: write "${text('reviewAt')}" as 2026-12-25 14:00`);
  } else if (start && end && (review < start || review > end.plus({ days: 31 }))) {
    err('reviewAt', '评审会时间：应在季度开始之后、结束后 31 天以内', 'Review meeting: must be after the quarter starts and within 31 days of its end');
  }

  const metrics = parseMetricLines(text('metrics'), ctx.existingMetrics, errors);

  const options = splitList(raw.industryOptions);
  if (options.length === 0) err('industryOptions', '可选行业：请至少填写一个', 'Industry list: enter at least one');
  if (options.length > 30) err('industryOptions', `可选行业：最多 30 个（现在 ${options.length} 个）`, `Industry list: at most 30 (now ${options.length})`);
  const longOption = options.find((o) => [...o].length > 20);
  if (longOption) err('industryOptions', `可选行业：「${longOption}」超过 20 字`, `Industry list: "${longOption}" is longer than 20 characters`);

  const focus = matchOptions(splitList(raw.focusIndustries), options);
  if (focus.unknown.length > 0) {
    err(
      'focusIndustries',
      `公司主攻行业：「${joinList(focus.unknown, 'zh')}」不在可选行业中。可选：${joinList(options, 'zh')}`,
      `Company focus industries: "${joinList(focus.unknown, 'en')}" is not in the industry list: ${joinList(options, 'en')}`,
    );
  }
  const accounts = splitList(raw.keyAccounts);
  if (accounts.length > 50) err('keyAccounts', `公司重点客户：最多 50 个（现在 ${accounts.length} 个）`, `Company key accounts: at most 50 (now ${accounts.length})`);
  const longAccount = accounts.find((a) => [...a].length > 40);
  if (longAccount) err('keyAccounts', `公司重点客户：「${cutText(longAccount, 13)}」超过 40 字`, `Company key accounts: "${cutText(longAccount, 13)}" is too long`);

  if (errors.length > 0 || !start || !end || !review) return { ok: false, errors };
  return {
    ok: true,
    value: {
      id: ctx.quarterId,
      start: start.toJSDate(),
      end: end.toJSDate(),
      reviewAt: review.toJSDate(),
      metrics,
      industryOptions: options,
      direction: { industries: focus.known, keyAccounts: accounts },
    },
  };
}

// The unit is the last word, after a space or in brackets ("签约额 元", "签约额(元)"); "%" may stick to the name.
const UNIT_WORDS: Array<[RegExp, MetricUnit]> = [
  [/\s*\(?(?:%|百分比|percent)\)?$/i, 'percent'],
  [/(?:\s+|\s*\()(?:元|¥|￥|cny|rmb)\)?$/i, 'cny'],
  [/(?:\s+|\s*\()(?:个|家|人|次|单|位|户|count)\)?$/i, 'count'],
];

/** "方案定制率 %" / "签约额/Signed amount 元" → metric definitions; keys stay stable across edits. */
function parseMetricLines(rawText: string, existing: readonly MetricDef[], errors: FieldError[]): MetricDef[] {
  const lines = rawText.split(/[\r\n]+/).map((l) => toHalfWidth(l).trim()).filter(Boolean);
  const out: MetricDef[] = [];
  const err = (zh: string, en: string) => errors.push({ field: 'metrics', message: msg(zh, en) });
  lines.forEach((line, i) => {
    const unitWord = UNIT_WORDS.find(([re]) => re.test(line));
    if (!unitWord) return err(`跟踪指标第 ${i + 1} 行「${line}」缺少单位（元 / 个 / %）`, `Metrics line ${i + 1} "${line}" needs a unit (元 / 个 / %)`);
    const body = line.replace(unitWord[0], '').trim();
    const [name = '', nameEnTyped = ''] = body.split(/\s*[/|｜]\s*/);
    if (!name) return err(`跟踪指标第 ${i + 1} 行缺少名称`, `Metrics line ${i + 1} has no name`);
    if ([...name].length > 20) return err(`跟踪指标「${name}」名称超过 20 字`, `Metric "${name}" has a name longer than 20 characters`);
    if (out.some((m) => normKey(m.name) === normKey(name))) return err(`跟踪指标「${name}」重复了`, `Metric "${name}" is listed twice`);
    const prior = existing.find((m) => normKey(m.name) === normKey(name));
    const known = KNOWN[name];
    const taken = new Set([...out.map((m) => m.key), ...existing.filter((m) => m !== prior).map((m) => m.key)]);
    let key = prior?.key ?? known?.key ?? '';
    if (!key || out.some((m) => m.key === key)) {
      let n = 1;
      while (taken.has(`metric_${n}`)) n++;
      key = `metric_${n}`;
    }
    out.push({ key, name, nameEn: nameEnTyped || prior?.nameEn || known?.en || name, unit: unitWord[1], kind: 'kpi' });
  });
  if (out.length > MAX_METRICS) err(`跟踪指标最多 ${MAX_METRICS} 个（现在 ${out.length} 个）`, `At most ${MAX_METRICS} metrics (now ${out.length})`);
  if (lines.length > 0 && errors.every((e) => e.field !== 'metrics') && !(out.some((m) => m.unit === 'cny') && out.some((m) => m.unit === 'count'))) {
    err('跟踪指标需要至少一个金额指标（元）和一个数量指标（个），例如「签约额 元」「新客户数 个」', 'Metrics need at least one amount (元) and one count (个), e.g. "签约额 元" and "新客户数 个"');
  }
  if (lines.length === 0) err('跟踪指标：请至少填写「签约额 元」和「新客户数 个」', 'Metrics: enter at least "签约额 元" and "新客户数 个"');
  return out;
}

/** The metrics as the card's textarea shows them, one per line. */
export function metricsToText(metrics: readonly MetricDef[]): string {
  const unit = { cny: '元', count: '个', percent: '%' } as const;
  return metrics.map((m) => `${m.name}${m.nameEn && m.nameEn !== m.name && !KNOWN[m.name] ? `/${m.nameEn}` : ''} ${unit[m.unit]}`).join('\n');
}
