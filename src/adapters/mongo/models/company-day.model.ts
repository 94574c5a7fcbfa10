import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A company override of the public calendar, set by HR (`公司假期`): a day off (年会, 盘点) or a working
 * day on a weekend or holiday. `_id` is the local date "YYYY-MM-DD", so a day has one override.
 */
export const companyDaySchema = new Schema(
  {
    _id: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ },
    kind: { type: String, enum: ['off', 'work'], required: true },
    note: { type: String, default: '' },
    setBy: { type: String, required: true },
  },
  { timestamps: true, versionKey: false },
);

export type CompanyDayDoc = InferSchemaType<typeof companyDaySchema>;
export const companyDayModel = (conn: Connection) => conn.model('CompanyDay', companyDaySchema, 'company_days');
