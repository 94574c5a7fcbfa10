import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/app.js';
import { loadDemoCompany } from '../../src/demo/load-demo.js';
import type { DemoCompany } from '../../src/demo/company.js';
import { clickCard, say } from '../../src/fake-dingtalk/people.js';
import { silentLogger } from '../../src/logger.js';
import { cardsTo, testClock } from '../helpers/report-e2e.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

// Thursday 26 Nov 2026, 10:00 Shanghai: eight whole weeks of 2026Q4 have passed (it began on 1 Oct).
const NOW = new Date('2026-11-26T02:00:00Z');
const ALERT = 'trichain-risk-alert.schema';

/** Runs one job on this instance and waits for it to finish. */
async function runJob(s: Service, name: string): Promise<void> {
  const done = new Promise<void>((resolve) => s.agenda.once(`complete:${name}`, () => resolve()));
  await s.agenda.now(name);
  await done;
}

describe('prediction end to end: the week-8 risk alert and 预测', () => {
  let h: Harness;
  let company: DemoCompany;
  /** The running instance (replaced by the restart test). */
  let svc: Service;
  const clock = testClock(NOW);

  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01', PREDICTION_ALERT_WEEK: '8', PREDICTION_THRESHOLD: '0.5' }, service: { clock }, starterOrg: false });
    // The demo company with four finished quarters: 10 reps in two teams, stored as the chains store them.
    ({ company } = await loadDemoCompany({ models: h.service.models, db: h.service.models.Person.db.db!, fake: h.fake, seed: 3, size: 10, teamSize: 5, now: NOW, timeZone: 'Asia/Shanghai', logger: silentLogger, chunkReps: 10, historyQuarters: 4 }));
    svc = h.service;
    await runJob(svc, 'prediction-alert');
  }, 300_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('trains and stores a model with its version, training window and backtest', async () => {
    const model = (await h.service.models.PredictionModel.findOne({}).sort({ _id: -1 }).lean())!;
    expect(model.status).toBe('trained');
    expect(model.trainingQuarters).toEqual(company.history.map((q) => q.quarter._id));
    expect(model.window?.from).toEqual(company.history[0]!.quarter.startDate);
    expect(Object.keys(model.models)).toContain('signed_amount');
    expect((model.backtest as Record<string, { weeks: unknown[] }>).signed_amount!.weeks).toHaveLength(4);
  });

  it('alerts each manager once with exactly their reps below the threshold in the stored predictions, a button each', async () => {
    // Independent of the alert code: who is below 50 % according to the stored model output.
    const stored = await h.service.models.Prediction.find({ quarterId: company.quarter._id, week: 8, metric: 'signed_amount' }).lean();
    const approved = company.goals.filter((g) => g.status === 'approved' && company.reps.some((r) => r.id === g.ownerId));
    expect(stored.map((p) => p.personId).sort()).toEqual(approved.map((g) => g.ownerId).sort());
    // The latest model's version (a tick during the demo load may already have trained on part of the history).
    const latest = (await h.service.models.PredictionModel.findOne({}).sort({ _id: -1 }).lean())!._id;
    expect(stored.every((p) => typeof p.probability === 'number' && p.modelVersion === latest)).toBe(true);
    const expected = new Map<string, string[]>();
    for (const p of stored) if (p.probability! < 0.5) expected.set(p.managerId!, [...(expected.get(p.managerId!) ?? []), p.personId]);
    expect(expected.size).toBeGreaterThan(0);
    for (const team of company.teams) {
      const cards = cardsTo(h.fake, team.managerId, ALERT);
      const want = (expected.get(team.managerId) ?? []).sort();
      expect(cards, team.managerId).toHaveLength(want.length ? 1 : 0);
      if (!want.length) continue;
      const params = cards[0]!.cardParamMap;
      const buttons = Object.keys(params).filter((k) => /^r\d+$/.test(k)).map((k) => params[k]!).sort();
      expect(buttons).toEqual(want.slice(0, 8));
      for (const id of want) expect(params.summary).toContain(company.people.find((p) => p._id === id)!.name);
    }
    // Nobody else got one.
    const alerted = h.fake.outbox.toUser('hr01').filter((d) => d.type === 'card');
    expect(alerted.filter((d) => h.fake.outbox.cards.get(d.outTrackId!)?.templateId === ALERT)).toHaveLength(0);
  });

  it('a button opens that rep\'s report for the manager', async () => {
    const team = company.teams.find((t) => cardsTo(h.fake, t.managerId, ALERT).length === 1)!;
    const card = cardsTo(h.fake, team.managerId, ALERT)[0]!;
    const before = cardsTo(h.fake, team.managerId, 'weekly-report.schema').length;
    clickCard(h.fake, { outTrackId: card.outTrackId, userId: team.managerId, params: { action: 'weekly-report.open', subjectId: card.cardParamMap.r1 } });
    await eventually(() => cardsTo(h.fake, team.managerId, 'weekly-report.schema').length, (n) => n === before + 1, 30_000);
  });

  it('sends nothing new on a second run or after a restart', async () => {
    const count = () => company.teams.reduce((s, t) => s + cardsTo(h.fake, t.managerId, ALERT).length, 0);
    const before = count();
    await runJob(svc, 'prediction-alert');
    await svc.stop();
    svc = await h.startAnother({ clock });
    await runJob(svc, 'prediction-alert');
    expect(count()).toBe(before);
    // Without the quarter's "pass done" marker each manager's own ledger entry still holds.
    await svc.models.Delivery.deleteOne({ _id: `risk-alert|${company.quarter._id}|*|pass` });
    await runJob(svc, 'prediction-alert');
    expect(count()).toBe(before);
    expect(await svc.models.Delivery.countDocuments({ kind: 'risk-alert', recipientId: { $ne: '*' }, status: 'sent' })).toBe(before);
  }, 120_000);

  it('预测 answers a rep with their own probability and factors, and in a group only 1:1', async () => {
    const rep = company.manifest.repA;
    say(h.fake, { userId: rep, text: '预测' });
    const d = await h.fake.outbox.waitFor((x) => x.conversation === `user:${rep}` && x.type === 'markdown' && (x.text ?? '').includes('达成目标的概率'), 60_000);
    const p = (await svc.models.Prediction.findOne({ personId: rep, week: 8, metric: 'signed_amount' }).lean())!;
    expect(d.text).toContain('主要因素');
    // Asked in the team group: the answer goes to the asker alone.
    say(h.fake, { userId: rep, text: '预测', openConversationId: company.manifest.teamGroupId });
    await h.fake.outbox.waitFor((x) => x.conversation === `group:${company.manifest.teamGroupId}` && (x.text ?? '').includes('私聊'), 60_000);
    expect(h.fake.outbox.inGroup(company.manifest.teamGroupId).some((x) => (x.text ?? '').includes('达成目标的概率'))).toBe(false);
    // The group hears once that it went 1:1; the 1:1 chat gets the forecast, not a "sent to you privately" note too.
    expect(h.fake.outbox.inGroup(company.manifest.teamGroupId).filter((x) => (x.text ?? '').includes('私聊'))).toHaveLength(1);
    expect(h.fake.outbox.toUser(rep).filter((x) => x.conversation === `user:${rep}` && (x.text ?? '').includes('私聊'))).toEqual([]);
    expect(p.probability).not.toBeNull();
    // A rep may not look at a colleague.
    say(h.fake, { userId: rep, text: `预测 ${company.manifest.repB}` });
    await h.fake.outbox.waitFor((x) => x.conversation === `user:${rep}` && (x.text ?? '').includes('只能查看自己和下属'), 60_000);
  }, 120_000);
});

describe('prediction on a fresh company: thin data', () => {
  let h: Harness;
  let company: DemoCompany;
  const clock = testClock(NOW);

  beforeAll(async () => {
    h = await startHarness({ env: { HR_USER_IDS: 'hr01' }, service: { clock }, starterOrg: false });
    ({ company } = await loadDemoCompany({ models: h.service.models, db: h.service.models.Person.db.db!, fake: h.fake, seed: 3, size: 4, now: NOW, timeZone: 'Asia/Shanghai', logger: silentLogger, chunkReps: 4, historyQuarters: 0 }));
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('says 历史数据不足 and shows the pace projection labelled as such; no alert', async () => {
    say(h.fake, { userId: company.manifest.managerId, text: '预测' });
    const d = await h.fake.outbox.waitFor((x) => x.conversation === `user:${company.manifest.managerId}` && (x.text ?? '').includes('历史数据不足'), 60_000);
    expect(d.text).toContain('不是预测');
    expect(d.text).toContain('节奏推算');
    expect(d.text).not.toMatch(/\*\*\d+%\*\*/);
    await runJob(h.service, 'prediction-alert');
    expect(cardsTo(h.fake, company.manifest.managerId, ALERT)).toHaveLength(0);
    expect((await h.service.models.PredictionModel.findOne({}).lean())?.status).toBe('thin');
  }, 120_000);
});
