import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitLogistic, fitLogisticFlat, predictLogistic } from '../../../src/domain/prediction/logistic.js';
import { auc, calibrationDeciles, scorePredictions } from '../../../src/domain/prediction/metrics.js';

// Known answers computed independently with scikit-learn (test/fixtures/prediction/logistic-sklearn.py).
const known = JSON.parse(readFileSync(new URL('../../fixtures/prediction/logistic-sklearn.json', import.meta.url), 'utf8')) as {
  x: number[][];
  y: number[];
  weights: number[];
  fits: Array<{ l2: number; weighted: boolean; intercept: number; coef: number[] }>;
};

describe('L2 logistic regression (Newton)', () => {
  it.each(known.fits.map((f) => [f.l2, f.weighted, f] as const))('matches scikit-learn with l2 = %s, weighted = %s', (_l2, weighted, f) => {
    const fit = fitLogistic(known.x, known.y, { l2: f.l2, ...(weighted ? { weights: known.weights } : {}) });
    expect(fit.converged).toBe(true);
    expect(fit.intercept).toBeCloseTo(f.intercept, 6);
    fit.coef.forEach((c, j) => expect(c, `coef ${j}`).toBeCloseTo(f.coef[j]!, 6));
  });

  it('reaches the same known answers from a warm start that carries another penalty\'s curvature, and with plain Newton', () => {
    const n = known.x.length;
    const d = known.x[0]!.length;
    const rows = { X: Float64Array.from(known.x.flat()), n, d, y: Float64Array.from(known.y) };
    const plain = known.fits.filter((f) => !f.weighted).sort((a, b) => b.l2 - a.l2);
    expect(plain.length).toBeGreaterThan(1);
    let prev: ReturnType<typeof fitLogisticFlat> | undefined;
    for (const f of plain) {
      const warm = fitLogisticFlat(rows, { l2: f.l2, ...(prev ? { start: { beta: prev.beta, curvature: prev.curvature } } : {}) });
      const newton = fitLogisticFlat(rows, { l2: f.l2, everyStep: true });
      for (const fit of [warm, newton]) {
        expect(fit.converged).toBe(true);
        expect(fit.beta[0]!).toBeCloseTo(f.intercept, 6);
        f.coef.forEach((c, j) => expect(fit.beta[j + 1]!, `coef ${j}`).toBeCloseTo(c, 6));
      }
      if (prev) expect(warm.curvaturePasses).toBeLessThan(newton.curvaturePasses);
      prev = warm;
    }
  });

  it('shrinks coefficients as the penalty grows and stays finite on separable data', () => {
    const x = [[-2], [-1], [1], [2]];
    const y = [0, 0, 1, 1];
    const light = fitLogistic(x, y, { l2: 0.01 });
    const heavy = fitLogistic(x, y, { l2: 10 });
    expect(Math.abs(heavy.coef[0]!)).toBeLessThan(Math.abs(light.coef[0]!));
    expect(Number.isFinite(light.coef[0]!)).toBe(true);
    expect(predictLogistic(light, [3])).toBeGreaterThan(0.9);
  });

  it('rejects empty or mismatched input', () => {
    expect(() => fitLogistic([], [], { l2: 1 })).toThrow(RangeError);
    expect(() => fitLogistic([[1]], [1, 0], { l2: 1 })).toThrow(RangeError);
  });
});

describe('prediction scores', () => {
  it('computes AUC as the rank statistic, ties counting half', () => {
    expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(auc([0.5, 0.5], [0, 1])).toBe(0.5);
    expect(auc([0.2, 0.3], [1, 1])).toBeNull();
  });

  it('computes accuracy, Brier, log loss and calibration bins', () => {
    const s = scorePredictions([0.9, 0.2, 0.6, 0.4], [1, 0, 0, 1]);
    expect(s.accuracy).toBe(0.5);
    expect(s.baseRate).toBe(0.5);
    expect(s.brier).toBeCloseTo((0.01 + 0.04 + 0.36 + 0.36) / 4, 12);
    expect(s.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.4)) / 4, 12);
    expect(calibrationDeciles([0.05, 0.07, 0.95], [0, 1, 1])).toEqual([
      { lo: 0, hi: 0.1, n: 2, meanPredicted: expect.closeTo(0.06, 12), observedRate: 0.5 },
      { lo: 0.9, hi: 1, n: 1, meanPredicted: 0.95, observedRate: 1 },
    ]);
  });
});
