/**
 * Reads what the database stores (quarters, approved goals, activities, deals, people) into the compact
 * per rep-quarter shape the prediction domain works on. It reads nothing else: the same code serves
 * imported CSVs, Salesforce and the demo company alike.
 */
import type { Models } from '../../adapters/mongo/models/index.js';
import { yielding } from '../../adapters/mongo/yielding.js';
import { achievedBy, type CompactActivity, type CompactDeal, type PredictedMetric, type RepQuarterData, type TrackedDimensionRef } from '../../domain/prediction/features.js';
import { DEFAULT_REPORT_SETTINGS } from '../../domain/report/types.js';

export interface QuarterInfo {
  id: string;
  startMs: number;
  endMs: number;
  dimensions: TrackedDimensionRef[];
}

export interface LoadedHistory {
  quarters: QuarterInfo[];
  /** Per metric: every rep-quarter with an approved target for it. */
  data: Map<PredictedMetric, RepQuarterData[]>;
  /** Who each rep reports to today (the alert and the team medians group by it). */
  managerOf: Map<string, string | null>;
  names: Map<string, string>;
}

/** The tracked dimensions of a quarter: HR's own, else the report default (方案定制率). */
function dimensionsOf(q: { reportDimensions?: Array<{ key?: string | null; name?: string | null }> | null }): TrackedDimensionRef[] {
  const own = (q.reportDimensions ?? []).filter((d): d is { key: string; name: string } => !!d.key && !!d.name).map((d) => ({ key: d.key, name: d.name }));
  return own.length ? own : DEFAULT_REPORT_SETTINGS.dimensions.map((d) => ({ key: d.key, name: d.name }));
}

/**
 * Loads every quarter that started before `asOf` (the current one included, as far as it has got).
 * Rep-quarters are those of people with the rep role and an approved goal with a positive target.
 */
export async function loadRepQuarters(
  models: Models,
  asOf: Date,
  metrics: readonly PredictedMetric[],
  o: { lastQuarters?: number; people?: readonly string[]; finishedOnly?: boolean } = {},
): Promise<LoadedHistory> {
  let qDocs = await models.Quarter.find({ startDate: { $lt: asOf } }).sort({ startDate: 1 }).lean();
  // Predicting today needs only today's quarter and the one before (for last quarter's attainment).
  if (o.lastQuarters) qDocs = qDocs.slice(-o.lastQuarters);
  const quarters: QuarterInfo[] = qDocs.map((q) => ({ id: q._id as unknown as string, startMs: q.startDate.getTime(), endMs: q.endDate.getTime(), dimensions: dimensionsOf(q) }));
  // `people`: only these reps (a slice of the company: the prediction reads and builds per slice).
  const people = await models.Person.find({ role: 'rep', ...(o.people ? { _id: { $in: [...o.people] } } : {}) }, { _id: 1, managerId: 1, name: 1 }).lean();
  const reps = new Set(people.map((p) => String(p._id)));
  const managerOf = new Map(people.map((p) => [String(p._id), (p.managerId as string | null | undefined) ?? null]));
  const names = new Map(people.map((p) => [String(p._id), p.name ?? String(p._id)]));
  const ids = quarters.map((q) => q.id);
  // A slice reads its own reps' goals only (same result: goals of others are dropped just below). Without the
  // filter every slice read every approved goal of the quarters — at 10,000 reps ~20,000 documents per slice,
  // 20 slices — and the driver decodes a find's batch in one task: the prediction step's longest event-loop
  // stalls (docs/performance.md "Responsive during the fan-out"). ≤ a few hundred ids, like the people above.
  const goalsOf = o.people ? { ownerId: { $in: [...o.people] } } : {};
  const goals = await models.Goal.find({ quarterId: { $in: ids }, status: 'approved', ...goalsOf }, { quarterId: 1, ownerId: 1, targets: 1 }).lean();
  const targets = new Map<string, Map<string, number>>(); // quarter|person → metric → value
  for (const g of goals) {
    if (!reps.has(g.ownerId)) continue;
    const m = new Map<string, number>();
    for (const t of g.targets ?? []) if (t.metric && typeof t.value === 'number' && t.value > 0) m.set(t.metric, t.value);
    targets.set(`${g.quarterId}|${g.ownerId}`, m);
  }
  const people2 = [...new Set(goals.map((g) => g.ownerId).filter((id) => reps.has(id)))];

  // Activities: only the fields the features read, streamed (a company's history can be large).
  const acts = new Map<string, CompactActivity[]>(); // quarter|person
  const dimKeys = [...new Set(quarters.flatMap((q) => q.dimensions.map((d) => d.key)))];
  // Predicting today (lastQuarters) reads only today's activities: last quarter's attainment needs its deals
  // only. On the embedded database reading activities is most of a prediction's time (bench/prediction.ts).
  // Training (`finishedOnly`) learns from finished quarters only: the running quarter's activities, the
  // biggest part of a fresh company's data, were read and dropped (at 10,000 reps the pass's memory peak).
  const finished = new Set(quarters.filter((q) => q.endMs <= asOf.getTime()).map((q) => q.id));
  const activityQuarters = o.lastQuarters ? ids.slice(-1) : o.finishedOnly ? ids.filter((id) => finished.has(id)) : ids;
  // Everyone (training, no `people`): read the quarters' activities and drop the others here, instead of a
  // `$in` of every rep id: the embedded server checks `$in` by walking the list for each document (at 3,000
  // reps that one query took 19 s of a 38 s prediction step, at 10,000 reps minutes), and on MongoDB the
  // quarter alone uses its index as well. A slice (`people`, ≤ a few hundred ids) keeps its `$in`.
  const want = new Set(people2);
  const byPerson = o.people ? { personId: { $in: people2 } } : {};
  const cursor = !activityQuarters.length ? emptyCursor() : models.Activity.find({ quarterId: { $in: activityQuarters }, ...byPerson, startAt: { $lt: asOf } }, { personId: 1, quarterId: 1, startAt: 1, type: 1, counted: 1, mergedInto: 1, dims: 1 }).lean().cursor({ batchSize: 5000 });
  // yielding: a 5,000-document batch folded in one task held stream acks and replies (docs/performance.md).
  for await (const a of yielding(cursor)) {
    if (!want.has(a.personId)) continue;
    const key = `${a.quarterId}|${a.personId}`;
    let list = acts.get(key);
    if (!list) acts.set(key, (list = []));
    const dims = a.dims as Record<string, unknown> | undefined;
    list.push({ t: a.startAt.getTime(), type: a.type, counted: a.counted === true, merged: !!a.mergedInto?.sourceId, dims: dims ? dimKeys.filter((k) => dims[k] === true) : [] });
  }

  // Deals as stored now; their state at a past week is rebuilt from the dates (features.ts).
  const deals = new Map<string, CompactDeal[]>();
  const dealCursor = models.Deal.find({ ...byPerson, deleted: { $ne: true } }, { personId: 1, openedDate: 1, closeDate: 1, isClosed: 1, isWon: 1, amountCny: 1, isNewCustomer: 1, accountId: 1 }).lean().cursor({ batchSize: 5000 });
  for await (const d of yielding(dealCursor)) {
    if (!want.has(d.personId)) continue;
    let list = deals.get(d.personId);
    if (!list) deals.set(d.personId, (list = []));
    // A deal only ever seen closed before asOf counts as closed; one closing after asOf was still open then.
    const close = d.closeDate ? d.closeDate.getTime() : null;
    const closed = d.isClosed === true && close !== null && close < asOf.getTime();
    const opened = (d as { openedDate?: Date | null }).openedDate?.getTime() ?? null;
    if (opened !== null && opened >= asOf.getTime()) continue;
    list.push({ opened, close, closed, won: closed && d.isWon === true, amount: d.amountCny ?? 0, isNew: d.isNewCustomer === true, account: d.accountId ?? null });
  }

  const data = new Map<PredictedMetric, RepQuarterData[]>();
  for (const metric of metrics) {
    const list: RepQuarterData[] = [];
    quarters.forEach((q, qi) => {
      if (o.finishedOnly && !finished.has(q.id)) return;
      for (const person of people2) {
        const target = targets.get(`${q.id}|${person}`)?.get(metric);
        if (!target) continue;
        const prev = qi > 0 ? quarters[qi - 1]! : undefined;
        const prevTarget = prev ? targets.get(`${prev.id}|${person}`)?.get(metric) : undefined;
        const all = deals.get(person) ?? [];
        const mine = all.filter((x) => (x.close === null || x.close >= q.startMs) && (x.opened === null || x.opened < q.endMs));
        const d: RepQuarterData = { personId: person, quarterId: q.id, startMs: q.startMs, endMs: q.endMs, metric, target, lastAttainment: null, activities: acts.get(`${q.id}|${person}`) ?? [], deals: mine };
        if (prev && prevTarget) {
          const prevDeals = all.filter((x) => x.close !== null && x.close >= prev.startMs && x.close < prev.endMs);
          d.lastAttainment = achievedBy({ ...d, startMs: prev.startMs, endMs: prev.endMs, deals: prevDeals }, prev.endMs) / prevTarget;
        }
        list.push(d);
      }
    });
    data.set(metric, list);
  }
  return { quarters, data, managerOf, names };
}

/** No activities to read (a company with no finished quarter yet): no query at all. */
async function* emptyCursor(): AsyncGenerator<never> {}
