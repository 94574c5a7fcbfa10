import { echoArg } from '../../text/cut.js';
import { TYPE_KEY, type Expr, type RuleSet, type TypeRule } from './rule-model.js';

/**
 * Reads rule text as HR types it in chat or config, in Chinese or English:
 *
 *   visit: duration >= 30min and (distance <= 1km or checkin); call: duration >= 2min
 *   拜访：时长 ≥ 30 分钟 且（距客户 ≤ 1 公里 或 有签到）
 *
 * Rules are separated by ";", "；" or new lines. "and"/"且" binds tighter than "or"/"或".
 * Errors point at the character and say what would have been understood there.
 */

export interface RuleParseError {
  /** 1-based character position in the text. */
  at: number;
  message: string;
}

export type RuleParseResult = { ok: true; rules: RuleSet } | { ok: false; errors: RuleParseError[] };

type Tok =
  | { t: 'word'; v: string; at: number }
  | { t: 'num'; v: number; at: number; raw: string }
  | { t: 'op'; v: '>=' | '<=' | '>' | '<' | '='; at: number }
  | { t: 'lp' | 'rp' | 'colon' | 'sep' | 'end'; at: number };

const WORDS: Record<string, string> = {
  // keyword → canonical
  duration: 'duration', 时长: 'duration', 时间: 'duration', 持续: 'duration',
  distance: 'distance', 距离: 'distance', 距客户: 'distance', 距离客户: 'distance', 离客户: 'distance',
  checkin: 'checkin', 'check-in': 'checkin', 签到: 'checkin', 有签到: 'checkin', 有签到记录: 'checkin', 签到记录: 'checkin',
  location: 'location', 有位置: 'location', 有定位: 'location', 定位: 'location', 位置: 'location', 有位置记录: 'location',
  always: 'always', 总是: 'always', 始终: 'always', 总是计入: 'always',
  never: 'never', 从不: 'never', 不计: 'never', 不计入: 'never',
  and: 'and', 且: 'and', 并且: 'and', 而且: 'and', 和: 'and',
  or: 'or', 或: 'or', 或者: 'or',
  // units
  min: 'min', mins: 'min', minute: 'min', minutes: 'min', 分钟: 'min', 分: 'min',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h', 小时: 'h',
  km: 'km', 公里: 'km', 千米: 'km',
  m: 'm', meter: 'm', meters: 'm', metre: 'm', metres: 'm', 米: 'm',
};

const HINT_ZH = '可以用：时长 ≥ N 分钟、距客户 ≤ N 公里、有签到、有位置、总是、不计，用「且」「或」和括号组合';

/** A real rule set is a few hundred characters; far more is a paste accident (or an attack on the parser). */
export const MAX_RULE_TEXT = 4000;
/** Brackets inside brackets: three or four levels say everything a rule needs; the parser recurses per level. */
export const MAX_RULE_DEPTH = 20;

export function parseRules(text: string, typeAliases: ReadonlyMap<string, string> = new Map()): RuleParseResult {
  if (text.length > MAX_RULE_TEXT) {
    return { ok: false, errors: [{ at: MAX_RULE_TEXT + 1, message: `规则太长：${text.length} 个字符，最多 ${MAX_RULE_TEXT} 个。每种行为类型写一条，用分号分隔` }] };
  }
  const lexed = tokenize(text, typeAliases);
  if ('error' in lexed) return { ok: false, errors: [lexed.error] };
  const p = new Parser(lexed.tokens, typeAliases);
  return p.rules();
}

function tokenize(text: string, typeAliases: ReadonlyMap<string, string>): { tokens: Tok[] } | { error: RuleParseError } {
  const tokens: Tok[] = [];
  // CJK words are not space-separated, so they are read by longest match against the vocabulary.
  const cjkVocab = [...Object.keys(WORDS), ...typeAliases.keys()].filter((w) => /[^\x00-\x7f]/.test(w)).sort((a, b) => b.length - a.length);
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const at = i + 1;
    if (c === '\n' || c === ';' || c === '；') {
      tokens.push({ t: 'sep', at });
      i++;
    } else if (/\s/.test(c) || c === '，' || c === ',') {
      i++;
    } else if (c === '(' || c === '（') {
      tokens.push({ t: 'lp', at });
      i++;
    } else if (c === ')' || c === '）') {
      tokens.push({ t: 'rp', at });
      i++;
    } else if (c === ':' || c === '：') {
      tokens.push({ t: 'colon', at });
      i++;
    } else if (c === '≥' || c === '≤') {
      tokens.push({ t: 'op', v: c === '≥' ? '>=' : '<=', at });
      i++;
    } else if (c === '>' || c === '<' || c === '=' || c === '＞' || c === '＜' || c === '＝') {
      const base = ({ '＞': '>', '＜': '<', '＝': '=' } as Record<string, string>)[c] ?? c;
      const next = text[i + 1];
      if ((base === '>' || base === '<') && (next === '=' || next === '＝')) {
        tokens.push({ t: 'op', v: base === '>' ? '>=' : '<=', at });
        i += 2;
      } else {
        tokens.push({ t: 'op', v: base as '>' | '<' | '=', at });
        i++;
      }
    } else if (/[0-9.]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i));
      if (!m) return { error: { at, message: `第 ${at} 个字符：「${c}」不是数字` } };
      tokens.push({ t: 'num', v: Number(m[0]), at, raw: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(text.slice(i))!;
      tokens.push({ t: 'word', v: m[0].toLowerCase(), at });
      i += m[0].length;
    } else if (c === '&' && text[i + 1] === '&') {
      tokens.push({ t: 'word', v: 'and', at });
      i += 2;
    } else if (c === '|' && text[i + 1] === '|') {
      tokens.push({ t: 'word', v: 'or', at });
      i += 2;
    } else {
      const w = cjkVocab.find((v) => text.startsWith(v, i));
      if (!w) {
        const word = /^[^\s\x00-\x7f（）：；，≥≤＞＜＝]{1,6}/.exec(text.slice(i))?.[0] ?? c;
        return { error: { at, message: `第 ${at} 个字符：不认识「${echoArg(word)}」。${HINT_ZH}` } };
      }
      tokens.push({ t: 'word', v: w, at });
      i += w.length;
    }
  }
  tokens.push({ t: 'end', at: text.length + 1 });
  return { tokens };
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly typeAliases: ReadonlyMap<string, string>,
  ) {}

  private depth = 0;

  rules(): RuleParseResult {
    const rules: TypeRule[] = [];
    const errors: RuleParseError[] = [];
    while (this.peek().t !== 'end') {
      if (this.peek().t === 'sep') {
        this.i++;
        continue;
      }
      this.depth = 0; // a failed rule may have stopped inside brackets
      try {
        const rule = this.rule();
        const dup = rules.find((r) => r.type === rule.type);
        if (dup) throw this.fail(this.toks[this.i - 1]!, `「${echoArg(rule.type)}」写了两条规则；每种行为类型只能有一条（用「且」「或」合并）`);
        rules.push(rule);
      } catch (err) {
        if (!(err instanceof ParseFailure)) throw err;
        errors.push(err.error);
        while (this.peek().t !== 'sep' && this.peek().t !== 'end') this.i++; // resync at the next rule
      }
    }
    if (errors.length) return { ok: false, errors };
    if (rules.length === 0) return { ok: false, errors: [{ at: 1, message: `没有规则。例如：拜访：时长 ≥ 30 分钟 且（距客户 ≤ 1 公里 或 有签到）` }] };
    return { ok: true, rules: { rules } };
  }

  private rule(): TypeRule {
    const head = this.next();
    if (head.t !== 'word') throw this.fail(head, '每条规则以行为类型开头，例如「拜访：」或「visit:」');
    const type = this.typeAliases.get(head.v) ?? head.v;
    if (!TYPE_KEY.test(type) || WORDS[head.v] !== undefined) throw this.fail(head, `「${echoArg(head.v)}」不是行为类型（类型用英文小写键，如 visit，或已配置的中文名，如 拜访）`);
    const colon = this.next();
    if (colon.t !== 'colon') throw this.fail(colon, `类型「${echoArg(head.v)}」后面要跟冒号「：」`);
    const when = this.expr();
    const after = this.peek();
    if (after.t !== 'sep' && after.t !== 'end') throw this.fail(after, `这里应该是「且」「或」或者下一条规则（用分号分隔）`);
    return { type, when };
  }

  private expr(): Expr {
    const parts = [this.conj()];
    while (this.isWord('or')) {
      this.i++;
      parts.push(this.conj());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'any', of: parts };
  }

  private conj(): Expr {
    const parts = [this.atom()];
    while (this.isWord('and')) {
      this.i++;
      parts.push(this.atom());
    }
    return parts.length === 1 ? parts[0]! : { kind: 'all', of: parts };
  }

  private atom(): Expr {
    const tok = this.next();
    if (tok.t === 'lp') {
      if (++this.depth > MAX_RULE_DEPTH) throw this.fail(tok, `括号嵌套太深：最多 ${MAX_RULE_DEPTH} 层`);
      const inner = this.expr();
      this.depth--;
      const close = this.next();
      if (close.t !== 'rp') throw this.fail(close, '少了右括号「）」');
      return inner;
    }
    if (tok.t !== 'word') throw this.fail(tok, `这里应该是一个条件。${HINT_ZH}`);
    switch (WORDS[tok.v]) {
      case 'duration': {
        this.expectOp(['>=', '≥'], '时长用「≥」表示至少，例如 时长 ≥ 30 分钟');
        const minutes = this.quantity({ min: 1, h: 60 }, 'min', '时长的单位用 分钟 或 小时');
        if (minutes <= 0 || minutes > 24 * 60) throw this.fail(tok, '时长要在 0 到 24 小时之间');
        return { kind: 'minDuration', minutes };
      }
      case 'distance': {
        this.expectOp(['<=', '≤'], '距离用「≤」表示至多，例如 距客户 ≤ 1 公里');
        const km = this.quantity({ km: 1, m: 0.001 }, 'km', '距离的单位用 公里 或 米');
        if (km <= 0 || km > 1000) throw this.fail(tok, '距离要在 0 到 1000 公里之间');
        return { kind: 'nearCustomer', km };
      }
      case 'checkin':
        return { kind: 'checkin' };
      case 'location':
        return { kind: 'hasLocation' };
      case 'always':
        return { kind: 'always' };
      case 'never':
        return { kind: 'never' };
      default:
        throw this.fail(tok, `不认识条件「${echoArg(tok.v)}」。${HINT_ZH}`);
    }
  }

  private expectOp(ok: string[], hint: string): void {
    const op = this.next();
    if (op.t !== 'op' || !ok.includes(op.v)) throw this.fail(op, hint);
  }

  private quantity(units: Record<string, number>, defaultUnit: string, hint: string): number {
    const n = this.next();
    if (n.t !== 'num') throw this.fail(n, `这里应该是数字。${hint}`);
    const u = this.peek();
    if (u.t === 'word' && WORDS[u.v] !== undefined && units[WORDS[u.v]!] !== undefined) {
      this.i++;
      return round(n.v * units[WORDS[u.v]!]!);
    }
    if (u.t === 'word' && ['min', 'h', 'km', 'm'].includes(WORDS[u.v] ?? '')) throw this.fail(u, hint);
    return round(n.v * units[defaultUnit]!);
  }

  private isWord(canonical: string): boolean {
    const t = this.peek();
    return t.t === 'word' && WORDS[t.v] === canonical;
  }

  private peek(): Tok {
    return this.toks[this.i]!;
  }

  private next(): Tok {
    const t = this.toks[this.i]!;
    if (t.t !== 'end') this.i++;
    return t;
  }

  private fail(tok: Tok, message: string): ParseFailure {
    const where = tok.t === 'end' ? '结尾处' : `第 ${tok.at} 个字符`;
    return new ParseFailure({ at: tok.at, message: `${where}：${message}` });
  }
}

class ParseFailure extends Error {
  constructor(readonly error: RuleParseError) {
    super(error.message);
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
