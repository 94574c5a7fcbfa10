import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** A customer account from the CRM: name (to tie check-ins to it) and address coordinates (for distance rules). */
export const crmAccountSchema = new Schema(
  {
    source: { type: String, required: true },
    sourceId: { type: String, required: true },
    name: { type: String, required: true },
    /** customerNameKey(name): how check-in customer names are looked up. */
    nameKey: { type: String },
    industry: { type: String },
    type: { type: String },
    location: { lat: Number, lng: Number },
    address: { type: String },
    deleted: { type: Boolean, default: false },
    sourceUpdatedAt: { type: Date },
  },
  { timestamps: true, versionKey: false },
);
crmAccountSchema.index({ source: 1, sourceId: 1 }, { unique: true });
crmAccountSchema.index({ nameKey: 1 });

export type CrmAccountDoc = InferSchemaType<typeof crmAccountSchema>;
export const crmAccountModel = (conn: Connection) => conn.model('CrmAccount', crmAccountSchema, 'crm_accounts');
