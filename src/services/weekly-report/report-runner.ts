import { randomUUID } from 'node:crypto';
import type { DeliveryLedger } from '../../adapters/mongo/delivery-ledger.js';
import type { ReportRun, ReportRunRepository, ReportScope, RunCounts } from '../../adapters/mongo/report-run-repository.js';
import type { Messenger } from '../../bot/messenger.js';
import type { Clock } from '../../clock.js';
import { latestDue, latestDueOn, nextDue } from '../../domain/report/schedule.js';
import { weekLabel } from '../../domain/report/format.js';
import { isoWeekKey } from '../../domain/time/calendar.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import type { ReportBuilder } from './report-builder.js';
import { REPORT_KIND, type ReportSender } from './report-sender.js';
import { executePass, memoryMb, type PassResult } from './run-pass.js';

export interface RunnerOptions {
  /** A run (and a single send's claim) whose holder is silent this long is taken over. */
  leaseMs: number;
  /** Failed sends are retried this long after a pass. */
  retryMs: number;
  /** Cards in flight at once (the rate limiter paces the actual sends). */
  concurrency: number;
  /** People per slice of a company or team run: the pass's memory follows this, not the company's size. */
  sliceSize: number;
}

export interface RunnerDeps {
  runs: ReportRunRepository;
  builder: ReportBuilder;
  sender: ReportSender;
  ledger: DeliveryLedger;
  messenger: Messenger;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  options: RunnerOptions;
  /** Stores the week's predictions (issue 11) before the cards are built, so they show what is stored. */
  predictions?: { ensure(quarterId: string, asOf: Date): Promise<unknown> };
}

/** A week's report is not sent later than a day after its scheduled time unless its run already started. */
export const CATCH_UP_MS = 24 * 3600_000;
/** Failed sends stop being retried a week after the report's time: by then the next report is out. */
const GIVE_UP_MS = 7 * 24 * 3600_000;
/** A card that failed while DingTalk was rate-limiting is retried this soon (a 429 burst passes in minutes). */
export const THROTTLED_RETRY_MS = 2 * 60_000;

/**
 * Drives weekly-report runs. `tick()` (the Agenda job, every minute) creates the week's run once its
 * scheduled time has passed, and works on every run that needs it: new, re-check due, abandoned by a dead
 * instance, or with failed sends to retry. Passes run in the background so the job itself stays short.
 */
export class ReportRunner {
  private readonly active = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private stopped = false;
  private readonly warnedMissed = new Set<string>();

  constructor(private readonly d: RunnerDeps) {}

  /** Safe to call at any time and from several places; overlapping calls coalesce. */
  tick(): Promise<void> {
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    this.ticking = (async () => {
      do {
        this.tickAgain = false;
        await this.tickOnce();
      } while (this.tickAgain && !this.stopped);
    })().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  /** HR's "send it now": a run for one person, a team or everyone, as of now. */
  async requestRun(scope: ReportScope, requestedBy: string, quarterId: string, timeZone: string): Promise<ReportRun> {
    const asOf = this.d.clock.now();
    const id = `manual|${randomUUID()}`;
    await this.d.runs.createIfMissing({ _id: id, kind: 'manual', quarterId, week: isoWeekKey(asOf, timeZone), asOf, scope, requestedBy });
    void this.tick().catch((err: unknown) => this.d.logger.error({ err }, 'weekly report: tick failed'));
    return (await this.d.runs.get(id))!;
  }

  /** The Friday run of a week, if it has been created. */
  scheduledRunOf(week: string): Promise<ReportRun | null> {
    return this.d.runs.get(`scheduled|${week}`);
  }

  /** Scheduled report times in (from, to], across quarters (the simulator stops at each; at most 60). */
  async reportTimesBetween(from: Date, to: Date): Promise<Date[]> {
    const out: Date[] = [];
    let t = from;
    while (out.length < 60) {
      const q = (await this.d.builder.quarterAt(t)) ?? (await this.d.builder.quarterAt(new Date(t.getTime() + 1)));
      if (!q) break;
      const due = nextDue(this.d.builder.scheduleOf(q), q.timeZone, t);
      if (due > to) break;
      if (due >= q.startDate && due < q.endDate) out.push(due);
      t = due;
    }
    return out;
  }

  /** After the tick at a report time: waits for that week's run to finish and says what it delivered. */
  async settleReportAt(at: Date): Promise<string> {
    await this.idle();
    const q = await this.d.builder.quarterAt(at);
    if (!q) return '不在任何季度内，没有周报';
    const week = isoWeekKey(at, q.timeZone);
    const run = await this.scheduledRunOf(week);
    if (!run) return `${weekLabel(week)}：没有创建周报（见日志）`;
    const c = run.counts;
    return `${weekLabel(week)}周报：${run.status === 'done' ? '已发送' : `状态 ${run.status}`}，${c?.sent ?? 0} 张新发出，${c?.alreadySent ?? 0} 张此前已发${c?.failed ? `，${c.failed} 张失败（稍后重试）` : ''}`;
  }

  /** Resolves when no pass is running in this instance (tests, bench). */
  async idle(): Promise<void> {
    while (this.ticking || this.active.size > 0) await Promise.all([this.ticking, ...[...this.active.values()].map((a) => a.done)]);
  }

  /** Stops taking work, lets in-flight sends finish, and hands unfinished runs back for another instance. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const a of this.active.values()) a.abort.abort();
    await this.idle().catch(() => undefined);
  }

  private async tickOnce(): Promise<void> {
    if (this.stopped) return;
    await this.createScheduledRun();
    for (const run of await this.d.runs.due(this.d.options.leaseMs)) {
      if (this.stopped) break;
      if (this.active.has(run._id) || !(await this.d.runs.acquire(run._id, this.d.options.leaseMs))) continue;
      this.launch((await this.d.runs.get(run._id))!);
    }
    await this.refreshGauge();
  }

  private async createScheduledRun(): Promise<void> {
    const now = this.d.clock.now();
    const q = await this.d.builder.quarterAt(now);
    if (!q) return;
    // On the company calendar the report moves off a holiday Friday, and a week without working days has none.
    const cal = await this.d.builder.workingCalendar();
    const due = cal ? latestDueOn(this.d.builder.scheduleOf(q), q.timeZone, now, cal) : latestDue(this.d.builder.scheduleOf(q), q.timeZone, now);
    if (!due) return;
    if (due < q.startDate || due >= q.endDate) return;
    const week = isoWeekKey(due, q.timeZone);
    const id = `scheduled|${week}`;
    if (now.getTime() - due.getTime() > CATCH_UP_MS) {
      if (!this.warnedMissed.has(id) && !(await this.d.runs.get(id))) {
        this.warnedMissed.add(id);
        this.d.logger.warn({ week, due }, 'weekly report: scheduled time passed more than a day ago with no run (service down?); not sending it late. HR can send it with 「周报 推送 全部」');
      }
      return;
    }
    if (await this.d.runs.createIfMissing({ _id: id, kind: 'scheduled', quarterId: q._id, week, asOf: due, scope: { kind: 'all', id: null } })) {
      this.d.logger.info({ week, asOf: due }, 'weekly report: scheduled run created');
    }
  }

  private launch(run: ReportRun): void {
    const abort = new AbortController();
    const done = this.pass(run, abort.signal)
      .catch((err: unknown) => this.d.logger.error({ err, runId: run._id }, 'weekly report: pass failed'))
      .finally(() => this.active.delete(run._id));
    this.active.set(run._id, { abort, done });
  }

  private async pass(run: ReportRun, signal: AbortSignal): Promise<void> {
    const log = this.d.logger.child({ runId: run._id, week: run.week });
    let lost = false;
    const abortPass = new AbortController();
    signal.addEventListener('abort', () => abortPass.abort(), { once: true });
    const beat = setInterval(() => {
      this.d.runs.heartbeat(run._id).then(
        (ok) => {
          if (ok) return;
          lost = true;
          log.warn('weekly report: another instance took this run over; stopping here');
          abortPass.abort();
        },
        (err: unknown) => log.warn({ err }, 'weekly report: heartbeat failed'),
      );
    }, Math.max(250, this.d.options.leaseMs / 4));
    const started = performance.now();
    const renders0 = { ...this.d.sender.renders };
    let result: PassResult | undefined;
    try {
      log.info({ pass: run.passes, scope: run.scope }, 'weekly report: pass started');
      // A prediction that can't be made must not hold the report back: the card then shows the latest stored one.
      await this.d.predictions?.ensure(run.quarterId, run.asOf).catch((err: unknown) => log.warn({ err }, 'weekly report: could not store the week\'s predictions'));
      // The memory the prediction step left behind, apart from the pass's own (the bench reads it).
      if (this.d.predictions) log.info({ ms: Math.round(performance.now() - started), ...memoryMb(this.d.sender) }, 'weekly report: predictions ready');
      result = await executePass(run, { ...this.d, concurrency: this.d.options.concurrency, sliceSize: this.d.options.sliceSize }, abortPass.signal);
    } catch (err) {
      // Not at once: an error that repeats (bad data, database trouble) must not become a hot loop.
      const retryAt = new Date(this.d.clock.now().getTime() + this.d.options.leaseMs);
      if (!lost) await this.d.runs.release(run._id, retryAt).catch(() => undefined);
      throw err;
    } finally {
      clearInterval(beat);
    }
    if (lost) return;
    if (!result) {
      // Nothing to report on (its quarter is gone): close the run rather than retrying it every tick.
      await this.d.runs.finishPass(run._id, { recipients: 0, sent: 0, alreadySent: 0, inFlight: 0, failed: 0 }, { status: 'done', nextRetryAt: null });
      return;
    }
    if (!result.complete) {
      await this.d.runs.release(run._id, null);
      log.info({ counts: result.counts }, 'weekly report: pass interrupted; the run is handed back');
      return;
    }
    const renders = { count: this.d.sender.renders.count - renders0.count, ms: Math.round(this.d.sender.renders.ms - renders0.ms) };
    await this.finish(run, result.counts, performance.now() - started, renders, log);
  }

  private async finish(run: ReportRun, counts: RunCounts, ms: number, renders: { count: number; ms: number }, log: Logger): Promise<void> {
    const now = this.d.clock.now();
    let next: { status: 'done' | 'pending'; nextRetryAt: Date | null } = { status: 'done', nextRetryAt: null };
    if (counts.inFlight > 0) next = { status: 'pending', nextRetryAt: new Date(now.getTime() + this.d.options.leaseMs) };
    const failed = counts.failed > 0 ? await this.d.ledger.failed(REPORT_KIND, run.week) : [];
    if (counts.inFlight === 0 && counts.failed > 0) {
      const wait = failed.some((f) => f.throttled) ? Math.min(THROTTLED_RETRY_MS, this.d.options.retryMs) : this.d.options.retryMs;
      const retryAt = new Date(now.getTime() + wait);
      next = { status: 'done', nextRetryAt: retryAt.getTime() < run.asOf.getTime() + GIVE_UP_MS ? retryAt : null };
    }
    await this.d.runs.setSentTotal(run._id, await this.d.ledger.countSentBy(REPORT_KIND, run._id));
    await this.d.runs.finishPass(run._id, counts, next);
    log.info({ counts, ms: Math.round(ms), renders }, 'weekly report: pass finished');
    if (counts.failed > 0) {
      const list = failed.map((f) => ({ recipientId: f.recipientId, part: f.id.split('|')[3], error: f.lastError }));
      if (next.nextRetryAt) log.warn({ failed: list, nextRetryAt: next.nextRetryAt }, `weekly report: ${failed.length} card(s) not delivered after retries; retrying at the next run`);
      else log.error({ failed: list }, `weekly report: ${failed.length} card(s) still not delivered a week later; giving up`);
    }
    await this.refreshGauge();
    if (next.status === 'done' && run.kind === 'manual' && run.requestedBy) await this.acknowledge(run, counts, log);
  }

  /** Tells HR how their "send now" went, once (the ledger again: a crash must not repeat the message). */
  private async acknowledge(run: ReportRun, c: RunCounts, log: Logger): Promise<void> {
    const claim = await this.d.ledger.claim({ kind: `${REPORT_KIND}-ack`, period: run._id, recipientId: run.requestedBy!, part: 'ack' });
    if (!claim.claimed) return;
    // Sent over all passes of this run; the rest had been sent before it (by the Friday run, or another).
    const sent = await this.d.ledger.countSentBy(REPORT_KIND, run._id);
    const text =
      `${weekLabel(run.week)}周报推送完成：共 ${c.recipients} 份，本次发出 ${sent} 份，之前已发 ${c.recipients - sent - c.failed} 份（不重复发送）` +
      (c.failed > 0 ? `，失败 ${c.failed} 份（稍后自动重试）` : '') +
      '。';
    try {
      await this.d.messenger.send({ kind: 'user', userId: run.requestedBy! }, { type: 'text', text });
      await this.d.ledger.markSent(claim.id, claim.attempt);
    } catch (err) {
      log.warn({ err }, 'weekly report: could not tell the requester the run finished');
      await this.d.ledger.markFailed(claim.id, claim.attempt, String(err));
    }
  }

  /** The /metrics gauge: recipients whose card is still undelivered, over the weeks still being retried. */
  private async refreshGauge(): Promise<void> {
    const weeks = await this.d.runs.recentWeeks(new Date(this.d.clock.now().getTime() - GIVE_UP_MS - 24 * 3600_000));
    let failed = 0;
    for (const w of weeks) failed += (await this.d.ledger.failed(REPORT_KIND, w)).length;
    this.d.metrics.deliveryFailures.set({ kind: REPORT_KIND }, failed);
  }
}
