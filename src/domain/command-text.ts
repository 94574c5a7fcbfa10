/** Pure helpers for reading chat text as commands. */

export type Lang = 'zh' | 'en';

/** Full-width ASCII → half-width, ideographic space → space, collapse whitespace, drop a leading "/". */
export function normalizeText(input: string): string {
  const half = input.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
  return half.replace(/\s+/g, ' ').trim().replace(/^\/+/, '').trim();
}

export function detectLang(text: string): Lang {
  if (/[\u4e00-\u9fff]/.test(text)) return 'zh';
  return /[a-z]/i.test(text) ? 'en' : 'zh';
}

export interface KeywordMatch<T> {
  value: T;
  keyword: string;
  /** Text after the keyword, trimmed. */
  args: string;
}

/**
 * Finds the entry whose keyword the text starts with (longest keyword wins, so 我的目标 beats 目标).
 * ASCII keywords are case-insensitive and must end at a word boundary ("help me" yes, "helpful" no).
 */
export function matchKeyword<T>(text: string, entries: ReadonlyArray<{ keywords: readonly string[]; value: T }>): KeywordMatch<T> | undefined {
  const norm = normalizeText(text);
  const lower = norm.toLowerCase();
  let best: KeywordMatch<T> | undefined;
  for (const e of entries) {
    for (const kw of e.keywords) {
      const k = kw.toLowerCase();
      if (!lower.startsWith(k)) continue;
      const next = norm.charAt(k.length);
      const isAscii = /^[\x20-\x7e]+$/.test(kw);
      if (isAscii && next !== '' && /[a-z0-9]/i.test(next)) continue;
      if (!best || k.length > best.keyword.length) {
        best = { value: e.value, keyword: kw, args: norm.slice(k.length).replace(/^[\s:：,，]+/, '').trim() };
      }
    }
  }
  return best;
}

/** Edit distance counting a swap of neighbours as one edit (typo-friendly), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Keywords close to what was typed (typos, partial words). */
export function suggestKeywords(text: string, keywords: readonly string[], max = 3): string[] {
  const t = normalizeText(text).toLowerCase().split(' ')[0] ?? '';
  if (!t) return [];
  return keywords
    .map((k) => ({ k, d: editDistance(t, k.toLowerCase()) }))
    .filter(({ k, d }) => d <= Math.max(1, Math.floor(k.length / 3)) || k.toLowerCase().includes(t) || t.includes(k.toLowerCase()))
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map(({ k }) => k);
}
