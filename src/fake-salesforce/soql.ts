/**
 * The part of SOQL the bot sends (and a bit more, so the fake rejects what Salesforce would):
 *   SELECT f, … FROM Object [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n]
 * with AND / OR / NOT, parentheses, = != <> < <= > >=, IN (…), NOT IN (…), LIKE, and string, number,
 * boolean, null, date (2024-01-31) and datetime (2024-01-31T08:00:00Z / …+0800) literals.
 */

export type Literal =
  | { kind: 'string'; v: string }
  | { kind: 'number'; v: number }
  | { kind: 'bool'; v: boolean }
  | { kind: 'null' }
  | { kind: 'date'; v: string }
  | { kind: 'datetime'; ms: number };

export type Cond =
  | { op: 'and' | 'or'; parts: Cond[] }
  | { op: 'not'; part: Cond }
  | { op: 'cmp'; field: string; cmp: '=' | '!=' | '<' | '<=' | '>' | '>='; value: Literal }
  | { op: 'in'; field: string; values: Literal[]; negate: boolean }
  | { op: 'like'; field: string; pattern: string };

export interface SoqlQuery {
  fields: string[];
  object: string;
  where?: Cond;
  orderBy: Array<{ field: string; dir: 'ASC' | 'DESC'; nulls: 'FIRST' | 'LAST' }>;
  limit?: number;
}

export class SoqlError extends Error {
  constructor(
    message: string,
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE' = 'MALFORMED_QUERY',
  ) {
    super(message);
  }
}

type Tok = { t: 'id' | 'kw' | 'str' | 'num' | 'date' | 'datetime' | 'op' | 'punct' | 'end'; v: string; at: number };

const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'IN', 'LIKE', 'ORDER', 'BY', 'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST', 'LIMIT', 'TRUE', 'FALSE', 'NULL']);

function tokenize(q: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < q.length) {
    const rest = q.slice(i);
    const ws = /^\s+/.exec(rest);
    if (ws) {
      i += ws[0].length;
      continue;
    }
    let m: RegExpExecArray | null;
    if ((m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})/.exec(rest))) out.push({ t: 'datetime', v: m[0], at: i });
    else if ((m = /^\d{4}-\d{2}-\d{2}(?![\d:T])/.exec(rest))) out.push({ t: 'date', v: m[0], at: i });
    else if ((m = /^-?\d+(\.\d+)?/.exec(rest))) out.push({ t: 'num', v: m[0], at: i });
    else if ((m = /^'((?:[^'\\]|\\.)*)'/.exec(rest))) out.push({ t: 'str', v: m[1]!.replace(/\\(.)/g, '$1'), at: i });
    else if ((m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest))) out.push({ t: KEYWORDS.has(m[0].toUpperCase()) ? 'kw' : 'id', v: KEYWORDS.has(m[0].toUpperCase()) ? m[0].toUpperCase() : m[0], at: i });
    else if ((m = /^(<=|>=|!=|<>|=|<|>)/.exec(rest))) out.push({ t: 'op', v: m[0] === '<>' ? '!=' : m[0], at: i });
    else if ((m = /^[(),]/.exec(rest))) out.push({ t: 'punct', v: m[0], at: i });
    else throw new SoqlError(`unexpected token at column ${i + 1}: ${rest.slice(0, 10)}`);
    i += m[0].length;
  }
  out.push({ t: 'end', v: '', at: q.length });
  return out;
}

export function parseSoql(q: string): SoqlQuery {
  const toks = tokenize(q);
  let i = 0;
  const peek = () => toks[i]!;
  const next = () => toks[i++]!;
  const kw = (v: string) => peek().t === 'kw' && peek().v === v;
  const expectKw = (v: string) => {
    const t = next();
    if (t.t !== 'kw' || t.v !== v) throw new SoqlError(`expecting ${v} at column ${t.at + 1}, found '${t.v}'`);
  };
  const ident = () => {
    const t = next();
    if (t.t !== 'id') throw new SoqlError(`expecting a field name at column ${t.at + 1}, found '${t.v}'`);
    return t.v;
  };
  const literal = (): Literal => {
    const t = next();
    switch (t.t) {
      case 'str':
        return { kind: 'string', v: t.v };
      case 'num':
        return { kind: 'number', v: Number(t.v) };
      case 'date':
        return { kind: 'date', v: t.v };
      case 'datetime':
        return { kind: 'datetime', ms: Date.parse(t.v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) };
      case 'kw':
        if (t.v === 'TRUE' || t.v === 'FALSE') return { kind: 'bool', v: t.v === 'TRUE' };
        if (t.v === 'NULL') return { kind: 'null' };
    }
    throw new SoqlError(`expecting a value at column ${t.at + 1}, found '${t.v}'`);
  };
  const cond = (): Cond => {
    const parts = [conj()];
    while (kw('OR')) {
      next();
      parts.push(conj());
    }
    return parts.length === 1 ? parts[0]! : { op: 'or', parts };
  };
  const conj = (): Cond => {
    const parts = [unary()];
    while (kw('AND')) {
      next();
      parts.push(unary());
    }
    return parts.length === 1 ? parts[0]! : { op: 'and', parts };
  };
  const unary = (): Cond => {
    if (kw('NOT')) {
      next();
      return { op: 'not', part: unary() };
    }
    if (peek().t === 'punct' && peek().v === '(') {
      next();
      const c = cond();
      const close = next();
      if (close.v !== ')') throw new SoqlError(`expecting ')' at column ${close.at + 1}`);
      return c;
    }
    const field = ident();
    if (kw('NOT') || kw('IN')) {
      const negate = kw('NOT');
      if (negate) next();
      expectKw('IN');
      if (next().v !== '(') throw new SoqlError('expecting ( after IN');
      const values = [literal()];
      while (peek().v === ',') {
        next();
        values.push(literal());
      }
      if (next().v !== ')') throw new SoqlError('expecting ) after IN list');
      return { op: 'in', field, values, negate };
    }
    if (kw('LIKE')) {
      next();
      const p = literal();
      if (p.kind !== 'string') throw new SoqlError('LIKE needs a string');
      return { op: 'like', field, pattern: p.v };
    }
    const op = next();
    if (op.t !== 'op') throw new SoqlError(`expecting an operator at column ${op.at + 1}, found '${op.v}'`);
    return { op: 'cmp', field, cmp: op.v as '=' | '!=' | '<' | '<=' | '>' | '>=', value: literal() };
  };

  expectKw('SELECT');
  const fields = [ident()];
  while (peek().v === ',') {
    next();
    fields.push(ident());
  }
  expectKw('FROM');
  const object = ident();
  const query: SoqlQuery = { fields, object, orderBy: [] };
  if (kw('WHERE')) {
    next();
    query.where = cond();
  }
  if (kw('ORDER')) {
    next();
    expectKw('BY');
    do {
      if (peek().v === ',') next();
      const field = ident();
      let dir: 'ASC' | 'DESC' = 'ASC';
      if (kw('ASC') || kw('DESC')) dir = next().v as 'ASC' | 'DESC';
      let nulls: 'FIRST' | 'LAST' = dir === 'ASC' ? 'FIRST' : 'LAST';
      if (kw('NULLS')) {
        next();
        nulls = next().v === 'LAST' ? 'LAST' : 'FIRST';
      }
      query.orderBy.push({ field, dir, nulls });
    } while (peek().v === ',');
  }
  if (kw('LIMIT')) {
    next();
    const n = next();
    if (n.t !== 'num') throw new SoqlError('LIMIT needs a number');
    query.limit = Number(n.v);
  }
  if (peek().t !== 'end') throw new SoqlError(`unexpected token '${peek().v}' at column ${peek().at + 1}`);
  return query;
}

export type FieldType = 'id' | 'string' | 'boolean' | 'number' | 'date' | 'datetime' | 'address';

/** Comparable form of a record value for `type`: epoch ms for datetimes, strings for dates. */
function comparable(v: unknown, type: FieldType): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (type === 'datetime') return Date.parse(String(v).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (type === 'number') return Number(v);
  if (type === 'boolean') return Boolean(v);
  return String(v);
}

function literalValue(l: Literal, type: FieldType, field: string): string | number | boolean | null {
  switch (l.kind) {
    case 'null':
      return null;
    case 'datetime':
      if (type !== 'datetime') throw new SoqlError(`value of type datetime is not valid for field ${field}`, 'INVALID_FIELD');
      return l.ms;
    case 'date':
      if (type !== 'date') throw new SoqlError(`value of type date is not valid for field ${field} (${type})`, 'INVALID_FIELD');
      return l.v;
    case 'bool':
      return l.v;
    case 'number':
      return l.v;
    case 'string':
      if (type === 'datetime' || type === 'date' || type === 'number' || type === 'boolean') throw new SoqlError(`value of type string is not valid for field ${field} (${type})`, 'INVALID_FIELD');
      return l.v;
  }
}

export function matches(c: Cond, rec: Record<string, unknown>, typeOf: (f: string) => FieldType): boolean {
  switch (c.op) {
    case 'and':
      return c.parts.every((p) => matches(p, rec, typeOf));
    case 'or':
      return c.parts.some((p) => matches(p, rec, typeOf));
    case 'not':
      return !matches(c.part, rec, typeOf);
    case 'in': {
      const t = typeOf(c.field);
      const v = comparable(rec[c.field], t);
      const hit = c.values.some((l) => literalValue(l, t, c.field) === v);
      return c.negate ? !hit : hit;
    }
    case 'like': {
      const re = new RegExp(`^${c.pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('%', '.*').replaceAll('_', '.')}$`, 'i');
      return re.test(String(rec[c.field] ?? ''));
    }
    case 'cmp': {
      const t = typeOf(c.field);
      const a = comparable(rec[c.field], t);
      const b = literalValue(c.value, t, c.field);
      if (c.cmp === '=') return a === b;
      if (c.cmp === '!=') return a !== b;
      if (a === null || b === null) return false;
      if (c.cmp === '<') return a < b;
      if (c.cmp === '<=') return a <= b;
      if (c.cmp === '>') return a > b;
      return a >= b;
    }
  }
}

export function compareBy(order: SoqlQuery['orderBy'], typeOf: (f: string) => FieldType) {
  return (x: Record<string, unknown>, y: Record<string, unknown>): number => {
    for (const o of order) {
      const t = typeOf(o.field);
      const a = comparable(x[o.field], t);
      const b = comparable(y[o.field], t);
      if (a === b) continue;
      if (a === null) return o.nulls === 'FIRST' ? -1 : 1;
      if (b === null) return o.nulls === 'FIRST' ? 1 : -1;
      const c = a < b ? -1 : 1;
      return o.dir === 'ASC' ? c : -c;
    }
    return 0;
  };
}

/** Every field a condition or an ORDER BY mentions, to check them against the object. */
export function fieldsOf(q: SoqlQuery): string[] {
  const out = [...q.fields, ...q.orderBy.map((o) => o.field)];
  const walk = (c: Cond | undefined) => {
    if (!c) return;
    if (c.op === 'and' || c.op === 'or') c.parts.forEach(walk);
    else if (c.op === 'not') walk(c.part);
    else if (c.op === 'cmp' || c.op === 'in' || c.op === 'like') out.push(c.field);
  };
  walk(q.where);
  return out;
}
