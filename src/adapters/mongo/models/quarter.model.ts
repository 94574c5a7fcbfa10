import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const metricSchema = new Schema(
  {
    /** Stable key, e.g. signed_amount, new_customers, proposal_rate. */
    key: { type: String, required: true, match: /^[a-z][a-z0-9_]*$/ },
    name: { type: String, required: true },
    nameEn: { type: String, default: '' },
    /** cny: whole yuan; count: integer; percent: basis points (1% = 100). */
    unit: { type: String, enum: ['cny', 'count', 'percent'], required: true },
    kind: { type: String, enum: ['kpi', 'okr'], default: 'kpi' },
  },
  { _id: false },
);

const activityTypeSchema = new Schema(
  { key: { type: String, required: true, match: /^[a-z][a-z0-9_]*$/ }, name: { type: String, required: true }, nameEn: { type: String, default: '' } },
  { _id: false },
);

/**
 * A quarter as HR configured it: dates, review meeting, tracked metrics, company direction, activity types,
 * validity rules and report schedule. `_id` is the quarter key ("2026Q4").
 */
export const quarterSchema = new Schema(
  {
    _id: { type: String, required: true },
    startDate: { type: Date, required: true },
    /** Exclusive. */
    endDate: { type: Date, required: true },
    reviewAt: { type: Date, required: true },
    timeZone: { type: String, required: true, default: 'Asia/Shanghai' },
    metrics: { type: [metricSchema], default: [] },
    /** Company-level direction that every goal rolls up to. */
    direction: {
      industries: { type: [String], default: [] },
      keyAccounts: { type: [String], default: [] },
    },
    /** The industries people may choose from. */
    industryOptions: { type: [String], default: [] },
    activityTypes: { type: [activityTypeSchema], default: [] },
    // Validity rules live in activity_rule_sets (versioned, set by HR with 行为规则; docs/activities.md).
    /**
     * Boolean activity dimensions (activity.dims.<key> === true) the weekly report compares between reps,
     * e.g. { key: 'proposalCustomized', name: '方案定制率' }. Empty: the report's default set.
     */
    reportDimensions: { type: [activityTypeSchema], default: [] },
    /** Weekly health report push time in the quarter's zone. */
    reportSchedule: {
      weekday: { type: Number, min: 1, max: 7, default: 5 },
      time: { type: String, match: /^\d{2}:\d{2}$/, default: '17:00' },
    },
    /** The team group(s) that get the pre-review pack. */
    reviewGroupIds: { type: [String], default: [] },
    status: { type: String, enum: ['planning', 'active', 'closed'], default: 'active' },
    updatedBy: { type: String },
    /** Bumped on every set-up change; set-up cards carry it so two HR edits can't silently overwrite each other. */
    revision: { type: Number, default: 1 },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
quarterSchema.index({ status: 1, startDate: 1 });

// The read API pages by (updatedAt, _id) (src/services/api/cursor.ts).
quarterSchema.index({ updatedAt: 1, _id: 1 });

export type QuarterDoc = InferSchemaType<typeof quarterSchema>;
export const quarterModel = (conn: Connection) => conn.model('Quarter', quarterSchema, 'quarters');
