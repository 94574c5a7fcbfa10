import { hash } from 'node:crypto';
import { createBucketer, type Buckets } from './buckets.js';
import { customerNameKey } from './customer-key.js';
import type { Evidence } from './matching.js';
import { hasLatLng, type ActivityFacts, type ActivityInput, type DimValue, type LatLng } from './types.js';

/** The stored form of an activity's own content (matching and evaluation add their fields later). */
export interface ActivityContent {
  personId: string;
  type: string;
  source: ActivityInput['source'];
  sourceId: string;
  accountId?: string;
  accountName?: string;
  customerKey?: string;
  customerLocation?: LatLng;
  startAt: Date;
  endAt?: Date;
  durationMin?: number;
  location?: { lat?: number; lng?: number; place?: string };
  completed?: boolean;
  deleted?: boolean;
  dims: Record<string, DimValue>;
  /** Buckets in the company zone, stored on write (the local DB server lacks $isoWeek). */
  day: string;
  isoWeek: string;
  quarterId: string;
  sourceUpdatedAt?: Date;
  raw: unknown;
  /** Hash of everything above except buckets: equal hash = nothing changed at the source. */
  contentHash: string;
  /** The signed time of the webhook request that carried a record without updatedAt; outside the hash. */
  versionAt?: Date;
}

export interface BucketOptions {
  zone: string;
}

const bucketers = new Map<string, (at: Date) => Buckets>();
function bucketsOf(at: Date, zone: string): Buckets {
  let b = bucketers.get(zone);
  if (!b) bucketers.set(zone, (b = createBucketer(zone)));
  return b(at);
}

export function toContent(input: ActivityInput, personId: string, opts: BucketOptions): ActivityContent {
  const durationMin = input.endAt ? (input.endAt.getTime() - input.startAt.getTime()) / 60_000 : input.durationMin;
  const location = cleanLocation(input.location);
  const account = input.account;
  const accountLoc = account?.location;
  const customerKey = customerNameKey(account?.name);
  const buckets = bucketsOf(input.startAt, opts.zone);
  // One object built field by field, in the order records have always had (this runs for every row of a
  // million-row import; spreading conditional parts cost a copy each).
  const c: Partial<Record<keyof ActivityContent, unknown>> = { personId, type: input.type, source: input.source, sourceId: input.sourceId };
  if (account?.id) c.accountId = account.id;
  if (account?.name) c.accountName = account.name;
  if (customerKey) c.customerKey = customerKey;
  if (hasLatLng(accountLoc)) c.customerLocation = { lat: accountLoc.lat, lng: accountLoc.lng };
  // The times go in as the text JSON gives a Date (its toJSON) for the hash, then the Dates take their
  // places (same keys, same order): JSON.stringify calls toJSON per Date, a fifth of the import's hashing.
  c.startAt = dateJson(input.startAt);
  if (input.endAt) c.endAt = dateJson(input.endAt);
  if (durationMin !== undefined) c.durationMin = durationMin;
  if (location) c.location = location;
  if (input.completed !== undefined) c.completed = input.completed;
  if (input.deleted) c.deleted = true;
  c.dims = input.dims ?? {};
  const contentHash = hashContent(c, input.sourceUpdatedAt, input.raw);
  c.startAt = input.startAt;
  if (input.endAt) c.endAt = input.endAt;
  c.day = buckets.day;
  c.isoWeek = buckets.isoWeek;
  c.quarterId = buckets.quarterId;
  if (input.sourceUpdatedAt) c.sourceUpdatedAt = input.sourceUpdatedAt;
  c.raw = input.raw;
  c.contentHash = contentHash;
  if (input.versionAt) c.versionAt = input.versionAt;
  return c as unknown as ActivityContent;
}

/** What Date.prototype.toJSON gives: the ISO text, or null for an invalid date. */
function dateJson(d: Date): string | null {
  return Number.isFinite(d.getTime()) ? d.toISOString() : null;
}

function cleanLocation(l: ActivityInput['location']): ActivityContent['location'] | undefined {
  if (!l) return undefined;
  const out: { lat?: number; lng?: number; place?: string } = {};
  const place = l.place;
  if (hasLatLng(l)) Object.assign(out, { lat: l.lat, lng: l.lng });
  if (place) out.place = place;
  return Object.keys(out).length ? out : undefined;
}

/**
 * Hash of the content without the buckets: the JSON of its fields up to dims, then sourceUpdatedAt and raw
 * (the order the record has them in). Written as that JSON's text, not a copy of the record without the
 * buckets; stored records carry hashes made the old way, so this must give the same string (a test holds both).
 */
function hashContent(upToDims: object, sourceUpdatedAt: Date | undefined, raw: unknown): string {
  const head = JSON.stringify(upToDims);
  const rawJson = JSON.stringify(raw) as string | undefined;
  const json = `${head.slice(0, -1)}${sourceUpdatedAt ? `,"sourceUpdatedAt":${JSON.stringify(sourceUpdatedAt)}` : ''}${rawJson === undefined ? '' : `,"raw":${rawJson}`}}`;
  return hash('sha1', json, 'base64url');
}

/** What a stored activity tells a rule: its own facts, completed by what its match group contributed. */
export function factsOf(doc: {
  type: string;
  source: string;
  durationMin?: number | null;
  location?: { lat?: number | null; lng?: number | null } | null;
  customerLocation?: { lat?: number | null; lng?: number | null } | null;
  completed?: boolean | null;
  deleted?: boolean | null;
  mergedInto?: { source?: string | null; sourceId?: string | null } | null;
  evidence?: Partial<Evidence> | null;
  /** An accepted appeal's override (services/appeals); its presence is all a verdict needs. */
  appealOverride?: { appealId?: string | null } | null;
}): ActivityFacts {
  const own = hasLatLng(doc.location) ? { lat: doc.location.lat, lng: doc.location.lng } : undefined;
  const ev = doc.evidence ?? undefined;
  const durationMin = doc.durationMin ?? ev?.durationMin ?? undefined;
  const location = own ?? (hasLatLng(ev?.location) ? ev!.location : undefined);
  return {
    type: doc.type,
    ...(durationMin !== undefined && durationMin !== null ? { durationMin } : {}),
    ...(location ? { location } : {}),
    ...(hasLatLng(doc.customerLocation) ? { customerLocation: { lat: doc.customerLocation.lat, lng: doc.customerLocation.lng } } : {}),
    checkin: doc.source === 'dingtalk_checkin' || ev?.checkin === true,
    ...(doc.completed === false ? { completed: false } : {}),
    ...(doc.deleted ? { deleted: true } : {}),
    ...(doc.mergedInto?.source && doc.mergedInto.sourceId ? { mergedInto: { source: doc.mergedInto.source, sourceId: doc.mergedInto.sourceId } } : {}),
    ...(doc.appealOverride?.appealId ? { appealed: true } : {}),
  };
}
