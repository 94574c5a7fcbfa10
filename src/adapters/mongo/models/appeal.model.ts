import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * One appeal (申诉) of a not-counted activity. `activityId` is unique: an activity is appealed once, and a
 * second submit (a double click, a redelivered frame, another instance) bounces off the index.
 */
export const appealSchema = new Schema(
  {
    activityId: { type: String, required: true },
    personId: { type: String, required: true },
    /** The direct manager when it was opened: the one who decides, and the team it is counted under. */
    managerId: { type: String, required: true },
    quarterId: { type: String, required: true },
    /** What the activity was and why the system did not count it, as the rep saw it. */
    activity: {
      type: { type: String },
      typeName: String,
      day: String,
      startAt: Date,
      accountName: String,
      source: String,
    },
    systemReasons: { type: [String], default: [] },
    ruleVersion: { type: Number },
    ruleText: { type: String },
    reason: { type: String, required: true },
    status: { type: String, enum: ['open', 'accepted', 'rejected'], required: true, default: 'open' },
    openedAt: { type: Date, required: true },
    /** 'card' (Friday card or 我的行为 button) or 'chat' (申诉 <编号> <理由>). */
    openedVia: { type: String },
    decidedAt: { type: Date },
    decidedBy: { type: String },
    decisionReason: { type: String },
    approvalOutTrackId: { type: String },
  },
  { timestamps: true, versionKey: false },
);
appealSchema.index({ activityId: 1 }, { unique: true });
appealSchema.index({ quarterId: 1, managerId: 1 });
appealSchema.index({ status: 1, openedAt: 1 });

export type AppealDoc = InferSchemaType<typeof appealSchema>;
export const appealModel = (conn: Connection) => conn.model('Appeal', appealSchema, 'appeals');
