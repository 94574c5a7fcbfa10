import type { TopLevelSpec } from 'vega-lite';
import { reviewPackJobs } from '../../../jobs/review-pack.job.js';
import type { JobSpec } from '../../../jobs/job-spec.js';
import { CardTemplates } from '../../adapters/cards/template-store.js';
import type { DeliveryLedger } from '../../adapters/mongo/delivery-ledger.js';
import type { Models } from '../../adapters/mongo/models/index.js';
import type { Messenger } from '../../bot/messenger.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { WorkingCalendar } from '../../domain/time/working-days.js';
import type { ReportBuilder } from '../weekly-report/report-builder.js';
import { ReviewPackBuilder } from './pack-builder.js';
import { PackSender } from './pack-sender.js';
import { ReviewPackService } from './review-pack-service.js';

export interface ReviewPacks {
  service: ReviewPackService;
  builder: ReviewPackBuilder;
  sender: PackSender;
  jobs: Array<JobSpec<never>>;
}

/** Wires the pre-review pack: builder (on the Friday report's loader and settings), sender, service, jobs. */
export function createReviewPacks(deps: {
  models: Models;
  messenger: Messenger;
  ledger: DeliveryLedger;
  clock: Clock;
  logger: Logger;
  config: Config;
  reportBuilder: ReportBuilder;
  render: (spec: TopLevelSpec, opts: { scale: number }) => Promise<Buffer>;
  /** The company's working days: the pack time moves off holidays. */
  calendar?: () => Promise<WorkingCalendar>;
}): ReviewPacks {
  const logger = deps.logger.child({ feature: 'review-pack' });
  const builder = new ReviewPackBuilder(deps.models, (q) => deps.reportBuilder.settingsFor(q), deps.config.prediction, deps.reportBuilder);
  const sender = new PackSender({ messenger: deps.messenger, templates: new CardTemplates(undefined, deps.config.dingtalk.cardTemplatePrefix), ledger: deps.ledger, render: deps.render });
  const service = new ReviewPackService({ models: deps.models, builder, sender, messenger: deps.messenger, clock: deps.clock, logger, ...(deps.calendar ? { calendar: deps.calendar } : {}) });
  const jobs = reviewPackJobs({ service, tickSeconds: 60 }) as unknown as Array<JobSpec<never>>;
  return { service, builder, sender, jobs };
}
