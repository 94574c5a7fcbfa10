import type { Document } from 'mongodb';
import type { Alignment } from '../../domain/goals/alignment.js';

/**
 * Stored documents → the read API's shapes (schemas.ts). Dates become ISO strings, absent optional
 * fields become null, internal fields (raw source payloads, content hashes, card ids) stay out.
 */

const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : null);
const isoReq = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(0).toISOString());
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown, dflt = false): boolean => (typeof v === 'boolean' ? v : dflt);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.map(obj) : []);

export const toPerson = (d: Document) => ({
  id: String(d._id),
  name: String(d.name ?? ''),
  title: String(d.title ?? ''),
  deptIds: Array.isArray(d.deptIds) ? d.deptIds.filter((x: unknown): x is number => Number.isInteger(x)) : [],
  deptNames: strs(d.deptNames),
  managerId: str(d.managerId),
  role: d.role === 'manager' || d.role === 'hr' ? d.role : 'rep',
  isActive: bool(d.isActive, true),
  email: str(d.email),
  jobNumber: str(d.jobNumber),
  leftAt: iso(d.leftAt),
  updatedAt: isoReq(d.updatedAt),
});

export const toQuarter = (d: Document) => ({
  id: String(d._id),
  startDate: isoReq(d.startDate),
  endDate: isoReq(d.endDate),
  reviewAt: isoReq(d.reviewAt),
  timeZone: String(d.timeZone ?? 'Asia/Shanghai'),
  status: d.status ?? 'active',
  metrics: arr(d.metrics).map((m) => ({ key: String(m.key), name: String(m.name ?? ''), nameEn: String(m.nameEn ?? ''), unit: m.unit, kind: m.kind ?? 'kpi' })),
  direction: { industries: strs(obj(d.direction).industries), keyAccounts: strs(obj(d.direction).keyAccounts) },
  activityTypes: arr(d.activityTypes).map((t) => ({ key: String(t.key), name: String(t.name ?? ''), nameEn: String(t.nameEn ?? '') })),
  reportSchedule: { weekday: num(obj(d.reportSchedule).weekday) ?? 5, time: String(obj(d.reportSchedule).time ?? '17:00') },
  updatedAt: isoReq(d.updatedAt),
});

/**
 * `alignment` is the live check (services/api/live-alignment.ts), the same one the chat views show; null
 * when the goal has no targets yet. `checkedAt` is when it was checked: this request.
 */
export const toGoal = (d: Document, alignment: Alignment | null, checkedAt: Date) => ({
  id: String(d._id),
  quarterId: String(d.quarterId),
  ownerId: String(d.ownerId),
  managerId: str(d.managerId),
  status: d.status ?? 'draft',
  version: num(d.version) ?? 1,
  targets: arr(d.targets).map((t) => ({ metric: String(t.metric), value: num(t.value) ?? 0 })),
  industries: strs(d.industries),
  keyAccounts: strs(d.keyAccounts),
  objective: String(d.objective ?? ''),
  keyResults: strs(d.keyResults),
  plan: String(d.plan ?? ''),
  alignment: {
    status: alignment?.status ?? 'unknown',
    findings: (alignment?.findings ?? []).map((f) => ({ code: f.code, message: f.message.zh, messageEn: f.message.en, severity: f.severity })),
    checkedAt: checkedAt.toISOString(),
  },
  submittedAt: iso(d.submittedAt),
  decidedAt: iso(d.decidedAt),
  decidedBy: str(d.decidedBy),
  updatedAt: isoReq(d.updatedAt),
});

export const toActivity = (d: Document) => {
  const merged = obj(d.mergedInto);
  return {
    id: String(d._id),
    personId: String(d.personId),
    type: String(d.type),
    source: String(d.source),
    sourceId: String(d.sourceId),
    accountId: str(d.accountId),
    accountName: str(d.accountName),
    startAt: isoReq(d.startAt),
    endAt: iso(d.endAt),
    durationMin: num(d.durationMin),
    day: String(d.day),
    isoWeek: String(d.isoWeek),
    quarterId: String(d.quarterId),
    counted: bool(d.counted),
    reasons: strs(d.reasons),
    ruleVersion: num(d.ruleVersion) ?? 0,
    completed: typeof d.completed === 'boolean' ? d.completed : null,
    deleted: bool(d.deleted),
    mergedInto: typeof merged.source === 'string' && typeof merged.sourceId === 'string' ? { source: merged.source, sourceId: merged.sourceId } : null,
    dims: obj(d.dims),
    updatedAt: isoReq(d.updatedAt),
  };
};

export const toDeal = (d: Document) => ({
  id: String(d._id),
  personId: String(d.personId),
  source: String(d.source),
  sourceId: String(d.sourceId),
  name: String(d.name ?? ''),
  accountId: str(d.accountId),
  accountName: str(d.accountName),
  industry: str(d.industry),
  stage: String(d.stage ?? ''),
  amountCny: num(d.amountCny) ?? 0,
  isWon: bool(d.isWon),
  isClosed: bool(d.isClosed),
  closeDate: iso(d.closeDate),
  isNewCustomer: bool(d.isNewCustomer),
  quarterId: str(d.quarterId),
  dealType: str(d.dealType),
  probability: num(d.probability),
  deleted: bool(d.deleted),
  updatedAt: isoReq(d.updatedAt),
});

export const toWeeklyReport = (d: Document, quarterId: string | null) => ({
  id: String(d._id),
  week: String(d.period),
  quarterId,
  recipientId: String(d.recipientId),
  part: String(d.part),
  status: d.status,
  attempt: num(d.attempt) ?? 1,
  sentAt: iso(d.sentAt),
  lastError: str(d.lastError),
  updatedAt: isoReq(d.updatedAt),
});

/** A pre-review pack part as the delivery ledger holds it: period = quarter, recipient = the team's manager. */
export const toPack = (d: Document) => ({
  id: String(d._id),
  quarterId: String(d.period),
  managerId: String(d.recipientId),
  part: String(d.part),
  status: d.status,
  attempt: num(d.attempt) ?? 1,
  sentAt: iso(d.sentAt),
  lastError: str(d.lastError),
  updatedAt: isoReq(d.updatedAt),
});
