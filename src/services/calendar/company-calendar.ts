import type { AuditRepository } from '../../adapters/mongo/audit-repository.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import { chinaCalendar, type ChinaCalendar, type CompanyDay } from '../../domain/time/china-calendar.js';

/** Overrides change a few times a year; a minute's cache keeps every report and reminder off the database. */
const CACHE_MS = 60_000;

/**
 * The company's working-day calendar: mainland China's holidays and 调休 (chinese-days) with HR's
 * overrides from the database. One instance per process; `changed()` drops the cache after an edit here,
 * and other instances pick an edit up within a minute.
 */
export class CompanyCalendar {
  private cached: { at: number; cal: ChinaCalendar } | undefined;

  constructor(
    private readonly m: Pick<Models, 'CompanyDay'>,
    private readonly audit: AuditRepository,
  ) {}

  async get(): Promise<ChinaCalendar> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.cal;
    const cal = chinaCalendar(await this.overrides());
    this.cached = { at: Date.now(), cal };
    return cal;
  }

  async overrides(from?: string): Promise<CompanyDay[]> {
    const rows = await this.m.CompanyDay.find(from ? { _id: { $gte: from } } : {}).sort({ _id: 1 }).lean();
    return rows.map((r) => ({ day: r._id, kind: r.kind as 'off' | 'work', note: r.note ?? '' }));
  }

  async set(days: readonly string[], kind: 'off' | 'work', note: string, actorId: string): Promise<void> {
    for (const day of days) {
      const before = await this.m.CompanyDay.findById(day).lean();
      await this.m.CompanyDay.updateOne({ _id: day }, { $set: { kind, note, setBy: actorId } }, { upsert: true });
      await this.audit.record({ actorId, action: 'calendar.set', entity: 'company-day', entityId: day, before: before ? { kind: before.kind, note: before.note } : null, after: { kind, note }, note });
    }
    this.cached = undefined;
  }

  async remove(days: readonly string[], actorId: string): Promise<number> {
    let n = 0;
    for (const day of days) {
      const before = await this.m.CompanyDay.findById(day).lean();
      if (!before || (await this.m.CompanyDay.deleteOne({ _id: day })).deletedCount !== 1) continue;
      n++;
      await this.audit.record({ actorId, action: 'calendar.remove', entity: 'company-day', entityId: day, before: { kind: before.kind, note: before.note } });
    }
    this.cached = undefined;
    return n;
  }
}
