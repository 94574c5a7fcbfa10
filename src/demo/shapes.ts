/**
 * Plain objects shaped like the mongoose models (src/adapters/mongo/models/*.model.ts), written out
 * explicitly so the generator stays free of mongoose. A unit test validates samples against the real
 * schemas, so these can't drift from the models unnoticed.
 */
import type { FakeDept, FakeGroup, FakeUser } from '../fake-dingtalk/types.js';

export type DemoRole = 'rep' | 'manager' | 'hr';

export interface PersonShape {
  _id: string;
  name: string;
  title: string;
  deptIds: number[];
  deptNames: string[];
  managerId: string | null;
  role: DemoRole;
  isActive: boolean;
  email: string;
  jobNumber: string;
  leftAt: Date | null;
  managerHistory: Array<{ managerId: string | null; from: Date; to: Date | null }>;
  syncedAt: Date;
  source: 'seed';
}

export interface QuarterShape {
  _id: string;
  startDate: Date;
  endDate: Date;
  reviewAt: Date;
  timeZone: string;
  metrics: Array<{ key: string; name: string; nameEn: string; unit: 'cny' | 'count' | 'percent'; kind: 'kpi' | 'okr' }>;
  direction: { industries: string[]; keyAccounts: string[] };
  industryOptions: string[];
  activityTypes: Array<{ key: string; name: string; nameEn: string }>;
  reportSchedule: { weekday: number; time: string };
  reviewGroupIds: string[];
  status: 'planning' | 'active' | 'closed';
  updatedBy: string;
}

export type GoalStatusShape = 'draft' | 'submitted' | 'approved' | 'returned';

export interface GoalShape {
  quarterId: string;
  ownerId: string;
  managerId: string | null;
  targets: Array<{ metric: string; value: number }>;
  industries: string[];
  keyAccounts: string[];
  plan: string;
  objective: string;
  keyResults: string[];
  status: GoalStatusShape;
  version: number;
  /** Left for the goal chain to compute; the generator's ground truth is in the manifest. */
  alignment: { status: 'unknown'; findings: never[] };
  submittedAt?: Date;
  decidedAt?: Date;
  decidedBy?: string;
  decisionComment: string;
}

export type ActivitySource = 'dingtalk_checkin' | 'salesforce';

export interface ActivityShape {
  personId: string;
  type: 'visit' | 'call' | 'email' | 'proposal';
  source: ActivitySource;
  sourceId: string;
  accountId: string | undefined;
  accountName: string | undefined;
  startAt: Date;
  endAt: Date | undefined;
  durationMin: number | undefined;
  location: { lat?: number; lng?: number; place: string } | undefined;
  dims: Readonly<Record<string, string | number | boolean>>;
  counted: boolean;
  reasons: readonly string[];
  ruleVersion: number;
  day: string;
  isoWeek: string;
  quarterId: string;
  matchGroup: string | undefined;
  /** Where the customer is (the CRM account's geocoded address); what `distance` in a rule measures to. */
  customerLocation: { lat: number; lng: number } | undefined;
  /** On a CRM visit: what its matched 签到 adds. */
  evidence: { checkin: boolean; checkinCount: number; location: { lat: number; lng: number } } | undefined;
  /** On a 签到 matched to a CRM visit: that visit, which counts instead. */
  mergedInto: { source: ActivitySource; sourceId: string } | undefined;
  sourceUpdatedAt: Date;
}

export type DealStage = 'Prospecting' | 'Needs Analysis' | 'Proposal/Price Quote' | 'Negotiation/Review' | 'Closed Won' | 'Closed Lost';

export interface DealShape {
  personId: string;
  source: 'salesforce';
  sourceId: string;
  name: string;
  accountId: string;
  accountName: string;
  industry: string;
  stage: DealStage;
  amountCny: number;
  isWon: boolean;
  isClosed: boolean;
  closeDate: Date;
  /** When the opportunity was opened (its first visit): the pipeline's age. */
  openedDate: Date;
  isNewCustomer: boolean;
  quarterId: string;
  isoWeek: string;
  sourceUpdatedAt: Date;
}

export interface FakeOrgShape {
  users: FakeUser[];
  depts: FakeDept[];
  groups: FakeGroup[];
}
