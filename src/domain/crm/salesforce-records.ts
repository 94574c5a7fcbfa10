import { parseDateInZone, parseInstant } from '../activity/timestamps.js';
import type { ActivityInput, LatLng } from '../activity/types.js';
import { activityTypeFor, type TypeMap } from './type-map.js';

/**
 * Salesforce REST records (as the query API returns them: JSON types, `attributes`, null for empty)
 * turned into our activity, deal and account shapes. Field names are Salesforce's standard API names.
 */

export type SfRecord = Record<string, unknown> & { attributes?: { type?: string; url?: string }; Id?: unknown };

export interface SfMappingOptions {
  zone: string;
  typeMap: TypeMap;
  /** The Task field holding the activity kind (TaskSubtype, Type, or a custom field like Type__c). */
  taskTypeField: string;
  /** CNY per unit of the org's amount currency. */
  cnyPerUnit: number;
}

export interface SfAccount {
  sourceId: string;
  name: string;
  industry?: string;
  type?: string;
  location?: LatLng;
  address?: string;
  deleted: boolean;
  sourceUpdatedAt?: Date;
}

export interface DealInput {
  sourceId: string;
  ownerId: string;
  name: string;
  accountId?: string;
  stage: string;
  amountCny: number;
  isWon: boolean;
  isClosed: boolean;
  closeDate?: Date;
  /** Created / engaged date (Salesforce CreatedDate): when the opportunity entered the pipeline. */
  openedDate?: Date;
  /** Salesforce Opportunity.Type ("New Customer", "Existing Customer - Upgrade", …). */
  dealType?: string;
  probability?: number;
  accountName?: string;
  deleted: boolean;
  sourceUpdatedAt?: Date;
  raw: unknown;
}

export type Mapped<T> = { ok: true; value: T } | { ok: false; error: string };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : undefined);
const bool = (v: unknown): boolean => v === true || v === 'true';
const instantOf = (v: unknown): Date | undefined => (typeof v === 'string' ? parseInstant(v) : undefined);

export function withoutAttributes(r: SfRecord): Record<string, unknown> {
  const { attributes: _a, ...rest } = r;
  return rest;
}

/** Task.AccountId is derived by Salesforce from WhatId/WhoId; exports sometimes lack it, WhatId 001… is an account. */
function accountIdOf(r: SfRecord): string | undefined {
  return str(r.AccountId) ?? (str(r.WhatId)?.startsWith('001') ? str(r.WhatId) : undefined);
}

function base(r: SfRecord, object: 'Task' | 'Event'): Mapped<Pick<ActivityInput, 'source' | 'sourceId' | 'person' | 'deleted' | 'sourceUpdatedAt' | 'raw'>> {
  const id = str(r.Id);
  const owner = str(r.OwnerId);
  if (!id) return { ok: false, error: `${object} without Id` };
  if (!owner) return { ok: false, error: `${object} ${id} has no OwnerId` };
  const updated = instantOf(r.SystemModstamp) ?? instantOf(r.LastModifiedDate);
  return {
    ok: true,
    value: {
      source: 'salesforce',
      sourceId: id,
      person: { kind: 'external', system: 'salesforce', id: owner },
      ...(bool(r.IsDeleted) ? { deleted: true } : {}),
      ...(updated ? { sourceUpdatedAt: updated } : {}),
      raw: withoutAttributes(r),
    },
  };
}

export function taskToActivity(r: SfRecord, o: SfMappingOptions): Mapped<ActivityInput> {
  const b = base(r, 'Task');
  if (!b.ok) return b;
  // A task has a due date, not a time; a completed call may carry its length in seconds.
  const startAt = (str(r.ActivityDate) ? parseDateInZone(str(r.ActivityDate)!, o.zone) : undefined) ?? instantOf(r.CreatedDate);
  if (!startAt) return { ok: false, error: `Task ${b.value.sourceId} has neither ActivityDate nor CreatedDate` };
  const kind = str(r[o.taskTypeField]);
  const seconds = num(r.CallDurationInSeconds);
  const accountId = accountIdOf(r);
  return {
    ok: true,
    value: {
      ...b.value,
      type: activityTypeFor(o.typeMap, 'Task', kind),
      startAt,
      ...(seconds !== undefined ? { durationMin: seconds / 60 } : {}),
      ...(accountId ? { account: { id: accountId } } : {}),
      completed: bool(r.IsClosed) || str(r.Status) === 'Completed',
      dims: { sfObject: 'Task', ...(kind ? { sfType: kind } : {}), ...(str(r.Status) ? { status: str(r.Status)! } : {}), dateOnly: true },
    },
  };
}

export function eventToActivity(r: SfRecord, o: SfMappingOptions): Mapped<ActivityInput> {
  const b = base(r, 'Event');
  if (!b.ok) return b;
  const allDay = bool(r.IsAllDayEvent);
  const startAt = allDay && str(r.ActivityDate) ? parseDateInZone(str(r.ActivityDate)!, o.zone) : (instantOf(r.StartDateTime) ?? instantOf(r.ActivityDateTime));
  if (!startAt) return { ok: false, error: `Event ${b.value.sourceId} has no StartDateTime` };
  // An all-day event says which day, not how long anyone was there.
  const endAt = allDay ? undefined : (instantOf(r.EndDateTime) ?? (num(r.DurationInMinutes) !== undefined ? new Date(startAt.getTime() + num(r.DurationInMinutes)! * 60_000) : undefined));
  const accountId = accountIdOf(r);
  const kind = str(r.Type);
  return {
    ok: true,
    value: {
      ...b.value,
      type: activityTypeFor(o.typeMap, 'Event', kind),
      startAt,
      ...(endAt && endAt.getTime() >= startAt.getTime() ? { endAt } : {}),
      ...(accountId ? { account: { id: accountId } } : {}),
      ...(str(r.Location) ? { location: { place: str(r.Location)! } } : {}),
      dims: { sfObject: 'Event', ...(kind ? { sfType: kind } : {}), ...(allDay ? { allDay: true } : {}) },
    },
  };
}

export function opportunityToDeal(r: SfRecord, o: Pick<SfMappingOptions, 'zone' | 'cnyPerUnit'>): Mapped<DealInput> {
  const id = str(r.Id);
  const owner = str(r.OwnerId);
  if (!id) return { ok: false, error: 'Opportunity without Id' };
  if (!owner) return { ok: false, error: `Opportunity ${id} has no OwnerId` };
  const stage = str(r.StageName);
  if (!stage) return { ok: false, error: `Opportunity ${id} has no StageName` };
  const amount = num(r.Amount) ?? 0;
  const closeDate = str(r.CloseDate) ? parseDateInZone(str(r.CloseDate)!, o.zone) : undefined;
  const updated = instantOf(r.SystemModstamp) ?? instantOf(r.LastModifiedDate);
  const isWon = bool(r.IsWon) || stage === 'Closed Won';
  return {
    ok: true,
    value: {
      sourceId: id,
      ownerId: owner,
      name: str(r.Name) ?? '',
      ...(str(r.AccountId) ? { accountId: str(r.AccountId)! } : {}),
      stage,
      // Whole yuan: money is never stored as a float (half away from zero, like an invoice).
      amountCny: Math.max(0, Math.sign(amount) * Math.round(Math.abs(amount) * o.cnyPerUnit)),
      isWon,
      isClosed: bool(r.IsClosed) || isWon || stage === 'Closed Lost',
      ...(closeDate ? { closeDate } : {}),
      ...(instantOf(r.CreatedDate) ? { openedDate: instantOf(r.CreatedDate)! } : {}),
      ...(str(r.Type) ? { dealType: str(r.Type)! } : {}),
      ...(num(r.Probability) !== undefined ? { probability: num(r.Probability)! } : {}),
      deleted: bool(r.IsDeleted),
      ...(updated ? { sourceUpdatedAt: updated } : {}),
      raw: withoutAttributes(r),
    },
  };
}

export function accountFromRecord(r: SfRecord): Mapped<SfAccount> {
  const id = str(r.Id);
  if (!id) return { ok: false, error: 'Account without Id' };
  const lat = num(r.BillingLatitude) ?? num(r.ShippingLatitude);
  const lng = num(r.BillingLongitude) ?? num(r.ShippingLongitude);
  const address = [str(r.BillingStreet), str(r.BillingCity), str(r.BillingState), str(r.BillingCountry)].filter(Boolean).join(', ');
  const updated = instantOf(r.SystemModstamp) ?? instantOf(r.LastModifiedDate);
  return {
    ok: true,
    value: {
      sourceId: id,
      name: str(r.Name) ?? id,
      ...(str(r.Industry) ? { industry: str(r.Industry)! } : {}),
      ...(str(r.Type) ? { type: str(r.Type)! } : {}),
      ...(lat !== undefined && lng !== undefined ? { location: { lat, lng } } : {}),
      ...(address ? { address } : {}),
      deleted: bool(r.IsDeleted),
      ...(updated ? { sourceUpdatedAt: updated } : {}),
    },
  };
}

/** The keyset position of a record in "ORDER BY SystemModstamp, Id". */
export function modstampOf(r: SfRecord): { modstamp: string; id: string } | undefined {
  const id = str(r.Id);
  const t = instantOf(r.SystemModstamp);
  return id && t ? { modstamp: t.toISOString(), id } : undefined;
}
