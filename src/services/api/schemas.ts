import { z } from 'zod';

/**
 * The read API's response shapes. One definition serves two purposes: every response is parsed through
 * its schema before it is sent (a field that drifts fails loudly in tests instead of reaching IT's BI),
 * and the OpenAPI document (openapi.ts) is generated from the same schemas with z.toJSONSchema.
 */

const dateTime = z.iso.datetime({ offset: true }).describe('ISO 8601 instant (UTC)');
const nullableDateTime = dateTime.nullable();
const userId = z.string().describe('DingTalk userid');
const quarterId = z.string().regex(/^\d{4}Q[1-4]$/).describe('quarter key, e.g. 2026Q4');
const isoWeek = z.string().regex(/^\d{4}-W\d{2}$/).describe('ISO week, e.g. 2026-W48');

export const personSchema = z
  .object({
    id: userId,
    name: z.string(),
    title: z.string(),
    deptIds: z.array(z.number().int()),
    deptNames: z.array(z.string()),
    managerId: userId.nullable(),
    role: z.enum(['rep', 'manager', 'hr']),
    isActive: z.boolean(),
    email: z.string().nullable(),
    jobNumber: z.string().nullable(),
    leftAt: nullableDateTime,
    updatedAt: dateTime,
  });

export const quarterSchema = z
  .object({
    id: quarterId,
    startDate: dateTime,
    endDate: dateTime.describe('exclusive'),
    reviewAt: dateTime,
    timeZone: z.string(),
    status: z.enum(['planning', 'active', 'closed']),
    metrics: z.array(
      z.object({
        key: z.string(),
        name: z.string(),
        nameEn: z.string(),
        unit: z.enum(['cny', 'count', 'percent']).describe('cny: whole yuan; count: integer; percent: basis points (1% = 100)'),
        kind: z.enum(['kpi', 'okr']),
      }),
    ),
    direction: z.object({ industries: z.array(z.string()), keyAccounts: z.array(z.string()) }),
    activityTypes: z.array(z.object({ key: z.string(), name: z.string(), nameEn: z.string() })),
    reportSchedule: z.object({ weekday: z.number().int().min(1).max(7), time: z.string() }),
    updatedAt: dateTime,
  });

export const goalSchema = z
  .object({
    id: z.string(),
    quarterId,
    ownerId: userId,
    managerId: userId.nullable(),
    status: z.enum(['draft', 'submitted', 'approved', 'returned']),
    version: z.number().int(),
    targets: z.array(z.object({ metric: z.string(), value: z.number().int().describe("in the metric's unit (see Quarter.metrics)") })),
    industries: z.array(z.string()),
    keyAccounts: z.array(z.string()),
    objective: z.string(),
    keyResults: z.array(z.string()),
    plan: z.string(),
    alignment: z
      .object({
        status: z.enum(['green', 'red', 'unknown']),
        findings: z.array(z.object({ code: z.string(), message: z.string(), messageEn: z.string(), severity: z.enum(['red', 'amber']) })),
        checkedAt: nullableDateTime,
      })
      .describe("how the goal lines up with the manager's goal and the company direction, checked at read time (the same check the chat views show); unknown = no targets yet"),
    submittedAt: nullableDateTime,
    decidedAt: nullableDateTime,
    decidedBy: userId.nullable(),
    updatedAt: dateTime,
  });

export const activitySchema = z
  .object({
    id: z.string(),
    personId: userId,
    type: z.string(),
    source: z.string(),
    sourceId: z.string(),
    accountId: z.string().nullable(),
    accountName: z.string().nullable(),
    startAt: dateTime,
    endAt: nullableDateTime,
    durationMin: z.number().nullable(),
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('local day in the company time zone'),
    isoWeek,
    quarterId,
    counted: z.boolean().describe('counts toward the quarter under the validity rules'),
    reasons: z.array(z.string()).describe('why it did not count, as the rep reads it'),
    ruleVersion: z.number().int(),
    completed: z.boolean().nullable(),
    deleted: z.boolean(),
    mergedInto: z.object({ source: z.string(), sourceId: z.string() }).nullable().describe('the record of the same visit that is counted instead'),
    dims: z.record(z.string(), z.unknown()),
    updatedAt: dateTime,
  });

export const dealSchema = z
  .object({
    id: z.string(),
    personId: userId,
    source: z.string(),
    sourceId: z.string(),
    name: z.string(),
    accountId: z.string().nullable(),
    accountName: z.string().nullable(),
    industry: z.string().nullable(),
    stage: z.string(),
    amountCny: z.number().int().describe('whole CNY'),
    isWon: z.boolean(),
    isClosed: z.boolean(),
    closeDate: nullableDateTime,
    isNewCustomer: z.boolean(),
    quarterId: quarterId.nullable(),
    dealType: z.string().nullable(),
    probability: z.number().nullable(),
    deleted: z.boolean(),
    updatedAt: dateTime,
  });

export const weeklyReportSchema = z
  .object({
    id: z.string().describe('the delivery ledger key'),
    week: isoWeek,
    quarterId: quarterId.nullable().describe('from the report run of that week; null when no run names it'),
    recipientId: userId,
    part: z.string().describe("report: the rep's own card; team: a manager's team summary"),
    status: z.enum(['sending', 'sent', 'failed']).describe('sent = delivered to DingTalk exactly once'),
    attempt: z.number().int(),
    sentAt: nullableDateTime,
    lastError: z.string().nullable(),
    updatedAt: dateTime,
  });

export const packSchema = z.object({
  id: z.string().describe('the delivery ledger key'),
  quarterId,
  managerId: userId.describe('whose team the pack is for'),
  part: z.string().describe('card, chart-goal, chart-scatter, chart-ranking, csv; problem: the team was told why there is no pack'),
  status: z.enum(['sending', 'sent', 'failed']).describe('sent = delivered to DingTalk exactly once'),
  attempt: z.number().int(),
  sentAt: nullableDateTime,
  lastError: z.string().nullable(),
  updatedAt: dateTime,
});

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null when this page reached the end (ask again later for newer changes with updatedSince)'),
  });

export const errorSchema = z.object({ error: z.string().describe('machine-readable code'), message: z.string() });

/** POST /api/v1/activities (the activity webhook): what a stored batch answers. */
export const webhookResultSchema = z.object({
  received: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  stale: z.number().int().describe('older than the stored version (by updatedAt); ignored'),
  parked: z.number().int(),
  unmatched: z
    .array(z.object({ index: z.number().int(), person: z.record(z.string(), z.unknown()) }))
    .describe('items whose person is not known yet: stored for HR to map (chat: 未匹配), no need to resend'),
});

/** The activity webhook's refusals: the batch is refused whole, `details` names each bad item. */
export const webhookErrorSchema = errorSchema.extend({
  details: z.array(z.object({ index: z.number().int(), path: z.string(), message: z.string() })).optional(),
});

/** The resources of GET /api/v1/<path>, with the filters each one accepts. */
export const RESOURCES = {
  people: { item: personSchema, page: pageSchema(personSchema), component: 'Person', filters: ['team', 'person', 'updatedSince'], summary: 'People in the org (DingTalk directory), incl. leavers' },
  quarters: { item: quarterSchema, page: pageSchema(quarterSchema), component: 'Quarter', filters: ['quarter', 'updatedSince'], summary: 'Quarters as HR configured them' },
  goals: { item: goalSchema, page: pageSchema(goalSchema), component: 'Goal', filters: ['quarter', 'team', 'person', 'updatedSince'], summary: 'Goals with their alignment check' },
  activities: { item: activitySchema, page: pageSchema(activitySchema), component: 'Activity', filters: ['quarter', 'team', 'person', 'updatedSince'], summary: 'Sales activities, whether each counted and why not' },
  deals: { item: dealSchema, page: pageSchema(dealSchema), component: 'Deal', filters: ['quarter', 'team', 'person', 'updatedSince'], summary: 'Deals/opportunities from the CRM' },
  'weekly-reports': { item: weeklyReportSchema, page: pageSchema(weeklyReportSchema), component: 'WeeklyReport', filters: ['quarter', 'team', 'person', 'updatedSince'], summary: 'Friday report cards: who was sent what, from the delivery ledger' },
  packs: { item: packSchema, page: pageSchema(packSchema), component: 'ReviewPack', filters: ['quarter', 'team', 'updatedSince'], summary: 'Pre-review packs: what was sent to each team, part by part, from the delivery ledger' },
} as const;

export type ResourceName = keyof typeof RESOURCES;
export type Filter = 'quarter' | 'team' | 'person' | 'updatedSince';
