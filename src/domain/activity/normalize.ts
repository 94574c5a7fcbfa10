import { createHash } from 'node:crypto';
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
  const accountLoc = input.account?.location;
  const customerKey = customerNameKey(input.account?.name);
  const buckets = bucketsOf(input.startAt, opts.zone);
  const content: Omit<ActivityContent, 'contentHash'> = {
    personId,
    type: input.type,
    source: input.source,
    sourceId: input.sourceId,
    ...(input.account?.id ? { accountId: input.account.id } : {}),
    ...(input.account?.name ? { accountName: input.account.name } : {}),
    ...(customerKey ? { customerKey } : {}),
    ...(hasLatLng(accountLoc) ? { customerLocation: { lat: accountLoc.lat, lng: accountLoc.lng } } : {}),
    startAt: input.startAt,
    ...(input.endAt ? { endAt: input.endAt } : {}),
    ...(durationMin !== undefined ? { durationMin } : {}),
    ...(location ? { location } : {}),
    ...(input.completed !== undefined ? { completed: input.completed } : {}),
    ...(input.deleted ? { deleted: true } : {}),
    dims: input.dims ?? {},
    day: buckets.day,
    isoWeek: buckets.isoWeek,
    quarterId: buckets.quarterId,
    ...(input.sourceUpdatedAt ? { sourceUpdatedAt: input.sourceUpdatedAt } : {}),
    raw: input.raw,
  };
  return { ...content, contentHash: hashContent(content), ...(input.versionAt ? { versionAt: input.versionAt } : {}) };
}

function cleanLocation(l: ActivityInput['location']): ActivityContent['location'] | undefined {
  if (!l) return undefined;
  const out: { lat?: number; lng?: number; place?: string } = {};
  const place = l.place;
  if (hasLatLng(l)) Object.assign(out, { lat: l.lat, lng: l.lng });
  if (place) out.place = place;
  return Object.keys(out).length ? out : undefined;
}

function hashContent(c: Omit<ActivityContent, 'contentHash'>): string {
  const { day: _d, isoWeek: _w, quarterId: _q, ...rest } = c;
  return createHash('sha1').update(JSON.stringify(rest)).digest('base64url');
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
