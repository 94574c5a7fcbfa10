import { describe, expect, it } from 'vitest';
import { attainmentLabel } from '../../../src/domain/charts/goal-actual-chart.js';
import { progressLine } from '../../../src/domain/report/card-values.js';
import type { MetricProgress } from '../../../src/domain/report/progress.js';

/**
 * One attainment, one label. In the simulator the pre-review pack said 吕轩天「达成 53%」while 我的目标 and the
 * Friday card said 43.1万 / 80万「（54%）」: the pack rounded down, the report rounded. Both now round, and
 * never show 100% for a target not reached.
 */
const line = (actual: number, target: number): MetricProgress => ({
  key: 'signed_amount', name: '签约额', unit: 'cny', target, actual, expected: target / 2, attainment: actual / target, paceRatio: (2 * actual) / target, status: 'ahead',
});

describe('attainment label: the same in the pack and in 我的目标 / the Friday card', () => {
  it.each([
    [431_000, 800_000, '54%'],
    [449_600, 900_000, '50%'],
    [420_000, 800_000, '53%'],
    [796_800, 800_000, '99%'],
    [800_000, 800_000, '100%'],
    [960_000, 800_000, '120%'],
  ])('%i of %i reads %s everywhere', (actual, target, label) => {
    expect(attainmentLabel(actual / target)).toBe(label);
    expect(progressLine(line(actual, target))).toContain(`（${label}）`);
  });
});
