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

export function customerNameKey(name: string | undefined | null): string | undefined {
  if (!name) return undefined;
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
