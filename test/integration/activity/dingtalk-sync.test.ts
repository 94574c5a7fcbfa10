import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DingTalkOpenApi } from '../../../src/adapters/dingtalk/openapi-client.js';
import { FieldWorkApi } from '../../../src/adapters/dingtalk/field-work-api.js';
import { TokenProvider } from '../../../src/adapters/dingtalk/token-provider.js';
import { HttpClient } from '../../../src/adapters/http/http-client.js';
import { createRateLimiter } from '../../../src/adapters/http/rate-limiter.js';
import type { ActivityIngest } from '../../../src/services/activity/ingest.js';
import { AttendanceSync, ATTENDANCE_CURSOR } from '../../../src/services/activity/sync/attendance-sync.js';
import { CheckinSync, CHECKIN_CURSOR } from '../../../src/services/activity/sync/checkin-sync.js';
import { FakeDingTalk } from '../../../src/fake-dingtalk/fake-dingtalk.js';
import { silentLogger } from '../../../src/logger.js';
import { coreFixture, type CoreFixture } from './core-helpers.js';

const NOW = new Date('2026-11-26T18:00:00+08:00');
const BACKFILL = new Date('2026-11-24T00:00:00+08:00');
const ms = (s: string) => Date.parse(s);

let f: CoreFixture;
let fake: FakeDingTalk;
let api: FieldWorkApi;
const people = async () => (await f.models.Person.find({ isActive: true }, { _id: 1 }).lean()).map((p) => String(p._id));

beforeAll(async () => {
  f = await coreFixture('dtsync', { now: NOW });
  // 30 more reps, so user batches of 10 (check-ins) and 50 (attendance) both matter.
  await f.models.Person.insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: `r${String(i).padStart(2, '0')}`, name: `代表${i}`, role: 'rep', isActive: true, source: 'seed' })));
});
afterAll(async () => {
  await f.db.drop();
});
beforeEach(async () => {
  fake = await new FakeDingTalk().start();
  const http = new HttpClient({ timeoutMs: 2000, maxRetries: 3, baseDelayMs: 10, maxDelayMs: 50 });
  const tokens = new TokenProvider(http, { apiBase: fake.baseUrl, clientId: fake.clientId, clientSecret: fake.clientSecret });
  api = new FieldWorkApi(new DingTalkOpenApi({ apiBase: fake.baseUrl, oapiBase: fake.baseUrl, robotCode: fake.robotCode, http, tokens, sendLimiter: createRateLimiter(1000), logger: silentLogger }));
  await Promise.all([f.models.Activity.deleteMany({}), f.models.SyncCursor.deleteMany({})]);
});
afterEach(async () => {
  await fake.stop();
});

const checkinSync = (ingest: ActivityIngest = f.core.ingest) =>
  new CheckinSync({ api, ingest, cursors: f.core.cursors, people, clock: f.clock, backfillFrom: BACKFILL, metrics: f.metrics, logger: silentLogger });

/** 230 check-ins for rep01 on Nov 25 (three pages of 100), and one for every other rep each day. */
function seedCheckins(): number {
  let n = 0;
  for (let i = 0; i < 230; i++) {
    fake.fieldWork.addCheckin({ userid: 'rep01', checkin_time: ms('2026-11-25T08:00:00+08:00') + i * 60_000, place: '上海', visit_user: `客户${i}`, remark: '' });
    n++;
  }
  for (const day of ['2026-11-24', '2026-11-25', '2026-11-26']) {
    for (let i = 0; i < 30; i++) {
      fake.fieldWork.addCheckin({ userid: `r${String(i).padStart(2, '0')}`, checkin_time: ms(`${day}T10:00:00+08:00`) + i * 1000, place: '杭州', detail_place: '杭州市西湖区', visit_user: '阿里巴巴' });
      n++;
    }
  }
  return n;
}

describe('DingTalk check-in connector against the fake', () => {
  it('pages as the API pages: ≤ 10 users a call, ≤ 1 day a window, 100 a page, cursor to cursor', async () => {
    const total = seedCheckins();
    const stats = await checkinSync().run();
    expect(stats).toMatchObject({ records: total, created: total, more: false });
    expect(await f.models.Activity.countDocuments({ source: 'dingtalk_checkin' })).toBe(total);
    const calls = fake.callsTo('checkin.record.get').map((c) => c.body as { userid_list: string; start_time: number; end_time: number; cursor: number; size: number });
    expect(calls.every((c) => c.userid_list.split(',').length <= 10 && c.size === 100 && c.end_time - c.start_time <= 86_400_000)).toBe(true);
    const rep01Calls = calls.filter((c) => c.userid_list.split(',').includes('rep01') && c.start_time <= ms('2026-11-25T12:00:00+08:00') && c.end_time >= ms('2026-11-25T12:00:00+08:00'));
    expect(rep01Calls.map((c) => c.cursor)).toEqual([0, 100, 200]);
    expect(await f.core.cursors.load(CHECKIN_CURSOR)).toEqual({ watermark: NOW.getTime() - 60_000 });
    expect(await f.models.Activity.findOne({ sourceId: `r03:${ms('2026-11-24T10:00:00+08:00') + 3000}` }).lean()).toMatchObject({
      personId: 'r03',
      type: 'visit',
      accountName: '阿里巴巴',
      location: { place: '杭州市西湖区' },
      counted: false,
      reasons: ['没有时长（缺少结束时间）'],
    });
  });

  it('resumes after a crash mid-page at that page, storing every check-in exactly once', async () => {
    const total = seedCheckins();
    let pages = 0;
    // The process dies while writing rep01's second page: half of it is stored, the cursor is not advanced.
    const crashing = {
      ingest: async (inputs: Parameters<ActivityIngest['ingest']>[0], opts: Parameters<ActivityIngest['ingest']>[1]) => {
        if (inputs.some((i) => i.sourceId.startsWith('rep01:')) && ++pages === 2) {
          await f.core.ingest.ingest(inputs.slice(0, 50), opts);
          throw new Error('simulated crash mid-page');
        }
        return f.core.ingest.ingest(inputs, opts);
      },
    } as ActivityIngest;
    await expect(checkinSync(crashing).run()).rejects.toThrow('simulated crash');
    const saved = await f.core.cursors.load<{ pageCursor?: number; batch?: string[] }>(CHECKIN_CURSOR);
    expect(saved).toMatchObject({ pageCursor: 100 });
    expect(saved?.batch).toContain('rep01');
    const before = fake.calls.length;

    const stats = await checkinSync().run();
    const resumedFirst = fake.calls.slice(before).find((c) => c.api === 'checkin.record.get')!.body as { cursor: number; userid_list: string };
    expect(resumedFirst.cursor).toBe(100); // the interrupted page, not the batch's first
    expect(resumedFirst.userid_list.split(',')).toEqual(saved!.batch);
    expect(stats.unchanged).toBe(50); // the half written before the crash
    expect(await f.models.Activity.countDocuments({ source: 'dingtalk_checkin' })).toBe(total);
  });

  it('treats a second run as duplicates and an edited check-in as an update of the same record', async () => {
    seedCheckins();
    await checkinSync().run();
    fake.fieldWork.addCheckin({ userid: 'r05', checkin_time: ms('2026-11-26T10:00:00+08:00') + 5000, place: '杭州', visit_user: '蚂蚁集团', remark: '改了拜访对象' });
    f.clock.set(new Date(NOW.getTime() + 600_000));
    const again = await checkinSync().run();
    // Only the overlap window is read again: 1 hour back from the watermark.
    expect(again).toMatchObject({ created: 0, updated: 0 });
    await f.models.SyncCursor.updateOne({ _id: CHECKIN_CURSOR }, { $set: { 'state.watermark': ms('2026-11-26T09:00:00+08:00') } });
    const edited = await checkinSync().run();
    expect(edited).toMatchObject({ created: 0, updated: 1 });
    const docs = await f.models.Activity.find({ sourceId: `r05:${ms('2026-11-26T10:00:00+08:00') + 5000}` }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ accountName: '蚂蚁集团' });
  });

  it('rides out 429 and 5xx from DingTalk with retries and stores everything once', async () => {
    const total = seedCheckins();
    fake.injectFault({ match: 'checkin.record.get', status: 503, times: 2 });
    fake.injectFault({ match: 'checkin.record.get', status: 429, times: 1, retryAfterSec: 0 });
    const stats = await checkinSync().run();
    expect(stats.records).toBe(total);
    expect(fake.callsTo('checkin.record.get').filter((c) => c.injected).map((c) => c.status)).toEqual([503, 503, 429]);
    expect(await f.models.Activity.countDocuments({ source: 'dingtalk_checkin' })).toBe(total);
  });

  it('stops at its time budget and continues from there next run', async () => {
    seedCheckins();
    const first = await checkinSync().run({ budgetMs: 0 });
    expect(first.more).toBe(true);
    const mid = await f.core.cursors.load<{ watermark: number }>(CHECKIN_CURSOR);
    expect(mid?.watermark).toBe(BACKFILL.getTime() + 86_400_000);
    const rest = await checkinSync().run();
    expect(rest.more).toBe(false);
    expect(await f.models.Activity.countDocuments({ source: 'dingtalk_checkin' })).toBe(320);
  });
});

describe('DingTalk attendance connector against the fake', () => {
  const attendanceSync = (ingest: ActivityIngest = f.core.ingest) =>
    new AttendanceSync({ api, ingest, cursors: f.core.cursors, people, clock: f.clock, zone: 'Asia/Shanghai', backfillFrom: new Date('2026-11-10T00:00:00+08:00'), metrics: f.metrics, logger: silentLogger });

  function seedPunches(): number {
    let n = 0;
    for (let d = 10; d <= 26; d++) {
      const workDate = ms(`2026-11-${d}T00:00:00+08:00`);
      for (const u of ['rep01', 'rep02', ...Array.from({ length: 30 }, (_, i) => `r${String(i).padStart(2, '0')}`)]) {
        for (const [checkType, hh] of [['OnDuty', '09'], ['OffDuty', '18']] as const) {
          fake.fieldWork.addAttendance({ userId: u, workDate, checkType, timeResult: 'Normal', locationResult: 'Normal', baseCheckTime: ms(`2026-11-${d}T${hh}:00:00+08:00`), userCheckTime: ms(`2026-11-${d}T${hh}:00:00+08:00`) - 120_000 });
          n++;
        }
      }
    }
    return n;
  }

  it('pages by offset within 7-day windows and ≤ 50 users, and stores punches as attendance (never counted)', async () => {
    const total = seedPunches();
    const stats = await attendanceSync().run();
    expect(stats).toMatchObject({ records: total, created: total });
    const calls = fake.callsTo('attendance.list').map((c) => c.body as { userIdList: string[]; offset: number; limit: number; workDateFrom: string; workDateTo: string });
    expect(calls.every((c) => c.userIdList.length <= 50 && c.limit === 50)).toBe(true);
    expect(calls.some((c) => c.offset > 0)).toBe(true);
    expect([...new Set(calls.map((c) => `${c.workDateFrom}→${c.workDateTo}`))]).toEqual([
      '2026-11-10 00:00:00→2026-11-16 00:00:00',
      '2026-11-17 00:00:00→2026-11-23 00:00:00',
      '2026-11-24 00:00:00→2026-11-26 00:00:00',
    ]);
    expect(await f.models.Activity.countDocuments({ source: 'dingtalk_attendance' })).toBe(total);
    expect(await f.models.Activity.findOne({ source: 'dingtalk_attendance' }).lean()).toMatchObject({ type: 'attendance', counted: false, reasons: ['「考勤打卡」不在本季度统计的行为类型中'] });
    expect(await f.core.cursors.load(ATTENDANCE_CURSOR)).toEqual({ nextDate: '2026-11-27' });
  });

  it('resumes mid-page after a crash, re-reads yesterday and today, and updates a changed punch in place', async () => {
    const total = seedPunches();
    let calls = 0;
    const crashing = {
      ingest: async (inputs: Parameters<ActivityIngest['ingest']>[0], opts: Parameters<ActivityIngest['ingest']>[1]) => {
        if (++calls === 3) throw new Error('simulated crash');
        return f.core.ingest.ingest(inputs, opts);
      },
    } as ActivityIngest;
    await expect(attendanceSync(crashing).run()).rejects.toThrow('simulated crash');
    expect(await f.core.cursors.load(ATTENDANCE_CURSOR)).toMatchObject({ offset: 100, window: { from: '2026-11-10' } });
    fake.injectFault({ match: 'attendance.list', status: 500, times: 2 });
    await attendanceSync().run();
    expect(await f.models.Activity.countDocuments({ source: 'dingtalk_attendance' })).toBe(total);

    const late = fake.fieldWork.attendance.find((a) => a.userId === 'rep02' && a.workDate === ms('2026-11-26T00:00:00+08:00') && a.checkType === 'OnDuty')!;
    fake.fieldWork.addAttendance({ ...late, timeResult: 'Late', userCheckTime: ms('2026-11-26T09:20:00+08:00') });
    const again = await attendanceSync().run();
    expect(again).toMatchObject({ created: 0, updated: 1 });
    expect(fake.callsTo('attendance.list').at(-1)!.body).toMatchObject({ workDateFrom: '2026-11-25 00:00:00', workDateTo: '2026-11-26 00:00:00' });
    expect(await f.models.Activity.find({ source: 'dingtalk_attendance', sourceId: String(late.id) }).lean()).toEqual([expect.objectContaining({ dims: expect.objectContaining({ timeResult: 'Late' }) })]);
  });
});
