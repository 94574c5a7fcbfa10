import chineseDays from 'chinese-days';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatValue } from '../../src/domain/charts/bar-chart.js';
import { clickCard, say } from '../../src/fake-dingtalk/people.js';
import { cardsTo, testClock } from '../helpers/report-e2e.js';
import { seedReportData, type SeededOrg } from '../helpers/report-seed.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

// Friday 27 Nov 2026, 17:00:30 in Shanghai: half a minute after the default schedule (Fri 17:00).
const NOW = new Date('2026-11-27T09:00:30Z');
const AS_OF = new Date('2026-11-27T09:00:00Z');
const RUN_ID = 'scheduled|2026-W48';

const wan = (v: number) => formatValue(v, 'cny-wan');
const pct = (x: number) => `${Math.round(x * 100)}%`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Elapsed share of the quarter's working days at `at` (the current day by the hour), Shanghai days. */
function workingDayShare(start: Date, end: Date, at: Date): number {
  let total = 0;
  let elapsed = 0;
  for (let t = start.getTime(); t < end.getTime(); t += 86_400_000) {
    const day = new Date(t + 8 * 3_600_000).toISOString().slice(0, 10);
    if (!chineseDays.isWorkday(day)) continue;
    total++;
    elapsed += Math.min(1, Math.max(0, (at.getTime() - t) / 86_400_000));
  }
  return elapsed / total;
}

interface Expected {
  signed: number;
  signedTarget: number;
  newCustomers: number;
  weekCounted: number;
  visits: number;
  won: number;
  lost: number;
  score: number;
}

/**
 * The report's figures recomputed straight from the stored documents, without the report code: the
 * definitions on the card (counted activities before the cut-off, won deals, linear pace, score weights).
 */
async function independentFigures(h: Harness, org: SeededOrg): Promise<Map<string, Expected>> {
  const m = h.service.models;
  const q = (await m.Quarter.findById(org.quarterId).lean())!;
  // The linear pace counts working days (National Day week and 调休 included), straight from chinese-days.
  const share = workingDayShare(q.startDate, q.endDate, AS_OF);
  const acts = await m.Activity.find({ quarterId: org.quarterId, startAt: { $lt: AS_OF } }).lean();
  const closedDeals = (await m.Deal.find({ quarterId: org.quarterId, isClosed: true }).lean()).filter((d) => !d.closeDate || d.closeDate < AS_OF);
  const deals = closedDeals.filter((d) => d.isWon);
  const lostDeals = closedDeals.filter((d) => !d.isWon);
  const goals = new Map((await m.Goal.find({ quarterId: org.quarterId }).lean()).map((g) => [g.ownerId, g]));
  const per = org.reps.map((r) => {
    const mine = acts.filter((a) => a.personId === r.id);
    const counted = mine.filter((a) => a.counted);
    const won = deals.filter((d) => d.personId === r.id);
    const target = (k: string) => goals.get(r.id)!.targets.find((t) => t.metric === k)!.value;
    return {
      id: r.id,
      all: mine.length,
      counted: counted.length,
      weekCounted: counted.filter((a) => a.isoWeek === '2026-W48').length,
      visits: counted.filter((a) => a.type === 'visit').length,
      won: won.length,
      lost: lostDeals.filter((d) => d.personId === r.id).length,
      signed: won.reduce((s, d) => s + d.amountCny, 0),
      newCustomers: new Set(won.filter((d) => d.isNewCustomer).map((d) => d.accountId)).size,
      signedTarget: target('signed_amount'),
      customersTarget: target('new_customers'),
    };
  });
  const medianCounted = median(per.map((p) => p.counted));
  // Win rate on opportunities: won ÷ closed, compared among reps with at least 3 closed.
  const medianWinRate = median(per.filter((p) => p.won + p.lost >= 3).map((p) => p.won / (p.won + p.lost)));
  const out = new Map<string, Expected>();
  for (const p of per) {
    const parts: Array<[number, number | null]> = [
      [0.4, (Math.min(1, p.signed / (p.signedTarget * share)) + Math.min(1, p.newCustomers / (p.customersTarget * share))) / 2],
      [0.25, medianCounted > 0 ? Math.min(1, p.counted / medianCounted) : null],
      [0.15, p.all > 0 ? p.counted / p.all : null],
      [0.2, p.won + p.lost >= 3 && medianWinRate > 0 ? Math.min(1, p.won / (p.won + p.lost) / medianWinRate) : null],
    ];
    const used = parts.filter(([, v]) => v !== null);
    const wsum = used.reduce((s, [w]) => s + w, 0);
    const score = Math.round((100 * used.reduce((s, [w, v]) => s + w * v!, 0)) / wsum);
    out.set(p.id, { signed: p.signed, signedTarget: p.signedTarget, newCustomers: p.newCustomers, weekCounted: p.weekCounted, visits: p.visits, won: p.won, lost: p.lost, score });
  }
  return out;
}

function storedPrediction(org: SeededOrg, r: SeededOrg['reps'][number], week: number, probability: number | null) {
  return {
    _id: `${org.quarterId}|w${week}|${r.id}|signed_amount`, quarterId: org.quarterId, week, personId: r.id, managerId: r.managerId, metric: 'signed_amount',
    probability, modelVersion: probability === null ? null : 4, thin: probability === null, target: 900_000, achieved: 350_000, paceProjected: 568_750,
    factors: probability === null ? [] : [{ key: 'visits', label: '有效拜访', value: 2.5, reference: 4, deltaPoints: -12, text: `有效拜访 2.5 次/周（团队中位 4.0）：−12 个百分点` }],
    asOf: new Date('2026-11-26T16:00:00Z'),
  };
}

describe('Friday activity health report, end to end through the SDK and the fake DingTalk', () => {
  let h: Harness;
  let org: SeededOrg;
  const clock = testClock(NOW);

  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock }, starterOrg: false });
    org = await seedReportData(h.service.models, { reps: 6, repsPerManager: 3, now: AS_OF, seed: 7 });
    h.fake.org.load({ users: org.fakeUsers });
    // Data after the cut-off must not show up in the report.
    await h.service.models.Activity.create({
      personId: org.reps[0]!.id, type: 'visit', source: 'seed', sourceId: 'late-visit', startAt: new Date('2026-11-27T09:30:00Z'),
      counted: true, day: '2026-11-27', isoWeek: '2026-W48', quarterId: org.quarterId,
    });
    await h.service.models.Deal.create({
      personId: org.reps[0]!.id, source: 'seed', sourceId: 'late-deal', stage: 'won', amountCny: 990_000, isWon: true,
      closeDate: new Date('2026-11-27T10:00:00Z'), quarterId: org.quarterId, isoWeek: '2026-W48',
    });
    // Stored predictions (issue 11), as the week-8 alert writes them: the report reads, never recomputes.
    // A week-9 one is after this Friday's week and must not show; rep 2 has a thin (no model) prediction.
    const probabilities = [0.21, 0.64, null, 0.45, 0.38, 0.9];
    await h.service.models.Prediction.insertMany([
      ...org.reps.map((r, i) => storedPrediction(org, r, 8, probabilities[i] ?? null)),
      storedPrediction(org, org.reps[0]!, 9, 0.99),
    ]);
    await h.service.agenda.now('weekly-report');
    await eventually(() => h.service.models.ReportRun.findById(RUN_ID).lean(), (r) => r?.status === 'done', 30_000);
  });
  afterAll(async () => {
    await h.stop();
  });

  it('sends every rep one report card with its chart, and every manager one team summary', async () => {
    for (const r of org.reps) {
      const cards = cardsTo(h.fake, r.id);
      expect(cards, r.id).toHaveLength(1);
      expect(cards[0]!.templateId).toBe('trichain-weekly-report.schema');
      expect(cards[0]!.outTrackId).toBe(`weekly-report:2026-W48:${r.id}:report`);
      const png = h.fake.media.get(cards[0]!.cardParamMap.chartMediaId!)!.data;
      expect((await sharp(png).metadata()).format).toBe('png');
    }
    for (const m of org.managers) {
      const cards = cardsTo(h.fake, m.id);
      expect(cards, m.id).toHaveLength(1);
      expect(cards[0]!.templateId).toBe('trichain-team-report.schema');
      expect(h.fake.media.has(cards[0]!.cardParamMap.chartMediaId!)).toBe(true);
    }
    expect(h.fake.outbox.toUser(org.hrId)).toHaveLength(0);
    const run = (await h.service.models.ReportRun.findById(RUN_ID).lean())!;
    expect(run.counts).toMatchObject({ recipients: 8, sent: 8, failed: 0 });
    expect(run.asOf).toEqual(AS_OF);
  });

  it('shows figures that match an independent calculation from the stored data', async () => {
    const expected = await independentFigures(h, org);
    for (const r of org.reps) {
      const e = expected.get(r.id)!;
      const card = cardsTo(h.fake, r.id)[0]!.cardParamMap;
      expect(card.scoreLine, r.id).toContain(`**健康分 ${e.score}**`);
      expect(card.progress, r.id).toContain(`签约额：${wan(e.signed)} / 目标 ${wan(e.signedTarget)}（${pct(e.signed / e.signedTarget)}）`);
      expect(card.progress, r.id).toContain(`新客户：${e.newCustomers} / 目标`);
      expect(card.activities, r.id).toContain(`**本周有效活动 ${e.weekCounted} 次**`);
      const closed = e.won + e.lost;
      expect(e.lost, r.id).toBeGreaterThan(0);
      const winRate = closed > 0 ? `**赢单率**：赢单 ${e.won} / 结单 ${closed} = ${pct(e.won / closed)}` : `赢单 ${e.won}，输单 ${e.lost}），无法计算`;
      expect(card.activities, r.id).toContain(winRate);
    }
  });

  it('shows each rep their stored probability and factors (or 历史数据不足 with the pace), and managers the reps below 50 % first', async () => {
    // The pass added the week's new-customer predictions (thin: this company has no history) to the stored signed-amount ones.
    const docs = await h.service.models.Prediction.find({ quarterId: org.quarterId, week: 8, metric: 'signed_amount' }).lean();
    expect(docs).toHaveLength(org.reps.length);
    for (const d of docs) {
      const card = cardsTo(h.fake, d.personId)[0]!.cardParamMap;
      if (d.probability == null) {
        expect(card.progress, d.personId).toContain('历史数据不足');
        expect(card.progress, d.personId).toContain(`按当前节奏推算季末签约额 ${wan(d.paceProjected)} / 目标 ${wan(d.target)}（按节奏推算，不是预测）`);
      } else {
        expect(card.progress, d.personId).toContain(`**达成签约额目标的概率 ${pct(d.probability)}**（第 8 周预测，模型 v4）`);
        for (const f of d.factors as Array<{ text: string }>) expect(card.progress, d.personId).toContain(`- ${f.text}`);
      }
    }
    // Rep 0's week-9 prediction is after this Friday's week 8: not shown.
    expect(cardsTo(h.fake, org.reps[0]!.id)[0]!.cardParamMap.progress).not.toContain('99%');
    for (const m of org.managers) {
      const members = cardsTo(h.fake, m.id)[0]!.cardParamMap.members!;
      const below = docs.filter((d) => d.managerId === m.id && d.probability != null && d.probability < 0.5).sort((a, b) => a.probability! - b.probability!);
      const name = (id: string) => org.reps.find((r) => r.id === id)!.name;
      const block = members.split('\n\n')[0]!.split('\n');
      if (below.length === 0) {
        expect(block[0], m.id).toContain('没有成员低于 50%');
      } else {
        expect(block[0], m.id).toBe('**达成目标的概率低于 50% 的成员**（第 8 周预测，任一指标低于即列出，低的在前）');
        expect(block.slice(1).map((l) => l.split(' · ')[0]), m.id).toEqual(below.map((d) => `- **${name(d.personId)}** 签约额 ${pct(d.probability!)}`));
      }
    }
  });

  it('sorts the team summary lowest score first, with a picker for every member', async () => {
    const expected = await independentFigures(h, org);
    for (const m of org.managers) {
      const card = cardsTo(h.fake, m.id)[0]!.cardParamMap;
      const team = org.reps.filter((r) => r.managerId === m.id);
      const options = JSON.parse(card.memberOptions!) as Array<{ value: string; label: string }>;
      expect(options.map((o) => o.value).sort()).toEqual(team.map((r) => r.id).sort());
      const scores = options.map((o) => expected.get(o.value)!.score);
      expect(scores).toEqual([...scores].sort((a, b) => a - b));
      expect(card.members!.split('\n').filter((l) => /^\d+\. /.test(l))).toHaveLength(team.length);
    }
  });

  it('never sends the same week twice: running the job again delivers nothing new', async () => {
    const before = h.fake.outbox.deliveries.length;
    await h.service.reports.runner.tick();
    await h.service.agenda.now('weekly-report');
    await new Promise((r) => setTimeout(r, 1500));
    await h.service.reports.runner.idle();
    expect(h.fake.outbox.deliveries.length).toBe(before);
    expect(await h.service.models.Delivery.countDocuments({ kind: 'weekly-report', status: 'sent' })).toBe(8);
    const metrics = await (await fetch(`${h.service.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/trichain_delivery_failed_recipients\{kind="weekly-report"\} 0/);
  });

  it('opens a team member\'s full report for their manager, with the same figures the rep got', async () => {
    const mgr = org.managers[0]!;
    const rep = org.reps.find((r) => r.managerId === mgr.id)!;
    const summary = cardsTo(h.fake, mgr.id)[0]!;
    clickCard(h.fake, { outTrackId: summary.outTrackId, userId: mgr.id, params: { action: 'weekly-report.open', week: '2026-W48', subjectId: rep.id } });
    const view = await eventually(() => cardsTo(h.fake, mgr.id, 'weekly-report.schema'), (c) => c.length === 1, 10_000);
    const pushed = cardsTo(h.fake, rep.id)[0]!.cardParamMap;
    for (const k of ['title', 'scoreLine', 'insight', 'progress', 'activities', 'notCounted', 'scoreParts', 'footer']) {
      expect(view[0]!.cardParamMap[k], k).toBe(pushed[k]);
    }
    expect(view[0]!.cardParamMap.chartMediaId).toBeDefined();
    expect(cardsTo(h.fake, rep.id)).toHaveLength(1); // the rep is not sent anything
  });

  it('refuses to open the report of someone outside the manager\'s team', async () => {
    const [mgrA, mgrB] = org.managers;
    const outsider = org.reps.find((r) => r.managerId === mgrB!.id)!;
    const before = cardsTo(h.fake, mgrA!.id).length;
    clickCard(h.fake, { outTrackId: cardsTo(h.fake, mgrA!.id)[0]!.outTrackId, userId: mgrA!.id, params: { action: 'weekly-report.open', week: '2026-W48', subjectId: outsider.id } });
    const reply = await h.fake.outbox.waitFor((d) => d.conversation === `user:${mgrA!.id}` && d.type === 'text', 10_000);
    expect(reply.text).toBe('你只能查看自己和下属的周报。');
    expect(cardsTo(h.fake, mgrA!.id)).toHaveLength(before);
  });

  it('lets HR push a team now without sending anyone this week\'s report twice, and reports back', async () => {
    const mgr = org.managers[1]!;
    const before = h.fake.outbox.deliveries.filter((d) => d.type === 'card').length;
    say(h.fake, { userId: org.hrId, text: `周报 推送 团队 ${mgr.id}` });
    const ack = await h.fake.outbox.waitFor((d) => d.conversation === `user:${org.hrId}` && (d.text ?? '').includes('推送完成'), 20_000);
    expect(ack.text).toBe('第48周周报推送完成：共 4 份，本次发出 0 份，之前已发 4 份（不重复发送）。');
    expect(h.fake.outbox.deliveries.filter((d) => d.type === 'card').length).toBe(before);
  });

  it('does not let a rep push reports, but shows them their own report on request', async () => {
    const rep = org.reps[1]!;
    say(h.fake, { userId: rep.id, text: '周报 推送 全部' });
    const refusal = await h.fake.outbox.waitFor((d) => d.conversation === `user:${rep.id}` && d.type !== 'card', 10_000);
    expect(refusal.text).toContain('只有 HR 可以立即推送周报');
    say(h.fake, { userId: rep.id, text: '周报' });
    const cards = await eventually(() => cardsTo(h.fake, rep.id), (c) => c.length === 2, 10_000);
    expect(cards[1]!.outTrackId).toMatch(new RegExp(`^weekly-report-view:2026-W48:${rep.id}:${rep.id}:`));
  });

  it('asked in a group: the report goes 1:1 and the group is told so (it used to hear nothing)', async () => {
    const rep = org.reps[1]!;
    h.fake.org.load({ groups: [{ openConversationId: 'cidReportGroup', title: '团队群', memberIds: [rep.id, rep.managerId!] }] });
    const before = cardsTo(h.fake, rep.id).length;
    say(h.fake, { userId: rep.id, text: '周报', openConversationId: 'cidReportGroup' });
    const note = await h.fake.outbox.waitFor((d) => d.conversation === 'group:cidReportGroup', 10_000);
    expect(note.text).toBe('涉及个人数据，已私聊发送给你。');
    await eventually(() => cardsTo(h.fake, rep.id), (c) => c.length === before + 1, 10_000);
    expect(h.fake.outbox.inGroup('cidReportGroup').filter((d) => d.type === 'card')).toEqual([]);
  });

  it('shows a manager their team summary, live, when they ask', async () => {
    const mgr = org.managers[0]!;
    say(h.fake, { userId: mgr.id, text: '周报' });
    const views = await eventually(() => cardsTo(h.fake, mgr.id, 'team-report.schema'), (c) => c.length === 2, 10_000);
    expect(views[1]!.outTrackId).toMatch(new RegExp(`^weekly-report-view:2026-W48:${mgr.id}:team:`));
    const options = JSON.parse(views[1]!.cardParamMap.memberOptions!) as Array<{ value: string }>;
    expect(options.map((o) => o.value).sort()).toEqual(org.reps.filter((r) => r.managerId === mgr.id).map((r) => r.id).sort());
  });

  it('lets HR change the push time in chat (audited), and only HR', async () => {
    say(h.fake, { userId: org.reps[2]!.id, text: '周报时间 周四 16:00' });
    const no = await h.fake.outbox.waitFor((d) => d.conversation === `user:${org.reps[2]!.id}` && d.type === 'text', 10_000);
    expect(no.text).toBe('只有 HR 可以修改周报推送时间。');
    say(h.fake, { userId: org.hrId, text: '周报时间 周四 16:00' });
    const ok = await h.fake.outbox.waitFor((d) => d.conversation === `user:${org.hrId}` && (d.text ?? '').startsWith('已改为'), 10_000);
    expect(ok.text).toBe('已改为每周四 16:00（Asia/Shanghai）。下一次推送 12月3日 周四 16:00。已推送过的周不会再推送。');
    expect((await h.service.models.Quarter.findById(org.quarterId).lean())!.reportSchedule).toEqual({ weekday: 4, time: '16:00' });
    expect(await h.service.models.AuditLog.countDocuments({ action: 'quarter.reportSchedule', actorId: org.hrId })).toBe(1);
  });
});
