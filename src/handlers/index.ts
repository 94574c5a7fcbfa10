import type { AuditRepository } from '../adapters/mongo/audit-repository.js';
import type { DeliveryLedger } from '../adapters/mongo/delivery-ledger.js';
import type { Models } from '../adapters/mongo/models/index.js';
import type { DingTalkOpenApi } from '../adapters/dingtalk/openapi-client.js';
import type { Bot } from '../bot/bot.js';
import type { Messenger } from '../bot/messenger.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { WeeklyReports } from '../services/weekly-report/index.js';
import { registerHelp } from './help.js';
import { registerReportHandlers } from './report.js';

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
  reports?: WeeklyReports;
}

/** Every feature's commands and card actions; help goes last so it lists them all. */
export function registerHandlers(bot: Bot, deps: HandlerDeps): void {
  if (deps.reports) {
    const { views, runner, builder } = deps.reports;
    registerReportHandlers(bot, { models: deps.models, views, runner, builder, audit: deps.audit, messenger: deps.messenger, clock: deps.clock });
  }
  registerHelp(bot);
}
