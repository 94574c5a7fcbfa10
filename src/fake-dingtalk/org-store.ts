import { unionIdOf } from './opaque-ids.js';
import type { FakeDept, FakeGroup, FakeUser } from './types.js';

/** The fake tenant's org chart and groups, shaped like DingTalk's contact APIs answer. */
export class OrgStore {
  readonly users = new Map<string, FakeUser>();
  readonly depts = new Map<number, FakeDept>([[1, { deptId: 1, name: '公司' }]]);
  readonly groups = new Map<string, FakeGroup>();

  load(org: { users?: FakeUser[]; depts?: FakeDept[]; groups?: FakeGroup[] }): void {
    for (const d of org.depts ?? []) this.depts.set(d.deptId, d);
    for (const u of org.users ?? []) this.users.set(u.userid, u);
    for (const g of org.groups ?? []) this.groups.set(g.openConversationId, g);
  }

  userDetail(userid: string): Record<string, unknown> | undefined {
    const u = this.users.get(userid);
    if (!u || u.active === false) return undefined;
    const leaderIn = new Set(u.leaderInDepts ?? []);
    return {
      userid: u.userid,
      unionid: unionIdOf(u.userid),
      name: u.name,
      title: u.title ?? '',
      job_number: u.jobNumber ?? '',
      dept_id_list: u.deptIds,
      leader_in_dept: u.deptIds.map((d) => ({ dept_id: d, leader: leaderIn.has(d) })),
      // DingTalk only returns manager_userid when 直属主管 is filled in; mirror that.
      ...(u.managerUserId ? { manager_userid: u.managerUserId } : {}),
      ...(u.email ? { email: u.email } : {}),
      active: true,
      admin: false,
      boss: false,
    };
  }

  deptDetail(deptId: number): Record<string, unknown> | undefined {
    const d = this.depts.get(deptId);
    if (!d) return undefined;
    return {
      dept_id: d.deptId,
      name: d.name,
      ...(d.parentId !== undefined ? { parent_id: d.parentId } : {}),
      dept_manager_userid_list: d.managerUserIds ?? [],
    };
  }

  subDepts(deptId: number): Array<Record<string, unknown>> {
    return [...this.depts.values()]
      .filter((d) => d.parentId === deptId)
      .map((d) => ({ dept_id: d.deptId, name: d.name, parent_id: d.parentId }));
  }

  userIdsInDept(deptId: number): string[] {
    return [...this.users.values()].filter((u) => u.active !== false && u.deptIds.includes(deptId)).map((u) => u.userid);
  }

  groupMembers(openConversationId: string): string[] | undefined {
    return this.groups.get(openConversationId)?.memberIds;
  }
}
