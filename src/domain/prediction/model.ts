/**
 * The week-N model: standardised features → L2 logistic regression → Platt calibration. The penalty is
 * chosen by leave-one-quarter-out log loss inside the training quarters, and the calibration is fitted
 * on those out-of-fold scores, so nothing about a held-out quarter shapes the model. Pure.
 */
import { fitLogistic, fitLogisticFlat, logit, predictLogistic, sigmoid, type FlatFit } from './logistic.js';

export interface TrainingRow {
  quarterId: string;
  x: readonly number[];
  y: 0 | 1;
}

export interface WeekModel {
  week: number;
  featureKeys: string[];
  /** Standardisation learnt on the training rows (NaN inputs are imputed with `impute` first). */
  means: number[];
  sds: number[];
  impute: number[];
  intercept: number;
  coef: number[];
  /** Platt scaling of the raw score: p = σ(a·z + b). */
  calibration: { a: number; b: number };
  l2: number;
  nTrain: number;
  baseRate: number;
  trainingQuarters: string[];
}

export const L2_GRID: readonly number[] = [0.1, 0.3, 1, 3, 10, 30, 100];

/** Thin data: fewer past quarters or rep-quarters than this and the model is not trusted (issue 11). */
export const THIN = { minQuarters: 2, minRepQuarters: 30 } as const;

export function isThin(rows: readonly TrainingRow[]): boolean {
  return new Set(rows.map((r) => r.quarterId)).size < THIN.minQuarters || rows.length < THIN.minRepQuarters;
}

export interface WeekModelOptions {
  /** Plain Newton (bench/prediction.ts's same-run baseline); the model is the same. */
  everyStep?: boolean;
  /** Feature keys whose coefficients are not penalised (default UNPENALISED). */
  unpenalised?: readonly string[];
}

/**
 * The pace projection is not penalised: the penalty then shrinks the model towards the pace baseline
 * (a one-feature logistic on the same paceLog) instead of towards "everyone has the base rate", so the
 * penalty search can only add the other features where they earn their place in the training quarters'
 * own leave-one-quarter-out loss. Before, a large penalty shrank pace with the rest and the model lost
 * to the one-feature baseline (docs/backtest.md).
 */
export const UNPENALISED: readonly string[] = ['paceLog'];

export function trainWeekModel(rows: readonly TrainingRow[], week: number, featureKeys: string[], grid: readonly number[] = L2_GRID, solver: WeekModelOptions = {}): WeekModel {
  const free = solver.unpenalised ?? UNPENALISED;
  const penaltyScale = featureKeys.map((k) => (free.includes(k) ? 0 : 1));
  if (rows.length === 0) throw new RangeError('trainWeekModel: no rows');
  const quarters = [...new Set(rows.map((r) => r.quarterId))].sort();
  // Penalty and calibration from leave-one-quarter-out scores within the training quarters. The penalty
  // is the largest whose out-of-fold log loss is within one standard error of the best (the "one-SE
  // rule"): with a few hundred rows and a dozen features the best-scoring small penalty overfits.
  type Cv = { l2: number; loss: number; se: number; z: number[]; y: number[] };
  const results: Cv[] = [];
  let warm: (FlatFit & { rows: number }) | undefined;
  if (quarters.length >= 2) {
    // Per fold, the held-out scores at every penalty. A fold is standardised once, and the penalties are
    // walked from the largest down, each fit starting from the previous one's coefficients and curvature
    // (the same optimum, far fewer passes over the rows: the cost at 10,000 reps). The next fold and the
    // final fit start from the last fold's fit too: their rows are three quarters the same.
    const order = grid.map((l2, gi) => ({ l2, gi })).sort((a, b) => b.l2 - a.l2);
    const folds = quarters.flatMap((q) => {
      const train = rows.filter((r) => r.quarterId !== q);
      if (new Set(train.map((r) => r.y)).size < 2) return [];
      const test = rows.filter((r) => r.quarterId === q);
      const prep = prepare(train);
      const scores: number[][] = new Array<number[]>(grid.length);
      order.forEach(({ l2, gi }, i) => {
        const m = fitPrepared(prep, l2, warmFrom(warm, prep.n, i === 0), { ...solver, penaltyScale });
        warm = m.fit;
        scores[gi] = test.map((r) => rawScore(m, r.x));
      });
      return [{ y: test.map((r) => r.y), scores }];
    });
    for (const [gi, l2] of grid.entries()) {
      const z = folds.flatMap((f) => f.scores[gi]!);
      const y = folds.flatMap((f) => f.y);
      if (z.length === 0) continue;
      const losses = z.map((v, i) => -Math.log(Math.max(1e-15, y[i] ? sigmoid(v) : 1 - sigmoid(v))));
      const loss = losses.reduce((s, v) => s + v, 0) / losses.length;
      const sd = Math.sqrt(losses.reduce((s, v) => s + (v - loss) ** 2, 0) / Math.max(1, losses.length - 1));
      results.push({ l2, loss, se: sd / Math.sqrt(losses.length), z, y });
    }
  }
  const min = results.reduce<Cv | undefined>((a, r) => (!a || r.loss < a.loss ? r : a), undefined);
  const best = min
    ? results.filter((r) => r.loss <= min.loss + min.se).reduce((a, r) => (r.l2 > a.l2 ? r : a), min)
    : { l2: grid[Math.floor(grid.length / 2)]!, loss: Infinity, se: 0, z: [] as number[], y: [] as number[] };
  const prepAll = prepare(rows);
  const { fit: _final, ...m } = fitPrepared(prepAll, best.l2, warmFrom(warm, prepAll.n, true), { ...solver, penaltyScale });
  // Platt: a one-feature logistic on the out-of-fold scores (lightly penalised so a tiny fold can't explode it).
  let calibration = { a: 1, b: 0 };
  if (best.z.length >= 10 && new Set(best.y).size === 2) {
    const fit = fitLogistic(best.z.map((v) => [v]), best.y, { l2: 0.01 });
    calibration = { a: fit.coef[0]!, b: fit.intercept };
  }
  return { ...m, week, featureKeys, calibration, l2: best.l2, nTrain: rows.length, baseRate: rows.reduce((s, r) => s + r.y, 0) / rows.length, trainingQuarters: quarters };
}

type RawModel = Pick<WeekModel, 'means' | 'sds' | 'impute' | 'intercept' | 'coef'>;

type Prepared = Pick<WeekModel, 'means' | 'sds' | 'impute'> & { X: Float64Array; y: Float64Array; n: number; d: number };

/**
 * A warm start from a fit on other rows (the previous fold): its coefficients, and its curvature scaled
 * to this many rows — a start only; the solver rebuilds the curvature when its steps stop shrinking, and
 * the optimum it converges to does not depend on the start.
 */
function warmFrom(prev: (FlatFit & { rows: number }) | undefined, n: number, otherRows: boolean): { beta: Float64Array; curvature: Float64Array; rows: number } | undefined {
  if (!prev) return undefined;
  if (!otherRows) return { beta: prev.beta, curvature: prev.curvature, rows: n };
  const scale = n / prev.rows;
  return { beta: prev.beta, curvature: prev.curvature.map((v) => v * scale), rows: n };
}

function fitPrepared(p: Prepared, l2: number, start: { beta: Float64Array; curvature: Float64Array } | undefined, solver: WeekModelOptions & { penaltyScale: number[] }): RawModel & { fit: FlatFit & { rows: number } } {
  const fit = fitLogisticFlat({ X: p.X, n: p.n, d: p.d, y: p.y }, { l2, penaltyScale: solver.penaltyScale, ...(start ? { start } : {}), ...(solver.everyStep ? { everyStep: true } : {}) });
  return { means: p.means, sds: p.sds, impute: p.impute, intercept: fit.beta[0]!, coef: Array.from(fit.beta.subarray(1)), fit: { ...fit, rows: p.n } };
}

/** Imputation and standardisation learnt on the rows, and the rows standardised into one flat array. */
function prepare(rows: readonly TrainingRow[]): Prepared {
  const n = rows.length;
  const d = rows[0]!.x.length;
  const impute = new Array<number>(d).fill(0);
  const means = new Array<number>(d).fill(0);
  const sds = new Array<number>(d).fill(1);
  for (let j = 0; j < d; j++) {
    let known = 0;
    let sum = 0;
    for (const r of rows) if (Number.isFinite(r.x[j]!)) (known++, (sum += r.x[j]!));
    impute[j] = known ? sum / known : 0;
    let total = 0;
    for (const r of rows) total += Number.isFinite(r.x[j]!) ? r.x[j]! : impute[j]!;
    means[j] = total / n;
    let ss = 0;
    for (const r of rows) ss += ((Number.isFinite(r.x[j]!) ? r.x[j]! : impute[j]!) - means[j]!) ** 2;
    const sd = Math.sqrt(ss / n);
    sds[j] = sd > 1e-9 ? sd : 1; // a constant column stays 0 after centring
  }
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  rows.forEach((r, i) => {
    y[i] = r.y;
    for (let j = 0; j < d; j++) X[i * d + j] = ((Number.isFinite(r.x[j]!) ? r.x[j]! : impute[j]!) - means[j]!) / sds[j]!;
  });
  return { means, sds, impute, X, y, n, d };
}

function standardise(m: Pick<WeekModel, 'means' | 'sds' | 'impute'>, x: readonly number[]): number[] {
  return x.map((v, j) => ((Number.isFinite(v) ? v : m.impute[j]!) - m.means[j]!) / m.sds[j]!);
}

function rawScore(m: RawModel, x: readonly number[]): number {
  return logit(predictLogistic(m, standardise(m, x)));
}

/** Calibrated probability of reaching the target. */
export function predictProbability(m: WeekModel, x: readonly number[]): number {
  return sigmoid(m.calibration.a * rawScore(m, x) + m.calibration.b);
}

export interface FactorEffect {
  index: number;
  key: string;
  value: number;
  reference: number;
  /** Probability now minus probability with this feature at the reference (team median): + helps, − hurts. */
  deltaPoints: number;
}

/**
 * The top factors for one rep: for each feature, how much the probability would differ if it were at the
 * team's median (the rest unchanged). Largest effects first.
 */
export function explain(m: WeekModel, x: readonly number[], reference: readonly number[], top = 3): FactorEffect[] {
  const p = predictProbability(m, x);
  const out: FactorEffect[] = [];
  x.forEach((v, j) => {
    const ref = reference[j]!;
    if (!Number.isFinite(v) || !Number.isFinite(ref) || v === ref) return;
    const moved = x.slice();
    moved[j] = ref;
    const delta = (p - predictProbability(m, moved)) * 100;
    if (Math.abs(delta) >= 0.5) out.push({ index: j, key: m.featureKeys[j]!, value: v, reference: ref, deltaPoints: delta });
  });
  return out.sort((a, b) => Math.abs(b.deltaPoints) - Math.abs(a.deltaPoints)).slice(0, top);
}

/** Column medians (NaN ignored): the team reference the explanation compares with. */
export function columnMedians(rows: readonly (readonly number[])[]): number[] {
  if (rows.length === 0) return [];
  return rows[0]!.map((_, j) => median(rows.map((r) => r[j]!).filter((v) => Number.isFinite(v))));
}

export function median(v: readonly number[]): number {
  if (v.length === 0) return Number.NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * A one-feature baseline fitted on the training quarters (pace ratio, or last quarter's attainment):
 * p = σ(a·f + b). Rows without the feature (NaN) get the training base rate.
 */
export interface Baseline {
  a: number;
  b: number;
  baseRate: number;
}

export function fitBaseline(f: readonly number[], y: readonly number[]): Baseline {
  const keep = f.map((v, i) => i).filter((i) => Number.isFinite(f[i]!));
  const baseRate = y.reduce((s, v) => s + v, 0) / Math.max(1, y.length);
  if (keep.length < 2 || new Set(keep.map((i) => y[i])).size < 2) return { a: 0, b: logit(baseRate), baseRate };
  const fit = fitLogistic(keep.map((i) => [f[i]!]), keep.map((i) => y[i]!), { l2: 1e-4 });
  return { a: fit.coef[0]!, b: fit.intercept, baseRate };
}

export function predictBaseline(b: Baseline, f: number): number {
  return Number.isFinite(f) ? sigmoid(b.a * f + b.b) : b.baseRate;
}
