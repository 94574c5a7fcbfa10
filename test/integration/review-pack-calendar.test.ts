import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepository } from '../../src/adapters/mongo/audit-repository.js';
import { createModels, ensureIndexes, type Models } from '../../src/adapters/mongo/models/index.js';
import { DEFAULT_REPORT_SETTINGS } from '../../src/domain/report/types.js';
import { silentLogger } from '../../src/logger.js';
import { CompanyCalendar } from '../../src/services/calendar/company-calendar.js';
import { ReviewPackBuilder } from '../../src/services/review-pack/pack-builder.js';
import { PRE_REVIEW_MS, ReviewPackService } from '../../src/services/review-pack/review-pack-service.js';
import type { QuarterRecord } from '../../src/services/weekly-report/report-builder.js';
import { connectTestDb, type TestDb } from '../helpers/mongo.js';

const ZONE = 'Asia/Shanghai';
const at = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();
const local = (d: Date) => DateTime.fromJSDate(d, { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm");

/** Issue 13: the pack job's T−72h comes from the company calendar and never lands on a holiday night. */
describe('review pack time on the company calendar (on the MongoDB-wire test server)', () => {
  let db: TestDb;
  let m: Models;
  let calendar: CompanyCalendar;
  const scheduled: Array<{ data: unknown; at: Date }> = [];

  beforeAll(async () => {
    db = await connectTestDb('packcalendar');
    m = createModels(db.conn);
    await ensureIndexes(m);
    calendar = new CompanyCalendar(m, new AuditRepository(m));
    await m.Person.insertMany([
      { _id: 'm1', name: '王磊', role: 'manager' },
      { _id: 'r1', name: '张伟', role: 'rep', managerId: 'm1' },
    ]);
  });
  afterAll(async () => {
    await db.drop();
  });

  function service(withCalendar: boolean): ReviewPackService {
    return new ReviewPackService({
      models: m,
      builder: new ReviewPackBuilder(m, () => DEFAULT_REPORT_SETTINGS),
      // Planning never sends: these two are not reached by planFor / plan.
      sender: undefined as never,
      messenger: undefined as never,
      clock: { now: () => at('2026-09-28T09:00') },
      logger: silentLogger,
      ...(withCalendar ? { calendar: () => calendar.get() } : {}),
    });
  }
  const quarter = (reviewAt: Date) => ({ _id: '2026Q3', startDate: at('2026-07-01T00:00'), endDate: at('2026-10-01T00:00'), reviewAt, timeZone: ZONE }) as unknown as QuarterRecord;
  const team = { managerId: 'm1', managerName: '王磊' };

  it('moves a review right after National Day off the holiday, and schedules the job at that time', async () => {
    // Review Fri 2026-10-09 10:00: T−72h is Tue 10/6 10:00, inside 国庆节 (10/1–10/7) → Wed 9/30 10:00.
    const q = quarter(at('2026-10-09T10:00'));
    const s = service(true);
    s.attach({
      create: (_name: string, data: unknown) => {
        const job = { unique: () => job, schedule: (t: Date) => { scheduled.push({ data, at: t }); return job; }, save: async () => job };
        return job;
      },
    } as never);
    const plan = await s.planFor(q, team);
    expect(local(plan.dueAt)).toBe('2026-09-30T10:00');
    await s.plan(plan);
    expect(scheduled.map((x) => local(x.at))).toEqual(['2026-09-30T10:00']);
    // Without the calendar it would have been the holiday night.
    expect(local((await service(false).planFor(q, team)).dueAt)).toBe(local(new Date(q.reviewAt.getTime() - PRE_REVIEW_MS)));
    expect(local(new Date(q.reviewAt.getTime() - PRE_REVIEW_MS))).toBe('2026-10-06T10:00');
  });

  it("follows HR's company days off and leaves a working day's T−72h as it is", async () => {
    // Review Mon 10/19 20:00 → Fri 10/16 20:00, a working day: unchanged.
    const q = quarter(at('2026-10-19T20:00'));
    expect(local((await service(true).planFor(q, team)).dueAt)).toBe('2026-10-16T20:00');
    // HR closes the company on 10/16: the pack goes the evening before.
    await calendar.set(['2026-10-16'], 'off', '公司团建', 'hr1');
    expect(local((await service(true).planFor(q, team)).dueAt)).toBe('2026-10-15T20:00');
  });
});
