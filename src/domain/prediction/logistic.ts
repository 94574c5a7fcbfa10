/**
 * L2-regularised logistic regression, fitted by Newton's method (IRLS). Pure and deterministic: the
 * same rows give the same coefficients on every machine. Our models have a few dozen features and a few
 * thousand rows, where Newton converges in under ten steps to the exact optimum; the npm options
 * (ml-logistic-regression: fixed-step gradient descent, no penalty control) do not reach a known answer.
 *
 * Objective (as scikit-learn's LogisticRegression with C = 1/l2, intercept not penalised):
 *   Σ_i w_i·[log(1 + e^{z_i}) − y_i·z_i] + (l2 / 2)·Σ_j β_j²,   z_i = β0 + x_i·β
 */
export interface LogisticFit {
  intercept: number;
  coef: number[];
  iterations: number;
  converged: boolean;
}

export interface LogisticOptions {
  /** Penalty on the coefficients (not the intercept); 0 = plain maximum likelihood. */
  l2: number;
  /**
   * Per coefficient (not the intercept), a multiplier of l2; 0 leaves a coefficient unpenalised (but for
   * a token 1e-4, so separable data stays finite). Default 1 for all.
   */
  penaltyScale?: readonly number[];
  /** Per-row weights (default 1). */
  weights?: readonly number[];
  maxIterations?: number;
  tolerance?: number;
  /**
   * Rebuild the curvature at every step (plain Newton, as this solver did before the curvature was kept
   * between steps): the same optimum, slower; bench/prediction.ts times it as its same-run baseline.
   */
  everyStep?: boolean;
  /** Starting coefficients (e.g. the fit at a neighbouring penalty); default: zero, intercept at the base rate. */
  start?: { intercept: number; coef: readonly number[] };
}

/** What a coefficient with penaltyScale 0 gets instead of nothing: keeps separable data finite (as fitBaseline). */
const TOKEN_PENALTY = 1e-4;

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function logit(p: number): number {
  const q = Math.min(1 - 1e-12, Math.max(1e-12, p));
  return Math.log(q / (1 - q));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function fitLogistic(x: readonly (readonly number[])[], y: readonly number[], o: LogisticOptions): LogisticFit {
  const n = x.length;
  if (n === 0) throw new RangeError('fitLogistic: no rows');
  if (y.length !== n) throw new RangeError('fitLogistic: x and y differ in length');
  const d = x[0]!.length;
  // Rows in one flat typed array: the passes over the rows are the whole cost at 40,000 rows (bench/prediction.ts).
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) X[i * d + a] = x[i]![a]!;
  const start = o.start ? { beta: [o.start.intercept, ...Array.from({ length: d }, (_, j) => o.start!.coef[j] ?? 0)] } : undefined;
  const flat = { X, n, d, y: Float64Array.from(y), ...(o.weights ? { w: Float64Array.from(o.weights) } : {}) };
  const r = fitLogisticFlat(flat, { l2: o.l2, ...(o.penaltyScale ? { penaltyScale: o.penaltyScale } : {}), ...(o.everyStep ? { everyStep: true } : {}), ...(o.maxIterations !== undefined ? { maxIterations: o.maxIterations } : {}), ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}), ...(start ? { start } : {}) });
  return { intercept: r.beta[0]!, coef: Array.from(r.beta.subarray(1)), iterations: r.iterations, converged: r.converged };
}

/** Rows already flat (row i's features at X[i·d … i·d + d − 1]): what the penalty search prepares once per fold. */
export interface FlatRows {
  X: Float64Array;
  n: number;
  d: number;
  y: Float64Array;
  /** Per-row weights; default 1. */
  w?: Float64Array;
}

export interface FlatFit {
  /** Intercept first, then the coefficients. */
  beta: Float64Array;
  /**
   * The last curvature of the data term (Σ w·p(1−p)·x·xᵀ, intercept first, k × k, no penalty): a warm
   * start at a neighbouring penalty passes it on, so that fit can take its steps without a new one.
   */
  curvature: Float64Array;
  iterations: number;
  /** Passes that rebuilt the curvature (the O(n·d²) part); the rest of the iterations cost O(n·d). */
  curvaturePasses: number;
  converged: boolean;
}

/**
 * The solver. Newton steps solve (H + penalty)·step = gradient by Cholesky; H is rebuilt only when the
 * steps stop shrinking fast (a stale H still converges to the same optimum — the optimum is where the
 * gradient is zero, H only steers the way there — it just takes a few more O(n·d) steps instead of
 * O(n·d²) ones). Along a penalty path with warm starts most fits need no new H at all. Each pass over the
 * rows computes the scores, the objective and the gradient together. Converged when the largest
 * coefficient change is below `tolerance`, as before.
 */
export function fitLogisticFlat(rows: FlatRows, o: Omit<LogisticOptions, 'weights' | 'start'> & { start?: { beta: ArrayLike<number>; curvature?: Float64Array } }): FlatFit {
  const { X, n, d, y: Y } = rows;
  const k = d + 1;
  const w = rows.w;
  // The penalty per coefficient, index 0 (the intercept) unused.
  const pen = new Float64Array(k);
  for (let j = 1; j < k; j++) {
    const scale = o.penaltyScale?.[j - 1] ?? 1;
    pen[j] = scale === 0 ? TOKEN_PENALTY : o.l2 * scale;
  }
  const tol = o.tolerance ?? 1e-10;
  const maxIt = o.maxIterations ?? 100;
  const beta = new Float64Array(k);
  if (o.start) {
    // A warm start (the same rows at a neighbouring penalty): fewer steps to the same optimum.
    for (let j = 0; j < k; j++) beta[j] = o.start.beta[j] ?? 0;
  } else {
    // Start the intercept at the base rate: fewer steps, and no overflow on very unbalanced data.
    let pos = 0;
    let tot = 0;
    for (let i = 0; i < n; i++) (pos += Y[i]! * (w ? w[i]! : 1), (tot += w ? w[i]! : 1));
    beta[0] = logit(Math.min(0.999, Math.max(0.001, pos / tot)));
  }
  const p = new Float64Array(n);
  const g = new Float64Array(k);
  /** Scores at `b`: fills p (probabilities) and g (gradient incl. penalty); returns the objective. */
  const evaluate = (b: Float64Array, pInto: Float64Array, gInto: Float64Array): number => {
    let f = 0;
    gInto.fill(0);
    for (let i = 0; i < n; i++) {
      const off = i * d;
      let zi = b[0]!;
      for (let a = 0; a < d; a++) zi += b[a + 1]! * X[off + a]!;
      // softplus and sigmoid from one exponential, without overflow
      const e = Math.exp(-Math.abs(zi));
      const sp = (zi > 0 ? zi : 0) + Math.log1p(e);
      const pi = zi >= 0 ? 1 / (1 + e) : e / (1 + e);
      const wi = w ? w[i]! : 1;
      const yi = Y[i]!;
      f += wi * (sp - yi * zi);
      pInto[i] = pi;
      const ri = wi * (pi - yi);
      gInto[0]! += ri;
      for (let a = 0; a < d; a++) gInto[a + 1]! += ri * X[off + a]!;
    }
    for (let j = 1; j < k; j++) {
      f += (pen[j]! / 2) * b[j]! * b[j]!;
      gInto[j]! += pen[j]! * b[j]!;
    }
    return f;
  };
  let f = evaluate(beta, p, g);
  let curvature = !o.everyStep && o.start?.curvature && o.start.curvature.length === k * k ? o.start.curvature : undefined;
  let fresh = false; // curvature computed at the current beta
  let curvaturePasses = 0;
  const rebuild = () => {
    curvature = dataCurvature(X, n, d, p, w);
    curvaturePasses++;
    fresh = true;
  };
  if (!curvature) rebuild();
  const A = new Float64Array(k * k);
  const next = new Float64Array(k);
  const pNext = new Float64Array(n);
  const gNext = new Float64Array(k);
  let lastMoved = Infinity;
  for (let it = 1; it <= maxIt; it++) {
    let step: Float64Array | undefined;
    for (;;) {
      A.set(curvature!);
      for (let j = 1; j < k; j++) A[j * k + j]! += pen[j]!;
      A[0]! += 1e-12; // keeps the system solvable when every row has p ≈ 0 or 1
      step = choleskySolve(A, g, k);
      if (step || fresh) break;
      rebuild(); // a stale curvature that is no longer positive definite at this penalty
    }
    if (!step) step = Float64Array.from(solve(Array.from({ length: k }, (_, a) => Array.from(A.subarray(a * k, a * k + k))), Array.from(g)));
    // Step with halving until the objective does not increase (separable data, bad starts). With a stale
    // curvature, a step that has to be cut is a sign to rebuild it and try again first.
    let t = 1;
    let fNext = Infinity;
    for (;;) {
      for (let j = 0; j < k; j++) next[j] = beta[j]! - t * step[j]!;
      fNext = evaluate(next, pNext, gNext);
      if (fNext <= f + 1e-12 * Math.abs(f) || t <= 1e-8) break;
      if (!fresh) break;
      t /= 2;
    }
    if (fNext > f + 1e-12 * Math.abs(f) && !fresh) {
      rebuild();
      it--; // the same iteration again, with the current curvature
      continue;
    }
    let moved = 0;
    for (let j = 0; j < k; j++) moved = Math.max(moved, Math.abs(t * step[j]!));
    beta.set(next);
    p.set(pNext);
    g.set(gNext);
    f = fNext;
    fresh = false;
    // Converged when the step was below the tolerance, or when the steps shrink geometrically fast enough
    // that what is left (moved·r/(1−r) for a shrink ratio r) is: one O(n·d) pass fewer per fit, same answer.
    const ratio = Number.isFinite(lastMoved) ? moved / lastMoved : 1;
    if (moved < tol || (ratio < 0.5 && (moved * ratio) / (1 - ratio) < tol)) return { beta, curvature: curvature!, iterations: it, curvaturePasses, converged: true };
    // Newton shrinks the step quadratically; a stale curvature only linearly. Rebuild it when the steps
    // shrink by less than a factor 8 (it then pays for itself: factors 2, 4, 8, 16 measured on the bench
    // rows), or at every step while far from the optimum.
    if (o.everyStep || moved > lastMoved / 8 || moved > 1) rebuild();
    lastMoved = moved;
  }
  return { beta, curvature: curvature!, iterations: maxIt, curvaturePasses, converged: false };
}

/** Σ w·p(1−p)·x·xᵀ over the rows, intercept first (k × k, symmetric). The O(n·d²) pass. */
function dataCurvature(X: Float64Array, n: number, d: number, p: Float64Array, w: Float64Array | undefined): Float64Array {
  const k = d + 1;
  const H = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    const pi = p[i]!;
    const s = (w ? w[i]! : 1) * pi * (1 - pi);
    if (s === 0) continue;
    const off = i * d;
    H[0]! += s;
    for (let a = 0; a < d; a++) {
      const sxa = s * X[off + a]!;
      H[a + 1]! += sxa; // row 0
      const row = (a + 1) * k + 1;
      for (let b = 0; b <= a; b++) H[row + b]! += sxa * X[off + b]!;
    }
  }
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) H[a * k + b] = a === 0 ? H[b]! : H[b * k + a]!;
  for (let b = 1; b < k; b++) H[b * k] = H[b]!;
  return H;
}

/** Solves A·x = b for a symmetric positive definite A (k × k, flat); undefined when A is not. */
export function choleskySolve(A: Float64Array, b: ArrayLike<number>, k: number): Float64Array | undefined {
  const L = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * k + j]!;
      for (let m = 0; m < j; m++) s -= L[i * k + m]! * L[j * k + m]!;
      if (i === j) {
        if (!(s > 0)) return undefined;
        L[i * k + i] = Math.sqrt(s);
      } else L[i * k + j] = s / L[j * k + j]!;
    }
  }
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i]!;
    for (let m = 0; m < i; m++) s -= L[i * k + m]! * z[m]!;
    z[i] = s / L[i * k + i]!;
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let m = i + 1; m < k; m++) s -= L[m * k + i]! * x[m]!;
    x[i] = s / L[i * k + i]!;
  }
  return x;
}

export function predictLogistic(fit: Pick<LogisticFit, 'intercept' | 'coef'>, x: readonly number[]): number {
  return sigmoid(linear([fit.intercept, ...fit.coef], x));
}

function linear(b: readonly number[], x: readonly number[]): number {
  let z = b[0]!;
  for (let j = 0; j < x.length; j++) z += b[j + 1]! * x[j]!;
  return z;
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and symmetric positive definite). */
export function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const piv = m[c]![c]!;
    if (Math.abs(piv) < 1e-300) throw new RangeError('solve: singular matrix');
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / piv;
      if (f === 0) continue;
      for (let j = c; j <= n; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let j = r + 1; j < n; j++) s -= m[r]![j]! * out[j]!;
    out[r] = s / m[r]![r]!;
  }
  return out;
}
