/**
 * How reps work: each style sets the behaviour the generator draws from. Outcomes are NOT set here; they
 * follow from behaviour through outcome-model.ts. A and B are the source case's two reps.
 */
export type StyleKey = 'A' | 'B' | 'balanced' | 'phoner' | 'low';

export interface Style {
  key: StyleKey;
  /** Label shown in docs and tests. */
  label: string;
  /** Mean customer visits per working day (Poisson). */
  visitsPerDay: number;
  /** Visit length in minutes: mean and spread (normal, clamped to 8–180). */
  visitMin: { mean: number; sd: number };
  /** Probability that a visit is preceded by a proposal tailored to the customer's purchase history. */
  tailoredShare: number;
  /** Probability of a generic (not tailored) proposal after an opportunity's first visit. */
  genericProposalShare: number;
  /** Visits an opportunity needs before the customer decides (inclusive range). */
  visitsPerOpportunity: readonly [number, number];
  callsPerDay: number;
  emailsPerDay: number;
  /** Share of new (not yet existing) customers among opportunities. */
  newCustomerShare: number;
  /** Data habits: share of visits logged in the CRM, with a DingTalk check-in, with coordinates in the CRM. */
  crmLogShare: number;
  checkinShare: number;
  crmGeoShare: number;
  /** Weight in the default mix of a company. */
  weight: number;
}

export const STYLES: Record<StyleKey, Style> = {
  A: {
    key: 'A',
    label: 'A：多拜访、时长短',
    visitsPerDay: 3,
    visitMin: { mean: 24, sd: 8 },
    tailoredShare: 0.05,
    genericProposalShare: 0.35,
    visitsPerOpportunity: [1, 3],
    callsPerDay: 2.5,
    emailsPerDay: 1,
    newCustomerShare: 0.6,
    crmLogShare: 0.85,
    checkinShare: 0.75,
    crmGeoShare: 0.5,
    weight: 25,
  },
  B: {
    key: 'B',
    label: 'B：少而深、拜访前定制方案',
    visitsPerDay: 1.5,
    visitMin: { mean: 70, sd: 15 },
    tailoredShare: 0.95,
    genericProposalShare: 0,
    visitsPerOpportunity: [1, 3],
    callsPerDay: 1.5,
    emailsPerDay: 2,
    newCustomerShare: 0.4,
    crmLogShare: 0.97,
    checkinShare: 0.9,
    crmGeoShare: 0.8,
    weight: 20,
  },
  balanced: {
    key: 'balanced',
    label: '均衡型',
    visitsPerDay: 2.2,
    visitMin: { mean: 45, sd: 15 },
    tailoredShare: 0.4,
    genericProposalShare: 0.3,
    visitsPerOpportunity: [1, 3],
    callsPerDay: 2,
    emailsPerDay: 1.5,
    newCustomerShare: 0.5,
    crmLogShare: 0.9,
    checkinShare: 0.8,
    crmGeoShare: 0.6,
    weight: 35,
  },
  phoner: {
    key: 'phoner',
    label: '电话为主、少拜访',
    visitsPerDay: 0.8,
    visitMin: { mean: 40, sd: 12 },
    tailoredShare: 0.2,
    genericProposalShare: 0.4,
    visitsPerOpportunity: [1, 2],
    callsPerDay: 6,
    emailsPerDay: 2,
    newCustomerShare: 0.5,
    crmLogShare: 0.9,
    checkinShare: 0.6,
    crmGeoShare: 0.5,
    weight: 10,
  },
  low: {
    key: 'low',
    label: '低活跃',
    visitsPerDay: 0.9,
    visitMin: { mean: 30, sd: 12 },
    tailoredShare: 0.1,
    genericProposalShare: 0.2,
    visitsPerOpportunity: [1, 3],
    callsPerDay: 1,
    emailsPerDay: 0.5,
    newCustomerShare: 0.4,
    crmLogShare: 0.7,
    checkinShare: 0.55,
    crmGeoShare: 0.3,
    weight: 10,
  },
};

export const STYLE_KEYS = Object.keys(STYLES) as StyleKey[];

/** Picks a style by weight from a uniform draw u in [0, 1). */
export function styleFor(u: number): StyleKey {
  const total = STYLE_KEYS.reduce((s, k) => s + STYLES[k].weight, 0);
  let acc = 0;
  for (const k of STYLE_KEYS) {
    acc += STYLES[k].weight / total;
    if (u < acc) return k;
  }
  return STYLE_KEYS[STYLE_KEYS.length - 1]!;
}
