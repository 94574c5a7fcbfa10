/**
 * The explicit relationship from behaviour to outcome in the demo company (documented in
 * docs/demo-company.md, with the calibration). Pure; the noise terms are passed in so callers draw them
 * from the seeded PRNG.
 *
 *   logit P(win) = β0 + βdepth·depthZ + βtailor·tailored + βfreq·(visitsPerDay − 2) + skill + ε
 *   depthZ       = (clamp(mean visit minutes, 10, 120) − 45) / 30
 *   amount       = BASE × industry factor × (1 + 0.5·tailored) × (1 + 0.12·depthZ) × e^(η − σ²/2)
 *
 * `tailored` is the share of the opportunity's visits preceded by a tailored proposal (0..1).
 */
import { clamp, sigmoid } from './prng.js';

export const OUTCOME = {
  beta0: -1.1,
  betaDepth: 0.25,
  betaTailored: 0.4,
  betaFrequency: -0.08,
  /** Per-opportunity noise in logit space (sd). */
  noiseSd: 0.4,
  /** Per-rep skill, fixed for the quarter (sd). */
  skillSd: 0.25,
  /** Deal size in CNY before factors. */
  baseAmountCny: 30_000,
  tailoredAmountLift: 0.5,
  depthAmountLift: 0.12,
  /** Lognormal spread of deal size. */
  amountSd: 0.35,
} as const;

export interface OpportunityFeatures {
  /** Mean length of the opportunity's visits, minutes. */
  meanVisitMin: number;
  /** Share of its visits preceded by a tailored proposal, 0..1. */
  tailored: number;
  /** The rep's visit frequency (planned visits per working day). */
  visitsPerDay: number;
}

export function depthZ(meanVisitMin: number): number {
  return (clamp(meanVisitMin, 10, 120) - 45) / 30;
}

/** Win logit without noise or skill: the part behaviour explains. */
export function winLogit(f: OpportunityFeatures): number {
  return OUTCOME.beta0 + OUTCOME.betaDepth * depthZ(f.meanVisitMin) + OUTCOME.betaTailored * f.tailored + OUTCOME.betaFrequency * (f.visitsPerDay - 2);
}

/** P(win) for one opportunity given the rep's skill and this opportunity's noise draw (both in logit units). */
export function winProbability(f: OpportunityFeatures, skill: number, noise: number): number {
  return sigmoid(winLogit(f) + skill + noise);
}

/** Deal size in whole CNY, rounded to 100, at least 3,000. `eta` is a standard-normal draw. */
export function dealAmountCny(f: OpportunityFeatures, industryFactor: number, eta: number): number {
  const s = OUTCOME.amountSd;
  const raw =
    OUTCOME.baseAmountCny *
    industryFactor *
    (1 + OUTCOME.tailoredAmountLift * f.tailored) *
    (1 + OUTCOME.depthAmountLift * depthZ(f.meanVisitMin)) *
    Math.exp(eta * s - (s * s) / 2);
  return Math.max(3000, Math.round(raw / 100) * 100);
}
