import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateCompany, type DemoCompany, type DemoRep } from '../../../src/demo/company.js';
import { generateRepQuarter, quarterChunks } from '../../../src/demo/rep-quarter.js';
import type { ActivityShape, DealShape } from '../../../src/demo/shapes.js';

const now = new Date('2026-11-26T10:00:00+08:00'); // Thursday of week 9 of 2026Q4
const quarterEnd = new Date('2027-01-01T00:00:00+08:00');

function digest(c: DemoCompany, chunkReps = 25): string {
  const org = createHash('sha256').update(JSON.stringify({ people: c.people, goals: c.goals, quarter: c.quarter, fakeOrg: c.fakeOrg, manifest: c.manifest }));
  const acts = createHash('sha256');
  const deals = createHash('sha256');
  for (const chunk of quarterChunks(c, chunkReps)) {
    for (const a of chunk.activities) acts.update(JSON.stringify(a));
    for (const d of chunk.deals) deals.update(JSON.stringify(d));
  }
  return [org, acts, deals].map((h) => h.digest('hex')).join(':');
}

interface RepStats {
  workdays: number;
  crmVisits: number;
  closed: number;
  won: number;
  wonAmount: number;
  tailoredVisits: number;
}

function stats(c: DemoCompany, reps: DemoRep[]): RepStats {
  const s: RepStats = { workdays: 0, crmVisits: 0, closed: 0, won: 0, wonAmount: 0, tailoredVisits: 0 };
  const days = new Set<string>();
  for (const rep of reps) {
    const q = generateRepQuarter(c, rep);
    for (const a of q.activities) {
      days.add(a.day);
      if (a.type === 'visit' && a.source === 'salesforce') {
        s.crmVisits++;
        if (a.dims.proposalCustomized === true) s.tailoredVisits++;
      }
    }
    for (const d of q.deals) {
      if (d.isClosed) s.closed++;
      if (d.isWon) {
        s.won++;
        s.wonAmount += d.amountCny;
      }
    }
  }
  s.workdays = [...days].filter((d) => ![0, 6].includes(new Date(`${d}T12:00:00+08:00`).getUTCDay())).length * reps.length;
  return s;
}

describe('demo company generator', () => {
  it('is reproducible: the same seed gives identical output, whatever the chunk size', () => {
    const a = digest(generateCompany({ seed: 11, size: 20, now }), 7);
    const b = digest(generateCompany({ seed: 11, size: 20, now }), 20);
    const other = digest(generateCompany({ seed: 12, size: 20, now }), 7);
    expect(a).toBe(b);
    expect(other).not.toBe(a);
  });

  it('fills the quarter up to now; a finished quarter extends it without changing the past', () => {
    const c = generateCompany({ seed: 3, size: 6, now });
    const full = generateCompany({ seed: 3, size: 6, now, until: quarterEnd });
    expect(c.quarter._id).toBe('2026Q4');
    const rep = c.reps[0]!;
    const part = generateRepQuarter(c, rep).activities;
    const whole = generateRepQuarter(full, rep).activities;
    expect(part.every((a) => a.startAt <= now && a.startAt >= c.quarter.startDate)).toBe(true);
    const crm = (list: ActivityShape[]) => list.filter((a) => a.sourceId.startsWith('EV-') && a.startAt < now).map((a) => [a.sourceId, a.startAt.getTime(), a.durationMin]);
    expect(crm(whole)).toEqual(crm(part));
    expect(whole.length).toBeGreaterThan(part.length);
  });

  it('shows the source case: A visits twice as often as B but closes far less, and B tailors proposals', () => {
    const c = generateCompany({ now, until: quarterEnd });
    const a = stats(c, [c.reps.find((r) => r.id === c.manifest.repA)!]);
    const b = stats(c, [c.reps.find((r) => r.id === c.manifest.repB)!]);
    expect(a.crmVisits / a.workdays).toBeGreaterThan(2.2); // 3 a day, about 85 % logged in the CRM
    expect(b.crmVisits / b.workdays).toBeLessThan(1.8);
    expect(a.tailoredVisits / a.crmVisits).toBeLessThan(0.15);
    expect(b.tailoredVisits / b.crmVisits).toBeGreaterThan(0.85);
    expect(a.won / a.closed).toBeLessThan(b.won / b.closed);

    // Over many reps of each style the rates settle near the source case's 21% and 39%.
    const big = generateCompany({ seed: 5, size: 160, now, until: quarterEnd });
    const sa = stats(big, big.reps.filter((r) => r.style === 'A'));
    const sb = stats(big, big.reps.filter((r) => r.style === 'B'));
    expect(sa.won / sa.closed).toBeGreaterThan(0.17);
    expect(sa.won / sa.closed).toBeLessThan(0.26);
    expect(sb.won / sb.closed).toBeGreaterThan(0.34);
    expect(sb.won / sb.closed).toBeLessThan(0.45);
    // B's deals are bigger, so B signs more per rep despite half the visits.
    expect(sb.wonAmount / sb.won).toBeGreaterThan(1.4 * (sa.wonAmount / sa.won));
  }, 60_000); // a full quarter for 160 reps: a few seconds on a busy 2-core machine

  it('has misaligned goals (direction outside the manager\'s) and a team whose targets do not roll up', () => {
    const c = generateCompany({ now });
    const goal = new Map(c.goals.map((g) => [g.ownerId, g]));
    expect(c.manifest.misalignedGoalOwnerIds.length).toBeGreaterThanOrEqual(c.teams.length);
    for (const team of c.teams) {
      const mgr = goal.get(team.managerId)!;
      for (const id of team.repIds) {
        const g = goal.get(id);
        if (!g) continue;
        const inside = g.industries.every((i) => mgr.industries.includes(i)) && g.keyAccounts.every((k) => mgr.keyAccounts.includes(k));
        expect(inside, `${id}`).toBe(!c.manifest.misalignedGoalOwnerIds.includes(id));
      }
      const sum = team.repIds.reduce((s, id) => s + (goal.get(id)?.targets[0]?.value ?? 0), 0);
      const under = sum < mgr.targets[0]!.value;
      expect(under, team.managerId).toBe(c.manifest.underRolledManagerIds.includes(team.managerId));
    }
    expect(goal.has(c.manifest.newRep)).toBe(false);
    expect(new Set(c.goals.map((g) => g.status))).toEqual(new Set(['approved', 'submitted', 'returned', 'draft']));
  });

  it('builds a consistent org: everyone\'s manager exists, every team has a group, HR and the director are there', () => {
    const c = generateCompany({ now });
    const ids = new Set(c.fakeOrg.users.map((u) => u.userid));
    expect(c.reps).toHaveLength(56);
    expect(c.teams.length).toBeGreaterThanOrEqual(3);
    for (const u of c.fakeOrg.users) if (u.managerUserId) expect(ids).toContain(u.managerUserId);
    for (const g of c.fakeOrg.groups) for (const m of g.memberIds) expect(ids).toContain(m);
    for (const t of c.teams) expect(c.fakeOrg.groups.find((g) => g.openConversationId === t.groupId)?.memberIds).toEqual([t.managerId, ...t.repIds]);
    expect(c.people.find((p) => p._id === 'hr01')?.role).toBe('hr');
    expect(c.people.filter((p) => p.role === 'manager').map((p) => p._id)).toContain('dir01');
    expect(new Set(c.people.map((p) => p.name)).size).toBe(c.people.length);
    expect(c.quarter.startDate <= now && now < c.quarter.endDate).toBe(true);
    expect(c.quarter.reviewAt.toISOString()).toBe('2026-12-31T06:00:00.000Z'); // last Thursday, 14:00 Shanghai
  });

  it('takes a size from 1 to 10,000 reps, adding regional directors for big companies', { timeout: 30_000 }, () => {
    const one = generateCompany({ size: 1, now });
    expect(one.reps).toHaveLength(1);
    expect(one.teams).toHaveLength(1);
    const big = generateCompany({ size: 10_000, now });
    expect(big.reps).toHaveLength(10_000);
    expect(new Set(big.reps.map((r) => r.id)).size).toBe(10_000);
    expect(big.reps.at(-1)!.id).toBe('rep10000');
    const rds = big.people.filter((p) => p._id.startsWith('rd'));
    expect(rds.length).toBeGreaterThan(10);
    const mgr = new Map(big.people.map((p) => [p._id, p.managerId]));
    // rep → manager → regional director → sales director
    expect(mgr.get(mgr.get(mgr.get('rep10000')!)!)).toBe('dir01');
    expect(() => generateCompany({ size: 0, now })).toThrow(RangeError);
    expect(() => generateCompany({ size: 10_001, now })).toThrow(RangeError);
    // Streaming: the first chunk of a 10,000-rep company is as small as asked for.
    const first = quarterChunks(big, 10).next();
    expect(first.done).toBe(false);
    expect(first.value?.reps).toHaveLength(10);
  });

  it('records visits the way the systems would: CRM events with duration, check-ins with coordinates, judged by the activity chain\'s own evaluator', () => {
    const c = generateCompany({ seed: 9, size: 8, now });
    const all: ActivityShape[] = [];
    const deals: DealShape[] = [];
    for (const ch of quarterChunks(c)) all.push(...ch.activities), deals.push(...ch.deals);
    const crm = all.filter((a) => a.type === 'visit' && a.source === 'salesforce');
    const checkins = all.filter((a) => a.source === 'dingtalk_checkin');
    expect(crm.every((a) => a.durationMin !== undefined && a.endAt!.getTime() - a.startAt.getTime() === a.durationMin * 60_000)).toBe(true);
    expect(checkins.every((a) => a.location?.lat !== undefined && a.durationMin === undefined)).toBe(true);
    const short = crm.find((a) => a.durationMin! < 30)!;
    expect(short.counted).toBe(false);
    expect(short.reasons).toContain(`时长 ${short.durationMin} 分钟 < 30 分钟`);
    // A check-in of a CRM visit is merged into it (never counts on its own) and is evidence on it.
    const paired = checkins.find((a) => a.matchGroup)!;
    const visit = crm.find((a) => a.matchGroup === paired.matchGroup)!;
    expect(paired.mergedInto).toEqual({ source: 'salesforce', sourceId: visit.sourceId });
    expect(paired.counted).toBe(false);
    expect(visit.evidence).toMatchObject({ checkin: true, checkinCount: 1 });
    if (visit.durationMin! >= 30) expect(visit.counted).toBe(true); // default rule: ≥ 30 min and (≤ 1 km or 签到)
    // A CRM visit with neither its own coordinates nor a check-in does not count, and says why.
    const blind = crm.find((a) => a.location?.lat === undefined && !a.evidence && a.durationMin! >= 30)!;
    expect(blind.counted).toBe(false);
    expect(blind.reasons.join('；')).toMatch(/没有位置坐标.*没有签到记录|没有签到记录.*没有位置坐标/);
    expect(new Set(all.map((a) => `${a.source}/${a.sourceId}`)).size).toBe(all.length);
    expect(all.filter((a) => a.type === 'proposal').some((a) => a.dims.proposalCustomized === true)).toBe(true);
    expect(new Set(deals.map((d) => d.stage)).size).toBeGreaterThanOrEqual(4);
    expect(deals.every((d) => Number.isSafeInteger(d.amountCny) && d.amountCny >= 3000)).toBe(true);
  });
});
