import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTeamSummaries } from '../../src/domain/report/team.js';
import { repCardValues, teamCardValues } from '../../src/domain/report/card-values.js';
import { metricValue, pct } from '../../src/domain/report/format.js';
import { cardCallsById, cardsTo, testClock } from '../helpers/report-e2e.js';
import { seedReportData, type SeededOrg } from '../helpers/report-seed.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

// Friday 27 Nov 2026, 17:00:30 in Shanghai: half a minute after the default schedule (Fri 17:00).
const NOW = new Date('2026-11-27T09:00:30Z');
const AS_OF = new Date('2026-11-27T09:00:00Z');
const RUN_ID = 'scheduled|2026-W48';
const DIRECTOR = 'dir01';

/** Card parameters without the chart's media id (uploaded per card, so different by construction). */
const withoutChart = (p: Record<string, unknown>) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'chartMediaId'));
/** Card values as DingTalk's cardParamMap carries them: strings, anything else as JSON. */
const asParams = (v: Record<string, unknown>) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]));

/**
 * Issue 14: the Friday pass goes through the company a slice of whole teams at a time and never holds every
 * report. With slices of 2 people, 7 reps in teams of 3, 3 and 1, two of the managers under a director and
 * one of them carrying a personal book, every card still goes out once, and every card (reps', managers',
 * the director's with its sub-team rows) is the one the all-at-once computation makes.
 */
describe('Friday report pass, a slice at a time', () => {
  let h: Harness;
  let org: SeededOrg;
  const slices: string[][] = [];
  const clock = testClock(NOW);

  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01', REPORT_SLICE_SIZE: '2' }, service: { clock }, starterOrg: false });
    const m = h.service.models;
    org = await seedReportData(m, { reps: 7, repsPerManager: 3, now: AS_OF, seed: 13 });
    const [mgr1, mgr2] = org.managers;
    await m.Person.create({ _id: DIRECTOR, name: '郑总', role: 'manager', managerId: null, source: 'seed' });
    await m.Person.updateMany({ _id: { $in: [mgr1!.id, mgr2!.id] } }, { $set: { managerId: DIRECTOR } });
    // Manager 1 carries a quota and closed a deal himself: a subject with a personal book of his own.
    await m.Goal.create({ quarterId: org.quarterId, ownerId: mgr1!.id, managerId: DIRECTOR, status: 'approved', targets: [{ metric: 'signed_amount', value: 900_000 }, { metric: 'new_customers', value: 5 }] });
    await m.Deal.create({ personId: mgr1!.id, source: 'seed', sourceId: 'mgr-deal', stage: 'won', amountCny: 120_000, isWon: true, isClosed: true, closeDate: new Date('2026-11-20T03:00:00Z'), quarterId: org.quarterId, isoWeek: '2026-W47' });
    h.fake.org.load({
      users: [
        ...org.fakeUsers.map((u) => (u.userid === mgr1!.id || u.userid === mgr2!.id ? { ...u, managerUserId: DIRECTOR } : u)),
        { userid: DIRECTOR, name: '郑总', deptIds: [1] },
      ],
    });
    // Records which people each slice held (the builder's own method still does the work).
    const builder = h.service.reports.builder;
    const buildSlice = builder.buildSlice.bind(builder);
    builder.buildSlice = (plan, slice, asOf, peers) => {
      slices.push(slice.people.map((p) => p.id));
      return buildSlice(plan, slice, asOf, peers);
    };
    await h.service.agenda.now('weekly-report');
    await eventually(() => m.ReportRun.findById(RUN_ID).lean(), (r) => r?.status === 'done', 100_000); // 12 charts: over 30 s on a busy 2-core machine
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('loads whole teams a slice at a time, never the whole company at once', () => {
    expect(slices.length).toBeGreaterThanOrEqual(3);
    const teamOf = new Map(org.reps.map((r) => [r.id, r.managerId]));
    for (const s of slices) {
      // A slice is at most the slice size, unless one team alone is bigger (teams are never split).
      const teams = new Set(s.map((id) => teamOf.get(id) ?? `top:${id}`));
      if (s.length > 2) expect(teams.size, s.join()).toBe(1);
    }
    expect(slices.flat().sort()).toEqual([...org.reps.map((r) => r.id), org.managers[0]!.id].sort());
  });

  it('sends every rep, the manager with a quota, every manager and the director exactly one card each', async () => {
    for (const r of org.reps) expect(cardsTo(h.fake, r.id, 'weekly-report.schema'), r.id).toHaveLength(1);
    expect(cardsTo(h.fake, org.managers[0]!.id, 'weekly-report.schema')).toHaveLength(1);
    for (const id of [...org.managers.map((x) => x.id), DIRECTOR]) expect(cardsTo(h.fake, id, 'team-report.schema'), id).toHaveLength(1);
    expect([...cardCallsById(h.fake).values()].every((n) => n === 1)).toBe(true);
    const run = (await h.service.models.ReportRun.findById(RUN_ID).lean())!;
    // 7 reps + manager 1's own report + 3 managers' and the director's summaries.
    expect(run.counts).toMatchObject({ recipients: 12, sent: 12, failed: 0 });
    expect(run.sentTotal).toBe(12);
  });

  it('makes the same cards as computing everyone at once', async () => {
    const { builder } = h.service.reports;
    const run = (await h.service.models.ReportRun.findById(RUN_ID).lean())!;
    const q = (await builder.quarter(org.quarterId))!;
    const all = await builder.build(q, AS_OF, { peers: run.peers! });
    for (const r of all.reports.filter((x) => x.figures.personalBook)) {
      const card = cardsTo(h.fake, r.personId, 'weekly-report.schema')[0]!;
      expect(withoutChart(card.cardParamMap), r.personId).toEqual(withoutChart(asParams(repCardValues(r, 'x'))));
    }
    const people = await h.service.models.Person.find({ isActive: true }).lean();
    const orgRows = people.map((p) => ({ id: String(p._id), name: p.name, managerId: p.managerId ?? null }));
    const teams = buildTeamSummaries(all.reports, new Map(orgRows.map((p) => [p.id, p.name])), orgRows, builder.settings);
    expect(teams.map((t) => t.managerId).sort()).toEqual([...org.managers.map((x) => x.id), DIRECTOR].sort());
    for (const t of teams) {
      const card = cardsTo(h.fake, t.managerId, 'team-report.schema')[0]!;
      expect(withoutChart(card.cardParamMap), t.managerId).toEqual(withoutChart(asParams(teamCardValues(t, 'x', builder.settings.thresholds, builder.settings.predictionThreshold))));
    }
  });

  it("rolls the director's summary up to an independent sum of the stored documents", async () => {
    const m = h.service.models;
    const below = new Set([...org.reps.filter((r) => r.managerId === org.managers[0]!.id || r.managerId === org.managers[1]!.id).map((r) => r.id), org.managers[0]!.id]);
    const won = (await m.Deal.find({ quarterId: org.quarterId, isWon: true }).lean()).filter((d) => below.has(d.personId) && (!d.closeDate || d.closeDate < AS_OF));
    const goals = (await m.Goal.find({ quarterId: org.quarterId }).lean()).filter((g) => below.has(g.ownerId));
    const counted = (await m.Activity.find({ quarterId: org.quarterId, counted: true, startAt: { $lt: AS_OF } }).lean()).filter((a) => below.has(a.personId)).length;
    const signed = won.reduce((s, d) => s + d.amountCny, 0);
    const target = goals.reduce((s, g) => s + g.targets.find((t) => t.metric === 'signed_amount')!.value, 0);
    const summary = cardsTo(h.fake, DIRECTOR, 'team-report.schema')[0]!.cardParamMap.summary!;
    expect(summary).toContain(`团队 ${below.size} 人`);
    expect(summary).toContain(`签约额 ${metricValue(signed, 'cny')} / 目标 ${metricValue(target, 'cny')}（${pct(signed / target)}）`);
    expect(summary).toContain(`本季有效活动 ${counted} 次`);
    // Two rows: manager 1's team (with his own book) and manager 2's team, never their reps one by one.
    const options = JSON.parse(cardsTo(h.fake, DIRECTOR, 'team-report.schema')[0]!.cardParamMap.memberOptions!) as Array<{ value: string }>;
    expect(options.map((o) => o.value).sort()).toEqual([org.managers[0]!.id, org.managers[1]!.id].sort());
  });
});
