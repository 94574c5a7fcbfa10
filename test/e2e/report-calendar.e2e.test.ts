import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { say } from '../../src/fake-dingtalk/people.js';
import { cardsTo, testClock } from '../helpers/report-e2e.js';
import { seedReportData, type SeededOrg } from '../helpers/report-seed.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

// Wednesday 30 Sep 2026, 17:00:30 in Shanghai: 国庆 starts Thursday, so this week's Friday report is due now.
const WED = new Date('2026-09-30T09:00:30Z');

let h: Harness;
let org: SeededOrg;
const clock = testClock(WED);

beforeAll(async () => {
  h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock }, starterOrg: false });
  org = await seedReportData(h.service.models, { reps: 2, repsPerManager: 2, now: new Date('2026-09-30T09:00:00Z'), seed: 3 });
  h.fake.org.load({ users: org.fakeUsers });
}, 60_000);
afterAll(async () => {
  await h.stop();
});

describe('the Friday report on the China working-day calendar, through the SDK and the fake DingTalk', () => {
  it('HR setting Friday 17:00 that Wednesday evening is told the report goes out now, as the runner will do it', async () => {
    const n = h.fake.outbox.toUser('hr01').length;
    say(h.fake, { userId: 'hr01', text: '周报时间 周五 17:00' });
    const d = await h.fake.outbox.waitFor((x) => x.conversation === 'user:hr01' && h.fake.outbox.toUser('hr01').indexOf(x) >= n, 10_000);
    expect(d.text).toContain('本周的时间已过，本周周报将在一分钟内发出');
  });

  it('goes out on Wednesday 9/30 when Friday is 国庆, with the data cut at that time', async () => {
    await h.service.agenda.now('weekly-report');
    const run = await eventually(() => h.service.models.ReportRun.findById('scheduled|2026-W40').lean(), (r) => r?.status === 'done', 30_000);
    expect(run!.asOf).toEqual(new Date('2026-09-30T09:00:00Z'));
    for (const r of org.reps) expect(cardsTo(h.fake, r.id, 'weekly-report.schema')).toHaveLength(1);
  });

  it('sends nothing more on the holiday Friday', async () => {
    clock.set(new Date('2026-10-02T09:00:30Z'));
    const before = h.fake.outbox.deliveries.length;
    // The runner's tick itself (what the job runs), awaited: it has certainly looked at the schedule.
    await h.service.reports.runner.tick();
    expect(await h.service.models.ReportRun.countDocuments()).toBe(1);
    expect(h.fake.outbox.deliveries.length).toBe(before);
  });

  it('tells people the next push as it will really happen', async () => {
    clock.set(new Date('2026-09-28T02:00:00Z'));
    const n = h.fake.outbox.toUser(org.reps[0]!.id).length;
    say(h.fake, { userId: org.reps[0]!.id, text: '周报时间' });
    const d = await h.fake.outbox.waitFor((x) => x.conversation === `user:${org.reps[0]!.id}` && h.fake.outbox.toUser(org.reps[0]!.id).indexOf(x) >= n, 10_000);
    expect(d.text).toContain('下一次 9月30日 周三 17:00');
  });

  it('lets HR add a company day off (stored, audited) and refuses anyone else', async () => {
    const reply = async (userId: string, text: string) => {
      const n = h.fake.outbox.toUser(userId).length;
      say(h.fake, { userId, text });
      return (await h.fake.outbox.waitFor((d) => d.conversation === `user:${userId}` && h.fake.outbox.toUser(userId).indexOf(d) >= n, 10_000)).text ?? '';
    };
    expect(await reply(org.reps[0]!.id, '公司假期 放假 2026-12-31 年终盘点')).toBe('只有 HR 可以设置公司假期。');
    expect(await h.service.models.CompanyDay.countDocuments()).toBe(0);
    expect(await reply('hr01', '公司假期 放假 2026-12-30 至 2026-12-31 年终盘点')).toContain('已设置：2026-12-30 至 2026-12-31（2 天） 公司放假');
    expect(await h.service.models.CompanyDay.find().lean()).toHaveLength(2);
    expect(await h.service.models.AuditLog.countDocuments({ action: 'calendar.set' })).toBe(2);
    const list = await reply(org.reps[0]!.id, '公司假期');
    expect(list).toContain('2026-12-31 放假：年终盘点');
    expect(list).toContain('2027 年的国务院放假安排还没有收录');
    // Someone writing English gets English, refusal included.
    expect(await reply(org.reps[0]!.id, 'company days off 2027-01-04 team day')).toBe('Only HR can set company days.');
    expect(await reply(org.reps[0]!.id, 'company days')).toContain('2026-12-31 off: 年终盘点');
    expect(await h.service.models.CompanyDay.countDocuments()).toBe(2);
    // A remark with markdown characters: the confirmation is plain text, so it reads as typed (no backslashes);
    // the list is markdown, so there it is escaped.
    const confirm = await reply('hr01', '公司假期 放假 2027-01-05 团建*全员*_A|B_');
    expect(confirm).toBe('已设置：2027-01-05 公司放假（团建*全员*_A|B_）。周报推送日、进度和提醒会按此计算。');
    expect(await reply(org.reps[0]!.id, '公司假期')).toContain('2027-01-05 放假：团建\\*全员\\*\\_A\\|B\\_');
  });
});
