import { CardTemplates } from '../../adapters/cards/template-store.js';
import type { AuditRepository } from '../../adapters/mongo/audit-repository.js';
import type { DeliveryLedger } from '../../adapters/mongo/delivery-ledger.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import type { Messenger } from '../../bot/messenger.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { appealReminderJob } from '../../../jobs/appeal-reminder.job.js';
import type { ActivityModule } from '../activity/activity-module.js';
import type { WorkingCalendar } from '../../domain/time/working-days.js';
import { AppealService } from './appeal-service.js';

/** Appeals wired for app.ts: the service (handlers) and its reminder job. */
export function createAppeals(d: {
  models: Models;
  messenger: Messenger;
  audit: AuditRepository;
  ledger: DeliveryLedger;
  clock: Clock;
  config: Config;
  activity: ActivityModule;
  calendar: () => Promise<WorkingCalendar>;
  logger: Logger;
}) {
  const service = new AppealService({
    models: d.models,
    messenger: d.messenger,
    templates: new CardTemplates(undefined, d.config.dingtalk.cardTemplatePrefix),
    audit: d.audit,
    ledger: d.ledger,
    clock: d.clock,
    rules: d.activity.core.rules,
    zone: d.config.timeZone,
    calendar: d.calendar,
    logger: d.logger.child({ feature: 'appeals' }),
  });
  return { service, job: appealReminderJob({ appeals: service, logger: d.logger }) };
}
