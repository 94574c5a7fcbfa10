import { describe, expect, it } from 'vitest';
import { fitGbt, predictGbt } from '../../../src/domain/prediction/gbt.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const stump = { trees: 1, depth: 1, learningRate: 1, minChildWeight: 0, lambda: 0 };

describe('gradient-boosted trees (log loss, Newton leaves)', () => {
  const x = [[0], [1], [2], [3]];
  const y = [0, 0, 1, 1];

  it('one stump: splits where the gain is largest, leaves −Σg/Σh (worked by hand)', () => {
    // Start at logit(0.5) = 0: g = p − y = ±0.5, h = 0.25. Split at 1.5: G = ±1, H = 0.5 → leaves ∓2.
    const m = fitGbt(x, y, stump);
    expect(m.base).toBeCloseTo(0, 12);
    expect(m.trees[0]).toEqual({ feature: 0, threshold: 1.5, left: { leaf: -2 }, right: { leaf: 2 } });
    expect(predictGbt(m, [0.5])).toBeCloseTo(sigmoid(-2), 12);
    expect(predictGbt(m, [2.5])).toBeCloseTo(sigmoid(2), 12);
  });

  it('a second tree fits the gradients left by the first', () => {
    const m = fitGbt(x, y, { ...stump, trees: 2 });
    const p = sigmoid(-2); // after tree 1 on the left side: g = p, h = p(1 − p) for both rows
    const leaf2 = -(2 * p) / (2 * p * (1 - p));
    expect(m.trees[1]).toMatchObject({ threshold: 1.5 });
    expect(predictGbt(m, [0])).toBeCloseTo(sigmoid(-2 + leaf2), 12);
    expect(predictGbt(m, [3])).toBeCloseTo(sigmoid(2 - leaf2), 12);
  });

  it('imputes a missing feature with the training mean, and orders a clear signal', () => {
    const rows = Array.from({ length: 60 }, (_, i) => [i, i % 7]);
    const labels = rows.map(([a]) => (a! >= 30 ? 1 : 0));
    const m = fitGbt(rows, labels);
    expect(m.impute).toEqual([29.5, rows.reduce((s, r) => s + r[1]!, 0) / 60]);
    expect(predictGbt(m, [5, 3])).toBeLessThan(0.2);
    expect(predictGbt(m, [50, 3])).toBeGreaterThan(0.8);
    expect(predictGbt(m, [Number.NaN, 3])).toBeCloseTo(predictGbt(m, [29.5, 3]), 12);
  });
});
