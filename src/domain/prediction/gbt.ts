/**
 * Gradient-boosted trees for the attainment prediction, to compare with the logistic regression in the
 * backtest (issue 11: trees "only if they beat it in the backtest"). Log loss, second-order (Newton) leaf
 * values as in XGBoost: leaf = −Σg ÷ (Σh + λ), split gain = G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ).
 * Missing features are imputed with the training mean. Hyper-parameters are fixed in advance
 * (GBT_DEFAULTS), not chosen on any quarter, so a backtest of them is a first look. Pure, deterministic.
 */
import { logit, sigmoid } from './logistic.js';

export interface GbtOptions {
  trees: number;
  depth: number;
  learningRate: number;
  /** Smallest Σh (hessian weight) a leaf may hold. */
  minChildWeight: number;
  /** L2 penalty on leaf values. */
  lambda: number;
}

export const GBT_DEFAULTS: GbtOptions = { trees: 100, depth: 3, learningRate: 0.1, minChildWeight: 1, lambda: 1 };

export type GbtNode = { leaf: number } | { feature: number; threshold: number; left: GbtNode; right: GbtNode };

export interface GbtModel {
  base: number;
  learningRate: number;
  impute: number[];
  trees: GbtNode[];
}

export function fitGbt(x: readonly (readonly number[])[], y: readonly number[], o: GbtOptions = GBT_DEFAULTS): GbtModel {
  const n = x.length;
  if (n === 0) throw new RangeError('fitGbt: no rows');
  const d = x[0]!.length;
  const impute = Array.from({ length: d }, (_, j) => {
    const known = x.map((r) => r[j]!).filter((v) => Number.isFinite(v));
    return known.length ? known.reduce((s, v) => s + v, 0) / known.length : 0;
  });
  const cols = Array.from({ length: d }, (_, j) => x.map((r) => (Number.isFinite(r[j]!) ? r[j]! : impute[j]!)));
  // Each feature's row order, sorted once: every split search scans it.
  const order = cols.map((c) => Array.from({ length: n }, (_, i) => i).sort((a, b) => c[a]! - c[b]!));
  const mean = y.reduce((s, v) => s + v, 0) / n;
  const base = logit(Math.min(1 - 1e-6, Math.max(1e-6, mean)));
  const f = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: GbtNode[] = [];
  for (let t = 0; t < o.trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(f[i]!);
      g[i] = p - y[i]!;
      h[i] = p * (1 - p);
    }
    const inNode = new Uint8Array(n).fill(1);
    const tree = grow(inNode, 0);
    trees.push(tree);
    for (let i = 0; i < n; i++) f[i]! += o.learningRate * leafOf(tree, (j) => cols[j]![i]!);
  }
  return { base, learningRate: o.learningRate, impute, trees };

  function grow(member: Uint8Array, level: number): GbtNode {
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) if (member[i]) (G += g[i]!), (H += h[i]!);
    const leaf = { leaf: -G / (H + o.lambda) };
    if (level >= o.depth) return leaf;
    const parent = (G * G) / (H + o.lambda);
    let best: { gain: number; feature: number; threshold: number } | undefined;
    for (let j = 0; j < d; j++) {
      const c = cols[j]!;
      let gl = 0;
      let hl = 0;
      let prev: number | undefined;
      for (const i of order[j]!) {
        if (!member[i]) continue;
        const v = c[i]!;
        // A split between two different values, with enough weight on both sides.
        if (prev !== undefined && v > prev && hl >= o.minChildWeight && H - hl >= o.minChildWeight) {
          const gain = (gl * gl) / (hl + o.lambda) + ((G - gl) * (G - gl)) / (H - hl + o.lambda) - parent;
          if (gain > 1e-12 && (!best || gain > best.gain)) best = { gain, feature: j, threshold: (prev + v) / 2 };
        }
        gl += g[i]!;
        hl += h[i]!;
        prev = v;
      }
    }
    if (!best) return leaf;
    const c = cols[best.feature]!;
    const left = new Uint8Array(n);
    const right = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (member[i]) (c[i]! < best.threshold ? left : right)[i] = 1;
    return { feature: best.feature, threshold: best.threshold, left: grow(left, level + 1), right: grow(right, level + 1) };
  }
}

function leafOf(node: GbtNode, value: (j: number) => number): number {
  let at = node;
  while (!('leaf' in at)) at = value(at.feature) < at.threshold ? at.left : at.right;
  return at.leaf;
}

/** Probability of reaching the target. */
export function predictGbt(m: GbtModel, x: readonly number[]): number {
  const value = (j: number) => (Number.isFinite(x[j]!) ? x[j]! : m.impute[j]!);
  let f = m.base;
  for (const t of m.trees) f += m.learningRate * leafOf(t, value);
  return sigmoid(f);
}
