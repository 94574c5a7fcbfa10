import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Every version of every goal, append-only. `_id` = `<quarterId>:<ownerId>:v<version>`: inserting the next
 * version is the claim to make the change, so two concurrent submits (or a submit racing an approval)
 * can't both win, on any MongoDB-wire server. The goal document is the latest state, caught up from here.
 */
export const goalRevisionSchema = new Schema(
  {
    _id: { type: String, required: true },
    quarterId: { type: String, required: true },
    ownerId: { type: String, required: true },
    version: { type: Number, required: true },
    /** created | submitted | approved | returned | resubmitted … */
    action: { type: String, required: true },
    actorId: { type: String, required: true },
    at: { type: Date, required: true },
    /** The goal's full state at this version (targets, direction, status, alignment, decision). */
    state: { type: Schema.Types.Mixed, required: true },
  },
  { versionKey: false, minimize: false },
);
goalRevisionSchema.index({ quarterId: 1, ownerId: 1, version: -1 });

export type GoalRevisionDoc = InferSchemaType<typeof goalRevisionSchema>;
export const goalRevisionModel = (conn: Connection) => conn.model('GoalRevision', goalRevisionSchema, 'goal_revisions');
