import type Router from '@koa/router';
import type { Agenda } from 'agenda';
import { reevaluateActivitiesJob, REEVALUATE_JOB, type ReevaluateData } from '../../../jobs/reevaluate-activities.job.js';
import { retryUnmatchedJob } from '../../../jobs/retry-unmatched.job.js';
import { recoverImportsJob } from '../../../jobs/recover-imports.job.js';
import type { JobSpec } from '../../../jobs/job-spec.js';
import { syncAttendanceJob } from '../../../jobs/sync-dingtalk-attendance.job.js';
import { syncCheckinsJob } from '../../../jobs/sync-dingtalk-checkins.job.js';
import { syncSalesforceJob } from '../../../jobs/sync-salesforce.job.js';
import { FieldWorkApi } from '../../adapters/dingtalk/field-work-api.js';
import type { DingTalkOpenApi } from '../../adapters/dingtalk/openapi-client.js';
import { HttpClient } from '../../adapters/http/http-client.js';
import { parseUserMap } from '../../adapters/mongo/identity-resolver.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import { PeopleRepository } from '../../adapters/mongo/people-repository.js';
import { SalesforceAuth } from '../../adapters/salesforce/salesforce-auth.js';
import { SalesforceClient } from '../../adapters/salesforce/salesforce-client.js';
import type { Messenger } from '../../bot/messenger.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { parseTypeMap } from '../../domain/crm/type-map.js';
import { quarterOf } from '../../domain/time/calendar.js';
import { FakeSalesforce } from '../../fake-salesforce/fake-salesforce.js';
import { loadSample } from '../../fake-salesforce/sample-data.js';
import { activityWebhookRoutes } from '../../http/routes/activities-webhook.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../metrics.js';
import { createActivityCore, type ActivityCore } from './activity-core.js';
import { createActivityMetrics, type ActivityMetrics } from './activity-metrics.js';
import { AttendanceSync } from './sync/attendance-sync.js';
import { CheckinSync } from './sync/checkin-sync.js';
import { SalesforceSync } from './sync/salesforce-sync.js';
import { DateTime } from 'luxon';

export interface ActivityModuleDeps {
  config: Config;
  models: Models;
  api: DingTalkOpenApi;
  messenger: Messenger;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

/**
 * The activity chain, wired: core services, connectors (with the local fake Salesforce when configured),
 * their jobs, the webhook router. app.ts only creates it, adds its jobs and router, and attaches Agenda.
 */
export async function createActivityModule(d: ActivityModuleDeps) {
  const log = d.logger.child({ component: 'activity' });
  const zone = d.config.timeZone;
  const activityMetrics: ActivityMetrics = createActivityMetrics(d.metrics.registry);
  const core: ActivityCore = createActivityCore({
    models: d.models,
    zone,
    defaultRulesText: d.config.activity.defaultRules,
    userMap: parseUserMap(d.config.salesforce.userMap),
    metrics: activityMetrics,
    logger: log,
    clock: d.clock,
  });
  const people = new PeopleRepository(d.models);
  // The check-in and attendance syncs page DingTalk by user id: ids only (every 15 minutes, both at once).
  const activeIds = () => people.activeIds();
  const backfillFrom = d.config.activity.backfillFrom
    ? DateTime.fromISO(d.config.activity.backfillFrom, { zone }).toJSDate()
    : quarterOf(d.clock.now(), zone).start;

  const fieldWork = new FieldWorkApi(d.api);
  const checkins = new CheckinSync({ api: fieldWork, ingest: core.ingest, cursors: core.cursors, people: activeIds, clock: d.clock, backfillFrom, metrics: activityMetrics, logger: log });
  const attendance = new AttendanceSync({ api: fieldWork, ingest: core.ingest, cursors: core.cursors, people: activeIds, clock: d.clock, zone, backfillFrom, metrics: activityMetrics, logger: log });

  const sf = await salesforce(d, core, activityMetrics, backfillFrom, log);
  let agenda: Agenda | undefined;
  const queueReevaluation = async (data: ReevaluateData) => {
    if (!agenda) throw new Error('activity module: Agenda not attached yet');
    await agenda.now(REEVALUATE_JOB, data);
  };
  core.setOnRulesChanged((quarterId) => queueReevaluation({ quarterId }));

  const jobs: JobSpec<never>[] = [
    syncCheckinsJob({ sync: checkins, every: d.config.activity.syncCheckinsEvery, logger: log }),
    syncAttendanceJob({ sync: attendance, every: d.config.activity.syncAttendanceEvery, logger: log }),
    reevaluateActivitiesJob({
      reevaluator: core.reevaluator,
      clock: d.clock,
      zone,
      logger: log,
      notify: async (userId, r) => {
        const text = `行为规则 v${r.version} 已生效：${r.quarterId} 的 ${r.scanned} 条行为已重新评估，${r.changed} 条结果有变化；计入 ${r.countedBefore} → ${r.countedAfter} 条。`;
        await d.messenger.send({ kind: 'user', userId }, { type: 'text', text });
      },
    }) as JobSpec<never>,
    retryUnmatchedJob({ core, logger: log }),
    recoverImportsJob({ core, logger: log }),
    ...(sf ? [syncSalesforceJob({ sync: sf.sync, every: d.config.salesforce.syncEvery, logger: log })] : []),
  ];

  const router: Router = activityWebhookRoutes({
    secrets: d.config.activity.webhookSecrets,
    maxBytes: d.config.activity.webhookMaxBytes,
    ingest: core.ingest,
    now: () => d.clock.now(),
    metrics: activityMetrics,
    logger: log,
  });

  return {
    core,
    metrics: activityMetrics,
    people,
    checkins,
    attendance,
    salesforce: sf?.sync,
    /** The local fake org when SALESFORCE_MODE=local. */
    localSalesforce: sf?.fake,
    jobs,
    router,
    queueReevaluation,
    attach(a: Agenda) {
      agenda = a;
    },
    async stop() {
      await sf?.fake?.stop();
    },
  };
}

export type ActivityModule = Awaited<ReturnType<typeof createActivityModule>>;

async function salesforce(d: ActivityModuleDeps, core: ActivityCore, metrics: ActivityMetrics, backfillFrom: Date, log: Logger) {
  const c = d.config.salesforce;
  if (c.mode === 'off') return undefined;
  let fake: FakeSalesforce | undefined;
  let creds = { loginUrl: c.loginUrl, grant: c.grant, clientId: c.clientId ?? '', clientSecret: c.clientSecret ?? '', ...(c.username ? { username: c.username } : {}), ...(c.password ? { password: c.password } : {}) };
  if (c.mode === 'local') {
    fake = await new FakeSalesforce().start();
    loadSample(fake.store);
    creds = { loginUrl: fake.baseUrl, grant: 'client_credentials', clientId: fake.clientId, clientSecret: fake.clientSecret };
    log.info({ url: fake.baseUrl }, 'SALESFORCE_MODE=local: using a fake org with the sample export');
  }
  const http = new HttpClient({
    timeoutMs: c.httpTimeoutMs,
    maxRetries: c.maxRetries,
    logger: log,
    onAttempt: ({ endpoint, status }) => d.metrics.openApiCalls.inc({ endpoint, status: String(status) }),
  });
  const typeMap = parseTypeMap(c.typeMap);
  if (!typeMap.ok) throw new Error(`SALESFORCE_TYPE_MAP: ${typeMap.error}`);
  const sync = new SalesforceSync({
    client: new SalesforceClient(http, new SalesforceAuth(http, creds), { apiVersion: c.apiVersion, batchSize: c.batchSize }),
    ingest: core.ingest,
    deals: core.dealIngest,
    accounts: core.accounts,
    cursors: core.cursors,
    mapping: { zone: d.config.timeZone, typeMap: typeMap.map, taskTypeField: fake ? 'Type__c' : c.taskTypeField, cnyPerUnit: c.cnyPerUnit },
    clock: d.clock,
    // The sample export is from 2021–2024: the local org is always read from the start.
    backfillFrom: fake ? new Date(0) : backfillFrom,
    metrics,
    logger: log,
  });
  return { sync, fake };
}
