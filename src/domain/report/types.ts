import type { WorkingCalendar } from '../time/working-days.js';
import type { PersonFacts } from './facts.js';
import type { ReportPrediction } from './prediction-lines.js';

/**
 * Inputs of the weekly activity health report, as the bulk loader hands them over: activities and deals
 * grouped by person / type / week by the database ($match + $group with $sum only) and folded into facts
 * per person (FactsFolder), so the domain never sees single activity documents except the few not-counted
 * ones a rep must be able to look up.
 */

export type MetricUnit = 'cny' | 'count' | 'percent';

export interface ReportQuarter {
  id: string;
  start: Date;
  /** Exclusive. */
  end: Date;
  timeZone: string;
  metrics: ReadonlyArray<{ key: string; name: string; unit: MetricUnit; nameEn?: string }>;
  activityTypes: ReadonlyArray<{ key: string; name: string }>;
  /** The company direction goals are checked against when a person has no manager goal. */
  direction?: { industries: readonly string[]; keyAccounts: readonly string[] };
}

export interface ReportPerson {
  id: string;
  name: string;
  managerId: string | null;
}

export interface ReportGoal {
  ownerId: string;
  status: string;
  targets: ReadonlyArray<{ metric: string; value: number }>;
  /** Direction, for the live alignment check (absent: none given). */
  industries?: readonly string[];
  keyAccounts?: readonly string[];
}

/** Activities of one person, type, ISO week and counted-flag; `dims[k]` = how many had `dims.k === true`. */
export interface ActivityCell {
  personId: string;
  type: string;
  isoWeek: string;
  counted: boolean;
  n: number;
  dims: Readonly<Record<string, number>>;
}

/** Won deals of one person, week and account (accountId null: deals without an account, each its own customer). */
export interface WonDealCell {
  personId: string;
  isoWeek: string | null;
  accountId: string | null;
  isNewCustomer: boolean;
  n: number;
  amountCny: number;
}

/** Per person: opportunities closed lost in the quarter, and opportunities entered (opened) in it, up to asOf. */
export interface ClosedDealCell {
  personId: string;
  lost: number;
  opened: number;
}

/** Not-counted activities of the quarter (up to asOf) of one person with one reason text. */
export interface NotCountedReasonCell {
  personId: string;
  reason: string;
  n: number;
}

/** One activity of the report week that did not count, with the validity rule's reasons. */
export interface NotCountedActivity {
  /** The activity's id, for the card's 申诉 (appeal) picker. */
  id?: string;
  personId: string;
  type: string;
  day: string;
  accountName: string | null;
  reasons: readonly string[];
}

export interface ReportDataset {
  quarter: ReportQuarter;
  /** The instant the report describes; everything later is ignored. */
  asOf: Date;
  /** ISO week key of `asOf` in the quarter's zone, e.g. "2026-W48". */
  week: string;
  /** The people the report is about (reps and anyone else with a goal). */
  people: readonly ReportPerson[];
  /** Every active person (managers without a goal too): the tree alignment and roll-ups walk. Defaults to `people`. */
  org?: readonly ReportPerson[];
  goals: readonly ReportGoal[];
  /** Per person in `people`: activities and won deals up to asOf (see FactsFolder). */
  facts: ReadonlyMap<string, PersonFacts>;
  /** Not-counted activities of `week` only. */
  notCounted: readonly NotCountedActivity[];
  /** The company's working days: the linear pace counts them (absent: calendar time). */
  calendar?: WorkingCalendar;
  /** Owners of the report week's activities counted after an accepted appeal (经申诉计入), one entry each. */
  appealed?: readonly string[];
  /** Per person, per metric: the latest stored prediction of the quarter up to the report week (issue 11), as stored. */
  predictions?: ReadonlyMap<string, readonly ReportPrediction[]>;
}

/** A boolean activity dimension (dims.<key>) worth contrasting between reps, e.g. proposal customisation. */
export interface TrackedDimension {
  key: string;
  /** What the rate is called, e.g. "方案定制率". */
  name: string;
  /** The quarter's percent metric this rate measures (a target on it is compared with this rate). */
  metric?: string;
}

export interface ReportSettings {
  /** The activity type effort is measured in (counted visits, visits per won deal, tracked dimensions). */
  conversionType: string;
  dimensions: readonly TrackedDimension[];
  /** Health score weights; components that can't be computed are left out and the rest renormalized. */
  weights: Readonly<Record<ScoreKey, number>>;
  /** Score at or above: healthy; at or above `watch`: watch; below: at risk. */
  thresholds: { healthy: number; watch: number };
  /** Reps with fewer counted visits are left out of conversion comparisons (too few to mean anything). */
  minVisitsForConversion: number;
  /** Reps with fewer closed opportunities are left out of win-rate comparisons. */
  minClosedForWinRate: number;
  /** Points a goal whose direction is not aligned costs (named on the card), and it can't be healthy. */
  misalignedPenalty: number;
  /** Reps whose stored probability of reaching the target is below this are listed first in the team summary. */
  predictionThreshold?: number;
}

export type ScoreKey = 'progress' | 'activity' | 'validity' | 'conversion';

export const DEFAULT_REPORT_SETTINGS: ReportSettings = {
  conversionType: 'visit',
  dimensions: [{ key: 'proposalCustomized', name: '方案定制率', metric: 'proposal_rate' }],
  weights: { progress: 0.4, activity: 0.25, validity: 0.15, conversion: 0.2 },
  thresholds: { healthy: 80, watch: 60 },
  minVisitsForConversion: 3,
  minClosedForWinRate: 3,
  misalignedPenalty: 15,
};
