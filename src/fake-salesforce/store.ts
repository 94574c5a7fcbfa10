import type { FieldType } from './soql.js';

/** Objects and records of the fake org. Every write stamps SystemModstamp like Salesforce (whole seconds). */
export class SfStore {
  readonly objects = new Map<string, { prefix: string; fields: Map<string, FieldType>; records: Map<string, Record<string, unknown>> }>();
  private seq = 0;

  constructor(private readonly now: () => number = Date.now) {}

  define(name: string, prefix: string, fields: Record<string, FieldType>): void {
    const existing = this.objects.get(name);
    const map = existing?.fields ?? new Map<string, FieldType>();
    for (const [f, t] of Object.entries({ Id: 'id' as const, IsDeleted: 'boolean' as const, CreatedDate: 'datetime' as const, LastModifiedDate: 'datetime' as const, SystemModstamp: 'datetime' as const, ...fields })) map.set(f, t);
    this.objects.set(name, { prefix, fields: map, records: existing?.records ?? new Map() });
  }

  /** Adds a record as is (sample data keeps its own timestamps), filling Id and stamps when missing. */
  load(name: string, rec: Record<string, unknown>): string {
    const o = this.object(name);
    const id = typeof rec.Id === 'string' && rec.Id ? rec.Id : this.newId(o.prefix);
    const stamp = formatSfDateTime(this.now());
    o.records.set(id, { IsDeleted: false, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp, ...rec, Id: id });
    return id;
  }

  insert(name: string, rec: Record<string, unknown>): string {
    const stamp = formatSfDateTime(this.now());
    return this.load(name, { ...rec, CreatedDate: stamp, LastModifiedDate: stamp, SystemModstamp: stamp });
  }

  /** An edit at the source: new values and a new SystemModstamp. */
  update(name: string, id: string, patch: Record<string, unknown>): void {
    const rec = this.get(name, id);
    const stamp = formatSfDateTime(this.now());
    Object.assign(rec, patch, { LastModifiedDate: stamp, SystemModstamp: stamp });
  }

  /** Moves a record to the recycle bin: only queryAll still sees it, with IsDeleted = true. */
  remove(name: string, id: string): void {
    const rec = this.get(name, id);
    Object.assign(rec, { IsDeleted: true, SystemModstamp: formatSfDateTime(this.now()) });
  }

  get(name: string, id: string): Record<string, unknown> {
    const rec = this.object(name).records.get(id);
    if (!rec) throw new Error(`no ${name} ${id} in the fake org`);
    return rec;
  }

  object(name: string) {
    const o = this.objects.get(name);
    if (!o) throw new Error(`the fake org has no object ${name}`);
    return o;
  }

  private newId(prefix: string): string {
    return `${prefix}FK${String(++this.seq).padStart(10, '0')}AAA`;
  }
}

/** Salesforce's wire format for datetimes: "2024-01-22T16:14:25.000+0000" (UTC, whole seconds). */
export function formatSfDateTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('Z', '+0000');
}
