import type { MetricDef } from '../../domain/goals/metrics.js';
import type { QuarterSetup } from '../../domain/goals/quarter-form.js';
import { isDuplicateKeyError } from '../../errors.js';
import type { AuditRepository } from './audit-repository.js';
import type { Models } from './models/index.js';

/** A configured quarter as the goal chain uses it. */
export interface QuarterConfig {
  id: string;
  start: Date;
  end: Date;
  reviewAt: Date;
  timeZone: string;
  metrics: MetricDef[];
  industryOptions: string[];
  direction: { industries: string[]; keyAccounts: string[] };
  revision: number;
  updatedBy: string | undefined;
}

export type SaveResult = { ok: true; quarter: QuarterConfig } | { ok: false; reason: 'stale'; current: QuarterConfig | null };

/** Quarters as HR set them up. Fields other features own (activity types, validity rules) are left alone. */
export class QuarterRepository {
  constructor(
    private readonly m: Pick<Models, 'Quarter'>,
    private readonly audit: AuditRepository,
  ) {}

  async get(id: string): Promise<QuarterConfig | null> {
    const doc = await this.m.Quarter.findById(id).lean();
    return doc ? quarterConfigOf(doc) : null;
  }

  /** The quarter `now` falls in; before any has started, the next one (goals are set in week 0). */
  async current(now: Date): Promise<QuarterConfig | null> {
    const docs = await this.m.Quarter.find({ endDate: { $gt: now } }).sort({ startDate: 1 }).limit(4).lean();
    const running = docs.find((d) => d.startDate <= now);
    const pick = running ?? docs[0];
    return pick ? quarterConfigOf(pick) : null;
  }

  /**
   * Creates or updates the goal-chain part of a quarter. `expectedRevision` is what the HR card showed
   * (undefined for a new quarter); a different stored revision means someone else saved in between.
   */
  async save(setup: QuarterSetup, meta: { actorId: string; timeZone: string; expectedRevision: number | undefined; now: Date }): Promise<SaveResult> {
    const before = await this.get(setup.id);
    const fields = {
      startDate: setup.start,
      endDate: setup.end,
      reviewAt: setup.reviewAt,
      timeZone: meta.timeZone,
      metrics: setup.metrics,
      industryOptions: setup.industryOptions,
      direction: setup.direction,
      updatedBy: meta.actorId,
      status: (meta.now < setup.start ? 'planning' : meta.now < setup.end ? 'active' : 'closed') as 'planning' | 'active' | 'closed',
    };
    if (meta.expectedRevision === undefined) {
      try {
        await this.m.Quarter.create({ _id: setup.id, ...fields, revision: 1 });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        return { ok: false, reason: 'stale', current: await this.get(setup.id) };
      }
    } else {
      // Quarters created by other features before this field existed have no revision: that reads as 1.
      const revisionFilter = meta.expectedRevision === 1 ? { $or: [{ revision: 1 }, { revision: { $exists: false } }] } : { revision: meta.expectedRevision };
      const r = await this.m.Quarter.updateOne({ _id: setup.id, ...revisionFilter }, { $set: { ...fields, revision: meta.expectedRevision + 1 } });
      if (r.matchedCount === 0) return { ok: false, reason: 'stale', current: await this.get(setup.id) };
    }
    const after = (await this.get(setup.id))!;
    await this.audit.record({ actorId: meta.actorId, action: before ? 'quarter.update' : 'quarter.create', entity: 'quarter', entityId: setup.id, before: before && auditView(before), after: auditView(after) });
    return { ok: true, quarter: after };
  }
}

function auditView(q: QuarterConfig) {
  return { start: q.start, end: q.end, reviewAt: q.reviewAt, metrics: q.metrics, industryOptions: q.industryOptions, direction: q.direction, revision: q.revision };
}

/** A lean quarter document → QuarterConfig (every reader of a quarter maps it here, with the same defaults). */
export function quarterConfigOf(doc: object): QuarterConfig {
  const d = doc as {
    _id: string;
    startDate: Date;
    endDate: Date;
    reviewAt: Date;
    timeZone?: string;
    metrics?: Array<{ key: string; name: string; nameEn?: string; unit: MetricDef['unit']; kind?: MetricDef['kind'] }>;
    industryOptions?: string[];
    direction?: { industries?: string[]; keyAccounts?: string[] };
    revision?: number;
    updatedBy?: string;
  };
  return {
    id: d._id,
    start: d.startDate,
    end: d.endDate,
    reviewAt: d.reviewAt,
    timeZone: d.timeZone ?? 'Asia/Shanghai',
    metrics: (d.metrics ?? []).map((m) => ({ key: m.key, name: m.name, nameEn: m.nameEn ?? '', unit: m.unit, kind: m.kind ?? 'kpi' })),
    industryOptions: d.industryOptions ?? [],
    direction: { industries: d.direction?.industries ?? [], keyAccounts: d.direction?.keyAccounts ?? [] },
    revision: d.revision ?? 1,
    updatedBy: d.updatedBy,
  };
}
