/**
 * Customer names as different systems spell them ("华为技术有限公司", "华为技术", "Hill Group, Inc.") reduced
 * to one comparable key. Used to tie a DingTalk check-in's 拜访对象 to a CRM account.
 */
const SUFFIXES = [
  '股份有限公司', '有限责任公司', '有限公司', '集团公司', '集团', '公司', '（中国）', '(中国)', '中国',
  'corporation', 'company', 'limited', 'group', 'corp', 'inc', 'llc', 'ltd', 'plc', 'co',
];

const NOISE = /[\s\p{P}\p{S}]+/gu;
// Normalized once: this runs for every imported row.
const SUFFIX_KEYS = SUFFIXES.map((s) => s.replace(NOISE, ''));

// Imports repeat the same few thousand customer names over a million rows (and ask twice a row): remembered,
// up to a bound, since NFKC and the Unicode-class regex cost more than the lookup.
const memo = new Map<string, string | undefined>();
const MEMO_MAX = 20_000;

export function customerNameKey(name: string | undefined | null): string | undefined {
  if (!name) return undefined;
  if (memo.has(name)) return memo.get(name);
  if (memo.size >= MEMO_MAX) memo.clear();
  const key = computeKey(name);
  memo.set(name, key);
  return key;
}

function computeKey(name: string): string | undefined {
  let s = name.normalize('NFKC').toLowerCase().replace(NOISE, '');
  for (let changed = true; changed; ) {
    changed = false;
    for (const k of SUFFIX_KEYS) {
      if (s.length > k.length && s.endsWith(k)) {
        s = s.slice(0, -k.length);
        changed = true;
      }
    }
  }
  return s.length > 0 ? s : undefined;
}
