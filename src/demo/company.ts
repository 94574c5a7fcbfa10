/**
 * The demo company: org chart, the quarter in progress, and everyone's goals. Pure and seeded: the same
 * options give the same company. Activities and deals are generated per rep (rep-quarter.ts), so a
 * 10,000-rep company can be streamed in chunks.
 */
import { DateTime } from 'luxon';
import { quarterOf } from '../domain/time/calendar.js';
import type { FakeDept, FakeGroup, FakeUser } from '../fake-dingtalk/types.js';
import { Rng } from './prng.js';
import type { FakeOrgShape, GoalShape, GoalStatusShape, PersonShape, QuarterShape } from './shapes.js';
import { STYLES, styleFor, type StyleKey } from './styles.js';
import { COMPANY_FOCUS, INDUSTRIES, KEY_ACCOUNTS, ORDINALS, REGIONS, type City } from './vocabulary.js';
import { nameGenerator } from './names.js';

export interface DemoOptions {
  /** Any integer; the same seed gives the same company. */
  seed?: number;
  /** Number of reps (1..10,000). */
  size?: number;
  /** The quarter generated is the one containing `now`, filled with activity up to `until`. */
  now: Date;
  /** Defaults to `now`; pass the quarter's end to generate a finished quarter (e.g. for a backtest). */
  until?: Date;
  timeZone?: string;
  /** Reps per first-line manager. */
  teamSize?: number;
}

export const DEFAULT_SEED = 20_260_101;
export const DEFAULT_SIZE = 56;
export const MAX_SIZE = 10_000;

export interface DemoTeam {
  index: number;
  name: string;
  deptId: number;
  managerId: string;
  /** The manager's manager (the sales director, or a regional director in big companies). */
  directorId: string;
  groupId: string;
  region: string;
  cities: readonly City[];
  repIds: string[];
  /** The manager's direction; reps' goals are checked against it. */
  industries: string[];
  keyAccounts: string[];
}

/** A rep's generator-side profile: what drives their quarter. */
export interface DemoRep {
  id: string;
  name: string;
  teamIndex: number;
  managerId: string;
  style: StyleKey;
  /** Personal visit rate (style rate with individual spread). */
  visitsPerDay: number;
  /** Logit-scale skill, fixed for the quarter (see outcome-model.ts). */
  skill: number;
  city: City;
  /** Industries the rep's own goal points at (where most of their opportunities are). */
  focusIndustries: string[];
  /** Ground truth: the goal's direction is outside the manager's. */
  misaligned: boolean;
  goalStatus: GoalStatusShape | null;
}

export interface DemoManifest {
  hrId: string;
  directorId: string;
  /** Manager of the first team, and that team's group. */
  managerId: string;
  teamGroupId: string;
  /** The source case's A and B reps (first team), and a rep who has no goal yet (for trying 目标). */
  repA: string;
  repB: string;
  newRep: string;
  misalignedGoalOwnerIds: string[];
  /** Managers whose target is above the sum of their team's targets. */
  underRolledManagerIds: string[];
}

export interface DemoCompany {
  seed: number;
  size: number;
  timeZone: string;
  now: Date;
  until: Date;
  quarter: QuarterShape;
  people: PersonShape[];
  goals: GoalShape[];
  fakeOrg: FakeOrgShape;
  teams: DemoTeam[];
  reps: DemoRep[];
  manifest: DemoManifest;
}

const SALES_DEPT = 10;
const HR_DEPT = 20;
const REGION_DEPT_BASE = 100;
const TEAM_DEPT_BASE = 1000;
/** Above this many teams, a regional director layer sits between the sales director and the managers. */
const TEAMS_PER_REGION = 8;
const DAY_MS = 86_400_000;

export function generateCompany(opts: DemoOptions): DemoCompany {
  const seed = Math.trunc(opts.seed ?? DEFAULT_SEED);
  const size = opts.size ?? DEFAULT_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) throw new RangeError(`size must be an integer in 1..${MAX_SIZE}, got ${size}`);
  const zone = opts.timeZone ?? 'Asia/Shanghai';
  const teamSize = Math.max(2, opts.teamSize ?? 14);
  const q = quarterOf(opts.now, zone);
  const until = new Date(Math.min((opts.until ?? opts.now).getTime(), q.end.getTime()));
  const names = nameGenerator(Rng.derive(seed, 'names'));
  const org = Rng.derive(seed, 'org');

  const teamCount = Math.ceil(size / teamSize);
  const regional = teamCount > TEAMS_PER_REGION;
  const regionCount = regional ? Math.ceil(teamCount / TEAMS_PER_REGION) : 0;
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const repWidth = Math.max(3, String(size).length);
  const mgrWidth = Math.max(2, String(teamCount).length);

  const users: FakeUser[] = [];
  const depts: FakeDept[] = [
    { deptId: 1, name: '公司' },
    { deptId: SALES_DEPT, name: '销售部', parentId: 1, managerUserIds: ['dir01'] },
    { deptId: HR_DEPT, name: '人力资源部', parentId: 1, managerUserIds: ['hr01'] },
  ];
  const groups: FakeGroup[] = [];
  const people: PersonShape[] = [];
  const deptName = new Map<number, string>(depts.map((d) => [d.deptId, d.name]));
  const since = new Date(q.start.getTime() - 180 * DAY_MS);
  const person = (u: FakeUser, role: PersonShape['role']): PersonShape => ({
    _id: u.userid,
    name: u.name,
    title: u.title ?? '',
    deptIds: u.deptIds,
    deptNames: u.deptIds.map((d) => deptName.get(d) ?? ''),
    managerId: u.managerUserId ?? null,
    role,
    isActive: true,
    email: u.email ?? '',
    jobNumber: u.jobNumber ?? '',
    leftAt: null,
    managerHistory: [{ managerId: u.managerUserId ?? null, from: since, to: null }],
    syncedAt: opts.now,
    source: 'seed',
  });
  let jobNo = 1000;
  const addUser = (u: Omit<FakeUser, 'email' | 'jobNumber'>, role: PersonShape['role']) => {
    const full: FakeUser = { ...u, email: `${u.userid}@demo.trichain.local`, jobNumber: `T${++jobNo}` };
    users.push(full);
    people.push(person(full, role));
    return full;
  };

  addUser({ userid: 'hr01', name: names(), title: 'HR / 销售运营', deptIds: [HR_DEPT], leaderInDepts: [HR_DEPT] }, 'hr');
  addUser({ userid: 'dir01', name: names(), title: '销售总监', deptIds: [SALES_DEPT], leaderInDepts: [SALES_DEPT] }, 'manager');

  const regionDirectors: string[] = [];
  for (let r = 0; r < regionCount; r++) {
    const region = REGIONS[r % REGIONS.length]!;
    const id = `rd${pad(r + 1, 2)}`;
    const deptId = REGION_DEPT_BASE + r;
    const name = `${region.name}大区${r >= REGIONS.length ? ORDINALS[Math.floor(r / REGIONS.length) % ORDINALS.length] : ''}`;
    depts.push({ deptId, name, parentId: SALES_DEPT, managerUserIds: [id] });
    deptName.set(deptId, name);
    addUser({ userid: id, name: names(), title: '大区总监', deptIds: [deptId], managerUserId: 'dir01', leaderInDepts: [deptId] }, 'manager');
    regionDirectors.push(id);
  }

  // Teams: managers with a direction drawn from the company focus, and an even share of reps.
  const teams: DemoTeam[] = [];
  for (let t = 0; t < teamCount; t++) {
    const regionIndex = regional ? Math.floor(t / TEAMS_PER_REGION) : t;
    const region = REGIONS[regionIndex % REGIONS.length]!;
    const nth = regional ? t % TEAMS_PER_REGION : Math.floor(t / REGIONS.length);
    const name = `${region.name}${regional && regionIndex >= REGIONS.length ? ORDINALS[Math.floor(regionIndex / REGIONS.length) % ORDINALS.length] : ''}${ORDINALS[nth % ORDINALS.length]}${nth >= ORDINALS.length ? nth + 1 : ''}组`;
    const deptId = TEAM_DEPT_BASE + t;
    const managerId = `mgr${pad(t + 1, mgrWidth)}`;
    const directorId = regional ? regionDirectors[regionIndex]! : 'dir01';
    const parent = regional ? REGION_DEPT_BASE + regionIndex : SALES_DEPT;
    depts.push({ deptId, name, parentId: parent, managerUserIds: [managerId] });
    deptName.set(deptId, name);
    addUser({ userid: managerId, name: names(), title: '区域主管', deptIds: [deptId], managerUserId: directorId, leaderInDepts: [deptId] }, 'manager');
    teams.push({
      index: t,
      name,
      deptId,
      managerId,
      directorId,
      groupId: `cidTeam${pad(t + 1, mgrWidth)}`,
      region: region.name,
      cities: region.cities,
      repIds: [],
      industries: org.sample(COMPANY_FOCUS, 2),
      keyAccounts: org.sample(KEY_ACCOUNTS, 3),
    });
  }

  const reps: DemoRep[] = [];
  for (let i = 0; i < size; i++) {
    const t = i % teamCount; // round-robin keeps teams within one rep of each other in size
    const team = teams[t]!;
    const local = team.repIds.length;
    const id = `rep${pad(i + 1, repWidth)}`;
    const r = Rng.derive(seed, `rep:${id}`);
    const u = addUser({ userid: id, name: names(), title: '销售代表', deptIds: [team.deptId], managerUserId: team.managerId }, 'rep');
    team.repIds.push(id);
    // The first team holds the source case's A and B (average skill, exact style rates) and a rep with no goal.
    const exemplar = t === 0 && local < 2 ? (local === 0 ? 'A' : 'B') : undefined;
    const style: StyleKey = exemplar ?? (t === 0 && local === 2 ? 'balanced' : styleFor(r.next()));
    const skill = exemplar ? 0 : r.normal(0, 0.25);
    const visitsPerDay = exemplar ? STYLES[style].visitsPerDay : STYLES[style].visitsPerDay * Math.exp(r.normal(0, 0.1));
    const misaligned = local === 3 || (local > 3 && r.chance(0.1));
    const goalStatus: GoalStatusShape | null =
      exemplar ? 'approved' : t === 0 && local === 2 ? null : pickStatus(r.next());
    const outside = INDUSTRIES.filter((x) => !team.industries.includes(x));
    const focusIndustries = misaligned ? [r.pick(outside)] : r.sample(team.industries, r.int(1, 2));
    reps.push({ id, name: u.name, teamIndex: t, managerId: team.managerId, style, visitsPerDay, skill, city: r.pick(team.cities), focusIndustries, misaligned, goalStatus });
  }

  for (const team of teams) {
    groups.push({ openConversationId: team.groupId, title: `${team.name} 团队群`, memberIds: [team.managerId, ...team.repIds] });
  }
  groups.push({
    openConversationId: 'cidSalesLeads',
    title: '销售管理群',
    memberIds: ['dir01', ...regionDirectors, ...teams.map((t) => t.managerId), 'hr01'],
  });

  const quarter = quarterDoc(q, zone, teams.map((t) => t.groupId));
  const goals = buildGoals({ seed, quarter, teams, reps, regionDirectors, now: opts.now });
  const misalignedGoalOwnerIds = reps.filter((r) => r.misaligned && r.goalStatus !== null).map((r) => r.id);
  const underRolledManagerIds = teams.length > 1 ? [teams[1]!.managerId] : [];
  const first = teams[0]!;
  return {
    seed,
    size,
    timeZone: zone,
    now: opts.now,
    until,
    quarter,
    people,
    goals: goals.list,
    fakeOrg: { users, depts, groups },
    teams,
    reps,
    manifest: {
      hrId: 'hr01',
      directorId: 'dir01',
      managerId: first.managerId,
      teamGroupId: first.groupId,
      repA: first.repIds[0]!,
      repB: first.repIds[1] ?? first.repIds[0]!,
      newRep: first.repIds[2] ?? first.repIds[0]!,
      misalignedGoalOwnerIds,
      underRolledManagerIds,
    },
  };
}

function pickStatus(u: number): GoalStatusShape | null {
  if (u < 0.7) return 'approved';
  if (u < 0.85) return 'submitted';
  if (u < 0.9) return 'returned';
  if (u < 0.95) return 'draft';
  return null;
}

function quarterDoc(q: { id: string; start: Date; end: Date }, zone: string, reviewGroupIds: string[]): QuarterShape {
  // The review meeting: the quarter's last Thursday, 14:00 local (so T−72h is the Monday before, 14:00).
  let review = DateTime.fromJSDate(q.end, { zone }).minus({ days: 1 }).startOf('day');
  while (review.weekday !== 4) review = review.minus({ days: 1 });
  return {
    _id: q.id,
    startDate: q.start,
    endDate: q.end,
    reviewAt: review.set({ hour: 14 }).toJSDate(),
    timeZone: zone,
    metrics: [
      { key: 'signed_amount', name: '签约额', nameEn: 'Signed amount', unit: 'cny', kind: 'kpi' },
      { key: 'new_customers', name: '新客户数', nameEn: 'New customers', unit: 'count', kind: 'kpi' },
      { key: 'proposal_rate', name: '方案定制率', nameEn: 'Proposal customisation rate', unit: 'percent', kind: 'kpi' },
    ],
    direction: { industries: [...COMPANY_FOCUS], keyAccounts: [...KEY_ACCOUNTS] },
    industryOptions: [...INDUSTRIES],
    activityTypes: [
      { key: 'visit', name: '拜访', nameEn: 'Visit' },
      { key: 'call', name: '电话', nameEn: 'Call' },
      { key: 'email', name: '邮件', nameEn: 'Email' },
      { key: 'meeting', name: '会议', nameEn: 'Meeting' },
      { key: 'proposal', name: '方案', nameEn: 'Proposal' },
    ],
    // The demo's own rule (see validity.ts); the activity chain owns the final shape and re-evaluates.
    validityRules: { visit: { minDurationMin: 30, requireLocationOrCheckin: true, maxDistanceKm: 1 } },
    validityRulesVersion: 1,
    reportSchedule: { weekday: 5, time: '17:00' },
    reviewGroupIds,
    status: 'active',
    updatedBy: 'hr01',
  };
}

function buildGoals(o: { seed: number; quarter: QuarterShape; teams: DemoTeam[]; reps: DemoRep[]; regionDirectors: string[]; now: Date }): { list: GoalShape[] } {
  const list: GoalShape[] = [];
  const start = o.quarter.startDate.getTime();
  const nowMs = o.now.getTime();
  const at = (days: number) => new Date(Math.min(nowMs, start + days * DAY_MS));
  const repsById = new Map(o.reps.map((r) => [r.id, r]));
  const sums = new Map<string, { amount: number; customers: number }>();

  for (const team of o.teams) {
    let amount = 0;
    let customers = 0;
    for (const id of team.repIds) {
      const rep = repsById.get(id)!;
      const r = Rng.derive(o.seed, `goal:${id}`);
      const target = r.int(12, 24) * 50_000; // 60万–120万
      const newCustomers = r.int(8, 20);
      if (rep.goalStatus === null) continue;
      amount += target;
      customers += newCustomers;
      const keyOutside = KEY_ACCOUNTS.filter((k) => !team.keyAccounts.includes(k));
      const accountMisaligned = rep.misaligned && r.chance(0.3);
      const industries = accountMisaligned ? r.sample(team.industries, 1) : rep.focusIndustries;
      if (accountMisaligned) rep.focusIndustries = industries;
      const keyAccounts = accountMisaligned ? [r.pick(keyOutside)] : r.sample(team.keyAccounts, r.int(1, 2));
      const submitted = at(r.int(2, 10));
      const decided = rep.goalStatus === 'approved' || rep.goalStatus === 'returned';
      list.push({
        quarterId: o.quarter._id,
        ownerId: id,
        managerId: team.managerId,
        targets: [
          { metric: 'signed_amount', value: target },
          { metric: 'new_customers', value: newCustomers },
        ],
        industries,
        keyAccounts,
        plan: planText(rep.style, industries, keyAccounts),
        objective: `在${industries[0]}行业拿下标杆客户`,
        keyResults: [`签约 ${target / 10_000} 万元`, `新客户 ${newCustomers} 家`],
        status: rep.goalStatus,
        version: 1,
        alignment: { status: 'unknown', findings: [] },
        ...(rep.goalStatus !== 'draft' ? { submittedAt: submitted } : {}),
        ...(decided ? { decidedAt: new Date(Math.min(nowMs, submitted.getTime() + r.int(1, 3) * DAY_MS)), decidedBy: team.managerId } : {}),
        decisionComment: rep.goalStatus === 'returned' ? '目标偏低，请结合上季度签约额再评估' : '',
      });
    }
    sums.set(team.managerId, { amount, customers });
  }

  // Managers: their target rolls up from the team (a little under the sum), except the second team,
  // whose manager committed above what the team signed up for — the roll-up warning's ground truth.
  const directorSums = new Map<string, { amount: number; customers: number }>();
  o.teams.forEach((team, i) => {
    const s = sums.get(team.managerId)!;
    const r = Rng.derive(o.seed, `goal:${team.managerId}`);
    const factor = i === 1 ? 1.2 : r.range(0.9, 1.0);
    const amount = Math.round((s.amount * factor) / 10_000) * 10_000;
    const customers = Math.round(s.customers * factor);
    const d = directorSums.get(team.directorId) ?? { amount: 0, customers: 0 };
    directorSums.set(team.directorId, { amount: d.amount + amount, customers: d.customers + customers });
    list.push(leaderGoal(o.quarter._id, team.managerId, team.directorId, amount, customers, team.industries, team.keyAccounts, at(3)));
  });
  for (const rd of o.regionDirectors) {
    const s = directorSums.get(rd) ?? { amount: 0, customers: 0 };
    const d = directorSums.get('dir01') ?? { amount: 0, customers: 0 };
    directorSums.set('dir01', { amount: d.amount + s.amount, customers: d.customers + s.customers });
    list.push(leaderGoal(o.quarter._id, rd, 'dir01', s.amount, s.customers, [...COMPANY_FOCUS], [...KEY_ACCOUNTS], at(2)));
  }
  const top = directorSums.get('dir01')!;
  list.push(leaderGoal(o.quarter._id, 'dir01', null, Math.round((top.amount * 0.95) / 10_000) * 10_000, Math.round(top.customers * 0.95), [...COMPANY_FOCUS], [...KEY_ACCOUNTS], at(1)));
  return { list };
}

function leaderGoal(quarterId: string, ownerId: string, managerId: string | null, amount: number, customers: number, industries: string[], keyAccounts: string[], submittedAt: Date): GoalShape {
  return {
    quarterId,
    ownerId,
    managerId,
    targets: [
      { metric: 'signed_amount', value: amount },
      { metric: 'new_customers', value: customers },
    ],
    industries: [...industries],
    keyAccounts: [...keyAccounts],
    plan: `团队聚焦${industries.join('、')}，重点突破${keyAccounts.join('、')}。`,
    objective: `${industries.join('、')}行业签约额达成 ${amount / 10_000} 万元`,
    keyResults: [`签约 ${amount / 10_000} 万元`, `新客户 ${customers} 家`],
    status: 'approved',
    version: 1,
    alignment: { status: 'unknown', findings: [] },
    submittedAt,
    decidedAt: submittedAt,
    decidedBy: managerId ?? 'hr01',
    decisionComment: '',
  };
}

function planText(style: StyleKey, industries: string[], keyAccounts: string[]): string {
  const how =
    style === 'A' ? '每天拜访 3 家以上客户，扩大覆盖面' : style === 'B' ? '每次拜访前根据客户采购记录准备定制方案' : style === 'phoner' ? '以电话沟通为主，重点客户上门拜访' : '保持每周稳定拜访节奏';
  return `深耕${industries.join('、')}行业，重点跟进${keyAccounts.join('、')}；${how}。`;
}
