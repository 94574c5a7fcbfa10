/** Person-days whose visit records changed and must be matched again; bounded by people × days. */
export class DirtyDays {
  private readonly map = new Map<string, Set<string>>();

  add(personId: string, day: string): void {
    let days = this.map.get(personId);
    if (!days) this.map.set(personId, (days = new Set()));
    days.add(day);
  }

  get(personId: string): ReadonlySet<string> {
    return this.map.get(personId) ?? new Set();
  }

  get size(): number {
    let n = 0;
    for (const d of this.map.values()) n += d.size;
    return n;
  }

  entries(): IterableIterator<[string, Set<string>]> {
    return this.map.entries();
  }

  clear(): void {
    this.map.clear();
  }
}

/** The day before and after: a visit that started before midnight can match a check-in after it. */
export function withNeighbours(days: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const d of days) {
    const t = Date.parse(`${d}T12:00:00Z`);
    for (const delta of [-1, 0, 1]) out.add(new Date(t + delta * 86_400_000).toISOString().slice(0, 10));
  }
  return [...out];
}
