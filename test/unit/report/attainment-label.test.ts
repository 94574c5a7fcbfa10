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

describe('a rate metric (方案定制率) reads the same in the progress line as in the rest of the card', () => {
  const rate = (actual: number, target: number | null): MetricProgress => ({
    key: 'proposal_rate', name: '方案定制率', unit: 'percent', target, actual, expected: target, attainment: target ? actual / target : null, paceRatio: target ? actual / target : null, status: target ? 'behind' : 'no-target',
  });
  it('shows the measured rate in whole percents (the card said 9.09% here and 你 9% below); a typed target keeps its decimals', () => {
    expect(progressLine(rate(909, null))).toBe('- 方案定制率：9%（未设目标）');
    expect(progressLine(rate(909, 1250))).toMatch(/^- 方案定制率：9% \/ 目标 12\.5%（73%），按进度应达 12\.5%/);
  });
});
