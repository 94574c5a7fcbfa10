/**
 * The demo company keeps working as simulated time moves on: when the simulator's clock jumps from `from`
 * to `to`, the activities that happened in between are added and the deals that changed (opened, moved to
 * negotiation, won or lost) are updated, exactly as a live company's connectors would have stored them.
 * Deterministic: every rep's quarter is generated whole and projected at `to` (rep-quarter.ts), so the
 * same jumps give the same data, and jumping in several steps gives what one jump would.
 */
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type { Models } from '../adapters/mongo/models/index.js';
import { quarterOf } from '../domain/time/calendar.js';
import type { DemoCompany, DemoQuarter } from './company.js';
import { insertAll, type DemoMeta } from './load-demo.js';
import { quarterDoc } from './quarter.js';
import { dayTableFor, projectRepQuarter, repQuarterTruth, repsIn } from './rep-quarter.js';
import type { DealShape } from './shapes.js';

export interface AdvanceResult {
  /** False when there was nothing to do (no loaded demo company, or the clock did not move past what is stored). */
  advanced: boolean;
  from?: Date;
  to?: Date;
  activities: number;
  deals: number;
  ms: number;
}

/**
 * Stores the demo company's activity and deal changes in (stored-up-to, to]. Does nothing unless the demo
 * company is fully loaded in this database. Quarters after the generated one get activities and deals for
 * today's reps, but no quarter set-up or goals: setting up a quarter is HR's to try (季度设置).
 */
export async function advanceDemo(o: { models: Models; db: Db; company: DemoCompany; to: Date }): Promise<AdvanceResult> {
  const t0 = performance.now();
  const metaCol: Collection<DemoMeta> = o.db.collection<DemoMeta>('demo_meta');
  const meta = await metaCol.findOne({ _id: 'company' });
  const nothing = { advanced: false, activities: 0, deals: 0, ms: 0 };
  if (!meta || meta.status !== 'loaded') return nothing;
  const from = meta.advancedTo ?? meta.generatedAt;
  if (o.to.getTime() <= from.getTime()) return nothing;
  const fromMs = from.getTime();
  const toMs = o.to.getTime();
  let activities = 0;
  let deals = 0;
  for (const quarter of quartersTouched(o.company, from, o.to)) {
    const table = dayTableFor(o.company, quarter);
    const reps = quarter.current || quarter.quarter.startDate > o.company.quarter.startDate ? o.company.reps : repsIn(o.company, quarter);
    for (const rep of reps) {
      const truth = repQuarterTruth(o.company, rep, quarter, table);
      const added = truth.activities.filter((a) => a.startAt.getTime() >= fromMs && a.startAt.getTime() < toMs);
      const stamp = { createdAt: o.to, updatedAt: o.to };
      await insertAll(o.models.Activity.collection, added.map((a) => ({ ...a, ...stamp })));
      activities += added.length;
      const before = new Map(projectRepQuarter(truth, fromMs).deals.map((d) => [d.sourceId, d]));
      const ops: AnyBulkWriteOperation[] = [];
      for (const d of projectRepQuarter(truth, toMs).deals) {
        if (sameDeal(before.get(d.sourceId), d)) continue;
        ops.push({ updateOne: { filter: { source: d.source, sourceId: d.sourceId }, update: { $set: { ...d, updatedAt: o.to }, $setOnInsert: { createdAt: o.to } }, upsert: true } });
      }
      if (ops.length) await o.models.Deal.collection.bulkWrite(ops, { ordered: false });
      deals += ops.length;
    }
  }
  await metaCol.updateOne({ _id: 'company' }, { $set: { advancedTo: o.to } });
  return { advanced: true, from, to: o.to, activities, deals, ms: Math.round(performance.now() - t0) };
}

/**
 * Quarters whose stored data can change in (from, to]: the last finished one (its late deals still close),
 * the generated current one, and any later quarter the clock reached.
 */
function quartersTouched(company: DemoCompany, from: Date, to: Date): DemoQuarter[] {
  const list: DemoQuarter[] = [];
  const last = company.history.at(-1);
  if (last) list.push(last);
  list.push(company.currentQuarter);
  const zone = company.timeZone;
  for (let at = company.quarter.endDate; at < to; ) {
    const span = quarterOf(at, zone);
    if (span.end > from) list.push({ quarter: { ...quarterDoc(span, zone, company.teams.map((t) => t.groupId)), status: 'active' }, goals: [], stream: `${span.id}-`, current: false });
    at = span.end;
  }
  // A quarter whose late deals all closed long before `from` has nothing left to change.
  return list.filter((q) => q.quarter.endDate.getTime() + 62 * 86_400_000 > from.getTime());
}

function sameDeal(a: DealShape | undefined, b: DealShape): boolean {
  return a !== undefined && a.stage === b.stage && a.closeDate.getTime() === b.closeDate.getTime() && a.quarterId === b.quarterId;
}
