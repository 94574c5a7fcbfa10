import type { TopLevelSpec } from 'vega-lite';
import type { ActivityModule } from '../services/activity/activity-module.js';
import type { AuditRepository } from '../adapters/mongo/audit-repository.js';
import type { DeliveryLedger } from '../adapters/mongo/delivery-ledger.js';
import type { Models } from '../adapters/mongo/models/index.js';
import type { DingTalkOpenApi } from '../adapters/dingtalk/openapi-client.js';
import type { Bot } from '../bot/bot.js';
import type { Messenger } from '../bot/messenger.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { reroutePendingApprovals } from '../services/goals/goal-decide.js';
import type { OrgSync } from '../services/org-sync.js';
import type { WeeklyReports } from '../services/weekly-report/index.js';
import type { AppealService } from '../services/appeals/appeal-service.js';
import type { ReviewPacks } from '../services/review-pack/index.js';
import type { Prediction } from '../services/prediction/index.js';
import { registerPrediction } from './prediction.js';
import { registerActivity } from './activity.js';
import { registerAppeals } from './appeals.js';
import { registerApiKeys } from './api-keys.js';
import type { CompanyCalendar } from '../services/calendar/company-calendar.js';
import { registerCalendar } from './calendar.js';
import { goalDeps } from './goal-deps.js';
import { registerGoals } from './goals.js';
import { registerHelp } from './help.js';
import { registerOrgAdmin } from './org-admin.js';
import { registerQuarterSetup } from './quarter.js';
import { registerReportHandlers } from './report.js';
import { registerReviewPackHandlers } from './review-pack.js';

/** What feature handlers may use; each register() takes the parts it needs. */
export interface HandlerDeps {
  models: Models;
  api: DingTalkOpenApi;
  messenger: Messenger;
  ledger: DeliveryLedger;
  audit: AuditRepository;
  clock: Clock;
  config: Config;
  logger: Logger;
  /** People and reporting lines from DingTalk (scheduled sync, on demand, and on first contact). */
  org: OrgSync;
  /** vega-lite spec → PNG off the event loop. */
  renderPng: (spec: TopLevelSpec) => Promise<Buffer>;
  /** The activity chain: connectors, rules, ingest. */
  activity: ActivityModule;
  /** The Friday report: builder, runner, on-request views. */
  reports: WeeklyReports;
  /** Appeals (申诉) of not-counted activities. */
  appeals: AppealService;
  /** The pre-review pack: builder, sender, when-and-where service. */
  packs: ReviewPacks;
  /** Attainment prediction: model keeper, risk alert. */
  prediction: Prediction;
  /** Working days: China's public holidays and 调休, plus HR's company days. */
  calendar: CompanyCalendar;
}

/** Every feature's commands and card actions; help goes last so it lists them all. */
export function registerHandlers(bot: Bot, deps: HandlerDeps): void {
  const goals = goalDeps(deps);
  registerGoals(bot, goals);
  registerQuarterSetup(bot, { ...goals, ledger: deps.ledger });
  registerOrgAdmin(bot, goals);
  deps.org.onSynced(async (r) => void (await reroutePendingApprovals(goals, r.managerChanges, deps.logger)));
  registerActivity(bot, deps);
  registerAppeals(bot, deps);
  registerCalendar(bot, deps);
  const { views, runner, builder } = deps.reports;
  registerReportHandlers(bot, { models: deps.models, views, runner, builder, audit: deps.audit, messenger: deps.messenger, clock: deps.clock, logger: deps.logger });
  registerApiKeys(bot, { ...goals, models: deps.models, config: deps.config });
  registerReviewPackHandlers(bot, { models: deps.models, packs: deps.packs, audit: deps.audit, clock: deps.clock, messenger: deps.messenger });
  registerPrediction(bot, { models: deps.models, messenger: deps.messenger, clock: deps.clock, views, prediction: deps.prediction });
  registerHelp(bot, async (userId) => {
    const p = await deps.org.ensurePerson(userId);
    return p ? deps.org.roleOf(p) : 'rep';
  });
}
