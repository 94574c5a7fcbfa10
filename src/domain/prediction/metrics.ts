/** How good probabilistic predictions are: the figures the backtest prints. Pure. */

export interface CalibrationBin {
  /** Predicted probability range [lo, hi). */
  lo: number;
  hi: number;
  n: number;
  meanPredicted: number;
  observedRate: number;
}

export interface Scores {
  n: number;
  baseRate: number;
  accuracy: number;
  /** Area under the ROC curve (ties count half); null when only one class is present. */
  auc: number | null;
  brier: number;
  logLoss: number;
  calibration: CalibrationBin[];
}

export function scorePredictions(p: readonly number[], y: readonly number[], threshold = 0.5): Scores {
  const n = p.length;
  if (n === 0) return { n: 0, baseRate: 0, accuracy: 0, auc: null, brier: 0, logLoss: 0, calibration: [] };
  let pos = 0;
  let right = 0;
  let brier = 0;
  let ll = 0;
  for (let i = 0; i < n; i++) {
    const pi = p[i]!;
    const yi = y[i]!;
    pos += yi;
    if ((pi >= threshold ? 1 : 0) === yi) right++;
    brier += (pi - yi) ** 2;
    const q = Math.min(1 - 1e-15, Math.max(1e-15, pi));
    ll -= yi * Math.log(q) + (1 - yi) * Math.log(1 - q);
  }
  return { n, baseRate: pos / n, accuracy: right / n, auc: auc(p, y), brier: brier / n, logLoss: ll / n, calibration: calibrationDeciles(p, y) };
}

/** AUC by the rank statistic (Mann–Whitney), average ranks for ties. */
export function auc(p: readonly number[], y: readonly number[]): number | null {
  const idx = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const ranks = new Array<number>(p.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && p[idx[j + 1]!] === p[idx[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k]!] = r;
    i = j + 1;
  }
  let nPos = 0;
  let sum = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) (nPos++, (sum += ranks[i]!));
  const nNeg = y.length - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  return (sum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Ten equal-width bins of predicted probability (empty ones left out). */
export function calibrationDeciles(p: readonly number[], y: readonly number[]): CalibrationBin[] {
  const bins = Array.from({ length: 10 }, (_, i) => ({ lo: i / 10, hi: (i + 1) / 10, n: 0, sp: 0, sy: 0 }));
  for (let i = 0; i < p.length; i++) {
    const b = bins[Math.min(9, Math.floor(p[i]! * 10))]!;
    b.n++;
    b.sp += p[i]!;
    b.sy += y[i]!;
  }
  return bins.filter((b) => b.n > 0).map((b) => ({ lo: b.lo, hi: b.hi, n: b.n, meanPredicted: b.sp / b.n, observedRate: b.sy / b.n }));
}
