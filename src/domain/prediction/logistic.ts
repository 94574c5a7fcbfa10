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
  /** Per-row weights (default 1). */
  weights?: readonly number[];
  maxIterations?: number;
  tolerance?: number;
  /** Starting coefficients (e.g. the fit at a neighbouring penalty); default: zero, intercept at the base rate. */
  start?: { intercept: number; coef: readonly number[] };
}

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
  const k = d + 1; // intercept first
  // Rows in one flat typed array: the Newton passes are the whole cost at 40,000 rows (bench/prediction.ts).
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) X[i * d + a] = x[i]![a]!;
  const w = Float64Array.from(o.weights ?? new Array<number>(n).fill(1));
  const Y = Float64Array.from(y);
  const beta = new Array<number>(k).fill(0);
  if (o.start) {
    // A warm start (the same rows at a neighbouring penalty): fewer steps to the same optimum.
    beta[0] = o.start.intercept;
    for (let j = 1; j < k; j++) beta[j] = o.start.coef[j - 1] ?? 0;
  } else {
    // Start the intercept at the base rate: fewer steps, and no overflow on very unbalanced data.
    const pos = y.reduce((s, v, i) => s + v * w[i]!, 0);
    const tot = w.reduce((s, v) => s + v, 0);
    beta[0] = logit(Math.min(0.999, Math.max(0.001, pos / tot)));
  }
  const z = new Float64Array(n);
  /** Fills `into` with the linear scores of `b` and returns the objective there. */
  const objective = (b: readonly number[], into: Float64Array) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let zi = b[0]!;
      const off = i * d;
      for (let a = 0; a < d; a++) zi += b[a + 1]! * X[off + a]!;
      into[i] = zi;
      f += w[i]! * (softplus(zi) - Y[i]! * zi);
    }
    for (let j = 1; j < k; j++) f += (o.l2 / 2) * b[j]! * b[j]!;
    return f;
  };
  let f = objective(beta, z);
  const zNext = new Float64Array(n);
  const H = new Float64Array(k * k);
  const tol = o.tolerance ?? 1e-10;
  const maxIt = o.maxIterations ?? 100;
  for (let it = 1; it <= maxIt; it++) {
    const g = new Array<number>(k).fill(0);
    H.fill(0);
    for (let i = 0; i < n; i++) {
      const off = i * d;
      const p = sigmoid(z[i]!);
      const r = w[i]! * (p - Y[i]!);
      const s = w[i]! * p * (1 - p);
      g[0]! += r;
      H[0]! += s;
      for (let a = 0; a < d; a++) {
        const xa = X[off + a]!;
        const sxa = s * xa;
        g[a + 1]! += r * xa;
        H[a + 1]! += sxa; // row 0
        const row = (a + 1) * k + 1;
        for (let b = 0; b <= a; b++) H[row + b]! += sxa * X[off + b]!;
      }
    }
    const h = Array.from({ length: k }, (_, a) => Array.from(H.subarray(a * k, a * k + k)));
    for (let a = 1; a < k; a++) {
      g[a]! += o.l2 * beta[a]!;
      h[a]![a]! += o.l2;
      for (let b = a + 1; b < k; b++) h[a]![b] = h[b]![a]!;
      h[a]![0] = h[0]![a]!;
    }
    h[0]![0]! += 1e-12; // keeps the system solvable when every row has p ≈ 0 or 1
    const step = solve(h, g);
    // Newton step with halving until the objective does not increase (separable data, bad starts).
    let t = 1;
    let next = beta.map((b, j) => b - t * step[j]!);
    let fNext = objective(next, zNext);
    while (fNext > f + 1e-12 * Math.abs(f) && t > 1e-8) {
      t /= 2;
      next = beta.map((b, j) => b - t * step[j]!);
      fNext = objective(next, zNext);
    }
    const moved = Math.max(...step.map((s) => Math.abs(s * t)));
    for (let j = 0; j < k; j++) beta[j] = next[j]!;
    z.set(zNext);
    f = fNext;
    if (moved < tol) return { intercept: beta[0]!, coef: beta.slice(1), iterations: it, converged: true };
  }
  return { intercept: beta[0]!, coef: beta.slice(1), iterations: maxIt, converged: false };
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
