import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** HR's mapping of another system's user to a DingTalk person; `_id` = "<system>:<external id or email>". */
export const userMappingSchema = new Schema(
  {
    _id: { type: String, required: true },
    system: { type: String, required: true },
    externalId: { type: String, required: true },
    personId: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export type UserMappingDoc = InferSchemaType<typeof userMappingSchema>;
export const userMappingModel = (conn: Connection) => conn.model('UserMapping', userMappingSchema, 'user_mappings');
