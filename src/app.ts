import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connection } from 'mongoose';
import type { Agenda } from 'agenda';
import type Router from '@koa/router';
import { registerJobs } from '../jobs/index.js';
import { orgSyncJob } from '../jobs/org-sync.job.js';
import { purgeInboxJob } from '../jobs/purge-inbox.job.js';
import { createRenderPool, type RenderPool } from './adapters/charts/render-pool.js';
import { DingTalkOrgSource } from './adapters/dingtalk/org-source.js';
import { createActivityModule, type ActivityModule } from './services/activity/activity-module.js';
import { createApiModule } from './services/api/api-module.js';
import { DingTalkMessenger } from './adapters/dingtalk/dingtalk-messenger.js';
import { DingTalkOpenApi } from './adapters/dingtalk/openapi-client.js';
import { StreamTransport } from './adapters/dingtalk/stream-transport.js';
import { TokenProvider } from './adapters/dingtalk/token-provider.js';
import { HttpClient } from './adapters/http/http-client.js';
import { AuditRepository } from './adapters/mongo/audit-repository.js';
import { connectMongo, pingMongo } from './adapters/mongo/connect.js';
import { DeliveryLedger } from './adapters/mongo/delivery-ledger.js';
import { createSharedRateLimiter } from './adapters/mongo/shared-rate-limiter.js';
import { InboxRepository } from './adapters/mongo/inbox-repository.js';
import { startLocalMongo } from './adapters/mongo/local-server.js';
import { createModels, ensureIndexes, type Models } from './adapters/mongo/models/index.js';
import { createAgenda } from './adapters/scheduler/agenda.js';
import { Bot } from './bot/bot.js';
import type { Messenger } from './bot/messenger.js';
import { OffsetClock, systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { FakeDingTalk } from './fake-dingtalk/fake-dingtalk.js';
import { STARTER_HR_IDS } from './fake-dingtalk/starter-org.js';
import { registerHandlers } from './handlers/index.js';
import { createPrediction } from './services/prediction/index.js';
import { createHttpApp } from './http/create-app.js';
import { healthRoutes } from './http/routes/health.js';
import { devRoutes } from './http/routes/dev.js';
import { createWeeklyReports, type WeeklyReports } from './services/weekly-report/index.js';
import { createReviewPacks, type ReviewPacks } from './services/review-pack/index.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { OrgSync } from './services/org-sync.js';
import type { DemoLoad } from './demo/load-demo.js';
import { bindDemoTeamGroups, populateLocalOrg, startSimulator } from './sim/local-mode.js';
import type { Simulator } from './sim/simulator.js';
import type { JobSpec } from '../jobs/job-spec.js';
import { createAppeals } from './services/appeals/index.js';
import { CompanyCalendar } from './services/calendar/company-calendar.js';

export interface ServiceOptions {
  logger: Logger;
  clock?: Clock;
  /** Distinguishes instances sharing one database (ledger claims, Agenda locks). */
  instanceId?: string;
  metrics?: Metrics;
  /** Agenda poll interval; tests shorten it. */
  jobPollMs?: number;
}

export interface Service {
  config: Config;
  httpUrl: string;
  models: Models;
  conn: Connection;
  agenda: Agenda;
  bot: Bot;
  transport: StreamTransport;
  messenger: Messenger;
  api: DingTalkOpenApi;
  ledger: DeliveryLedger;
  metrics: Metrics;
  /** People and reporting lines from DingTalk. */
  orgSync: OrgSync;
  reports: WeeklyReports;
  packs: ReviewPacks;
  /** The local DingTalk stand-in, when the service started one (no credentials configured). */
  localDingTalk: FakeDingTalk | undefined;
  /** The service's "now" (an OffsetClock in local mode, moved by the simulator). */
  clock: Clock;
  /** Local mode: the demo company being loaded (undefined with DEMO_COMPANY_SIZE=0). */
  demo: DemoLoad | undefined;
  /** Local mode: the simulator behind /sim. */
  simulator: Simulator | undefined;
  /** The activity chain (issue 4): connectors, rules, webhook. */
  activity: ActivityModule;
  /**
   * Resolves at the stream's first connection. startService returns once HTTP listens (health, metrics
   * and the webhook work while DingTalk is unreachable); the stream keeps trying in the background.
   */
  streamReady: Promise<void>;
  stop(): Promise<void>;
}

/** Builds and starts everything: database, DingTalk transport, bot, jobs, HTTP. The composition root. */
export async function startService(config: Config, opts: ServiceOptions): Promise<Service> {
  const log = opts.logger;
  refuseStandInsInProduction(config);
  // Local mode runs on a clock the simulator can move; production always on the system clock.
  const clock = opts.clock ?? (config.dingtalk.mode === 'local' ? new OffsetClock() : systemClock);
  const metrics = opts.metrics ?? createMetrics({ defaultMetrics: true });
  const instanceId = opts.instanceId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse()) await c().catch((err) => log.warn({ err }, 'shutdown step failed'));
  };

  try {
    // Database: MONGODB_URI when given, otherwise a local MongoDB-compatible server under DATA_DIR.
    let uri = config.mongo.uri;
    if (!uri) {
      const local = await startLocalMongo({ dataDir: path.resolve(config.mongo.dataDir, 'db'), kind: config.mongo.localKind, logger: log });
      cleanups.push(() => local.stop());
      uri = `${local.uri.replace(/\/$/, '')}/trichain`;
      log.info({ kind: local.kind, uri }, 'started local database');
    }
    const conn = await connectMongo(uri, log);
    cleanups.push(() => conn.close());
    const models = createModels(conn);
    await ensureIndexes(models);

    // DingTalk: the real one with credentials, otherwise the bundled stand-in on 127.0.0.1.
    let dingtalk = config.dingtalk;
    let localDingTalk: FakeDingTalk | undefined;
    let demo: DemoLoad | undefined;
    if (dingtalk.mode === 'local') {
      localDingTalk = await new FakeDingTalk({ redeliverAfterMs: 60_000 }).start();
      cleanups.push(() => localDingTalk!.stop());
      demo = await populateLocalOrg({ config, fake: localDingTalk, models, clock, logger: log });
      if (demo) cleanups.push(() => demo!.abort());
      await bindDemoTeamGroups(models, demo);
      const env = localDingTalk.env();
      dingtalk = {
        ...dingtalk,
        clientId: env.DINGTALK_CLIENT_ID,
        clientSecret: env.DINGTALK_CLIENT_SECRET,
        robotCode: env.DINGTALK_ROBOT_CODE,
        gatewayUrl: env.DINGTALK_GATEWAY_URL!,
        apiBase: localDingTalk.baseUrl,
        oapiBase: localDingTalk.baseUrl,
      };
      log.info({ url: localDingTalk.baseUrl }, 'no DingTalk credentials: using the local DingTalk stand-in');
    }
    const http = new HttpClient({
      timeoutMs: dingtalk.httpTimeoutMs,
      maxRetries: dingtalk.maxRetries,
      logger: log,
      onAttempt: ({ endpoint, status }) => metrics.openApiCalls.inc({ endpoint, status: String(status) }),
    });
    const tokens = new TokenProvider(http, { apiBase: dingtalk.apiBase, clientId: dingtalk.clientId!, clientSecret: dingtalk.clientSecret! });
    const api = new DingTalkOpenApi({
      apiBase: dingtalk.apiBase,
      oapiBase: dingtalk.oapiBase,
      robotCode: dingtalk.robotCode!,
      http,
      tokens,
      // One pace for all instances on this database: DingTalk rate-limits the app, not the process.
      sendLimiter: createSharedRateLimiter({ db: conn.db!, key: `dingtalk-send:${dingtalk.clientId}`, perSecond: dingtalk.sendQps, logger: log }),
      logger: log,
      cardRetries: dingtalk.maxRetries,
    });
    const messenger = new DingTalkMessenger(api);
    const inbox = new InboxRepository(models);
    const ledger = new DeliveryLedger(models, instanceId, 10 * 60_000, () => clock.now());
    const audit = new AuditRepository(models, () => clock.now());

    // In local mode with no HR configured, the stand-in's HR person is HR, so quarter set-up works out of the box.
    const hrUserIds = config.hrUserIds.length === 0 && localDingTalk ? STARTER_HR_IDS : config.hrUserIds;
    const orgSync = new OrgSync({ models, source: new DingTalkOrgSource(api, log), hrUserIds, audit, clock, logger: log });
    // Charts render in a worker thread (a 60-row board takes ~1 s of vega work); started on first use. The
    // Friday fan-out has its own pool (weekly-report/index.ts), so a board asked for in chat never queues
    // behind a few hundred report charts.
    let renderPool: RenderPool | undefined;
    cleanups.push(async () => renderPool?.close());
    const renderChart = (spec: Parameters<RenderPool['render']>[0]) => (renderPool ??= createRenderPool({ size: 1, logger: log })).render(spec);

    const activity = await createActivityModule({ config, models, api, messenger, clock, logger: log, metrics });
    cleanups.push(() => activity.stop());

    // Working days (China's holidays and 调休 + HR's company days): report day, pace, reminders.
    const calendar = new CompanyCalendar(models, audit);

    // Stopped after the bot and jobs (cleanups run in reverse), before the database closes.
    // Before the report: each Friday pass stores its week's predictions first (issue 11).
    const prediction = createPrediction({ models, ledger, messenger, clock, logger: log, config });
    const reports = createWeeklyReports({ models, messenger, clock, logger: log, metrics, instanceId, config, calendar: () => calendar.get(), predictions: prediction.weekly });
    cleanups.push(() => reports.stop());

    // Appeals (申诉) decide on the working-day calendar (reminders after 2 working days).
    const appeals = createAppeals({ models, messenger, audit, ledger, clock, config, activity, calendar: () => calendar.get(), logger: log });

    // The pre-review pack renders in the same lazily started pool as boards asked for in chat (a few charts per team).
    const packs = createReviewPacks({
      models, messenger, ledger, clock, logger: log, config, reportBuilder: reports.builder, calendar: () => calendar.get(),
      render: (spec, o) => (renderPool ??= createRenderPool({ size: 1, logger: log })).render(spec, o),
    });

    const bot = new Bot({ messenger, inbox, logger: log, metrics });
    registerHandlers(bot, { models, api, messenger, ledger, audit, clock, config, logger: log, org: orgSync, renderPng: renderChart, activity, reports, appeals: appeals.service, packs, prediction, calendar });
    // The stand-in's org is tiny: sync it before taking messages so people and managers exist.
    if (localDingTalk) await orgSync.run('system');

    const transport = new StreamTransport({
      clientId: dingtalk.clientId!,
      clientSecret: dingtalk.clientSecret!,
      gatewayUrl: dingtalk.gatewayUrl,
      keepAlive: dingtalk.keepAlive,
      httpTimeoutMs: dingtalk.httpTimeoutMs,
      logger: log,
      metrics,
      onEvent: (event) => void bot.handle(event),
    });
    cleanups.push(async () => {
      await bot.drain();
    });
    cleanups.push(() => transport.stop());

    // Locally, poll jobs every second so jobs started from the simulator run at once.
    const jobPollMs = opts.jobPollMs ?? (localDingTalk ? 1000 : undefined);
    const agenda = createAgenda({ db: conn.db!, logger: log, instanceName: instanceId, ...(jobPollMs ? { processEvery: jobPollMs } : {}) });
    activity.attach(agenda);
    packs.service.attach(agenda);
    const jobSpecs: Array<JobSpec<never>> = [
      purgeInboxJob({ inbox, clock, retentionDays: config.inboxRetentionDays, logger: log }),
      orgSyncJob({ orgSync, cron: config.orgSyncCron, logger: log }),
      ...activity.jobs,
      reports.job,
      appeals.job,
      ...packs.jobs,
      ...prediction.jobs,
    ];
    await registerJobs(agenda, jobSpecs, {
      metrics,
      logger: log,
      timeZone: config.timeZone,
    });
    await agenda.start();
    // First start against a real tenant: fill the directory now instead of waiting for the nightly run.
    if (!localDingTalk && (await models.Person.estimatedDocumentCount()) === 0) await agenda.now('org-sync');
    cleanups.push(async () => {
      await agenda.drain(30_000);
      await agenda.stop();
    });

    const routers: Router[] = [
      healthRoutes({
        registry: metrics.registry,
        readiness: {
          check: async () => ({ database: await pingMongo(conn), stream: transport.isConnected() }),
          explain: (checks) => ({
            ...(checks.database ? {} : { database: 'the database does not answer a ping within 2 s' }),
            ...(checks.stream ? {} : { stream: transport.notReadyReason() ?? 'connecting' }),
          }),
        },
      }),
    ];
    routers.push(activity.router);
    // The read API for IT (/api/v1/…, docs/api.md) on the same server as health and the webhook.
    routers.push(createApiModule({ models, audit, clock, config, logger: log }).router);
    let simulator: Simulator | undefined;
    if (localDingTalk) {
      const sim = startSimulator({ config, fake: localDingTalk, models, clock, agenda, jobs: jobSpecs, demo, logger: log, calendar: () => calendar.get() });
      // A /dev/say message shows in the simulator as the sender's bubble, like one typed there (12.9).
      routers.push(devRoutes(localDingTalk, (userId, text, group) => sim.simulator.chat.record(userId, group ? `group:${group}` : `user:${userId}`, text)));
      simulator = sim.simulator;
      routers.push(sim.router);
      cleanups.push(async () => sim.simulator.close());
    }
    const app = createHttpApp({ logger: log, routers });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(config.http.port, config.http.host, () => resolve(s));
      s.once('error', reject);
    });
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const addr = server.address() as AddressInfo;
    const httpUrl = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${addr.port}`;
    log.info({ httpUrl }, 'http: listening');
    // Listen first, then the stream (issue 15.7): it retries with backoff for as long as it takes.
    const streamReady = transport.start().then(() => log.info({ httpUrl, instanceId }, 'trichain is up'));
    streamReady.catch((err: unknown) => log.info({ err: err instanceof Error ? err.message : String(err) }, 'stream: gave up (shutting down)'));

    return { config, httpUrl, models, conn, agenda, bot, transport, messenger, api, ledger, metrics, orgSync, localDingTalk, clock, demo, simulator, activity, reports, packs, streamReady, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/**
 * The second lock behind config validation (a Config can be built by hand): in production the DingTalk and
 * Salesforce stand-ins, /dev/* and the simulator (/sim) are never started.
 */
export function refuseStandInsInProduction(config: Pick<Config, 'env' | 'dingtalk' | 'salesforce'>): void {
  if (config.env !== 'production') return;
  const local = [config.dingtalk.mode === 'local' ? 'DingTalk' : undefined, config.salesforce.mode === 'local' ? 'Salesforce' : undefined].filter(Boolean);
  if (local.length) throw new Error(`NODE_ENV=production must not run the local ${local.join(' and ')} stand-in (set real credentials)`);
}
