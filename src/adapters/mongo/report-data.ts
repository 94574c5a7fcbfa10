import { FactsFolder } from '../../domain/report/facts.js';
import { isoWeekKey } from '../../domain/time/calendar.js';
import type { PersonFacts } from '../../domain/report/facts.js';
import type { MetricUnit, NotCountedActivity, ReportDataset, ReportGoal, ReportPerson, ReportQuarter, ReportSettings } from '../../domain/report/types.js';
import type { Models } from './models/index.js';
import { yielding } from './yielding.js';
import type { QuarterDoc } from './models/quarter.model.js';

type M = Pick<Models, 'Person' | 'Goal' | 'Activity' | 'Deal'> & Partial<Pick<Models, 'CrmAccount'>>;

export function toReportQuarter(q: QuarterDoc & { _id: string }): ReportQuarter {
  return {
    id: q._id,
    start: q.startDate,
    end: q.endDate,
    timeZone: q.timeZone,
    metrics: q.metrics.map((m) => ({ key: m.key, name: m.name, unit: m.unit as MetricUnit, nameEn: m.nameEn ?? m.name })),
    activityTypes: q.activityTypes.map((t) => ({ key: t.key, name: t.name })),
    direction: { industries: [...(q.direction?.industries ?? [])], keyAccounts: [...(q.direction?.keyAccounts ?? [])] },
  };
}

/**
 * Everything a weekly report needs, for all subjects at once, in a few queries (activity groups one per
 * slice of 2,500 people, the rest one each):
 * people (2), goals, activities grouped by (person, type, week, counted, tracked dims), won deals grouped
 * by (person, week, account, new-customer), and the report week's not-counted activities. The groups are
 * streamed into per-person facts, never held as a whole.
 *
 * Only $match and $group with $sum: the local MongoDB-wire server lacks date operators, and isoWeek is
 * stored on write (docs/database-compat.md).
 */
export async function loadReportDataset(
  m: M,
  quarter: ReportQuarter,
  asOf: Date,
  opts: {
    settings: Pick<ReportSettings, 'conversionType' | 'dimensions'>;
    personIds?: readonly string[];
    /** People per activity-group query (tests use small slices to exercise the ranges). */
    activitySlice?: number;
  },
): Promise<ReportDataset> {
  const week = isoWeekKey(asOf, quarter.timeZone);
  const only = opts.personIds ? { $in: [...opts.personIds] } : undefined;
  // Alignment is checked live in the org tree, so every active person and every goal of the quarter is
  // loaded (a few thousand small documents even for a large company), whoever the report is about.
  const [people, goals, org] = await Promise.all([loadSubjects(m, quarter.id, opts.personIds), loadGoals(m, quarter.id, undefined), loadOrg(m)]);
  const folder = new FactsFolder(
    people.map((p) => p.id),
    opts.settings,
  );
  const scope = reportedActivities(quarter);
  const [, , , { notCounted, appealed }] = await Promise.all([
    foldActivitiesInSlices(m, folder, scope, asOf, opts.settings, people, only, opts.activitySlice ?? ACTIVITY_SLICE),
    foldDeals(m, folder, quarter, asOf, only),
    foldNotCountedReasons(m, folder, scope, asOf, only),
    loadWeekNotCounted(m, scope, week, asOf, only),
  ]);
  return { quarter, asOf, week, people, org, goals, facts: folder.finish(), notCounted, appealed };
}

/**
 * A slice of the Friday pass (issue 14): the report data of `people` only, whose rows the database finds
 * with `who` (a personId filter: an id range when the slice's ids are contiguous among the subjects, else
 * an $in list; rows of anyone else in a range are dropped by the folder and below). `org` is the slice's
 * context in the org tree (its people, their managers and those managers' teams, their own teams), and
 * goals are loaded for that context only: memory follows the slice, not the company.
 */
export async function loadSliceDataset(
  m: M,
  quarter: ReportQuarter,
  asOf: Date,
  opts: { settings: Pick<ReportSettings, 'conversionType' | 'dimensions'>; people: readonly ReportPerson[]; org: readonly ReportPerson[]; who: object; goalsOutside: readonly string[] },
): Promise<ReportDataset> {
  const week = isoWeekKey(asOf, quarter.timeZone);
  const ids = new Set(opts.people.map((p) => p.id));
  const folder = new FactsFolder(ids, opts.settings);
  const scope = reportedActivities(quarter);
  const only = opts.who;
  // Two scans of the activities per slice, not four, and one of the deals, not three (the local server
  // without indexes scans the whole collection for each query): groups with the not-counted reasons, the
  // report week's not-counted and appealed records, and the slice's won, lost and opened deals.
  const [goals, outside, , , week_] = await Promise.all([
    loadGoals(m, quarter.id, only),
    opts.goalsOutside.length > 0 ? loadGoals(m, quarter.id, { $in: [...opts.goalsOutside] }) : Promise.resolve([]),
    foldActivities(m, folder, scope, asOf, opts.settings, only, true, true),
    foldDeals(m, folder, quarter, asOf, only),
    loadWeekNotCounted(m, scope, week, asOf, only),
  ]);
  const { notCounted, appealed } = week_;
  const context = new Set(opts.org.map((p) => p.id));
  return {
    quarter,
    asOf,
    week,
    people: opts.people,
    org: opts.org,
    goals: [...goals, ...outside].filter((g) => context.has(g.ownerId)),
    facts: folder.finish(),
    notCounted: notCounted.filter((a) => ids.has(a.personId)),
    appealed: appealed.filter((id) => ids.has(id)),
  };
}

/** The facts the company comparison figures need (activities, deals), for one slice of people. */
export async function loadSliceFacts(
  m: M,
  quarter: ReportQuarter,
  asOf: Date,
  opts: { settings: Pick<ReportSettings, 'conversionType' | 'dimensions'>; people: readonly ReportPerson[]; who: object },
): Promise<Map<string, PersonFacts>> {
  const folder = new FactsFolder(
    opts.people.map((p) => p.id),
    opts.settings,
  );
  const scope = reportedActivities(quarter);
  await Promise.all([
    foldActivities(m, folder, scope, asOf, opts.settings, opts.who, false),
    foldDeals(m, folder, quarter, asOf, opts.who),
  ]);
  return folder.finish();
}

/**
 * Every active person ({id, name, managerId}, the tree the pass walks) and, sharing the same objects, the
 * report's subjects (reps, and anyone else with a goal this quarter), both sorted by id.
 */
export async function loadOrgAndSubjects(m: M, quarterId: string): Promise<{ org: ReportPerson[]; subjects: ReportPerson[] }> {
  const [rows, withGoal] = await Promise.all([
    m.Person.find({ isActive: true }, { _id: 1, name: 1, managerId: 1, role: 1 }).sort({ _id: 1 }).lean(),
    m.Goal.distinct('ownerId', { quarterId }),
  ]);
  const goal = new Set(withGoal.map(String));
  const org: ReportPerson[] = [];
  const subjects: ReportPerson[] = [];
  for (const p of rows) {
    const person = { id: String(p._id), name: p.name, managerId: p.managerId ?? null };
    org.push(person);
    if (p.role === 'rep' || goal.has(person.id)) subjects.push(person);
  }
  return { org, subjects };
}

async function loadOrg(m: M): Promise<ReportPerson[]> {
  const rows = await m.Person.find({ isActive: true }, { _id: 1, name: 1, managerId: 1 }).sort({ _id: 1 }).lean();
  return rows.map((p) => ({ id: String(p._id), name: p.name, managerId: p.managerId ?? null }));
}


/** Not-counted activities of the quarter per person and reason text (reasons are short; an array key groups them). */
async function foldNotCountedReasons(m: M, folder: FactsFolder, scope: Record<string, unknown>, asOf: Date, only: object | undefined): Promise<void> {
  const rows = await m.Activity.aggregate<{ _id: { p: string; r: string[] | null }; n: number }>([
    { $match: { ...scope, counted: false, startAt: { $lt: asOf }, ...(only ? { personId: only } : {}) } },
    { $group: { _id: { p: '$personId', r: '$reasons' }, n: { $sum: 1 } } },
  ]);
  for (const row of rows) {
    const reasons = row._id.r && row._id.r.length > 0 ? row._id.r : ['未说明原因'];
    for (const reason of reasons) folder.addNotCountedReason({ personId: row._id.p, reason, n: row.n });
  }
}

/** Active reps, plus anyone else active who has a goal this quarter (a manager carrying a quota). */
async function loadSubjects(m: M, quarterId: string, ids: readonly string[] | undefined): Promise<ReportPerson[]> {
  const withGoal = await m.Goal.distinct('ownerId', { quarterId, ...(ids ? { ownerId: { $in: [...ids] } } : {}) });
  const rows = await m.Person.find(
    { isActive: true, $or: [{ role: 'rep' }, { _id: { $in: withGoal } }], ...(ids ? { _id: { $in: [...ids] } } : {}) },
    { _id: 1, name: 1, managerId: 1 },
  )
    .sort({ _id: 1 })
    .lean();
  return rows.map((p) => ({ id: String(p._id), name: p.name, managerId: p.managerId ?? null }));
}

async function loadGoals(m: M, quarterId: string, only: object | undefined): Promise<ReportGoal[]> {
  const rows = await m.Goal.find({ quarterId, ...(only ? { ownerId: only } : {}) }, { ownerId: 1, status: 1, targets: 1, industries: 1, keyAccounts: 1 }).lean();
  return rows.map((g) => ({
    ownerId: g.ownerId,
    status: g.status,
    targets: g.targets.map((t) => ({ metric: t.metric, value: t.value })),
    industries: [...(g.industries ?? [])],
    keyAccounts: [...(g.keyAccounts ?? [])],
  }));
}

/**
 * The activities a report speaks about: the quarter's tracked types, minus records deleted at the source
 * and records merged into another (a 签到 matched to its CRM visit is evidence for that visit, not a second
 * visit that "did not count"). Attendance and untracked types never reach a rep's report.
 */
function reportedActivities(quarter: ReportQuarter): Record<string, unknown> {
  return {
    quarterId: quarter.id,
    type: { $in: quarter.activityTypes.map((t) => t.key) },
    deleted: { $ne: true },
    'mergedInto.sourceId': null,
  };
}

/**
 * The activity groups, a slice of people at a time. One query for 10,000 reps returns ~270k groups, and a
 * server that ignores batchSize (mongo-java-server) answers it in one ~230 MB batch; slices of
 * ACTIVITY_SLICE people keep each answer small on any server, for a handful more queries.
 */
const ACTIVITY_SLICE = 2500;
async function foldActivitiesInSlices(
  m: M,
  folder: FactsFolder,
  scope: Record<string, unknown>,
  asOf: Date,
  settings: Pick<ReportSettings, 'dimensions'>,
  people: readonly ReportPerson[],
  only: object | undefined,
  slice: number,
): Promise<void> {
  if (people.length === 0) return;
  // People asked for by id: one query on exactly them.
  if (only) return foldActivities(m, folder, scope, asOf, settings, only);
  // Ranges of ids, not $in lists (mongo-java-server tests $in linearly). The ranges tile the whole key
  // space ([−∞, b1), [b1, b2), …, [bk, +∞)), so every activity falls in exactly one whatever the server's
  // string order; the folder drops those of people who are not subjects. Up to one slice: one query, no range.
  const ids = people.map((p) => p.id).sort();
  const bounds: string[] = [];
  for (let i = slice; i < ids.length; i += slice) bounds.push(ids[i]!);
  for (let k = 0; k <= bounds.length; k++) {
    const range = { ...(k > 0 ? { $gte: bounds[k - 1]! } : {}), ...(k < bounds.length ? { $lt: bounds[k]! } : {}) };
    await foldActivities(m, folder, scope, asOf, settings, Object.keys(range).length ? range : undefined);
  }
}

interface ActivityGroup {
  _id: { p: string; t: string; w?: string; c: boolean | null } & Record<string, unknown>;
  n: number;
}

async function foldActivities(
  m: M,
  folder: FactsFolder,
  scope: Record<string, unknown>,
  asOf: Date,
  settings: Pick<ReportSettings, 'dimensions'>,
  only: object | undefined,
  /** false: totals only (the comparison figures), grouped without the week: a third of the rows. */
  byWeek = true,
  /** true: the not-counted reasons come from the same rows (one scan of the activities instead of two). */
  withReasons = false,
): Promise<void> {
  const dims = settings.dimensions;
  // Tracked dimensions go into the group key (d0, d1, …: field names can't hold dots), so one pass counts
  // both the activities and how many of them had each dimension. Rows that differ only in their dimension
  // values are separate cells the folder sums, and the cursor keeps one batch of raw rows in memory at a
  // time: at 10,000 reps this query returns ~270k groups. (mongo-java-server ignores batchSize here and
  // sends them all in the first batch, a ~230 MB transient in the bot; MongoDB streams them.)
  const dimKeys = Object.fromEntries(dims.map((d, i) => [`d${i}`, `$dims.${d.key}`]));
  const cursor = m.Activity.aggregate<ActivityGroup>([
    { $match: { ...scope, startAt: { $lt: asOf }, ...(only ? { personId: only } : {}) } },
    { $group: { _id: { p: '$personId', t: '$type', ...(byWeek ? { w: '$isoWeek' } : {}), c: '$counted', ...(withReasons ? { r: '$reasons' } : {}), ...dimKeys }, n: { $sum: 1 } } },
  ]).cursor({ batchSize: 5000 });
  // yielding: the server may send every row in one batch; the fold must not hold acks and replies meanwhile.
  for await (const r of yielding(cursor)) {
    let hits: Record<string, number> | undefined;
    dims.forEach((d, i) => {
      if (r._id[`d${i}`] === true) (hits ??= {})[d.key] = r.n;
    });
    folder.addActivity({ personId: r._id.p, type: r._id.t, isoWeek: r._id.w ?? '', counted: r._id.c === true, n: r.n, dims: hits ?? NO_DIMS });
    if (withReasons && r._id.c === false) {
      const reasons = Array.isArray(r._id.r) && r._id.r.length > 0 ? (r._id.r as string[]) : ['未说明原因'];
      for (const reason of reasons) folder.addNotCountedReason({ personId: r._id.p, reason, n: r.n });
    }
  }
}

const NO_DIMS: Readonly<Record<string, number>> = Object.freeze({});

interface DealRow {
  personId: string;
  quarterId?: string | null;
  isWon?: boolean | null;
  isClosed?: boolean | null;
  deleted?: boolean | null;
  closeDate?: Date | null;
  openedDate?: Date | null;
  isoWeek?: string | null;
  accountId?: string | null;
  isNewCustomer?: boolean | null;
  amountCny?: number | null;
}

/**
 * The deals a report counts, in one query instead of three (issue 14: each query is a full scan on a server
 * without indexes, per slice): won deals of the quarter closed before `asOf` (or without a close date,
 * which still count for their quarter), closed-lost ones likewise (not deleted), and opportunities
 * entered in the quarter up to `asOf` (not deleted, any quarter). The server selects the union; each row is
 * then sorted here by the same three rules, so a won deal opened in the quarter counts as both. Rows, not
 * groups: a slice's deals are a few per person, and the folder sums them as it summed the groups.
 */
async function foldDeals(m: M, folder: FactsFolder, quarter: ReportQuarter, asOf: Date, only: object | undefined): Promise<void> {
  const closedBefore = [{ closeDate: { $lt: asOf } }, { closeDate: null }];
  const openedUntil = asOf < quarter.end ? asOf : quarter.end;
  const cursor = m.Deal.find(
    {
      ...(only ? { personId: only } : {}),
      $or: [
        { quarterId: quarter.id, isWon: true, $or: closedBefore },
        { quarterId: quarter.id, isClosed: true, isWon: { $ne: true }, deleted: { $ne: true }, $or: closedBefore },
        { openedDate: { $gte: quarter.start, $lt: openedUntil }, deleted: { $ne: true } },
      ],
    },
    { _id: 0, personId: 1, quarterId: 1, isWon: 1, isClosed: 1, deleted: 1, closeDate: 1, openedDate: 1, isoWeek: 1, accountId: 1, isNewCustomer: 1, amountCny: 1 },
  )
    .lean<DealRow[]>()
    .cursor({ batchSize: 5000 });
  for await (const d of yielding(cursor)) {
    const closed = d.closeDate == null || d.closeDate < asOf;
    const inQuarter = d.quarterId === quarter.id;
    if (inQuarter && d.isWon === true && closed) {
      const amountCny = typeof d.amountCny === 'number' ? d.amountCny : 0;
      folder.addWonDeal({ personId: d.personId, isoWeek: d.isoWeek ?? null, accountId: d.accountId ?? null, isNewCustomer: d.isNewCustomer === true, n: 1, amountCny });
    }
    const live = d.deleted !== true;
    const lost = inQuarter && d.isClosed === true && d.isWon !== true && live && closed ? 1 : 0;
    const opened = live && d.openedDate instanceof Date && d.openedDate >= quarter.start && d.openedDate < openedUntil ? 1 : 0;
    if (lost || opened) folder.addClosedDeals({ personId: d.personId, lost, opened });
  }
}

/**
 * The report week's not-counted activities, and the people with an activity that counts there only because an
 * appeal was accepted (shown as 经申诉计入): one query for both.
 */
async function loadWeekNotCounted(m: M, scope: Record<string, unknown>, week: string, asOf: Date, only: object | undefined): Promise<{ notCounted: NotCountedActivity[]; appealed: string[] }> {
  const rows = await m.Activity.find(
    { ...scope, isoWeek: week, startAt: { $lt: asOf }, ...(only ? { personId: only } : {}), $or: [{ counted: false }, { counted: true, 'appealOverride.appealId': { $exists: true } }] },
    { personId: 1, type: 1, day: 1, accountName: 1, accountId: 1, reasons: 1, counted: 1 },
  ).lean();
  const off = rows.filter((a) => a.counted === false);
  // A record with only the CRM account id (no name typed) is shown with the account's name (12.8).
  const missing = [...new Set(off.filter((a) => !a.accountName && a.accountId).map((a) => a.accountId!))];
  const names = new Map<string, string>();
  if (missing.length > 0 && m.CrmAccount) {
    for (const acc of await m.CrmAccount.find({ sourceId: { $in: missing } }, { sourceId: 1, name: 1 }).lean()) names.set(acc.sourceId, acc.name);
  }
  return {
    notCounted: off.map((a) => ({ id: String(a._id), personId: a.personId, type: a.type, day: a.day, accountName: a.accountName ?? (a.accountId ? (names.get(a.accountId) ?? null) : null), reasons: a.reasons })),
    appealed: rows.filter((a) => a.counted === true).map((a) => a.personId),
  };
}
