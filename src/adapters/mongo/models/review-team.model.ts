import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A team's pre-review settings, keyed by its manager's userid: the group chat bound with 「绑定团队群」
 * (where the pack goes), and HR's per-quarter review-time overrides (「复盘时间 团队 王磊 …」).
 */
export const reviewTeamSchema = new Schema(
  {
    _id: { type: String, required: true },
    groupId: { type: String, default: null },
    groupTitle: { type: String, default: '' },
    boundBy: { type: String },
    boundAt: { type: Date },
    /** quarterId → review meeting time for this team (else the quarter's reviewAt). */
    reviewAt: { type: Map, of: Date, default: {} },
  },
  { timestamps: true, versionKey: false, minimize: false },
);
reviewTeamSchema.index({ groupId: 1 });

export type ReviewTeamDoc = InferSchemaType<typeof reviewTeamSchema>;
export const reviewTeamModel = (conn: Connection) => conn.model('ReviewTeam', reviewTeamSchema, 'review_teams');
