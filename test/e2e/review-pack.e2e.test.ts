import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attainmentLabel } from '../../src/domain/charts/goal-actual-chart.js';
import { say } from '../../src/fake-dingtalk/people.js';
import type { Delivery } from '../../src/fake-dingtalk/types.js';
import { testClock } from '../helpers/report-e2e.js';
import { seedReportData, type SeededOrg } from '../helpers/report-seed.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

// Wednesday 25 Nov 2026, 17:00 Shanghai. The seeded quarter (2026Q4) has its review on 25 Dec 00:00 local
// (quarter end − 7 days), so T−72h is 22 Dec 00:00 local = 21 Dec 16:00Z.
const NOW = new Date('2026-11-25T09:00:00Z');
const DUE = new Date('2026-12-21T16:00:00Z');
const GROUP = 'cidReviewTeam1';

const inGroup = (h: Harness) => h.fake.outbox.inGroup(GROUP);
const byType = (ds: Delivery[], type: Delivery['type']) => ds.filter((d) => d.type === type);

/** Signed amount, target and win rate per rep straight from the stored documents (not through the pack code). */
async function independent(h: Harness, org: SeededOrg, asOf: Date) {
  const m = h.service.models;
  const deals = (await m.Deal.find({ quarterId: org.quarterId, deleted: { $ne: true } }).lean()).filter((d) => d.closeDate && d.closeDate < asOf);
  const goals = new Map((await m.Goal.find({ quarterId: org.quarterId }).lean()).map((g) => [g.ownerId, g]));
  return new Map(
    org.reps.map((r) => {
      const mine = deals.filter((d) => d.personId === r.id);
      const won = mine.filter((d) => d.isWon);
      const lost = mine.filter((d) => d.isClosed && !d.isWon);
      const signed = won.reduce((s, d) => s + d.amountCny, 0);
      const target = goals.get(r.id)?.targets.find((t) => t.metric === 'signed_amount')?.value ?? null;
      return [r.id, { name: r.name, signed, target, won: won.length, lost: lost.length, winRate: won.length + lost.length ? won.length / (won.length + lost.length) : null }];
    }),
  );
}

describe('pre-review pack, end to end through the SDK and the fake DingTalk', () => {
  let h: Harness;
  let org: SeededOrg;
  const clock = testClock(NOW);
  let mgr1: { id: string; name: string };
  let mgr2: { id: string; name: string };

  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock }, starterOrg: false });
    org = await seedReportData(h.service.models, { reps: 6, repsPerManager: 3, now: NOW, seed: 21 });
    [mgr1, mgr2] = org.managers as [typeof mgr1, typeof mgr2];
    const team1 = org.reps.filter((r) => r.managerId === mgr1.id);
    h.fake.org.load({ users: org.fakeUsers, groups: [{ openConversationId: GROUP, title: `${mgr1.name}团队`, memberIds: [mgr1.id, ...team1.map((r) => r.id)] }] });
    // Lost opportunities, so win rate is won ÷ closed and not 100 %; and one rep without a target.
    const lost = org.reps.flatMap((r, i) =>
      Array.from({ length: 2 + i }, (_, k) => ({
        personId: r.id, source: 'seed', sourceId: `${r.id}-lost-${k}`, stage: 'closed_lost', amountCny: 0, isWon: false, isClosed: true,
        closeDate: new Date(`2026-11-${String(3 + k).padStart(2, '0')}T04:00:00Z`), quarterId: org.quarterId, isoWeek: '2026-W45',
      })),
    );
    await h.service.models.Deal.insertMany(lost);
    await h.service.models.Goal.deleteOne({ quarterId: org.quarterId, ownerId: team1[2]!.id });
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('binds the team group from a manager\'s message in it, and refuses a rep', async () => {
    say(h.fake, { userId: org.reps[0]!.id, text: '绑定团队群', openConversationId: GROUP });
    await h.fake.outbox.waitFor((d) => d.conversation === `group:${GROUP}` && (d.text ?? '').includes('只有团队主管'), 10_000);
    say(h.fake, { userId: mgr1.id, text: '绑定团队群', openConversationId: GROUP });
    await h.fake.outbox.waitFor((d) => d.conversation === `group:${GROUP}` && (d.text ?? '').startsWith('已绑定'), 10_000);
    expect(await h.service.models.ReviewTeam.findById(mgr1.id).lean()).toMatchObject({ groupId: GROUP });
  });

  it('plans one Agenda job per team at T−72h, and re-plans it when HR moves a team\'s review', async () => {
    await h.service.packs.service.tick();
    const jobs = async () => (await h.service.conn.db!.collection('agenda_jobs').find({ name: 'review-pack-team' }).toArray()).map((j) => ({ m: j.data.managerId, at: (j.nextRunAt as Date).toISOString() }));
    expect((await jobs()).sort((a, b) => a.m.localeCompare(b.m))).toEqual([{ m: mgr1.id, at: DUE.toISOString() }, { m: mgr2.id, at: DUE.toISOString() }]);
    say(h.fake, { userId: 'hr01', text: `复盘时间 团队 ${mgr2.id} 2026-12-30 14:00` });
    const ack = await h.fake.outbox.waitFor((d) => d.conversation === 'user:hr01' && (d.text ?? '').startsWith('已设置'), 10_000);
    // T−72h is Sun 12/27 14:00, a day off on the company calendar: moved to the working day before, same time.
    expect(ack.text).toContain('复盘包将在 12月25日 周五 14:00 发出');
    expect((await jobs()).find((j) => j.m === mgr2.id)!.at).toBe('2026-12-25T06:00:00.000Z');
    expect((await jobs()).find((j) => j.m === mgr1.id)!.at).toBe(DUE.toISOString());
    expect(inGroup(h).filter((d) => d.type !== 'text')).toHaveLength(0);
  });

  it('at T−72h delivers exactly one card, three PNGs and the CSV to the bound group, with figures that match the stored data', async () => {
    clock.set(new Date(DUE.getTime() + 60_000));
    await h.service.agenda.now('review-pack');
    await eventually(() => byType(inGroup(h), 'file').length, (n) => n === 1, 60_000);
    const ds = inGroup(h);
    expect(byType(ds, 'card')).toHaveLength(1);
    expect(byType(ds, 'image')).toHaveLength(3);
    expect(byType(ds, 'file')).toHaveLength(1);
    for (const img of byType(ds, 'image')) expect((await sharp(h.fake.media.get(img.mediaId!)!.data).metadata()).format).toBe('png');

    const asOf = clock.now();
    const expected = await independent(h, org, asOf);
    const file = byType(ds, 'file')[0]!;
    expect(file.fileName).toBe(`复盘数据-${mgr1.name}团队-${org.quarterId}.csv`);
    const bytes = h.fake.media.get(file.mediaId!)!.data;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(bytes.subarray(3).toString('utf8'), { columns: true }) as Array<Record<string, string>>;
    const team1 = org.reps.filter((r) => r.managerId === mgr1.id);
    expect(rows.map((r) => r.userid).sort()).toEqual(team1.map((r) => r.id).sort());
    const pct1 = (x: number | null) => (x === null ? '' : `${(Math.round(x * 1000) / 10).toFixed(1)}%`);
    for (const row of rows) {
      const e = expected.get(row.userid!)!;
      expect(row['签约额（元）'], e.name).toBe(String(e.signed));
      expect(row['签约额目标'], e.name).toBe(e.target === null ? '未设目标' : String(e.target));
      expect(row['签约额达成率'], e.name).toBe(e.target === null ? '' : pct1(e.signed / e.target));
      expect(row['赢单'], e.name).toBe(String(e.won));
      expect(row['输单'], e.name).toBe(String(e.lost));
      expect(row['赢单率'], e.name).toBe(pct1(e.winRate));
    }
    const card = h.fake.outbox.cards.get(byType(ds, 'card')[0]!.outTrackId!)!;
    expect(card.outTrackId).toBe(`review-pack:${org.quarterId}:${mgr1.id}`);
    expect(card.cardParamMap.title).toBe(`复盘包 · ${mgr1.name}团队 · ${org.quarterId}`);
    // The card leads with attribution: every rep named there carries the independently computed attainment.
    const attribution = card.cardParamMap.attribution!;
    expect(attribution).toContain(`**${team1[2]!.name}**（未设目标）`);
    for (const r of team1) {
      const e = expected.get(r.id)!;
      if (e.target !== null && attribution.includes(`**${r.name}**`)) expect(attribution).toContain(`**${r.name}**（达成 ${attainmentLabel(e.signed / e.target)}）`);
    }
    // The other team's review moved: nothing for it yet.
    expect(h.fake.outbox.toUser(mgr2.id).filter((d) => d.type === 'card' && d.outTrackId?.startsWith('review-pack'))).toHaveLength(0);
  }, 90_000);

  it('sends nothing new on a second run or after a restart', async () => {
    const before = h.fake.outbox.deliveries.length;
    await h.service.packs.service.tick();
    await h.service.agenda.now('review-pack');
    const other = await h.startAnother();
    await other.packs.service.tick();
    await other.agenda.now('review-pack');
    await new Promise((r) => setTimeout(r, 1500));
    expect(h.fake.outbox.deliveries.filter((d) => d.seq > before && d.conversation === `group:${GROUP}`)).toHaveLength(0);
    expect(await h.service.models.Delivery.countDocuments({ kind: 'review-pack', recipientId: mgr1.id, status: 'sent' })).toBe(5);
  }, 30_000);

  it('sends a team without a bound group to its manager 1:1 with a hint, at its moved T−72h', async () => {
    clock.set(new Date('2026-12-25T06:01:00Z'));
    await h.service.packs.service.tick();
    const hint = await h.fake.outbox.waitFor((d) => d.conversation === `user:${mgr2.id}` && (d.text ?? '').includes('绑定团队群'), 60_000);
    expect(hint.type).toBe('text');
    const mine = h.fake.outbox.toUser(mgr2.id);
    expect(mine.filter((d) => d.type === 'card' && d.outTrackId === `review-pack:${org.quarterId}:${mgr2.id}`)).toHaveLength(1);
    expect(byType(mine, 'image')).toHaveLength(3);
    expect(byType(mine, 'file')).toHaveLength(1);
  }, 90_000);

  it('answers bad requests with a specific message', async () => {
    const ask = async (userId: string, text: string) => {
      const before = h.fake.outbox.deliveries.length;
      say(h.fake, { userId, text });
      return (await h.fake.outbox.waitFor((d) => d.seq > before && d.conversation === `user:${userId}` && d.type === 'text', 20_000)).text;
    };
    expect(await ask('hr01', '复盘 团队 不存在的人')).toContain('没有找到「不存在的人」的团队');
    expect(await ask(org.reps[0]!.id, '复盘')).toContain('你没有直属下属');
    expect(await ask(mgr1.id, `复盘 团队 ${mgr2.id}`)).toBe('你只能查看自己团队和下级团队的复盘包。');
    expect(await ask('hr01', `复盘时间 团队 ${mgr1.id} 明天下午`)).toContain('没看懂时间');
    expect(await ask(org.reps[0]!.id, `复盘时间 团队 ${mgr1.id} 2026-12-24 14:00`)).toBe('只有 HR 可以修改复盘时间。');
    // A team with neither goals nor deals: a sentence, no empty charts.
    await h.service.models.Person.insertMany([
      { _id: 'mgr9', name: '空团队主管', role: 'manager', managerId: null, source: 'seed' },
      { _id: 'rep9', name: '新人', role: 'rep', managerId: 'mgr9', source: 'seed' },
    ]);
    expect(await ask('hr01', '复盘 团队 mgr9')).toContain('既没有目标也没有商机');
  }, 60_000);

  it('lets HR list the bindings and review times, and tells a manager binding in 1:1 where to do it', async () => {
    const ask = async (userId: string, text: string) => {
      const before = h.fake.outbox.deliveries.length;
      say(h.fake, { userId, text });
      return (await h.fake.outbox.waitFor((d) => d.seq > before && d.conversation === `user:${userId}` && (d.type === 'text' || d.type === 'markdown'), 20_000)).text ?? '';
    };
    const list = await ask('hr01', '复盘群');
    expect(list).toContain(`- ${mgr1.name}团队：群「${mgr1.name}团队」，复盘 12月25日`);
    expect(list).toContain(`- ${mgr2.name}团队：未绑定（发给主管本人），复盘 12月30日 周三 14:00（单独设置）`);
    expect(await ask(mgr1.id, '复盘群')).toBe('只有 HR 可以查看全部团队的群绑定。');
    expect(await ask(mgr1.id, '绑定团队群')).toBe('请在团队群里 @机器人 发送「绑定团队群」。');
    expect(await ask(mgr1.id, '复盘时间')).toContain(`${org.quarterId} 评审会：12月25日`);
  }, 60_000);

  it('lets a manager see their own pack on request, in 1:1 only', async () => {
    const before = h.fake.outbox.deliveries.length;
    say(h.fake, { userId: mgr1.id, text: '复盘' });
    await eventually(() => h.fake.outbox.toUser(mgr1.id).filter((d) => d.seq > before && d.type === 'file').length, (n) => n === 1, 60_000);
    const got = h.fake.outbox.toUser(mgr1.id).filter((d) => d.seq > before);
    expect(byType(got, 'card')).toHaveLength(1);
    expect(byType(got, 'image')).toHaveLength(3);
  }, 60_000);

  it('asked in the team group: the pack goes 1:1, the group hears only that it did', async () => {
    const before = h.fake.outbox.deliveries.length;
    say(h.fake, { userId: mgr1.id, text: '复盘', openConversationId: GROUP });
    await eventually(() => h.fake.outbox.toUser(mgr1.id).filter((d) => d.seq > before && d.type === 'file').length, (n) => n === 1, 60_000);
    const inGroup = h.fake.outbox.inGroup(GROUP).filter((d) => d.seq > before);
    expect(inGroup.map((d) => [d.type, d.text])).toEqual([['text', '复盘包含每个人的数据，已私聊发给你。']]);
    // The 1:1 chat gets the pack itself, not a "sent to you privately" note as well.
    const oneToOne = h.fake.outbox.toUser(mgr1.id).filter((d) => d.seq > before && d.conversation === `user:${mgr1.id}`);
    expect(oneToOne.filter((d) => (d.text ?? '').includes('私聊'))).toEqual([]);
    expect(byType(oneToOne, 'card')).toHaveLength(1);
  }, 60_000);

  it('lets a skip-level manager see a sub-team\'s pack, but not the other way round', async () => {
    await h.service.models.Person.updateOne({ _id: mgr2.id }, { $set: { managerId: mgr1.id } });
    const before = h.fake.outbox.deliveries.length;
    say(h.fake, { userId: mgr1.id, text: `复盘 团队 ${mgr2.name}` });
    await eventually(() => h.fake.outbox.toUser(mgr1.id).filter((d) => d.seq > before && d.type === 'file').length, (n) => n === 1, 60_000);
    const file = h.fake.outbox.toUser(mgr1.id).find((d) => d.seq > before && d.type === 'file')!;
    expect(file.fileName).toBe(`复盘数据-${mgr2.name}团队-${org.quarterId}.csv`);
    const seq = h.fake.outbox.deliveries.length;
    say(h.fake, { userId: mgr2.id, text: `复盘 团队 ${mgr1.id}` });
    const refusal = await h.fake.outbox.waitFor((d) => d.seq > seq && d.conversation === `user:${mgr2.id}` && d.type === 'text', 20_000);
    expect(refusal.text).toBe('你只能查看自己团队和下级团队的复盘包。');
    // mgr1's own pack now has mgr2 among the direct reports: a manager (with a goal, the team's roll-up) is not
    // a row scored on an empty book.
    const repGoal = (await h.service.models.Goal.findOne({ quarterId: org.quarterId }).lean())!;
    const { _id: _ignored, ...goalFields } = repGoal as typeof repGoal & { _id: unknown };
    await h.service.models.Goal.create({ ...goalFields, ownerId: mgr2.id });
    const mine = h.fake.outbox.deliveries.length;
    say(h.fake, { userId: mgr1.id, text: '复盘' });
    await eventually(() => h.fake.outbox.toUser(mgr1.id).filter((d) => d.seq > mine && d.type === 'file').length, (n) => n === 1, 60_000);
    const got = h.fake.outbox.toUser(mgr1.id).filter((d) => d.seq > mine);
    const csv = h.fake.media.get(byType(got, 'file')[0]!.mediaId!)!.data.toString('utf8');
    expect(csv).not.toContain(mgr2.name);
    const packCard = h.fake.outbox.cards.get(byType(got, 'card')[0]!.outTrackId!)!.cardParamMap;
    expect(packCard.attribution).not.toContain(mgr2.name);
    // With only a manager below, nothing is scored: an honest sentence instead of a pack of zeros.
    await h.service.models.Person.updateMany({ managerId: mgr1.id, _id: { $ne: mgr2.id } }, { $set: { managerId: mgr2.id } });
    const only = h.fake.outbox.deliveries.length;
    say(h.fake, { userId: mgr1.id, text: '复盘' });
    const sentence = await h.fake.outbox.waitFor((d) => d.seq > only && d.conversation === `user:${mgr1.id}` && d.type === 'text', 30_000);
    expect(sentence.text).toContain('直属成员都是带团队的主管');
  }, 120_000);

  it('keeps a group title (outside text) well-formed when stored and escaped where HR lists it', async () => {
    const title = `${'群'.repeat(99)}😀**粗**`;
    h.fake.org.load({ groups: [{ openConversationId: 'cidLongTitle', title, memberIds: [mgr2.id] }] });
    say(h.fake, { userId: mgr2.id, text: '绑定团队群', openConversationId: 'cidLongTitle' });
    await h.fake.outbox.waitFor((d) => d.conversation === 'group:cidLongTitle' && (d.text ?? '').startsWith('已绑定'), 10_000);
    const stored = (await h.service.models.ReviewTeam.findById(mgr2.id).lean())!.groupTitle!;
    // Half an emoji would be stored as U+FFFD (a � in every list): cut by characters instead.
    expect(stored).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|\uFFFD/);
    expect(stored.startsWith('群'.repeat(99))).toBe(true);
    const before = h.fake.outbox.deliveries.length;
    h.fake.org.load({ groups: [{ openConversationId: 'cidEvilTitle', title: '**粗** [点我](http://x)', memberIds: [mgr2.id] }] });
    say(h.fake, { userId: mgr2.id, text: '绑定团队群', openConversationId: 'cidEvilTitle' });
    await h.fake.outbox.waitFor((d) => d.seq > before && d.conversation === 'group:cidEvilTitle' && (d.text ?? '').startsWith('已绑定'), 10_000);
    const seq = h.fake.outbox.deliveries.length;
    say(h.fake, { userId: 'hr01', text: '复盘群' });
    const list = await h.fake.outbox.waitFor((d) => d.seq > seq && d.conversation === 'user:hr01' && d.type === 'markdown', 20_000);
    expect(list.text).toContain('群「\\*\\*粗\\*\\* \\[点我\\](http://x)」');
  }, 60_000);
});
