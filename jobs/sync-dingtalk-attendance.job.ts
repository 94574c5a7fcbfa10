import type { AttendanceSync } from '../src/services/activity/sync/attendance-sync.js';
import { connectorSyncJob, type ConnectorSyncDeps } from './connector-sync.js';
import type { JobSpec } from './job-spec.js';

/** Pulls DingTalk 考勤 punch results by work date. */
export function syncAttendanceJob(deps: ConnectorSyncDeps & { sync: AttendanceSync }): JobSpec {
  return connectorSyncJob('sync-dingtalk-attendance', deps);
}
