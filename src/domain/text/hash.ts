/**
 * Small non-cryptographic string hashes over UTF-16 code units: stable across runs and platforms. Used for
 * the CSV import's seen-id filter (two independent hashes) and the training sample (a threshold on one).
 * Pure.
 */

/**
 * FNV-1a, then murmur3's finaliser: ids that differ only in their last characters (rep001, rep002) land far
 * apart — FNV alone left their top bits almost equal, so a threshold on them kept all or none of a run of ids.
 */
export function hashA(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h);
}

/** A different function of the same code units (murmur3's mixing step, another seed), independent of hashA. */
export function hashB(s: string): number {
  let h = 0x9747b28c ^ s.length;
  for (let i = 0; i < s.length; i++) {
    let k = Math.imul(s.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  }
  return fmix(h);
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
