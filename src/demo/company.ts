/**
 * The demo company: org chart, the quarter in progress, and everyone's goals. Pure and seeded: the same
 * options give the same company. Activities and deals are generated per rep (rep-quarter.ts), so a
 * 10,000-rep company can be streamed in chunks.
 */
import { DateTime } from 'luxon';
import { quarterOf, type QuarterSpan } from '../domain/time/calendar.js';
import type { FakeDept, FakeGroup, FakeUser } from '../fake-dingtalk/types.js';
import { Rng } from './prng.js';
import { buildGoals } from './goals.js';
import { quarterDoc } from './quarter.js';
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
  /**
   * Finished quarters before the current one, same people (a few joiners and leavers), with approved goals;
   * the prediction's training data. Default 4; 0 gives the current quarter alone.
   */
  historyQuarters?: number;
}

export const DEFAULT_SEED = 20_260_101;
export const DEFAULT_SIZE = 56;
export const MAX_SIZE = 10_000;
export const DEFAULT_HISTORY_QUARTERS = 4;

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
  /** Ground truth: how the goal's direction leaves the manager's (an industry or a key account), if it does. */
  misaligned: 'industry' | 'account' | null;
  goalStatus: GoalStatusShape | null;
  /** The source case's A or B rep: their outcomes track their modelled win probability (rep-quarter.ts). */
  exemplar: boolean;
  /** Joined during the history (works from that day); null: was there before the first history quarter. */
  joinedAt: Date | null;
  /** Left the company on that day (leavers only, never a current rep). */
  leftAt: Date | null;
}

/** One quarter of the company: the current one, or a finished one in the history. */
export interface DemoQuarter {
  quarter: QuarterShape;
  goals: GoalShape[];
  /** Prefix of this quarter's random streams and source ids: '' for the current quarter, e.g. '2026Q3-' before. */
  stream: string;
  current: boolean;
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
  /** Today's reps. */
  reps: DemoRep[];
  /** Reps who left during the history (inactive people, in past quarters only). */
  leavers: DemoRep[];
  /** Finished quarters, oldest first (status closed, goals approved). */
  history: DemoQuarter[];
  /** The quarter containing `now`, as a DemoQuarter (its goals are `goals`). */
  currentQuarter: DemoQuarter;
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

  const historyCount = Math.max(0, Math.trunc(opts.historyQuarters ?? DEFAULT_HISTORY_QUARTERS));
  const history: QuarterSpan[] = [];
  for (let k = 0, at = q.start; k < historyCount; k++) {
    const prev = quarterOf(new Date(at.getTime() - DAY_MS), zone);
    history.unshift(prev);
    at = prev.start;
  }
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
  const since = new Date((history[0]?.start ?? q.start).getTime() - 180 * DAY_MS);
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
    const off = local === 3 || (local > 3 && r.chance(0.1));
    const misaligned = off ? (r.chance(0.7) ? 'industry' : 'account') : null;
    const goalStatus: GoalStatusShape | null =
      exemplar ? 'approved' : t === 0 && local === 2 ? null : pickStatus(r.next());
    const outside = INDUSTRIES.filter((x) => !team.industries.includes(x));
    const focusIndustries = misaligned === 'industry' ? [r.pick(outside)] : r.sample(team.industries, misaligned ? 1 : r.int(1, 2));
    const tenure = Rng.derive(seed, `tenure:${id}`);
    // A few joiners during the history (never the first team's A, B and new rep, which the demo relies on).
    const joinedAt = history.length > 0 && !(t === 0 && local < 3) && tenure.chance(0.07) ? joinDay(tenure, history.slice(-3), zone) : null;
    reps.push({ id, name: u.name, teamIndex: t, managerId: team.managerId, style, visitsPerDay, skill, city: r.pick(team.cities), focusIndustries, misaligned, goalStatus, exemplar: exemplar !== undefined, joinedAt, leftAt: null });
    if (joinedAt) {
      const p = people[people.length - 1]!;
      p.managerHistory = [{ managerId: team.managerId, from: joinedAt, to: null }];
    }
  }

  // Leavers: worked in the early history quarters and left at the start of a later one. They are people
  // (inactive, leftAt set) with goals, activities and deals in the quarters they worked, but not in today's org.
  const leavers: DemoRep[] = [];
  const leaverCount = history.length >= 2 ? Math.max(1, Math.round(size * 0.04)) : 0;
  for (let k = 0; k < leaverCount; k++) {
    const id = `rep${pad(size + k + 1, repWidth)}`;
    const r = Rng.derive(seed, `rep:${id}`);
    const team = teams[k % teamCount]!;
    const style = styleFor(r.next());
    const leftAt = history[1 + (k % (history.length - 1))]!.start;
    const name = names();
    people.push({
      _id: id,
      name,
      title: '销售代表',
      deptIds: [team.deptId],
      deptNames: [team.name],
      managerId: team.managerId,
      role: 'rep',
      isActive: false,
      email: `${id}@demo.trichain.local`,
      jobNumber: `T${++jobNo}`,
      leftAt,
      managerHistory: [{ managerId: team.managerId, from: since, to: leftAt }],
      syncedAt: opts.now,
      source: 'seed',
    });
    leavers.push({
      id,
      name,
      teamIndex: team.index,
      managerId: team.managerId,
      style,
      visitsPerDay: STYLES[style].visitsPerDay * Math.exp(r.normal(0, 0.1)),
      skill: r.normal(0, 0.25),
      city: r.pick(team.cities),
      focusIndustries: r.sample(team.industries, r.int(1, 2)),
      misaligned: null,
      goalStatus: 'approved',
      exemplar: false,
      joinedAt: null,
      leftAt,
    });
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
  const pastQuarters: DemoQuarter[] = history.map((span) => {
    const doc: QuarterShape = { ...quarterDoc(span, zone, teams.map((t) => t.groupId)), status: 'closed' };
    // Reps with a goal for a past quarter: there for the whole of it (joiners get one from the next quarter on).
    const working = [...reps, ...leavers].filter((r) => (!r.joinedAt || r.joinedAt <= span.start) && (!r.leftAt || r.leftAt >= span.end));
    const stream = `${span.id}-`;
    return { quarter: doc, goals: buildGoals({ seed, quarter: doc, teams, reps: working, regionDirectors, now: opts.now, stream }), stream, current: false };
  });
  const misalignedGoalOwnerIds = reps.filter((r) => r.misaligned !== null && r.goalStatus !== null).map((r) => r.id);
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
    goals,
    fakeOrg: { users, depts, groups },
    teams,
    reps,
    leavers,
    history: pastQuarters,
    currentQuarter: { quarter, goals, stream: '', current: true },
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

/** A working day (Mon–Fri, 09:00 local) somewhere in the given quarters: when a joiner started. */
function joinDay(r: Rng, quarters: QuarterSpan[], zone: string): Date {
  const span = r.pick(quarters);
  const days = Math.floor((span.end.getTime() - span.start.getTime()) / DAY_MS);
  let d = DateTime.fromJSDate(span.start, { zone }).plus({ days: r.int(7, days - 21) });
  while (d.weekday > 5) d = d.plus({ days: 1 });
  return d.set({ hour: 9 }).toJSDate();
}
