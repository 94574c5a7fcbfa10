import type { CheckinSync } from '../src/services/activity/sync/checkin-sync.js';
import { connectorSyncJob, type ConnectorSyncDeps } from './connector-sync.js';
import type { JobSpec } from './job-spec.js';

/** Pulls DingTalk 签到 records from the stored window onwards. */
export function syncCheckinsJob(deps: ConnectorSyncDeps & { sync: CheckinSync }): JobSpec {
  return connectorSyncJob('sync-dingtalk-checkins', deps);
}
