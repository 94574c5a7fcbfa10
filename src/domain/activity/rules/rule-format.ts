import { formatNumber } from '../format.js';
import type { Expr, RuleSet } from './rule-model.js';

type Lang = 'zh' | 'en';

/**
 * Rules as people read them; parseRules(formatRules(x)) gives x back, so what HR sees is what runs.
 * `typeLabel` turns a type key into the word shown before the colon (拜访 / visit).
 */
export function formatRules(rules: RuleSet, lang: Lang = 'zh', typeLabel: (type: string) => string = (t) => t): string {
  return rules.rules.map((r) => formatRule(r.type, r.when, lang, typeLabel)).join(lang === 'zh' ? '；\n' : ';\n');
}

export function formatRule(type: string, when: Expr, lang: Lang = 'zh', typeLabel: (type: string) => string = (t) => t): string {
  return lang === 'zh' ? `${typeLabel(type)}：${formatExpr(when, lang)}` : `${typeLabel(type)}: ${formatExpr(when, lang)}`;
}

export function formatExpr(e: Expr, lang: Lang = 'zh', parent?: 'all' | 'any'): string {
  const zh = lang === 'zh';
  switch (e.kind) {
    case 'minDuration':
      return zh ? `时长 ≥ ${formatNumber(e.minutes)} 分钟` : `duration >= ${formatNumber(e.minutes)} min`;
    case 'nearCustomer':
      if (e.km < 1) return zh ? `距客户 ≤ ${formatNumber(e.km * 1000)} 米` : `distance <= ${formatNumber(e.km * 1000)} m`;
      return zh ? `距客户 ≤ ${formatNumber(e.km)} 公里` : `distance <= ${formatNumber(e.km)} km`;
    case 'checkin':
      return zh ? '有签到' : 'checkin';
    case 'hasLocation':
      return zh ? '有位置' : 'location';
    case 'always':
      return zh ? '总是计入' : 'always';
    case 'never':
      return zh ? '不计入' : 'never';
    case 'all':
    case 'any': {
      const joiner = e.kind === 'all' ? (zh ? ' 且 ' : ' and ') : zh ? ' 或 ' : ' or ';
      // Full-width brackets carry their own spacing in Chinese text.
      const body = e.of.map((x) => formatExpr(x, lang, e.kind)).join(joiner).replaceAll(' （', '（').replaceAll('） ', '）');
      // "or" inside "and" needs brackets; the reverse reads right without them (and binds tighter).
      const needParens = parent === 'all' && e.kind === 'any';
      if (!needParens) return body;
      return zh ? `（${body}）` : `(${body})`;
    }
  }
}
