/**
 * A finished rep-quarter reduced to what training and the backtest read: its label, last quarter's
 * attainment and, per week, the features and the pace baseline's value. A few hundred numbers instead of
 * the quarter's activities and deals, so training can read the company a slice of reps at a time and keep
 * only these (issue 14: memory that follows the slice, not the company). Pure.
 */
import { featuresAt, paceFeature, reachedTarget, type RepQuarterData, type TrackedDimensionRef } from './features.js';
import type { TrainingRow } from './model.js';
import { hashA } from '../text/hash.js';

export interface RepQuarterRow {
  personId: string;
  quarterId: string;
  startMs: number;
  /** Reached the target by quarter end. */
  y: 0 | 1;
  /** Last quarter's attainment; NaN when unknown (the model imputes it). */
  last: number;
  /** Per week of the quarter: the features as of that week and the pace baseline's feature. */
  weeks: Map<number, { x: number[]; pace: number }>;
}

export function repQuarterRow(d: RepQuarterData, weeks: readonly number[], dims: readonly TrackedDimensionRef[]): RepQuarterRow {
  return {
    personId: d.personId,
    quarterId: d.quarterId,
    startMs: d.startMs,
    y: reachedTarget(d) ? 1 : 0,
    last: d.lastAttainment === null ? Number.NaN : d.lastAttainment,
    weeks: new Map(weeks.map((w) => [w, { x: featuresAt(d, w, dims), pace: paceFeature(d, w) }])),
  };
}

/** The rows' features at `week` (which every row must carry). */
export function rowsAt(rows: readonly RepQuarterRow[], week: number): TrainingRow[] {
  return rows.map((r) => ({ quarterId: r.quarterId, x: at(r, week).x, y: r.y }));
}

export function at(r: RepQuarterRow, week: number): { x: number[]; pace: number } {
  const w = r.weeks.get(week);
  if (!w) throw new Error(`rep-quarter ${r.quarterId}|${r.personId} has no features for week ${week}`);
  return w;
}

/** Time order, then person: the same rows in the same order however the company was read (slices or not). */
export function byQuarterThenPerson(a: RepQuarterRow, b: RepQuarterRow): number {
  return a.startMs - b.startMs || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0);
}

/**
 * Which rep-quarters a training keeps when there are more than `cap`: a fixed fraction chosen by a hash of
 * the rep-quarter's ids, so the choice does not depend on the order or the slices the data was read in,
 * and the same history gives the same model. Below the cap every rep-quarter is kept.
 */
export function sampleRule(total: number, cap: number): (quarterId: string, personId: string) => boolean {
  if (total <= cap) return () => true;
  const keep = cap / total;
  return (quarterId, personId) => hashA(`${quarterId}|${personId}`) / 0x1_0000_0000 < keep;
}
