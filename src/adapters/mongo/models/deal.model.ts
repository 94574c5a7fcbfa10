import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** A deal/opportunity from the CRM: the outcome chain. Amounts are whole CNY. */
export const dealSchema = new Schema(
  {
    personId: { type: String, required: true },
    source: { type: String, required: true },
    sourceId: { type: String, required: true },
    name: { type: String, default: '' },
    accountId: { type: String },
    accountName: { type: String },
    industry: { type: String },
    stage: { type: String, required: true },
    amountCny: { type: Number, required: true, min: 0, validate: Number.isSafeInteger },
    isWon: { type: Boolean, default: false },
    isClosed: { type: Boolean, default: false },
    closeDate: { type: Date },
    /** When the opportunity was created / engaged (Salesforce CreatedDate): new opportunities = pipeline. */
    openedDate: { type: Date },
    isNewCustomer: { type: Boolean, default: false },
    quarterId: { type: String },
    isoWeek: { type: String },
    sourceUpdatedAt: { type: Date },
    raw: { type: Schema.Types.Mixed },
    /** The CRM's own deal type (Salesforce Opportunity.Type), when filled in. */
    dealType: { type: String },
    probability: { type: Number },
    /** Deleted at the source: kept for audit, excluded from outcomes. */
    deleted: { type: Boolean, default: false },
    contentHash: { type: String },
  },
  { timestamps: true, versionKey: false },
);
dealSchema.index({ source: 1, sourceId: 1 }, { unique: true });
dealSchema.index({ quarterId: 1, personId: 1 });
// The report's "opportunities entered" count reads a slice's people by openedDate, with no quarterId.
dealSchema.index({ personId: 1, openedDate: 1 });
dealSchema.index({ accountId: 1 });

// The read API pages by (updatedAt, _id) (src/services/api/cursor.ts).
dealSchema.index({ updatedAt: 1, _id: 1 });

export type DealDoc = InferSchemaType<typeof dealSchema>;
export const dealModel = (conn: Connection) => conn.model('Deal', dealSchema, 'deals');
