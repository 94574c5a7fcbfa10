import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const ROLES = ['rep', 'manager', 'hr'] as const;
export type Role = (typeof ROLES)[number];

const managerSpanSchema = new Schema(
  { managerId: { type: String, default: null }, from: { type: Date, required: true }, to: { type: Date, default: null } },
  { _id: false },
);

/** A person in the org, keyed by DingTalk userid. People who leave are deactivated, never deleted. */
export const personSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    title: { type: String, default: '' },
    deptIds: { type: [Number], default: [] },
    deptNames: { type: [String], default: [] },
    managerId: { type: String, default: null },
    role: { type: String, enum: ROLES, required: true, default: 'rep' },
    isActive: { type: Boolean, default: true },
    email: { type: String, lowercase: true, trim: true },
    jobNumber: { type: String },
    leftAt: { type: Date, default: null },
    /** Reporting lines over time, so history stays attributed to the manager of the day. */
    managerHistory: { type: [managerSpanSchema], default: [] },
    syncedAt: { type: Date },
    source: { type: String, enum: ['dingtalk', 'seed', 'manual'], default: 'dingtalk' },
    /** HR gave this person the hr role in chat (kept across syncs; HR_USER_IDS is the other source). */
    hrAssigned: { type: Boolean, default: false },
    /** Language the person last wrote in; proactive messages and cards use it. */
    lang: { type: String, enum: ['zh', 'en'], default: 'zh' },
  },
  { timestamps: true, versionKey: false },
);
personSchema.index({ managerId: 1, isActive: 1 });
personSchema.index({ role: 1 });
personSchema.index({ email: 1 });

// The read API pages by (updatedAt, _id) (src/services/api/cursor.ts).
personSchema.index({ updatedAt: 1, _id: 1 });

export type PersonDoc = InferSchemaType<typeof personSchema>;
export const personModel = (conn: Connection) => conn.model('Person', personSchema, 'people');
