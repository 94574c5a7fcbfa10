import type { AnyBulkWriteOperation, Document, ObjectId } from 'mongodb';
import { matchVisits, recordKey, type Evidence, type MatchOutcome, type MatchRecord } from '../../domain/activity/matching.js';
import { factsOf } from '../../domain/activity/normalize.js';
import { evaluate } from '../../domain/activity/rules/evaluate.js';
import type { MatchSettings } from '../../domain/activity/rules/rule-model.js';
import { hasLatLng } from '../../domain/activity/types.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import type { RuleStore } from '../../adapters/mongo/rule-store.js';
import { DirtyDays, withNeighbours } from './dirty-days.js';

const PERSON_CHUNK = 100;
const PROJECTION = {
  personId: 1, source: 1, sourceId: 1, type: 1, startAt: 1, endAt: 1, accountId: 1, customerKey: 1, location: 1, customerLocation: 1,
  durationMin: 1, completed: 1, deleted: 1, quarterId: 1, day: 1, matchGroup: 1, mergedInto: 1, evidence: 1, appealOverride: 1, counted: 1, reasons: 1, ruleVersion: 1,
} as const;

interface VisitDoc {
  _id: ObjectId;
  personId: string;
  source: string;
  sourceId: string;
  type: string;
  startAt: Date;
  endAt?: Date | null;
  accountId?: string | null;
  customerKey?: string | null;
  location?: { lat?: number | null; lng?: number | null } | null;
  customerLocation?: { lat?: number | null; lng?: number | null } | null;
  durationMin?: number | null;
  completed?: boolean | null;
  deleted?: boolean | null;
  quarterId: string;
  matchGroup?: string | null;
  mergedInto?: { source?: string | null; sourceId?: string | null } | null;
  evidence?: Partial<Evidence> | null;
  appealOverride?: { appealId?: string | null } | null;
  counted?: boolean;
  reasons?: string[];
  ruleVersion?: number;
}

/**
 * Keeps match groups right: for each changed person-day (and its neighbours) it loads the person's visit
 * records from every system, groups the same real-world visit (domain/activity/matching), and writes the
 * group facts and new verdicts of the records whose result changed.
 */
export class Reconciler {
  /** (quarter, source) pairs already recorded in activity_quarter_sources by this process. */
  private readonly knownSources = new Set<string>();

  constructor(
    private readonly m: Pick<Models, 'Activity' | 'ActivityQuarterSources'>,
    private readonly rules: RuleStore,
    private readonly settings: MatchSettings,
    /** Stamps updatedAt on changed verdicts, so readers syncing by updatedAt (/api/v1) see them. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  get matchTypes(): readonly string[] {
    return this.settings.types;
  }

  /** Records that `source` has visit records in these quarters (once per pair and process). */
  async noteSources(pairs: Iterable<{ quarterId: string; source: string }>): Promise<void> {
    for (const { quarterId, source } of pairs) {
      const key = `${quarterId}\u0000${source}`;
      if (this.knownSources.has(key)) continue;
      await this.m.ActivityQuarterSources.updateOne({ _id: quarterId }, { $addToSet: { sources: source } }, { upsert: true });
      this.knownSources.add(key);
    }
  }

  async reconcile(dirty: DirtyDays): Promise<{ records: number; changed: number }> {
    let records = 0;
    let changed = 0;
    const entries = [...dirty.entries()];
    for (let i = 0; i < entries.length; i += PERSON_CHUNK) {
      const chunk = entries.slice(i, i + PERSON_CHUNK);
      const days = withNeighbours(chunk.flatMap(([, d]) => [...d]));
      const docs = (await this.m.Activity.collection
        .find({ personId: { $in: chunk.map(([p]) => p) }, day: { $in: days }, type: { $in: [...this.settings.types] } }, { projection: PROJECTION })
        .toArray()) as unknown as VisitDoc[];
      records += docs.length;
      const byPerson = new Map<string, VisitDoc[]>();
      for (const d of docs) {
        const list = byPerson.get(d.personId);
        if (list) list.push(d);
        else byPerson.set(d.personId, [d]);
      }
      const ops: AnyBulkWriteOperation<Document>[] = [];
      for (const list of byPerson.values()) ops.push(...(await this.opsFor(list)));
      if (ops.length) await this.m.Activity.collection.bulkWrite(ops, { ordered: false });
      changed += ops.length;
    }
    return { records, changed };
  }

  /**
   * After a bulk import from `source`: the person-days where another system has visit records — the only
   * places the import can have created a match (records of one source never match each other). One query,
   * not one per person-day: on the local dev server every non-_id query is a collection scan.
   */
  async daysWithOtherSources(quarterId: string, source: string): Promise<DirtyDays> {
    const out = new DirtyDays();
    const present = await this.m.ActivityQuarterSources.findById(quarterId).lean();
    if (!present?.sources.some((s) => s !== source)) return out; // nothing else to match with
    const rows = await this.m.Activity.collection
      .find({ quarterId, type: { $in: [...this.settings.types] }, source: { $ne: source } }, { projection: { personId: 1, day: 1 } })
      .toArray();
    for (const r of rows) out.add(String(r.personId), String(r.day));
    return out;
  }

  private async opsFor(list: VisitDoc[]): Promise<AnyBulkWriteOperation<Document>[]> {
    const outcomes = matchVisits(list.map(toMatchRecord), this.settings);
    const ops: AnyBulkWriteOperation<Document>[] = [];
    for (const d of list) {
      const o: MatchOutcome = outcomes.get(recordKey(d)) ?? {};
      const { ctx } = await this.rules.context(d.quarterId);
      const facts = factsOf({ ...d, mergedInto: o.mergedInto ?? null, evidence: o.evidence ?? null });
      const verdict = evaluate(facts, ctx);
      const same =
        (d.matchGroup ?? undefined) === o.matchGroup &&
        mergedKey(d.mergedInto) === mergedKey(o.mergedInto) &&
        evidenceKey(d.evidence) === evidenceKey(o.evidence) &&
        d.counted === verdict.counted &&
        JSON.stringify(d.reasons ?? []) === JSON.stringify(verdict.reasons) &&
        d.ruleVersion === ctx.version;
      if (same) continue;
      const set: Document = { counted: verdict.counted, reasons: verdict.reasons, ruleVersion: ctx.version, updatedAt: this.now() };
      const unset: Document = {};
      for (const [k, v] of [['matchGroup', o.matchGroup], ['mergedInto', o.mergedInto], ['evidence', o.evidence]] as const) {
        if (v === undefined) unset[k] = '';
        else set[k] = v;
      }
      ops.push({ updateOne: { filter: { _id: d._id }, update: { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) } } });
    }
    return ops;
  }
}

function toMatchRecord(d: VisitDoc): MatchRecord {
  return {
    source: d.source,
    sourceId: d.sourceId,
    type: d.type,
    start: d.startAt.getTime(),
    ...(d.endAt ? { end: d.endAt.getTime() } : {}),
    ...(d.accountId ? { accountId: d.accountId } : {}),
    ...(d.customerKey ? { customerKey: d.customerKey } : {}),
    ...(hasLatLng(d.location) ? { location: { lat: d.location.lat, lng: d.location.lng } } : {}),
    ...(hasLatLng(d.customerLocation) ? { customerLocation: { lat: d.customerLocation.lat, lng: d.customerLocation.lng } } : {}),
    ...(d.deleted ? { deleted: true } : {}),
  };
}

const mergedKey = (m: { source?: string | null; sourceId?: string | null } | null | undefined) => (m?.source ? `${m.source}:${m.sourceId}` : '');
const evidenceKey = (e: Partial<Evidence> | null | undefined) =>
  e ? JSON.stringify([e.checkin ?? false, e.checkinCount ?? 0, e.durationMin ?? null, e.location?.lat ?? null, e.location?.lng ?? null]) : '';
