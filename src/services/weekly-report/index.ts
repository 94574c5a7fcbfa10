import { weeklyReportJob } from '../../../jobs/weekly-report.job.js';
import type { JobSpec } from '../../../jobs/job-spec.js';
import { CardTemplates } from '../../adapters/cards/template-store.js';
import { createRenderPool, type RenderPool, type RenderPoolOptions } from '../../adapters/charts/render-pool.js';
import { DeliveryLedger } from '../../adapters/mongo/delivery-ledger.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import { PeopleRepository } from '../../adapters/mongo/people-repository.js';
import { ReportRunRepository } from '../../adapters/mongo/report-run-repository.js';
import type { Messenger } from '../../bot/messenger.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { DEFAULT_REPORT_SETTINGS } from '../../domain/report/types.js';
import type { Logger } from '../../logger.js';
import type { WorkingCalendar } from '../../domain/time/working-days.js';
import type { Metrics } from '../../metrics.js';
import { ReportBuilder } from './report-builder.js';
import { ReportRunner, type RunnerDeps } from './report-runner.js';
import { ReportSender } from './report-sender.js';
import { ReportViews } from './report-views.js';

/** Starts the worker threads on the first chart, so instances that never send a report don't pay for them. */
function lazyRenderPool(create: () => RenderPool): RenderPool {
  let pool: RenderPool | undefined;
  return {
    get size() {
      return pool?.size ?? 0;
    },
    render: (spec, opts) => (pool ??= create()).render(spec, opts),
    close: async () => pool?.close(),
    stats: () => pool?.stats() ?? { workers: 0, busy: 0, queued: 0, restarts: 0 },
  };
}

export interface WeeklyReports {
  builder: ReportBuilder;
  sender: ReportSender;
  runner: ReportRunner;
  views: ReportViews;
  job: JobSpec;
  stop(): Promise<void>;
}

/**
 * The report's render pool (bench/render-memory.ts measures the same). With heap ceilings a process
 * rendering report charts in one worker levelled off at ~240 MB RSS, without them at ~310 MB (1,600 charts,
 * compiled build). A chart needs a few MB of heap.
 */
export function reportRenderPoolOptions(logger: Logger, concurrency: number): RenderPoolOptions {
  return { logger, maxQueue: concurrency * 4, resourceLimits: { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 } };
}

/** Wires the weekly report: bulk builder, sender (own ledger lease, render pool), runner, on-request views, job. */
export function createWeeklyReports(deps: {
  models: Models;
  messenger: Messenger;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  instanceId: string;
  config: Config;
  templates?: CardTemplates;
  pool?: RenderPool;
  /** The company's working days (report day, linear pace); absent: every Monday–Sunday as scheduled. */
  calendar?: () => Promise<WorkingCalendar>;
  /** The prediction's weekly store (issue 11): each pass stores its week's predictions before building. */
  predictions?: RunnerDeps['predictions'];
}): WeeklyReports {
  const { config: c, clock } = deps;
  const logger = deps.logger.child({ feature: 'weekly-report' });
  const now = () => clock.now();
  const pool = deps.pool ?? lazyRenderPool(() => createRenderPool(reportRenderPoolOptions(logger, c.report.concurrency)));
  const templates = deps.templates ?? new CardTemplates(undefined, c.dingtalk.cardTemplatePrefix);
  // The report's own ledger lease: a claim older than this, left by an instance that died mid-send, is
  // retaken. Safe even if that instance was only slow: the resend reuses the card's outTrackId.
  const ledger = new DeliveryLedger(deps.models, deps.instanceId, c.report.leaseMs, now);
  const runs = new ReportRunRepository(deps.models, deps.instanceId, now);
  // The team summary lists reps below PREDICTION_THRESHOLD first (issue 11).
  const reportSettings = { ...DEFAULT_REPORT_SETTINGS, predictionThreshold: c.prediction.threshold };
  const builder = new ReportBuilder(deps.models, reportSettings, c.report.defaultSchedule, deps.calendar);
  const sender = new ReportSender({
    ledger,
    messenger: deps.messenger,
    templates,
    pool,
    settings: reportSettings,
    logger,
  });
  const runner = new ReportRunner({
    runs,
    builder,
    sender,
    ledger,
    messenger: deps.messenger,
    clock,
    logger,
    metrics: deps.metrics,
    options: { leaseMs: c.report.leaseMs, retryMs: c.report.retryMs, concurrency: c.report.concurrency, sliceSize: c.report.sliceSize },
    ...(deps.predictions ? { predictions: deps.predictions } : {}),
  });
  // A restarted instance resumes a run its dead predecessor held as soon as that run's lease runs out,
  // without waiting for the next tick (whose Agenda lock the dead instance may also still hold).
  const resume = setTimeout(() => void runner.tick().catch((err: unknown) => logger.error({ err }, 'weekly report: start-up check failed')), c.report.leaseMs + 500);
  resume.unref();
  const views = new ReportViews({ models: deps.models, people: new PeopleRepository(deps.models), runs, builder, sender, clock, hrUserIds: c.hrUserIds });
  return {
    builder,
    sender,
    runner,
    views,
    job: weeklyReportJob({ runner, tickSeconds: c.report.tickSeconds }),
    async stop() {
      clearTimeout(resume);
      await runner.stop();
      if (!deps.pool) await pool.close();
    },
  };
}
