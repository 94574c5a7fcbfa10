/**
 * The one activity model every source is normalized into before it is stored (see adapters/activity-writer).
 * Pure types: no storage concerns beyond the field names.
 */

export const ACTIVITY_SOURCES = ['dingtalk_checkin', 'dingtalk_attendance', 'salesforce', 'webhook', 'csv', 'seed'] as const;
export type ActivitySource = (typeof ACTIVITY_SOURCES)[number];

export interface LatLng {
  lat: number;
  lng: number;
}

/** Who did it, as the source system names them; resolved to a DingTalk userid before storing. */
export type PersonRef =
  | { kind: 'userId'; userId: string }
  | { kind: 'email'; email: string }
  /** A user of another system (e.g. Salesforce OwnerId), mapped by the mapping table or their email. */
  | { kind: 'external'; system: string; id: string; email?: string; name?: string };

export type DimValue = string | number | boolean;

export interface ActivityInput {
  source: ActivitySource;
  /** Unique within the source; with `source` it identifies the record across re-deliveries and edits. */
  sourceId: string;
  person: PersonRef;
  /** Activity type key (visit, call, email, meeting, proposal, …). */
  type: string;
  startAt: Date;
  /** Absent for point events (a check-in, a task with only a date). */
  endAt?: Date;
  /** Duration when the source gives one without an end (e.g. a call's seconds). */
  durationMin?: number;
  account?: { id?: string; name?: string; location?: LatLng };
  location?: { lat?: number; lng?: number; place?: string };
  /** False for planned/open tasks; undefined when the source has no such notion. */
  completed?: boolean;
  /** Deleted at the source (Salesforce IsDeleted): kept for audit, never counted. */
  deleted?: boolean;
  dims?: Record<string, DimValue>;
  /** The source's modification time; an older version never overwrites a newer one. */
  sourceUpdatedAt?: Date;
  /**
   * Orders versions of one record when the source gives no modification time: the signed time of the webhook
   * request that carried it. Not part of the content hash (a resend of the same content is unchanged); an
   * older version never overwrites a newer one, whatever order they arrive in.
   */
  versionAt?: Date;
  /** The record as received, kept for audit. */
  raw: unknown;
}

/** Facts a validity rule looks at, derived from one stored activity plus what matching added. */
export interface ActivityFacts {
  type: string;
  durationMin?: number;
  location?: LatLng;
  customerLocation?: LatLng;
  /** A DingTalk check-in backs this activity (it is one, or one was matched to it). */
  checkin: boolean;
  completed?: boolean;
  deleted?: boolean;
  /** Set when this record is the same real-world visit as another record that is counted instead. */
  mergedInto?: { source: string; sourceId: string };
  /** The direct manager accepted an appeal (申诉) for this record: it counts whatever the rules say. */
  appealed?: boolean;
}

export function hasLatLng(v: { lat?: number | null; lng?: number | null } | undefined | null): v is LatLng {
  return v != null && typeof v.lat === 'number' && typeof v.lng === 'number' && Number.isFinite(v.lat) && Number.isFinite(v.lng);
}
