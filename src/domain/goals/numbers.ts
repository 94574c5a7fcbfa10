/**
 * Reading the numbers people type into goal cards: amounts in CNY (800000, 80万, 80w, 0.8亿, ¥800,000,
 * full-width digits), counts and percentages. Pure and exact: decimals are scaled with BigInt, so 0.8亿 is
 * 80,000,000 and never 79,999,999.99.
 */
import { msg, toHalfWidth, type Lang, type Msg } from './msg.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: Msg };

export type MetricUnit = 'cny' | 'count' | 'percent';

/** Decimal exponent of each unit word. Longer words first so 千万 is not read as 千 + 万. */
const UNIT_EXP: ReadonlyArray<[string, number]> = [
  ['千万', 7],
  ['百万', 6],
  ['十万', 5],
  ['亿', 8],
  ['万', 4],
  ['千', 3],
  ['w', 4],
  ['k', 3],
];
const UNIT_ALT = UNIT_EXP.map(([u]) => u).join('|');
const TOKEN = new RegExp(`(\\d[\\d,]*(?:\\.\\d+)?)(${UNIT_ALT})?`, 'y');
const STARTS_WITH_UNIT = new RegExp(`^(?:${UNIT_ALT})`);
const CHINESE_NUMERALS = /^[零〇一二两三四五六七八九十百千万亿]+$/;
const RANGE = /[\d万亿千kw]\s*(?:-|~|到|至|—)\s*[\d¥￥]/i;

/** Largest value we ever accept before the per-metric plausibility check (far above any real target). */
const HARD_MAX = 10n ** 15n;

const fail = <T>(error: Msg): Parsed<T> => ({ ok: false, error });

/** An exact non-negative decimal: digits × 10^exp. */
interface Decimal {
  digits: bigint;
  exp: number;
}

type DecimalResult = { ok: true; value: Decimal; hadUnit: boolean } | { ok: false; error: Msg };

/** Parses "80", "80.5万", "1亿2000万", "800,000", "1e6" (already half-width, no sign, no currency). */
function parseDecimal(s: string, shown: string, allowUnits: boolean, unit: MetricUnit = 'cny'): DecimalResult {
  const lower = s.toLowerCase();
  const sci = /^(\d+)(?:\.(\d+))?e\+?(\d{1,3})$/.exec(lower);
  if (sci) {
    const frac = sci[2] ?? '';
    return { ok: true, value: { digits: BigInt(sci[1]! + frac), exp: Number(sci[3]) - frac.length }, hadUnit: false };
  }
  if (CHINESE_NUMERALS.test(s)) {
    return { ok: false, error: msg(`「${shown}」请用阿拉伯数字填写，例如 ${EXAMPLE[unit].zh}`, `"${shown}": please use digits, e.g. ${EXAMPLE[unit].en}`) };
  }
  const segments: Array<{ d: Decimal; unitExp: number | undefined }> = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < lower.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(lower);
    if (!m) break;
    const [whole, num, unit] = m as unknown as [string, string, string | undefined];
    const groups = num.split('.')[0]!.split(',');
    if (groups.length > 1 && (groups[0]!.length > 3 || groups.slice(1).some((g) => g.length !== 3))) {
      return { ok: false, error: msg(`「${shown}」的千分位逗号位置不对，例如 800,000`, `"${shown}": thousands separators are misplaced, e.g. 800,000`) };
    }
    const [intPart, frac = ''] = num.replaceAll(',', '').split('.') as [string, string?];
    const unitExp = unit === undefined ? undefined : UNIT_EXP.find(([u]) => u === unit)![1];
    segments.push({ d: { digits: BigInt(intPart + frac), exp: (unitExp ?? 0) - frac.length }, unitExp });
    pos += whole.length;
  }
  const rest = lower.slice(pos);
  if (segments.length === 0 || rest.length > 0) {
    if (unit === 'cny' && segments.length > 0 && (STARTS_WITH_UNIT.test(rest) || /^(?:元|块)/.test(rest))) return mixedUnits(shown);
    return { ok: false, error: notANumber(shown, unit) };
  }
  const hadUnit = segments.some((x) => x.unitExp !== undefined);
  if (hadUnit && !allowUnits) return { ok: false, error: notANumber(shown, unit) };
  if (segments.length > 1) {
    // Only descending compounds like 1亿2000万 are allowed; 80万w, 2000万1亿 or 1亿2000 are not.
    for (let i = 0; i < segments.length; i++) {
      const e = segments[i]!.unitExp;
      if (e === undefined || (i > 0 && e >= segments[i - 1]!.unitExp!)) return mixedUnits(shown);
    }
  }
  let total: Decimal = { digits: 0n, exp: 0 };
  for (const seg of segments) total = add(total, seg.d);
  return { ok: true, value: total, hadUnit };
}

function add(a: Decimal, b: Decimal): Decimal {
  const exp = Math.min(a.exp, b.exp);
  return { digits: a.digits * 10n ** BigInt(a.exp - exp) + b.digits * 10n ** BigInt(b.exp - exp), exp };
}

/** The decimal as an integer, or undefined when it has a fractional part. */
function toInteger(d: Decimal): bigint | undefined {
  if (d.exp >= 0) return d.digits * 10n ** BigInt(d.exp);
  const div = 10n ** BigInt(-d.exp);
  return d.digits % div === 0n ? d.digits / div : undefined;
}

function mixedUnits(shown: string): DecimalResult {
  return {
    ok: false,
    error: msg(`「${shown}」混用了单位，请只用一个单位，例如 80万 或 800000`, `"${shown}" mixes units; use one, e.g. 80万 or 800000`),
  };
}

/** Examples in the hint match the field's unit: a count or a rate is not written like money (12.8). */
const EXAMPLE: Record<MetricUnit, { zh: string; en: string; list: { zh: string; en: string } }> = {
  cny: { zh: '80万', en: '800000', list: { zh: '800000、80万、80w 或 0.8亿', en: '800000, 80万, 80w or 0.8亿' } },
  count: { zh: '15', en: '15', list: { zh: '15 或 15个', en: '15' } },
  percent: { zh: '35%', en: '35%', list: { zh: '35%', en: '35%' } },
};

const notANumber = (shown: string, unit: MetricUnit = 'cny') =>
  msg(`「${shown}」不是数字，请填写如 ${EXAMPLE[unit].list.zh}`, `"${shown}" is not a number; write e.g. ${EXAMPLE[unit].list.en}`);

/** Shared front part: trims, half-widths, splits off a leading minus sign, refuses ranges. */
function prepare(raw: string): { s: string; shown: string; negative: boolean } | Msg {
  const shown = raw.trim().slice(0, 40);
  let s = toHalfWidth(raw).trim().replace(/\s+/g, '');
  if (s === '') return msg('未填写', 'is missing');
  let negative = false;
  s = s.replace(/^(?:¥|￥|rmb|cny)/i, '');
  if (/^[-−–]/.test(s)) {
    negative = true;
    s = s.slice(1).replace(/^(?:¥|￥|rmb|cny)/i, '');
  }
  if (RANGE.test(s)) return msg(`「${shown}」是一个范围，请只填一个目标值`, `"${shown}" is a range; enter one target value`);
  return { s, shown, negative };
}

function signChecks<T>(value: bigint, negative: boolean, shown: string): Parsed<T> | undefined {
  if (negative && value > 0n) return fail(msg(`「${shown}」是负数，目标必须大于 0`, `"${shown}" is negative; a target must be above 0`));
  if (value === 0n) return fail(msg('目标不能为 0', "a target can't be 0"));
  if (value > HARD_MAX) return fail(msg(`「${shown}」大得不合理`, `"${shown}" is implausibly large`));
  return undefined;
}

/** An amount in whole CNY (integer yuan). */
export function parseAmountCny(raw: string): Parsed<number> {
  const p = prepare(raw);
  if (!('s' in p)) return fail(p);
  const s = p.s.replace(/(?:元|块|人民币|rmb|cny)$/i, '');
  const d = parseDecimal(s, p.shown, true);
  if (!d.ok) return fail(d.error);
  const int = toInteger(d.value);
  if (int === undefined) {
    return fail(msg(`「${p.shown}」精确到元即可，不要有角、分`, `"${p.shown}" has fractions of a yuan; use whole yuan`));
  }
  return signChecks<number>(int, p.negative, p.shown) ?? { ok: true, value: Number(int) };
}

/** A whole count (new customers, visits): 15, 15个, 15家. */
export function parseCount(raw: string): Parsed<number> {
  const p = prepare(raw);
  if (!('s' in p)) return fail(p);
  const s = p.s.replace(/(?:个|家|位|户|人|次|单|名|件)$/, '');
  const d = parseDecimal(s, p.shown, true, 'count');
  if (!d.ok) return fail(d.error);
  const int = toInteger(d.value);
  if (int === undefined) return fail(msg(`「${p.shown}」不是整数，请填整数`, `"${p.shown}" is not a whole number`));
  return signChecks<number>(int, p.negative, p.shown) ?? { ok: true, value: Number(int) };
}

/** A percentage as basis points (35% → 3500). "35" means 35%; "0.35" without % is ambiguous and refused. */
export function parsePercentBp(raw: string): Parsed<number> {
  const p = prepare(raw);
  if (!('s' in p)) return fail(p);
  let s = p.s.replace(/^百分之/, '');
  const hadSign = /(?:%|percent)$/i.test(s) || s !== p.s;
  s = s.replace(/(?:%|percent)$/i, '');
  const d = parseDecimal(s, p.shown, false, 'percent');
  if (!d.ok) return fail(d.error);
  const bp = toInteger({ digits: d.value.digits, exp: d.value.exp + 2 });
  if (bp === undefined) return fail(msg(`「${p.shown}」最多保留两位小数`, `"${p.shown}": at most two decimals`));
  const signed = signChecks<number>(bp, p.negative, p.shown);
  if (signed) return signed;
  if (!hadSign && bp < 100n) {
    return fail(msg(`「${p.shown}」请写成百分数，例如 35%`, `"${p.shown}": write it as a percentage, e.g. 35%`));
  }
  if (bp > 10_000n) return fail(msg(`「${p.shown}」超过了 100%`, `"${p.shown}" is above 100%`));
  return { ok: true, value: Number(bp) };
}

export function parseMetricValue(unit: MetricUnit, raw: string): Parsed<number> {
  if (unit === 'cny') return parseAmountCny(raw);
  if (unit === 'count') return parseCount(raw);
  return parsePercentBp(raw);
}

/**
 * What a single person's target may plausibly be; a team's bound grows with its head count, so a
 * director's company-wide target passes while a rep's 50亿 does not.
 */
export const PLAUSIBLE = {
  cny: { min: 1_000, perPerson: 100_000_000 },
  count: { min: 1, perPerson: 1_000 },
  percent: { min: 1, max: 10_000 },
} as const;

/** A reason the value is implausible for a team of `teamSize` (1 = an individual), or undefined. */
export function implausible(unit: MetricUnit, value: number, teamSize: number, shown: string): Msg | undefined {
  const size = Math.max(1, Math.floor(teamSize));
  if (unit === 'percent') return undefined; // parsePercentBp already bounds it to (0, 100%]
  const b = PLAUSIBLE[unit];
  const max = b.perPerson * size;
  const fmt = (v: number, lang: Lang) => formatMetricValue(unit, v, lang);
  if (value < b.min && unit === 'cny') {
    return msg(`「${shown}」只有 ${value} 元，太小了，是否漏写了「万」？例如 80万`, `"${shown}" is only ¥${value}; did you mean 万 (e.g. 80万)?`);
  }
  if (value > max) {
    const who = size === 1 ? { zh: '个人目标', en: 'an individual target' } : { zh: `${size} 人团队的目标`, en: `a team of ${size}` };
    return msg(
      `「${shown}」（${fmt(value, 'zh')}）超出${who.zh}的合理范围（上限 ${fmt(max, 'zh')}）`,
      `"${shown}" (${fmt(value, 'en')}) is beyond what is plausible for ${who.en} (at most ${fmt(max, 'en')})`,
    );
  }
  return undefined;
}

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const upTo2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Exact and short: 800000 → 80万 / ¥800,000; 123456 → 123,456元; 3500 bp → 35%. */
export function formatMetricValue(unit: MetricUnit, value: number, lang: Lang): string {
  if (unit === 'percent') return `${upTo2.format(value / 100)}%`;
  if (unit === 'count') return intFmt.format(value);
  if (lang === 'en') return `¥${intFmt.format(value)}`;
  if (value >= 1e12 && value % 1e10 === 0) return `${upTo2.format(value / 1e12)}万亿`;
  if (value >= 1e8 && value % 1e6 === 0) return `${upTo2.format(value / 1e8)}亿`;
  if (value >= 1e4 && value % 100 === 0) return `${upTo2.format(value / 1e4)}万`;
  return `${intFmt.format(value)}元`;
}
