import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { cardCallsById, cardsTo, peakCallsPerWindow, testClock } from '../helpers/report-e2e.js';
import { seedReportData, type SeededOrg } from '../helpers/report-seed.js';
import { eventually, startHarness, type Harness } from '../helpers/service-harness.js';

const NOW = new Date('2026-11-27T09:00:30Z'); // Friday 17:00:30 Shanghai
const AS_OF = new Date('2026-11-27T09:00:00Z');
const RUN_ID = 'scheduled|2026-W48';

/** Every recipient (rep or manager) has exactly one report card, and nobody else has any. */
function expectEachExactlyOnce(h: Harness, org: SeededOrg): void {
  for (const id of [...org.reps.map((r) => r.id), ...org.managers.map((m) => m.id)]) expect(cardsTo(h.fake, id), id).toHaveLength(1);
  expect(h.fake.outbox.deliveries.filter((d) => d.type === 'card')).toHaveLength(org.reps.length + org.managers.length);
}

// The service syncs people from the fake's address book; HR is who HR_USER_IDS says, as in production.
async function setUp(env: Record<string, string>, reps: number, extra: Parameters<typeof startHarness>[0] = {}) {
  const clock = testClock(NOW);
  const h = await startHarness({ env: { HR_USER_IDS: 'hr01', ...env }, service: { clock, ...extra.service }, starterOrg: false });
  const org = await seedReportData(h.service.models, { reps, repsPerManager: 4, now: AS_OF, seed: 11 });
  h.fake.org.load({ users: org.fakeUsers });
  return { h, org, clock };
}

describe('weekly report under faults', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('two instances ticking at once: one works on the run, each card goes out once', async () => {
    const s = await setUp({}, 12);
    h = s.h;
    const other = await h.startAnother({ clock: s.clock });
    await Promise.all([h.service.reports.runner.tick(), other.reports.runner.tick(), h.service.agenda.now('weekly-report'), other.agenda.now('weekly-report')]);
    await eventually(() => h!.service.models.ReportRun.findById(RUN_ID).lean(), (r) => r?.status === 'done', 30_000);
    await Promise.all([h.service.reports.runner.idle(), other.reports.runner.idle()]);
    expectEachExactlyOnce(h, s.org);
    expect([...cardCallsById(h.fake).values()].every((n) => n === 1)).toBe(true);
    expect((await h.service.models.ReportRun.findById(RUN_ID).lean())!.passes).toBe(1);
  });

  it('two instances fanning out over the same people at the same time: the ledger lets each card out once', async () => {
    const s = await setUp({}, 12);
    h = s.h;
    const other = await h.startAnother({ clock: s.clock });
    // HR asks twice, on two instances, for everyone: two runs, each with its own lease, both delivering.
    await Promise.all([
      h.service.reports.runner.requestRun({ kind: 'all', id: null }, s.org.hrId, s.org.quarterId, 'Asia/Shanghai'),
      other.reports.runner.requestRun({ kind: 'all', id: null }, s.org.hrId, s.org.quarterId, 'Asia/Shanghai'),
    ]);
    await eventually(async () => (await h!.service.models.ReportRun.find({ kind: 'manual', heldBy: null, passes: { $gte: 1 } }).lean()).length, (n) => n === 2, 30_000);
    await Promise.all([h.service.reports.runner.idle(), other.reports.runner.idle()]);
    // Cards the other run held in flight are re-checked once that claim's lease is over.
    s.clock.advance(61_000);
    await Promise.all([h.service.reports.runner.tick(), other.reports.runner.tick()]);
    await Promise.all([h.service.reports.runner.idle(), other.reports.runner.idle()]);
    const runs = await h.service.models.ReportRun.find({ kind: 'manual' }).lean();
    expect(runs.map((r) => r.status)).toEqual(['done', 'done']);
    // Every card of both runs is accounted for as sent, by this run or the other (which run wins which
    // claims is a race; a run that won them all finishes in one pass, one that met in-flight claims re-checks).
    for (const r of runs) {
      expect(r.counts).toMatchObject({ recipients: 15, inFlight: 0, failed: 0 });
      expect(r.counts!.sent + r.counts!.alreadySent).toBe(15);
    }
    expect(runs.reduce((n, r) => n + r.counts!.sent, 0)).toBeLessThanOrEqual(15);
    expectEachExactlyOnce(h, s.org);
    // Nobody even tried to create a card twice, and each card's chart was uploaded once.
    expect([...cardCallsById(h.fake).values()].every((n) => n === 1)).toBe(true);
    expect(h.fake.callsTo('media.upload').filter((c) => c.status === 200)).toHaveLength(15);
    // HR is told once per request.
    await eventually(() => h!.fake.outbox.toUser(s.org.hrId).filter((d) => (d.text ?? '').includes('推送完成')).length, (n) => n === 2, 10_000);
  });

  it('a graceful stop mid-run finishes the cards in flight and hands the run back; another instance completes it at once', async () => {
    const s = await setUp({ DINGTALK_SEND_QPS: '4', REPORT_CONCURRENCY: '2' }, 12);
    h = s.h;
    await h.service.agenda.now('weekly-report');
    await eventually(() => h!.fake.outbox.deliveries.filter((d) => d.type === 'card').length, (n) => n >= 3, 30_000);
    await h.service.stop();
    const other = await h.startAnother({ clock: s.clock });
    expect(await other.models.ReportRun.findById(RUN_ID).lean()).toMatchObject({ status: 'pending', heldBy: null });
    expect(await other.models.Delivery.countDocuments({ kind: 'weekly-report', status: 'sending' })).toBe(0);
    // The clock stands still, so no lease can have run out: the run was handed back, not taken over.
    await other.reports.runner.tick();
    await eventually(() => other.models.ReportRun.findById(RUN_ID).lean(), (r) => r?.status === 'done', 30_000);
    expectEachExactlyOnce(h, s.org);
    expect([...cardCallsById(h.fake).values()].every((n) => n === 1)).toBe(true);
  });

  it('DingTalk answering 429 for a while: everything is delivered, never above the rate limit', async () => {
    const qps = 10;
    const s = await setUp({ DINGTALK_SEND_QPS: String(qps), REPORT_CONCURRENCY: '4' }, 12);
    h = s.h;
    h.fake.injectFault({ match: 'card.createAndDeliver', status: 429, times: 10 });
    await h.service.agenda.now('weekly-report');
    const run = await eventually(() => h!.service.models.ReportRun.findById(RUN_ID).lean(), (r) => r?.status === 'done', 60_000);
    expect(run!.counts).toMatchObject({ recipients: 15, sent: 15, failed: 0 });
    expectEachExactlyOnce(h, s.org);
    const calls = h.fake.callsTo('card.createAndDeliver');
    expect(calls.filter((c) => c.status === 429)).toHaveLength(10);
    // Every attempt, retries included, took a limiter slot: at most qps calls in any second (+1 for the
    // receive-time jitter of two calls a slot apart straddling the window's edge).
    expect(peakCallsPerWindow(h.fake, 'card.createAndDeliver')).toBeLessThanOrEqual(qps + 1);
    const span = calls.at(-1)!.at - calls[0]!.at;
    expect(span).toBeGreaterThanOrEqual(((calls.length - 1) * 1000) / qps - 150);
  });

  it('a card that still fails after retries is listed on /metrics and in the log, and goes out on the next run', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
    const s = await setUp({ REPORT_CONCURRENCY: '1', DINGTALK_MAX_RETRIES: '2', REPORT_RETRY_MINUTES: '30' }, 8, { service: { logger } });
    h = s.h;
    // Concurrency 1 and managers first: the first manager's summary takes all three attempts' failures.
    h.fake.injectFault({ match: 'card.createAndDeliver', status: 500, times: 3 });
    await h.service.agenda.now('weekly-report');
    const run = await eventually(() => h!.service.models.ReportRun.findById(RUN_ID).lean(), (r) => r?.status === 'done', 30_000);
    const victim = s.org.managers[0]!.id;
    expect(run!.counts).toMatchObject({ recipients: 10, sent: 9, failed: 1 });
    expect(run!.nextRetryAt).toEqual(new Date(NOW.getTime() + 30 * 60_000));
    expect(cardsTo(h.fake, victim)).toHaveLength(0);
    const metrics = async () => (await fetch(`${h!.service.httpUrl}/metrics`)).text();
    // The run is marked done before the log line and the gauge are written: wait for each outcome
    // (asserting at once is what made this test fail on a loaded machine).
    await eventually(metrics, (t) => /trichain_delivery_failed_recipients\{kind="weekly-report"\} 1/.test(t), 10_000);
    const logged = await eventually(
      () => lines.map((l) => JSON.parse(l) as { msg: string; failed?: Array<{ recipientId: string; part: string; error: string }> }).find((l) => l.msg.includes('not delivered after retries')),
      (l) => l !== undefined,
      10_000,
    );
    expect(logged?.failed).toEqual([{ recipientId: victim, part: 'team', error: expect.stringContaining('500') }]);

    // Not before the retry time…
    await h.service.reports.runner.tick();
    await h.service.reports.runner.idle();
    expect(cardsTo(h.fake, victim)).toHaveLength(0);
    // …then only the failed card is sent.
    s.clock.advance(31 * 60_000);
    await h.service.reports.runner.tick();
    await h.service.reports.runner.idle();
    expect(cardsTo(h.fake, victim)).toHaveLength(1);
    expectEachExactlyOnce(h, s.org);
    const after = (await h.service.models.ReportRun.findById(RUN_ID).lean())!;
    expect(after.counts).toMatchObject({ sent: 1, alreadySent: 9, failed: 0 });
    expect(after.nextRetryAt).toBeNull();
    await eventually(metrics, (t) => /trichain_delivery_failed_recipients\{kind="weekly-report"\} 0/.test(t), 10_000);
  });

  it('a card that failed while DingTalk was throttling is retried within minutes, not after REPORT_RETRY_MINUTES', async () => {
    const s = await setUp({ REPORT_CONCURRENCY: '1', DINGTALK_MAX_RETRIES: '1', REPORT_RETRY_MINUTES: '30' }, 4);
    h = s.h;
    // A 429 burst longer than the retries: the first card (a manager's summary) fails throttled.
    h.fake.injectFault({ match: 'card.createAndDeliver', status: 429, times: 2, retryAfterSec: 0 });
    await h.service.agenda.now('weekly-report');
    const run = await eventually(() => h!.service.models.ReportRun.findById(RUN_ID).lean(), (r) => r?.status === 'done', 30_000);
    expect(run!.counts).toMatchObject({ recipients: 5, sent: 4, failed: 1 });
    expect(run!.nextRetryAt).toEqual(new Date(NOW.getTime() + 2 * 60_000));
    s.clock.advance(2 * 60_000 + 1000);
    await h.service.reports.runner.tick();
    await h.service.reports.runner.idle();
    expectEachExactlyOnce(h, s.org);
    const after = (await h.service.models.ReportRun.findById(RUN_ID).lean())!;
    expect(after.counts).toMatchObject({ sent: 1, alreadySent: 4, failed: 0 });
    expect(after.sentTotal).toBe(5);
  });

  it('two instances sending at once share one pace: together never above DingTalk\'s rate', async () => {
    const qps = 2; // below what each instance could send alone, so the limiter is what paces them
    const s = await setUp({ DINGTALK_SEND_QPS: String(qps), REPORT_CONCURRENCY: '4' }, 12);
    h = s.h;
    const other = await h.startAnother({ clock: s.clock });
    // Two hours before the Friday run (no scheduled run yet), HR sends each half of the company now, one
    // request per instance: two fan-outs over different people at the same time.
    s.clock.advance(-2 * 3600_000);
    const [a, b] = s.org.managers;
    // The second request waits until the first instance holds its run, so each instance works on its own
    // (asked at the same instant, one instance's tick could pick up both runs and nothing would be shared).
    const first = await h.service.reports.runner.requestRun({ kind: 'team', id: a!.id }, s.org.hrId, s.org.quarterId, 'Asia/Shanghai');
    await eventually(() => h!.service.models.ReportRun.findById(first._id).lean(), (r) => r?.status === 'running' && r.heldBy !== null, 30_000);
    await other.reports.runner.requestRun({ kind: 'team', id: b!.id }, s.org.hrId, s.org.quarterId, 'Asia/Shanghai');
    await eventually(async () => (await h!.service.models.ReportRun.find({ kind: 'manual', status: 'done' }).lean()).length, (n) => n === 2, 60_000);
    const calls = h.fake.callsTo('card.createAndDeliver');
    expect(calls.filter((c) => c.status === 429)).toHaveLength(0);
    expect(calls.filter((c) => c.status === 200)).toHaveLength(10); // two teams: a manager and four reps each
    expect(await h.service.models.Delivery.distinct('claimedBy', { kind: 'weekly-report', status: 'sent' })).toHaveLength(2);
    // A per-instance limiter would let 2 × qps through in a second; the shared one keeps the sum at qps
    // (+1 for two calls a slot apart straddling the window's edge).
    expect(peakCallsPerWindow(h.fake, 'card.createAndDeliver')).toBeLessThanOrEqual(qps + 1);
  });
});
