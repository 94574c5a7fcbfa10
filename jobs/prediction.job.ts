import type { ModelKeeper } from '../src/services/prediction/model-keeper.js';
import type { RiskAlerts } from '../src/services/prediction/risk-alert.js';
import type { JobSpec } from './job-spec.js';

/** Weekly retraining of the attainment prediction on the finished quarters (docs/prediction.md). */
export function predictionRetrainJob(deps: { keeper: ModelKeeper; cron: string; timezone: string }): JobSpec {
  return {
    name: 'prediction-retrain',
    every: { interval: deps.cron, timezone: deps.timezone },
    concurrency: 1,
    lockLifetimeMs: 30 * 60_000,
    handler: async () => void (await deps.keeper.retrain()),
  };
}

/**
 * The week-N risk alert. Ticks (default every minute) rather than a cron at week N: the quarter's start
 * comes from the database and the simulator can jump the clock; the ledger makes it once per manager.
 */
export function predictionAlertJob(deps: { alerts: RiskAlerts; tickSeconds: number }): JobSpec {
  return {
    name: 'prediction-alert',
    every: { interval: `${deps.tickSeconds} seconds` },
    concurrency: 1,
    lockLifetimeMs: 10 * 60_000,
    handler: async () => void (await deps.alerts.tick()),
  };
}
