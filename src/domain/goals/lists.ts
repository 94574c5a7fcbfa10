/** Lists people type into one box: industries, key accounts, key results. Pure. */
import { toHalfWidth } from './msg.js';

/** Splits on new lines and list punctuation (, ， 、 ; ；), trims, drops empties and repeats. */
export function splitList(raw: unknown): string[] {
  let items: string[];
  if (Array.isArray(raw)) items = raw.map((x) => String(x));
  else if (typeof raw === 'string') {
    const t = raw.trim();
    const asJson = t.startsWith('[') ? safeJsonArray(t) : undefined;
    items = asJson ?? t.split(/[\n\r,，、;；]+/);
  } else if (raw === undefined || raw === null) items = [];
  else items = [String(raw)];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const clean = item.replace(/\s+/g, ' ').trim();
    const key = normKey(clean);
    if (!clean || seen.has(key)) continue;
    seen.add(key);
    out.push(clean);
  }
  return out;
}

/** Comparison key: half-width, case-insensitive, inner spaces ignored ("ABC 集团" = "abc集团"). */
export function normKey(s: string): string {
  return toHalfWidth(s).toLowerCase().replace(/\s+/g, '');
}

/** Splits the typed values into the configured options they name (canonical spelling) and unknown ones. */
export function matchOptions(values: readonly string[], options: readonly string[]): { known: string[]; unknown: string[] } {
  const byKey = new Map(options.map((o) => [normKey(o), o]));
  const known: string[] = [];
  const unknown: string[] = [];
  for (const v of values) {
    const hit = byKey.get(normKey(v));
    if (hit === undefined) unknown.push(v);
    else if (!known.includes(hit)) known.push(hit);
  }
  return { known, unknown };
}

/** Items of `values` not in `allowed`, compared by normKey. */
export function outside(values: readonly string[], allowed: readonly string[]): string[] {
  const keys = new Set(allowed.map(normKey));
  return values.filter((v) => !keys.has(normKey(v)));
}

function safeJsonArray(t: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(t);
    return Array.isArray(v) ? v.map((x) => String(x)) : undefined;
  } catch {
    return undefined;
  }
}
