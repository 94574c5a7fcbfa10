import { describe, expect, it } from 'vitest';
import { generateCompany, type DemoCompany, type DemoQuarter } from '../../../src/demo/company.js';
import { generateRepQuarter, quarterChunks, repQuarterTruth, projectRepQuarter } from '../../../src/demo/rep-quarter.js';

const now = new Date('2026-11-26T10:00:00+08:00'); // week 9 of 2026Q4

/** Win rate as the outcome chain defines it: won ÷ closed in the quarter, on opportunities (deals). */
function winRate(c: DemoCompany, repId: string, q: DemoQuarter): { won: number; closed: number; tailoredCounted: number; counted: number } {
  const rep = [...c.reps, ...c.leavers].find((r) => r.id === repId)!;
  const { activities, deals } = generateRepQuarter(c, rep, undefined, q);
  const inQ = deals.filter((d) => d.isClosed && d.quarterId === q.quarter._id);
  const counted = activities.filter((a) => a.type === 'visit' && a.counted);
  return { won: inQ.filter((d) => d.isWon).length, closed: inQ.length, tailoredCounted: counted.filter((a) => a.dims.proposalCustomized === true).length, counted: counted.length };
}

describe('demo company: the source case and its history', () => {
  const c = generateCompany({ now });

  it('gives the A rep ≈ 21 % and the B rep ≈ 39 % win rate on opportunities, in the current quarter and every past one', () => {
    for (const q of [...c.history, c.currentQuarter]) {
      const a = winRate(c, c.manifest.repA, q);
      const b = winRate(c, c.manifest.repB, q);
      expect(a.closed, q.quarter._id).toBeGreaterThan(25);
      expect(a.won / a.closed, q.quarter._id).toBeGreaterThan(0.18);
      expect(a.won / a.closed, q.quarter._id).toBeLessThan(0.24);
      expect(b.won / b.closed, q.quarter._id).toBeGreaterThan(0.35);
      expect(b.won / b.closed, q.quarter._id).toBeLessThan(0.43);
      // 方案定制率 (tailored counted visits ÷ counted visits): B far above A.
      expect(b.tailoredCounted / b.counted, q.quarter._id).toBeGreaterThan(0.85);
      expect(a.tailoredCounted / Math.max(1, a.counted), q.quarter._id).toBeLessThan(0.15);
    }
  });

  it('stores closed-lost opportunities as closed, not won, deals, and every deal has the date it was opened', () => {
    const { deals } = [...quarterChunks(c, 56)][0]!;
    expect(deals.some((d) => d.isClosed && !d.isWon && d.stage === 'Closed Lost')).toBe(true);
    expect(deals.every((d) => d.openedDate instanceof Date && d.openedDate <= now)).toBe(true);
    expect(deals.every((d) => !d.isClosed || d.closeDate <= now)).toBe(true);
  });

  it('has four finished quarters with the same people, approved goals, activity and deals; a few joiners and leavers', () => {
    expect(c.history.map((q) => q.quarter._id)).toEqual(['2025Q4', '2026Q1', '2026Q2', '2026Q3']);
    for (const q of c.history) {
      expect(q.quarter.status).toBe('closed');
      expect(q.goals.length).toBeGreaterThan(50);
      expect(q.goals.every((g) => g.status === 'approved' && g.quarterId === q.quarter._id)).toBe(true);
      const chunk = [...quarterChunks(c, 100, q)][0]!;
      expect(chunk.activities.every((a) => a.quarterId === q.quarter._id)).toBe(true);
      expect(new Set(chunk.activities.map((a) => a.isoWeek)).size).toBeGreaterThanOrEqual(13);
      expect(chunk.deals.filter((d) => d.quarterId === q.quarter._id && d.isWon).length).toBeGreaterThan(200);
      // Source ids never collide with another quarter's.
      expect(chunk.activities.every((a) => a.sourceId.includes(q.stream))).toBe(true);
    }
    const joiners = c.reps.filter((r) => r.joinedAt);
    expect(joiners.length).toBeGreaterThan(0);
    expect(c.leavers.length).toBeGreaterThan(0);
    for (const l of c.leavers) {
      const p = c.people.find((x) => x._id === l.id)!;
      expect(p).toMatchObject({ isActive: false });
      expect(p.leftAt).toEqual(l.leftAt);
      expect(c.fakeOrg.users.some((u) => u.userid === l.id)).toBe(false);
      expect(c.history[0]!.goals.some((g) => g.ownerId === l.id)).toBe(true);
      expect(c.currentQuarter.goals.some((g) => g.ownerId === l.id)).toBe(false);
    }
    for (const j of joiners) {
      // No goal in a quarter they did not work from its start; no activity before they joined.
      for (const q of c.history) if (q.quarter.startDate < j.joinedAt!) expect(q.goals.some((g) => g.ownerId === j.id)).toBe(false);
      for (const q of c.history) expect(generateRepQuarter(c, j, undefined, q).activities.every((a) => a.startAt >= new Date(j.joinedAt!.getTime() - 86_400_000))).toBe(true);
    }
    expect(generateCompany({ now, size: 10, historyQuarters: 0 }).history).toEqual([]);
  });

  it('what is stored at a moment is the finished quarter as it stood then (so advancing the clock only adds)', () => {
    const rep = c.reps[5]!;
    const truth = repQuarterTruth(c, rep);
    const later = new Date(now.getTime() + 21 * 86_400_000);
    const atNow = projectRepQuarter(truth, now.getTime());
    const atLater = projectRepQuarter(truth, later.getTime());
    expect(generateRepQuarter(c, rep)).toEqual(atNow);
    const ids = new Set(atLater.activities.map((a) => a.sourceId));
    expect(atNow.activities.every((a) => ids.has(a.sourceId))).toBe(true);
    expect(atLater.activities.length).toBeGreaterThan(atNow.activities.length);
    expect(atLater.activities.some((a) => a.startAt >= now)).toBe(true);
    // A deal closed at `now` stays closed with the same outcome later.
    const closedLater = new Map(atLater.deals.map((d) => [d.sourceId, d]));
    for (const d of atNow.deals.filter((x) => x.isClosed)) expect(closedLater.get(d.sourceId)).toMatchObject({ isWon: d.isWon, amountCny: d.amountCny, closeDate: d.closeDate });
  });
});
