/**
 * Everyone's goals in the demo company: reps' targets and direction (some deliberately outside their
 * manager's), managers' targets rolled up from their teams (one team deliberately under), the director's.
 * Pure; draws from per-person streams.
 */
import type { DemoRep, DemoTeam } from './company.js';
import { Rng } from './prng.js';
import type { GoalShape, QuarterShape } from './shapes.js';
import type { StyleKey } from './styles.js';
import { COMPANY_FOCUS, KEY_ACCOUNTS } from './vocabulary.js';

const DAY_MS = 86_400_000;

/**
 * `stream` set: a finished quarter of the history ('2026Q3-'): every goal approved, targets drawn afresh,
 * and no deliberate roll-up gap (that quirk is the current quarter's, for the board to show).
 */
export function buildGoals(o: { seed: number; quarter: QuarterShape; teams: DemoTeam[]; reps: DemoRep[]; regionDirectors: string[]; now: Date; stream?: string }): GoalShape[] {
  const past = o.stream !== undefined;
  const list: GoalShape[] = [];
  const start = o.quarter.startDate.getTime();
  const nowMs = o.now.getTime();
  const at = (days: number) => new Date(Math.min(nowMs, start + days * DAY_MS));
  const sums = new Map<string, { amount: number; customers: number }>();

  for (const team of o.teams) {
    let amount = 0;
    let customers = 0;
    for (const rep of o.reps) {
      if (rep.teamIndex !== team.index) continue;
      const id = rep.id;
      const r = Rng.derive(o.seed, `goal:${o.stream ?? ''}${id}`);
      const target = r.int(12, 24) * 50_000; // 60万–120万
      const newCustomers = r.int(8, 20);
      const status = past ? 'approved' : rep.goalStatus;
      if (status === null) continue;
      amount += target;
      customers += newCustomers;
      const keyOutside = KEY_ACCOUNTS.filter((k) => !team.keyAccounts.includes(k));
      const industries = rep.focusIndustries;
      const keyAccounts = rep.misaligned === 'account' ? [r.pick(keyOutside)] : r.sample(team.keyAccounts, r.int(1, 2));
      const submitted = at(r.int(2, 10));
      const decided = status === 'approved' || status === 'returned';
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
        status,
        version: 1,
        alignment: { status: 'unknown', findings: [] },
        ...(status !== 'draft' ? { submittedAt: submitted } : {}),
        ...(decided ? { decidedAt: new Date(Math.min(nowMs, submitted.getTime() + r.int(1, 3) * DAY_MS)), decidedBy: team.managerId } : {}),
        decisionComment: status === 'returned' ? '目标偏低，请结合上季度签约额再评估' : '',
      });
    }
    sums.set(team.managerId, { amount, customers });
  }

  // Managers: their target rolls up from the team (a little under the sum), except the second team,
  // whose manager committed above what the team signed up for — the roll-up warning's ground truth.
  const directorSums = new Map<string, { amount: number; customers: number }>();
  o.teams.forEach((team, i) => {
    const s = sums.get(team.managerId)!;
    const r = Rng.derive(o.seed, `goal:${o.stream ?? ''}${team.managerId}`);
    const factor = i === 1 && !past ? 1.2 : r.range(0.9, 1.0);
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
  return list;
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
