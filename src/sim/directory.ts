import type { FakeUser } from '../fake-dingtalk/types.js';
import type { OrgStore } from '../fake-dingtalk/org-store.js';
import type { DemoManifest } from '../demo/company.js';

export interface SimPerson {
  id: string;
  name: string;
  title: string;
  role: 'rep' | 'manager' | 'hr';
  /** First department's name (the team for reps and first-line managers). */
  dept: string;
  deptId: number | undefined;
  managerId: string | undefined;
  /** Hints for trying things out, from the demo company's ground truth. */
  tags: string[];
}

/** Who you can be in the simulator: the stand-in's org, with roles and demo hints. */
export function simDirectory(org: OrgStore, hrUserIds: readonly string[], manifest: DemoManifest | undefined): SimPerson[] {
  const tags = new Map<string, string[]>();
  const tag = (id: string | undefined, t: string) => {
    if (id) tags.set(id, [...(tags.get(id) ?? []), t]);
  };
  if (manifest) {
    tag(manifest.repA, 'A 型：多拜访、短时长');
    tag(manifest.repB, 'B 型：拜访前定制方案');
    tag(manifest.newRep, '还没有目标');
    for (const id of manifest.misalignedGoalOwnerIds) tag(id, '目标偏离上级方向');
    for (const id of manifest.underRolledManagerIds) tag(id, '团队目标合计不足');
  }
  const hr = new Set([...hrUserIds, ...(manifest ? [manifest.hrId] : [])]);
  const role = (u: FakeUser): SimPerson['role'] => (hr.has(u.userid) ? 'hr' : (u.leaderInDepts ?? []).length > 0 ? 'manager' : 'rep');
  return [...org.users.values()]
    .filter((u) => u.active !== false)
    .map((u) => ({
      id: u.userid,
      name: u.name,
      title: u.title ?? '',
      role: role(u),
      dept: org.depts.get(u.deptIds[0] ?? -1)?.name ?? '',
      deptId: u.deptIds[0],
      managerId: u.managerUserId,
      tags: tags.get(u.userid) ?? [],
    }));
}
