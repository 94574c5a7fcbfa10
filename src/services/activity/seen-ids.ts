/**
 * The record ids of a CSV file seen so far, for the duplicate check of the check pass, in ~12 bytes an id
 * instead of a Map of strings (~100 bytes of RSS an id: 100 MB at a million rows, a third of the import's
 * memory budget). Stores a 64-bit hash of each id (two independent 32-bit hashes) and the line it was first
 * on, in typed arrays (open addressing, at most half full).
 *
 * A hash is not the id: `firstLineOf` says "probably seen on line N", and the caller confirms by comparing
 * the ids (csv-import reads the lines concerned again; at a million ids the chance that two different ids
 * share a 64-bit hash is about 3 in 100 million, so this only happens for real duplicates).
 */
export class SeenIds {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** Line of the first occurrence; 0 = empty slot (CSV data starts on line 2). */
  private lines: Uint32Array;
  private count = 0;

  constructor(initialCapacity = 1 << 16) {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.lines = new Uint32Array(cap);
  }

  get size(): number {
    return this.count;
  }

  /** The line an id with the same hash was first added on, or undefined after adding this one at `line`. */
  firstLineOf(id: string, line: number): number | undefined {
    if (line < 1) throw new RangeError(`line ${line}: lines start at 1`);
    const a = hashA(id);
    const b = hashB(id);
    const mask = this.lines.length - 1;
    for (let i = a & mask; ; i = (i + 1) & mask) {
      const at = this.lines[i]!;
      if (at === 0) {
        this.hi[i] = a;
        this.lo[i] = b;
        this.lines[i] = line;
        if (++this.count * 2 > this.lines.length) this.grow();
        return undefined;
      }
      if (this.hi[i] === a && this.lo[i] === b) return at;
    }
  }

  private grow(): void {
    const { hi, lo, lines } = this;
    const cap = lines.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.lines = new Uint32Array(cap);
    const mask = cap - 1;
    for (let j = 0; j < lines.length; j++) {
      if (lines[j] === 0) continue;
      let i = hi[j]! & mask;
      while (this.lines[i] !== 0) i = (i + 1) & mask;
      this.hi[i] = hi[j]!;
      this.lo[i] = lo[j]!;
      this.lines[i] = lines[j]!;
    }
  }
}

/** A row whose id hashed like the id first seen on `firstLine`. */
export interface Suspect {
  index: number;
  line: number;
  id: string;
  firstLine: number;
}

/**
 * Which suspects (in file order) really repeat an earlier record, given the ids actually on their first
 * lines: `firstLine` is the line of the id's first occurrence, or undefined for an id that only shared a
 * hash (it is then the first occurrence itself, and a later copy of it repeats this row).
 */
export function settleSuspects(suspects: readonly Suspect[], idOnLine: ReadonlyMap<number, string>): Array<Omit<Suspect, 'firstLine'> & { firstLine: number | undefined }> {
  const firstOf = new Map<string, number>();
  return suspects.map((s) => {
    const firstLine = idOnLine.get(s.firstLine) === s.id ? s.firstLine : firstOf.get(s.id);
    if (firstLine === undefined) firstOf.set(s.id, s.line);
    return { ...s, firstLine };
  });
}

/** FNV-1a over UTF-16 code units, then murmur3's finaliser so the low bits (the slot) are well mixed. */
function hashA(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix(h);
}

/** A different function of the same code units (murmur3's mixing step, another seed), independent of hashA. */
function hashB(s: string): number {
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
