import type { SalesforceSync } from '../src/services/activity/sync/salesforce-sync.js';
import { connectorSyncJob, type ConnectorSyncDeps } from './connector-sync.js';
import type { JobSpec } from './job-spec.js';

/** Pulls Salesforce accounts, opportunities, events and tasks changed since the stored cursor. */
export function syncSalesforceJob(deps: ConnectorSyncDeps & { sync: SalesforceSync }): JobSpec {
  return connectorSyncJob('sync-salesforce', deps);
}
