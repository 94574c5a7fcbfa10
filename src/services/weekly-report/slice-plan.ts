import type { ReportPerson } from '../../domain/report/types.js';

/**
 * How the Friday pass cuts the company into slices (issue 14): whole teams (subjects sharing a manager),
 * so a rep's insight still compares them with their own teammates, packed up to `size` people. Teams are
 * taken in the order of their first member's id, so in a company whose ids run by team a slice's ids are
 * contiguous and the database finds its rows with one id range instead of a long $in list
 * (mongo-java-server tests $in element by element).
 */
export interface Slice {
  people: ReportPerson[];
  /** The personId filter that finds the slice's rows: an id range, or an $in list. */
  who: { $gte: string; $lte: string } | { $in: string[] };
}

/** Ids the server orders as JS does (printable ASCII; DingTalk user ids are): only then is a range exact. */
const PLAIN_ID = /^[\x20-\x7e]+$/;

export function planSlices(subjects: readonly ReportPerson[], size: number): Slice[] {
  const teams = new Map<string, ReportPerson[]>();
  for (const p of subjects) {
    const key = p.managerId ?? '';
    const team = teams.get(key);
    if (team) team.push(p);
    else teams.set(key, [p]);
  }
  const ordered = [...teams.values()].map((t) => t.sort((a, b) => cmp(a.id, b.id))).sort((a, b) => cmp(a[0]!.id, b[0]!.id));
  const sorted = subjects.map((p) => p.id).sort(cmp);
  const rangeOk = sorted.every((id) => PLAIN_ID.test(id));
  const slices: Slice[] = [];
  let current: ReportPerson[] = [];
  const cut = () => {
    if (current.length === 0) return;
    slices.push({ people: current, who: whoOf(current, sorted, rangeOk) });
    current = [];
  };
  for (const team of ordered) {
    if (current.length > 0 && current.length + team.length > size) cut();
    current.push(...team);
  }
  cut();
  return slices;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A range when it holds no more than as many other subjects as the slice has (their rows are dropped). */
function whoOf(people: readonly ReportPerson[], sorted: readonly string[], rangeOk: boolean): Slice['who'] {
  const ids = people.map((p) => p.id).sort(cmp);
  const lo = ids[0]!;
  const hi = ids.at(-1)!;
  if (rangeOk) {
    const inRange = upperBound(sorted, hi) - lowerBound(sorted, lo);
    if (inRange - ids.length <= ids.length) return { $gte: lo, $lte: hi };
  }
  return { $in: ids };
}

function lowerBound(xs: readonly string[], x: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(xs: readonly string[], x: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The org tree's two indexes, built once per pass (a few MB at 50,000 people). */
export interface OrgIndex {
  byId: ReadonlyMap<string, ReportPerson>;
  children: ReadonlyMap<string, readonly ReportPerson[]>;
}

export function indexOrg(org: readonly ReportPerson[]): OrgIndex {
  const byId = new Map(org.map((p) => [p.id, p]));
  const children = new Map<string, ReportPerson[]>();
  for (const p of org) {
    if (!p.managerId || !byId.has(p.managerId)) continue;
    const list = children.get(p.managerId);
    if (list) list.push(p);
    else children.set(p.managerId, [p]);
  }
  return { byId, children };
}

/**
 * The part of the org tree a slice's figures read: its people, their managers and those managers' teams
 * (alignment compares a goal with the manager's and the team's), and their own teams (a manager's goal is
 * checked against what their team set). Goals outside the slice's id filter are loaded for `outside`.
 */
export function sliceContext(slice: Slice, index: OrgIndex): { org: ReportPerson[]; outside: string[] } {
  const ids = new Set(slice.people.map((p) => p.id));
  const context = new Map<string, ReportPerson>();
  const add = (p: ReportPerson | undefined) => {
    if (p) context.set(p.id, p);
  };
  for (const p of slice.people) {
    add(p);
    const mgr = p.managerId ? index.byId.get(p.managerId) : undefined;
    if (mgr) {
      add(mgr);
      for (const c of index.children.get(mgr.id) ?? []) add(c);
    }
    for (const c of index.children.get(p.id) ?? []) add(c);
  }
  const inFilter = (id: string) => ('$in' in slice.who ? ids.has(id) : id >= slice.who.$gte && id <= slice.who.$lte);
  return { org: [...context.values()], outside: [...context.keys()].filter((id) => !inFilter(id)) };
}
