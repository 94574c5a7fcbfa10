import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OffsetClock } from '../../src/clock.js';
import { silentLogger } from '../../src/logger.js';
import { TimeTravel } from '../../src/sim/time-travel.js';
import { cardsTo } from '../helpers/report-e2e.js';
import { seedReportData, type SeededOrg } from '../helpers/report-seed.js';
import { startHarness, type Harness } from '../helpers/service-harness.js';

/**
 * 12.6: jumping the simulated clock over several Friday report times sends each week's report, as a
 * service that was running would have (before: only the last week, the others skipped as "late", while
 * the simulator said the job "completed").
 */
describe('time travel across several Friday report times, through the real runner', () => {
  let h: Harness;
  let org: SeededOrg;
  const clock = new OffsetClock();

  beforeAll(async () => {
    clock.set(new Date('2026-11-10T02:00:00Z')); // Tue 10 Nov, 10:00 in Shanghai
    h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock }, starterOrg: false });
    org = await seedReportData(h.service.models, { reps: 4, repsPerManager: 2, now: new Date('2026-11-27T09:00:00Z'), seed: 3 });
    h.fake.org.load({ users: org.fakeUsers });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('sends weeks 46, 47 and 48, one card per person and week, and says so', async () => {
    const job = h.service.reports.job;
    const tt = new TimeTravel({
      clock,
      agenda: h.service.agenda,
      jobs: [{ name: job.name, interval: job.every!.interval, timezone: 'Asia/Shanghai', catchUp: job.catchUp! }],
      logger: silentLogger,
    });
    const report = await tt.jumpTo(new Date('2026-11-28T02:00:00Z')); // Sat 28 Nov, 10:00
    const notes = report.ran.filter((r) => r.note).map((r) => r.note);
    expect(notes).toHaveLength(3);
    notes.forEach((n, i) => expect(n).toMatch(new RegExp(`^第${46 + i}周周报：已发送，\\d+ 张新发出`)));
    for (const week of ['2026-W46', '2026-W47', '2026-W48']) {
      const run = await h.service.models.ReportRun.findById(`scheduled|${week}`).lean();
      expect(run, week).toMatchObject({ status: 'done' });
      expect(run!.counts!.failed, week).toBe(0);
    }
    for (const r of org.reps) {
      const weeks = cardsTo(h.fake, r.id, 'weekly-report.schema').map((c) => c.outTrackId.split(':')[1]);
      expect(weeks.sort(), r.id).toEqual(['2026-W46', '2026-W47', '2026-W48']);
    }
  }, 120_000);
});
