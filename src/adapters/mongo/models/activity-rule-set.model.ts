import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Validity rules, one immutable document per (quarter, version). Saving a change inserts version n+1:
 * the unique index makes two concurrent edits conflict instead of one silently overwriting the other,
 * and every activity records the version that judged it, so old verdicts stay explainable.
 */
export const activityRuleSetSchema = new Schema(
  {
    quarterId: { type: String, required: true },
    version: { type: Number, required: true, min: 1 },
    /** As HR typed it (shown back, and re-parsed if the parser improves). */
    text: { type: String, required: true, maxlength: 4000 },
    /** Parsed rules (domain/activity/rules/rule-model.ts RuleSet). */
    rules: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);
activityRuleSetSchema.index({ quarterId: 1, version: 1 }, { unique: true });

export type ActivityRuleSetDoc = InferSchemaType<typeof activityRuleSetSchema>;
export const activityRuleSetModel = (conn: Connection) => conn.model('ActivityRuleSet', activityRuleSetSchema, 'activity_rule_sets');
