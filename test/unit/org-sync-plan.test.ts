import { describe, expect, it } from 'vitest';
import { planOrgSync, resolveManager, type KnownPerson, type OrgDept, type OrgUser } from '../../src/domain/org/sync-plan.js';

const depts: OrgDept[] = [
  { deptId: 1, name: '公司', parentId: undefined, managerUserIds: [] },
  { deptId: 10, name: '销售部', parentId: 1, managerUserIds: ['dir01'] },
  { deptId: 11, name: '华东一组', parentId: 10, managerUserIds: ['mgr01'] },
];
const u = (userid: string, deptIds: number[], extra: Partial<OrgUser> = {}): OrgUser => ({
  userid,
  name: userid,
  title: '',
  deptIds,
  managerUserId: undefined,
  leaderInDepts: [],
  email: undefined,
  jobNumber: undefined,
  ...extra,
});
const users = [u('dir01', [10], { leaderInDepts: [10] }), u('mgr01', [11], { leaderInDepts: [11], managerUserId: 'dir01' }), u('rep01', [11]), u('rep02', [11], { managerUserId: 'dir01' }), u('hr01', [1])];
const t0 = new Date('2026-10-01T00:00:00Z');
const t1 = new Date('2026-11-01T00:00:00Z');

describe('org sync plan', () => {
  it('uses manager_userid, else the dept leader, walking up when the user leads their own dept', () => {
    const d = new Map(depts.map((x) => [x.deptId, x]));
    const ids = new Set(users.map((x) => x.userid));
    const known = (id: string) => ids.has(id);
    expect(resolveManager(users[2]!, d, known)).toBe('mgr01');
    expect(resolveManager(users[3]!, d, known)).toBe('dir01');
    expect(resolveManager(u('x', [11], { leaderInDepts: [11] }), d, known)).toBe('dir01');
    expect(resolveManager(users[0]!, d, known)).toBeNull();
    // A manager_userid naming someone who left is ignored in favour of the dept leader.
    expect(resolveManager(u('y', [11], { managerUserId: 'gone' }), d, known)).toBe('mgr01');
  });

  it('derives roles: configured hr, managers with reports or a dept, reps', () => {
    const plan = planOrgSync({ users, depts }, [], { now: t0, hrUserIds: ['hr01'] });
    expect(Object.fromEntries(plan.writes.map((w) => [w.id, w.fields.role]))).toEqual({ dir01: 'manager', mgr01: 'manager', rep01: 'rep', rep02: 'rep', hr01: 'hr' });
    expect(plan.writes.find((w) => w.id === 'rep01')!.managerHistory).toEqual([{ managerId: 'mgr01', from: t0, to: null }]);
  });

  it('appends manager changes to history and deactivates people who left, keeping their history', () => {
    const first = planOrgSync({ users, depts }, [], { now: t0, hrUserIds: [] });
    const known: KnownPerson[] = first.writes.map((w) => ({ id: w.id, managerId: w.fields.managerId, isActive: true, hrAssigned: false, source: 'dingtalk', managerHistory: w.managerHistory }));
    const moved = users.filter((x) => x.userid !== 'rep02').map((x) => (x.userid === 'rep01' ? { ...x, managerUserId: 'dir01' } : x));
    const plan = planOrgSync({ users: moved, depts }, known, { now: t1, hrUserIds: [] });
    expect(plan.managerChanges).toEqual([{ id: 'rep01', from: 'mgr01', to: 'dir01' }]);
    expect(plan.writes.find((w) => w.id === 'rep01')!.managerHistory).toEqual([
      { managerId: 'mgr01', from: t0, to: t1 },
      { managerId: 'dir01', from: t1, to: null },
    ]);
    expect(plan.deactivations).toEqual([{ id: 'rep02', managerHistory: [{ managerId: 'dir01', from: t0, to: t1 }] }]);
    expect(plan.writes.find((w) => w.id === 'mgr01')!.managerChanged).toBe(false);
  });

  it('refuses a mass deactivation that looks like a broken snapshot', () => {
    const known: KnownPerson[] = Array.from({ length: 20 }, (_, i) => ({ id: `p${i}`, managerId: null, isActive: true, hrAssigned: false, source: 'dingtalk', managerHistory: [] }));
    const plan = planOrgSync({ users: [u('p0', [1])], depts }, known, { now: t1, hrUserIds: [] });
    expect(plan.deactivations).toEqual([]);
    expect(plan.deactivationBlocked).toMatch(/would deactivate 19 of 20/);
  });

  it('never deactivates people seeded by hand', () => {
    const known: KnownPerson[] = [{ id: 'seed1', managerId: null, isActive: true, hrAssigned: false, source: 'seed', managerHistory: [] }];
    expect(planOrgSync({ users, depts }, known, { now: t1, hrUserIds: [] }).deactivations).toEqual([]);
  });
});
