/** The prediction feature wired for app.ts: model keeper, risk alert, jobs, and what the handler needs. */
import type { Models } from '../../adapters/mongo/models/index.js';
import { CardTemplates } from '../../adapters/cards/template-store.js';
import type { DeliveryLedger } from '../../adapters/mongo/delivery-ledger.js';
import type { Messenger } from '../../bot/messenger.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { JobSpec } from '../../../jobs/job-spec.js';
import { predictionAlertJob, predictionRetrainJob } from '../../../jobs/prediction.job.js';
import { ModelKeeper } from './model-keeper.js';
import { RiskAlerts } from './risk-alert.js';
import { WeeklyPredictions } from './weekly-predictions.js';

export interface Prediction {
  keeper: ModelKeeper;
  alerts: RiskAlerts;
  /** Stores each rep's prediction of a week (from week 4); the Friday report pass calls it before building. */
  weekly: WeeklyPredictions;
  jobs: JobSpec[];
  threshold: number;
}

export function createPrediction(d: { models: Models; ledger: DeliveryLedger; messenger: Messenger; clock: Clock; logger: Logger; config: Config; templates?: CardTemplates }): Prediction {
  const log = d.logger.child({ component: 'prediction' });
  const keeper = new ModelKeeper({ models: d.models, clock: d.clock, logger: log });
  const weekly = new WeeklyPredictions({ models: d.models, keeper, logger: log });
  const alerts = new RiskAlerts({
    models: d.models,
    ledger: d.ledger,
    messenger: d.messenger,
    templates: d.templates ?? new CardTemplates(undefined, d.config.dingtalk.cardTemplatePrefix),
    clock: d.clock,
    keeper,
    weekly,
    logger: log,
    alertWeek: d.config.prediction.alertWeek,
    threshold: d.config.prediction.threshold,
    timeZone: d.config.timeZone,
  });
  return {
    keeper,
    alerts,
    weekly,
    threshold: d.config.prediction.threshold,
    jobs: [predictionRetrainJob({ keeper, cron: d.config.prediction.retrainCron, timezone: d.config.timeZone }), predictionAlertJob({ alerts, tickSeconds: d.config.report.tickSeconds })],
  };
}
