import type { FakeDept, FakeGroup, FakeUser } from './types.js';

/** Who is HR in the starter org (used as HR_USER_IDS when the local stand-in runs without one). */
export const STARTER_HR_IDS: readonly string[] = ['hr01'];

/**
 * A small org so the local stand-in has people to talk as before any demo data is loaded:
 * one HR, one sales director, two team managers, four reps, and the team groups.
 */
export function starterOrg(): { users: FakeUser[]; depts: FakeDept[]; groups: FakeGroup[] } {
  const depts: FakeDept[] = [
    { deptId: 1, name: '公司' },
    { deptId: 10, name: '销售部', parentId: 1, managerUserIds: ['dir01'] },
    { deptId: 11, name: '华东一组', parentId: 10, managerUserIds: ['mgr01'] },
    { deptId: 12, name: '华南二组', parentId: 10, managerUserIds: ['mgr02'] },
    { deptId: 20, name: '人力资源部', parentId: 1, managerUserIds: ['hr01'] },
  ];
  const users: FakeUser[] = [
    { userid: 'hr01', name: '周敏', title: 'HR / 销售运营', deptIds: [20], leaderInDepts: [20] },
    { userid: 'dir01', name: '陈建国', title: '销售总监', deptIds: [10], leaderInDepts: [10] },
    { userid: 'mgr01', name: '王磊', title: '区域主管', deptIds: [11], managerUserId: 'dir01', leaderInDepts: [11] },
    { userid: 'mgr02', name: '李娜', title: '区域主管', deptIds: [12], managerUserId: 'dir01', leaderInDepts: [12] },
    { userid: 'rep01', name: '张伟', title: '销售代表', deptIds: [11], managerUserId: 'mgr01' },
    { userid: 'rep02', name: '刘洋', title: '销售代表', deptIds: [11], managerUserId: 'mgr01' },
    { userid: 'rep03', name: '赵静', title: '销售代表', deptIds: [12], managerUserId: 'mgr02' },
    { userid: 'rep04', name: '孙强', title: '销售代表', deptIds: [12] },
  ];
  const groups: FakeGroup[] = [
    { openConversationId: 'cidTeamEast', title: '华东一组', memberIds: ['mgr01', 'rep01', 'rep02'] },
    { openConversationId: 'cidTeamSouth', title: '华南二组', memberIds: ['mgr02', 'rep03', 'rep04'] },
  ];
  return { users, depts, groups };
}
