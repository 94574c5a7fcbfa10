/**
 * Org sync, the pure part: from a snapshot of DingTalk's org (users, departments) and the people we
 * already know, work out each person's direct manager and role, and what to write. People who are gone
 * are deactivated (never deleted) and reporting-line changes are appended to managerHistory, so goals and
 * activities stay attributed to the manager of the day.
 */
import type { Role } from './access.js';

export interface OrgUser {
  userid: string;
  name: string;
  title: string;
  deptIds: number[];
  /** 直属主管, when filled in the admin console (often empty). */
  managerUserId: string | undefined;
  /** Depts where DingTalk marks this user as leader. */
  leaderInDepts: number[];
  email: string | undefined;
  jobNumber: string | undefined;
}

export interface OrgDept {
  deptId: number;
  name: string;
  parentId: number | undefined;
  managerUserIds: string[];
}

export interface ManagerSpan {
  managerId: string | null;
  from: Date;
  to: Date | null;
}

export interface KnownPerson {
  id: string;
  managerId: string | null;
  isActive: boolean;
  hrAssigned: boolean;
  source: string;
  managerHistory: ManagerSpan[];
}

export interface PersonWrite {
  id: string;
  isNew: boolean;
  /** The managerId we expect in the database when applying (guards against concurrent syncs). */
  expectedManagerId: string | null | undefined;
  fields: {
    name: string;
    title: string;
    deptIds: number[];
    deptNames: string[];
    managerId: string | null;
    role: Role;
    isActive: true;
    leftAt: null;
    email: string | undefined;
    jobNumber: string | undefined;
  };
  managerHistory: ManagerSpan[];
  managerChanged: boolean;
  reactivated: boolean;
}

export interface SyncPlan {
  writes: PersonWrite[];
  deactivations: Array<{ id: string; managerHistory: ManagerSpan[] }>;
  managerChanges: Array<{ id: string; from: string | null; to: string | null }>;
  /** Set when so many people would be deactivated that the snapshot is more likely broken than the org. */
  deactivationBlocked: string | undefined;
}

/**
 * The direct manager: `manager_userid` when set (and a known user), otherwise the leader of the user's
 * primary department, walking up when the user leads that department themselves (dingtalk-api.md §7).
 */
export function resolveManager(user: OrgUser, depts: ReadonlyMap<number, OrgDept>, isKnown: (userid: string) => boolean): string | null {
  if (user.managerUserId && user.managerUserId !== user.userid && isKnown(user.managerUserId)) return user.managerUserId;
  const seen = new Set<number>();
  let deptId: number | undefined = user.deptIds[0];
  while (deptId !== undefined && !seen.has(deptId)) {
    seen.add(deptId);
    const dept = depts.get(deptId);
    if (!dept) return null;
    const leader = dept.managerUserIds.find((id) => id !== user.userid && isKnown(id));
    const leadsIt = dept.managerUserIds.includes(user.userid) || user.leaderInDepts.includes(deptId);
    if (leader && !leadsIt) return leader;
    deptId = dept.parentId;
  }
  return null;
}

/** hr (configured or assigned by HR) > manager (has reports or leads a dept) > rep. */
export function deriveRole(opts: { hr: boolean; hasReports: boolean; leadsDept: boolean }): Role {
  if (opts.hr) return 'hr';
  if (opts.hasReports || opts.leadsDept) return 'manager';
  return 'rep';
}

export interface PlanOptions {
  now: Date;
  hrUserIds: readonly string[];
  /** Refuse to deactivate more than this share of active people in one run (default 0.3). */
  maxDeactivateShare?: number;
}

export function planOrgSync(snapshot: { users: readonly OrgUser[]; depts: readonly OrgDept[] }, existing: readonly KnownPerson[], opts: PlanOptions): SyncPlan {
  const depts = new Map(snapshot.depts.map((d) => [d.deptId, d]));
  const ids = new Set(snapshot.users.map((u) => u.userid));
  const managerOf = new Map(snapshot.users.map((u) => [u.userid, resolveManager(u, depts, (id) => ids.has(id))]));
  const withReports = new Set([...managerOf.values()].filter((m): m is string => m !== null));
  const leaders = new Set(snapshot.depts.flatMap((d) => d.managerUserIds));
  const known = new Map(existing.map((p) => [p.id, p]));
  const hr = new Set(opts.hrUserIds);

  const writes: PersonWrite[] = [];
  const managerChanges: SyncPlan['managerChanges'] = [];
  for (const u of snapshot.users) {
    const prev = known.get(u.userid);
    const managerId = managerOf.get(u.userid) ?? null;
    const role = deriveRole({
      hr: hr.has(u.userid) || (prev?.hrAssigned ?? false),
      hasReports: withReports.has(u.userid),
      leadsDept: leaders.has(u.userid) || u.leaderInDepts.length > 0,
    });
    const reactivated = prev !== undefined && !prev.isActive;
    const managerChanged = prev !== undefined && prev.managerId !== managerId;
    let history = prev?.managerHistory ?? [];
    if (!prev) history = [{ managerId, from: opts.now, to: null }];
    else if (managerChanged || reactivated || history.length === 0) history = [...closeOpen(history, opts.now), { managerId, from: opts.now, to: null }];
    if (managerChanged) managerChanges.push({ id: u.userid, from: prev!.managerId, to: managerId });
    writes.push({
      id: u.userid,
      isNew: !prev,
      expectedManagerId: prev ? prev.managerId : undefined,
      fields: {
        name: u.name,
        title: u.title,
        deptIds: u.deptIds,
        deptNames: u.deptIds.map((d) => depts.get(d)?.name ?? String(d)),
        managerId,
        role,
        isActive: true,
        leftAt: null,
        email: u.email,
        jobNumber: u.jobNumber,
      },
      managerHistory: history,
      managerChanged,
      reactivated,
    });
  }

  // Only people that came from DingTalk can leave it; seeded or manual people are not ours to retire.
  const gone = existing.filter((p) => p.isActive && p.source === 'dingtalk' && !ids.has(p.id));
  const activeCount = existing.filter((p) => p.isActive && p.source === 'dingtalk').length;
  const share = opts.maxDeactivateShare ?? 0.3;
  const blocked =
    gone.length > 5 && gone.length > activeCount * share
      ? `org sync would deactivate ${gone.length} of ${activeCount} people (limit ${Math.round(share * 100)}%); the snapshot looks incomplete`
      : undefined;
  return {
    writes,
    deactivations: blocked ? [] : gone.map((p) => ({ id: p.id, managerHistory: closeOpen(p.managerHistory, opts.now) })),
    managerChanges,
    deactivationBlocked: blocked,
  };
}

function closeOpen(history: readonly ManagerSpan[], now: Date): ManagerSpan[] {
  return history.map((s) => (s.to === null ? { ...s, to: now } : s));
}
