import { foldFacts } from '../../../src/domain/report/facts.js';
import { DEFAULT_REPORT_SETTINGS } from '../../../src/domain/report/types.js';
import type { ActivityCell, ClosedDealCell, NotCountedActivity, NotCountedReasonCell, ReportDataset, ReportGoal, ReportPerson, ReportQuarter, WonDealCell } from '../../../src/domain/report/types.js';

/** 2026Q4 in Shanghai: Thu 1 Oct → Fri 1 Jan (exclusive); weeks W40 … W53. */
export const Q4: ReportQuarter = {
  id: '2026Q4',
  start: new Date('2026-09-30T16:00:00Z'),
  end: new Date('2026-12-31T16:00:00Z'),
  timeZone: 'Asia/Shanghai',
  metrics: [
    { key: 'signed_amount', name: '签约额', unit: 'cny' },
    { key: 'new_customers', name: '新客户', unit: 'count' },
  ],
  activityTypes: [
    { key: 'visit', name: '拜访' },
    { key: 'call', name: '电话' },
  ],
};

/** Friday 27 Nov 2026 17:00 in Shanghai (W48). */
export const FRIDAY_W48 = new Date('2026-11-27T09:00:00Z');

export const act = (personId: string, isoWeek: string, n: number, o: Partial<ActivityCell> = {}): ActivityCell => ({
  personId,
  type: 'visit',
  isoWeek,
  counted: true,
  n,
  dims: {},
  ...o,
});

export const won = (personId: string, isoWeek: string | null, amountCny: number, o: Partial<WonDealCell> = {}): WonDealCell => ({
  personId,
  isoWeek,
  accountId: null,
  isNewCustomer: false,
  n: 1,
  amountCny,
  ...o,
});

export function dataset(o: {
  people: ReportPerson[];
  goals?: ReportGoal[];
  activities?: ActivityCell[];
  wonDeals?: WonDealCell[];
  notCounted?: NotCountedActivity[];
  closed?: ClosedDealCell[];
  reasons?: NotCountedReasonCell[];
  org?: ReportPerson[];
  asOf?: Date;
}): ReportDataset {
  return {
    quarter: Q4,
    asOf: o.asOf ?? FRIDAY_W48,
    week: '2026-W48',
    people: o.people,
    goals: o.goals ?? [],
    facts: foldFacts(
      o.people.map((p) => p.id),
      o.activities ?? [],
      o.wonDeals ?? [],
      DEFAULT_REPORT_SETTINGS,
      { closed: o.closed ?? [], reasons: o.reasons ?? [] },
    ),
    ...(o.org ? { org: o.org } : {}),
    notCounted: o.notCounted ?? [],
  };
}

/** Lost and opened opportunities of one person. */
export const closed = (personId: string, lost: number, opened = 0): ClosedDealCell => ({ personId, lost, opened });

export const person = (id: string, managerId: string | null = 'mgr01', name = id): ReportPerson => ({ id, name, managerId });
