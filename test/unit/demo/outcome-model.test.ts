import { describe, expect, it } from 'vitest';
import { dealAmountCny, winLogit, winProbability } from '../../../src/demo/outcome-model.js';
import { sigmoid, Rng } from '../../../src/demo/prng.js';
import { STYLES } from '../../../src/demo/styles.js';

describe('outcome model', () => {
  const features = (k: 'A' | 'B') => ({ meanVisitMin: STYLES[k].visitMin.mean, tailored: STYLES[k].tailoredShare, visitsPerDay: STYLES[k].visitsPerDay });

  it('is calibrated to the source case: A ≈ 21%, B ≈ 39% before noise', () => {
    expect(sigmoid(winLogit(features('A')))).toBeCloseTo(0.21, 2);
    expect(sigmoid(winLogit(features('B')))).toBeCloseTo(0.39, 1);
  });

  it('rises with depth and tailoring, falls with visit frequency', () => {
    const base = { meanVisitMin: 45, tailored: 0.5, visitsPerDay: 2 };
    expect(winLogit({ ...base, meanVisitMin: 75 })).toBeGreaterThan(winLogit(base));
    expect(winLogit({ ...base, tailored: 1 })).toBeGreaterThan(winLogit(base));
    expect(winLogit({ ...base, visitsPerDay: 3 })).toBeLessThan(winLogit(base));
    // Depth stops paying after two hours.
    expect(winLogit({ ...base, meanVisitMin: 300 })).toBe(winLogit({ ...base, meanVisitMin: 120 }));
    expect(winProbability(base, 0.5, 0)).toBeGreaterThan(winProbability(base, 0, 0));
  });

  it('makes tailored, deep deals bigger, in whole CNY rounded to 100', () => {
    const shallow = dealAmountCny(features('A'), 1, 0);
    const deep = dealAmountCny(features('B'), 1, 0);
    expect(deep / shallow).toBeGreaterThan(1.5);
    expect(deep % 100).toBe(0);
    expect(dealAmountCny(features('A'), 1, -10)).toBe(3000);
  });
});

describe('Rng', () => {
  it('repeats for a seed and differs between labels', () => {
    const a = Rng.derive(1, 'x');
    const b = Rng.derive(1, 'x');
    const c = Rng.derive(1, 'y');
    const seq = (r: Rng) => Array.from({ length: 5 }, () => r.next());
    const sa = seq(a);
    expect(seq(b)).toEqual(sa);
    expect(seq(c)).not.toEqual(sa);
    expect(sa.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('draws with the right means', () => {
    const r = new Rng(42);
    const n = 20_000;
    let p = 0;
    let g = 0;
    for (let i = 0; i < n; i++) {
      p += r.poisson(3);
      g += r.normal(10, 2);
    }
    expect(p / n).toBeCloseTo(3, 1);
    expect(g / n).toBeCloseTo(10, 1);
    expect(new Set(r.sample([1, 2, 3, 4, 5], 5))).toEqual(new Set([1, 2, 3, 4, 5]));
  });
});
