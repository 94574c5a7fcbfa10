import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const GOAL_STATUSES = ['draft', 'submitted', 'approved', 'returned'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

const targetSchema = new Schema(
  {
    metric: { type: String, required: true },
    /** Integer in the metric's unit (CNY yuan, count, basis points for rates). */
    value: { type: Number, required: true, min: 0, validate: Number.isSafeInteger },
  },
  { _id: false },
);

const findingSchema = new Schema(
  {
    code: { type: String, required: true },
    message: { type: String, required: true },
    /** The same reason in English, for people who use the bot in English. */
    messageEn: { type: String, default: '' },
    severity: { type: String, enum: ['red', 'amber'], default: 'red' },
  },
  { _id: false },
);

/** One person's goal for one quarter (KPI targets + direction + optional OKR text). */
export const goalSchema = new Schema(
  {
    quarterId: { type: String, required: true },
    ownerId: { type: String, required: true },
    /** The direct manager when the goal was last submitted. */
    managerId: { type: String, default: null },
    targets: { type: [targetSchema], default: [] },
    industries: { type: [String], default: [] },
    keyAccounts: { type: [String], default: [] },
    plan: { type: String, default: '', maxlength: 2000 },
    objective: { type: String, default: '', maxlength: 500 },
    keyResults: { type: [String], default: [] },
    status: { type: String, enum: GOAL_STATUSES, default: 'draft' },
    /** Bumped on every change; cards carry it so a stale card can't overwrite a newer goal. */
    version: { type: Number, default: 1 },
    alignment: {
      status: { type: String, enum: ['green', 'red', 'unknown'], default: 'unknown' },
      findings: { type: [findingSchema], default: [] },
      checkedAt: { type: Date },
    },
    submittedAt: { type: Date },
    decidedAt: { type: Date },
    decidedBy: { type: String },
    decisionComment: { type: String, default: '' },
    cardOutTrackId: { type: String },
    approvalOutTrackId: { type: String },
  },
  { timestamps: true, versionKey: false },
);
goalSchema.index({ quarterId: 1, ownerId: 1 }, { unique: true });
goalSchema.index({ quarterId: 1, managerId: 1 });

// The read API pages by (updatedAt, _id) (src/services/api/cursor.ts).
goalSchema.index({ updatedAt: 1, _id: 1 });

export type GoalDoc = InferSchemaType<typeof goalSchema>;
export const goalModel = (conn: Connection) => conn.model('Goal', goalSchema, 'goals');
