/**
 * Validates a submitted goal card. Every field is checked and every problem reported at once, each with a
 * message naming the field and what was typed; nothing is accepted unless all fields are valid.
 */
import { splitList, matchOptions } from './lists.js';
import { metricName, type MetricDef } from './metrics.js';
import { joinList, msg, type Msg } from './msg.js';
import { implausible, parseMetricValue } from './numbers.js';
import { cutText } from '../text/cut.js';

export interface Target {
  metric: string;
  /** Integer in the metric's unit: yuan, count, or basis points. */
  value: number;
}

/** What a person states as their goal: KPI targets, direction, and optional OKR text. */
export interface GoalContent {
  targets: Target[];
  industries: string[];
  keyAccounts: string[];
  plan: string;
  objective: string;
  keyResults: string[];
}

export interface GoalFormContext {
  /** The quarter's metrics in card-slot order: m1 is metrics[0]. */
  metrics: readonly MetricDef[];
  industryOptions: readonly string[];
  /** 1 for an individual, 1 + everyone below for a manager (scales plausibility bounds). */
  teamSize: number;
}

export interface FieldError {
  /** Input name on the card (m1…m6, industries, keyAccounts, plan, objective, keyResults). */
  field: string;
  message: Msg;
}

export type GoalFormResult = { ok: true; value: GoalContent } | { ok: false; errors: FieldError[] };

export const GOAL_LIMITS = {
  industries: 3,
  keyAccounts: 10,
  accountLength: 40,
  plan: 500,
  objective: 100,
  keyResults: 5,
  keyResultLength: 100,
} as const;

export const slotName = (i: number) => `m${i + 1}`;

export function validateGoalForm(raw: Readonly<Record<string, unknown>>, ctx: GoalFormContext): GoalFormResult {
  const errors: FieldError[] = [];
  const err = (field: string, zh: string, en: string) => errors.push({ field, message: msg(zh, en) });

  const targets: Target[] = [];
  ctx.metrics.forEach((m, i) => {
    const field = slotName(i);
    const [zhName, enName] = [metricName(m, 'zh'), metricName(m, 'en')];
    const text = asText(raw[field]);
    if (text === undefined) return err(field, `${zhName}：格式不对，请填写一个数字`, `${enName}: expected a single number`);
    const parsed = parseMetricValue(m.unit, text);
    if (!parsed.ok) return err(field, `${zhName}：${parsed.error.zh}`, `${enName}: ${parsed.error.en}`);
    const bad = implausible(m.unit, parsed.value, ctx.teamSize, text.trim());
    if (bad) return err(field, `${zhName}：${bad.zh}`, `${enName}: ${bad.en}`);
    targets.push({ metric: m.key, value: parsed.value });
  });

  const options = joinList(ctx.industryOptions, 'zh');
  const optionsEn = joinList(ctx.industryOptions, 'en');
  const picked = splitList(raw.industries);
  const { known, unknown } = matchOptions(picked, ctx.industryOptions);
  if (unknown.length > 0) {
    err(
      'industries',
      `主攻行业：「${joinList(unknown, 'zh')}」不在可选列表中。可选：${options}`,
      `Focus industries: "${joinList(unknown, 'en')}" is not on the list. Choose from: ${optionsEn}`,
    );
  } else if (known.length === 0) {
    err('industries', `主攻行业：请至少选择一个。可选：${options}`, `Focus industries: choose at least one from: ${optionsEn}`);
  } else if (known.length > GOAL_LIMITS.industries) {
    err(
      'industries',
      `主攻行业：最多选 ${GOAL_LIMITS.industries} 个（选了 ${known.length} 个），聚焦才有方向`,
      `Focus industries: at most ${GOAL_LIMITS.industries} (you chose ${known.length})`,
    );
  }

  const accounts = listField(raw.keyAccounts, 'keyAccounts', errors, { zh: '重点客户', en: 'Key accounts' }, GOAL_LIMITS.keyAccounts, GOAL_LIMITS.accountLength);
  const plan = textField(raw.plan, 'plan', errors, { zh: '行动计划', en: 'Plan' }, GOAL_LIMITS.plan);
  const objective = textField(raw.objective, 'objective', errors, { zh: 'OKR 目标（O）', en: 'Objective' }, GOAL_LIMITS.objective);
  const keyResults = listField(raw.keyResults, 'keyResults', errors, { zh: '关键结果（KR）', en: 'Key results' }, GOAL_LIMITS.keyResults, GOAL_LIMITS.keyResultLength, true);
  if (keyResults.length > 0 && objective === '') {
    err('objective', 'OKR：填写了关键结果（KR），请同时填写目标（O）', 'OKR: key results need an objective');
  }

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { targets, industries: known, keyAccounts: accounts, plan, objective, keyResults } };
}

/** A text input's value: strings as typed, numbers from number inputs; anything else is malformed. */
function asText(v: unknown): string | undefined {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function textField(v: unknown, field: string, errors: FieldError[], label: { zh: string; en: string }, max: number): string {
  const text = asText(v);
  if (text === undefined) {
    errors.push({ field, message: msg(`${label.zh}：格式不对`, `${label.en}: malformed value`) });
    return '';
  }
  const clean = text.trim();
  const len = [...clean].length;
  if (len > max) errors.push({ field, message: msg(`${label.zh}：最多 ${max} 字（现在 ${len} 字）`, `${label.en}: at most ${max} characters (now ${len})`) });
  return clean;
}

function listField(
  v: unknown,
  field: string,
  errors: FieldError[],
  label: { zh: string; en: string },
  maxItems: number,
  maxLength: number,
  linesOnly = false,
): string[] {
  // Key results are sentences that may contain commas; only new lines separate them.
  const items = linesOnly && typeof v === 'string' ? splitList(v.split(/[\r\n]+/)) : splitList(v);
  if (items.length > maxItems) {
    errors.push({ field, message: msg(`${label.zh}：最多 ${maxItems} 项（现在 ${items.length} 项）`, `${label.en}: at most ${maxItems} items (now ${items.length})`) });
  }
  const long = items.find((x) => [...x].length > maxLength);
  if (long) {
    errors.push({
      field,
      message: msg(`${label.zh}：「${cutText(long, 13)}」超过 ${maxLength} 字`, `${label.en}: "${cutText(long, 13)}" is longer than ${maxLength} characters`),
    });
  }
  return items;
}

/** Same targets, direction and text: resubmitting it changes nothing. */
export function sameContent(a: GoalContent, b: GoalContent): boolean {
  const t = (x: GoalContent) => JSON.stringify([...x.targets].sort((p, q) => p.metric.localeCompare(q.metric)).map((y) => [y.metric, y.value]));
  const l = (x: readonly string[]) => JSON.stringify(x);
  return (
    t(a) === t(b) &&
    l(a.industries) === l(b.industries) &&
    l(a.keyAccounts) === l(b.keyAccounts) &&
    a.plan === b.plan &&
    a.objective === b.objective &&
    l(a.keyResults) === l(b.keyResults)
  );
}
