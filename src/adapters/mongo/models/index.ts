import type { Connection } from 'mongoose';
import { activityModel } from './activity.model.js';
import { activityImportModel, activityImportUndoModel } from './activity-import.model.js';
import { activityQuarterSourcesModel } from './activity-quarter-sources.model.js';
import { activityRuleSetModel } from './activity-rule-set.model.js';
import { crmAccountModel } from './crm-account.model.js';
import { syncCursorModel } from './sync-cursor.model.js';
import { unmatchedRecordModel } from './unmatched-record.model.js';
import { userMappingModel } from './user-mapping.model.js';
import { appealModel } from './appeal.model.js';
import { auditLogModel } from './audit-log.model.js';
import { companyDayModel } from './company-day.model.js';
import { dealModel } from './deal.model.js';
import { deliveryClaimModel, deliveryModel } from './delivery.model.js';
import { goalModel } from './goal.model.js';
import { goalRevisionModel } from './goal-revision.model.js';
import { inboundMessageModel } from './inbound-message.model.js';
import { personModel } from './person.model.js';
import { quarterModel } from './quarter.model.js';
import { reportRunModel } from './report-run.model.js';
import { apiKeyModel, apiRateWindowModel } from './api-key.model.js';
import { reviewTeamModel } from './review-team.model.js';
import { predictionModelModel } from './prediction-model.model.js';
import { predictionModel } from './prediction.model.js';

/** All models bound to one connection (no global mongoose state, so tests can run several). */
export function createModels(conn: Connection) {
  return {
    Person: personModel(conn),
    Quarter: quarterModel(conn),
    Goal: goalModel(conn),
    GoalRevision: goalRevisionModel(conn),
    Activity: activityModel(conn),
    Deal: dealModel(conn),
    Delivery: deliveryModel(conn),
    DeliveryClaim: deliveryClaimModel(conn),
    InboundMessage: inboundMessageModel(conn),
    AuditLog: auditLogModel(conn),
    // activity chain (issue 4)
    ActivityRuleSet: activityRuleSetModel(conn),
    SyncCursor: syncCursorModel(conn),
    UnmatchedRecord: unmatchedRecordModel(conn),
    UserMapping: userMappingModel(conn),
    CrmAccount: crmAccountModel(conn),
    ActivityQuarterSources: activityQuarterSourcesModel(conn),
    // CSV import runs and what they changed, for rollback (issue 14)
    ActivityImport: activityImportModel(conn),
    ActivityImportUndo: activityImportUndoModel(conn),
    ReportRun: reportRunModel(conn),
    Appeal: appealModel(conn),
    // read API for IT (issue 13)
    ApiKey: apiKeyModel(conn),
    ApiRateWindow: apiRateWindowModel(conn),
    // outcome chain (issue 10): group binding and review-time overrides per team
    ReviewTeam: reviewTeamModel(conn),
    // prediction (issue 11)
    PredictionModel: predictionModelModel(conn),
    Prediction: predictionModel(conn),
    CompanyDay: companyDayModel(conn),
  };
}

export type Models = ReturnType<typeof createModels>;

/** Builds every index now and surfaces failures (mongoose otherwise swallows them). */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) {
    await model.createCollection().catch((err: { code?: number; message?: string }) => {
      // 48 = already exists. mongoose's own autoCreate may race this call; mongo-java-server then answers
      // with a generic error saying the collection "already existed" instead of code 48.
      if (err.code !== 48 && !/already exist/i.test(err.message ?? '')) throw err;
    });
    await model.createIndexes();
  }
}
