import { distanceKm } from './geo.js';
import type { MatchSettings } from './rules/rule-model.js';
import type { LatLng } from './types.js';

/**
 * Recognises one real-world visit recorded by several systems (a CRM event, a DingTalk check-in, …):
 * same person (the caller passes one person's records), overlapping time, same customer. Such records
 * form a match group: one primary is counted, the others point at it. Two check-ins at the same customer
 * a few hours apart are arrival and departure, which gives a visit without a CRM record its duration.
 */

export interface MatchRecord {
  source: string;
  sourceId: string;
  type: string;
  start: number;
  end?: number;
  accountId?: string;
  /** customerNameKey() of the customer's name. */
  customerKey?: string;
  location?: LatLng;
  customerLocation?: LatLng;
  deleted?: boolean;
}

export interface Evidence {
  checkin: boolean;
  checkinCount: number;
  /** Span of the group's check-ins when the primary has no duration of its own. */
  durationMin?: number;
  /** A member's coordinates when the primary has none. */
  location?: LatLng;
}

export interface MatchOutcome {
  matchGroup?: string;
  mergedInto?: { source: string; sourceId: string };
  /** Only on a group's primary. */
  evidence?: Evidence;
}

const CHECKIN = 'dingtalk_checkin';
// Which record of a group is counted: a CRM record carries the duration and the customer link.
const SOURCE_PRIORITY = ['salesforce', 'webhook', 'csv', 'seed', 'dingtalk_attendance', CHECKIN];

export const recordKey = (r: { source: string; sourceId: string }): string => `${r.source}:${r.sourceId}`;

export function matchVisits(records: readonly MatchRecord[], s: MatchSettings): Map<string, MatchOutcome> {
  const out = new Map<string, MatchOutcome>();
  const eligible = records.filter((r) => !r.deleted && s.types.includes(r.type));
  for (const r of records) out.set(recordKey(r), {});
  const parent = eligible.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < eligible.length; i++) {
    for (let j = i + 1; j < eligible.length; j++) {
      if (sameVisit(eligible[i]!, eligible[j]!, s)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, MatchRecord[]>();
  eligible.forEach((r, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), r]));
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const primary = [...members].sort(primaryOrder)[0]!;
    const group = `mg:${recordKey(primary)}`;
    const checkins = members.filter((m) => m.source === CHECKIN).sort((a, b) => a.start - b.start);
    const ownDuration = primary.end !== undefined;
    const evidence: Evidence = {
      checkin: checkins.length > 0,
      checkinCount: checkins.length,
      ...(!ownDuration && checkins.length >= 2 ? { durationMin: (checkins.at(-1)!.start - checkins[0]!.start) / 60_000 } : {}),
      ...(!primary.location ? optionalLocation(members) : {}),
    };
    for (const m of members) {
      out.set(recordKey(m), m === primary ? { matchGroup: group, evidence } : { matchGroup: group, mergedInto: { source: primary.source, sourceId: primary.sourceId } });
    }
  }
  return out;
}

function optionalLocation(members: MatchRecord[]): { location?: LatLng } {
  const withLoc = [...members].sort((a, b) => a.start - b.start).find((m) => m.location);
  return withLoc?.location ? { location: withLoc.location } : {};
}

function sameVisit(a: MatchRecord, b: MatchRecord, s: MatchSettings): boolean {
  const aC = a.source === CHECKIN;
  const bC = b.source === CHECKIN;
  if (!aC && !bC && a.source === b.source) return false; // two CRM events are two visits
  if (!sameCustomer(a, b, s)) return false;
  const slack = s.slackMin * 60_000;
  if (aC && bC) return Math.abs(a.start - b.start) <= s.pairWindowMin * 60_000;
  const aEnd = a.end ?? a.start;
  const bEnd = b.end ?? b.start;
  return a.start <= bEnd + slack && b.start <= aEnd + slack;
}

function sameCustomer(a: MatchRecord, b: MatchRecord, s: MatchSettings): boolean {
  if (a.accountId && b.accountId && a.accountId === b.accountId) return true;
  if (a.customerKey && b.customerKey) return a.customerKey === b.customerKey;
  // One side has no customer name (a check-in without 拜访对象): fall back to where it was.
  const near = (p?: LatLng, q?: LatLng) => p !== undefined && q !== undefined && distanceKm(p, q) <= s.sameCustomerKm;
  return near(a.location, b.customerLocation) || near(b.location, a.customerLocation) || near(a.location, b.location);
}

function primaryOrder(a: MatchRecord, b: MatchRecord): number {
  const dur = Number(b.end !== undefined) - Number(a.end !== undefined);
  if (dur !== 0) return dur;
  const pri = rank(a.source) - rank(b.source);
  if (pri !== 0) return pri;
  if (a.start !== b.start) return a.start - b.start;
  return recordKey(a) < recordKey(b) ? -1 : 1;
}

function rank(source: string): number {
  const i = SOURCE_PRIORITY.indexOf(source);
  return i < 0 ? SOURCE_PRIORITY.length : i;
}
