import { hashA, hashB } from '../../domain/text/hash.js';

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
