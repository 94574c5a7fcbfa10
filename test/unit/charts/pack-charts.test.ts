import { describe, expect, it } from 'vitest';
import { attainmentLabel, bandOf, goalActualChartSpec, sortByAttainment } from '../../../src/domain/charts/goal-actual-chart.js';
import { inputConversionChartSpec, inputConversionLayout, quadrantOf } from '../../../src/domain/charts/input-conversion-chart.js';
import { boxesOverlap } from '../../../src/domain/charts/label-placement.js';
import { rankingHeatmapSpec, rankingTable } from '../../../src/domain/charts/ranking-heatmap.js';
import { Rng } from '../../../src/demo/prng.js';

const json = (x: unknown) => JSON.stringify(x);

describe('goal vs actual chart', () => {
  it('sorts by attainment with no-target reps last, bands by attainment, and never shows 100% short of the target', () => {
    const rows = [
      { name: '甲', actualCny: 50, targetCny: 100, attainment: 0.5 },
      { name: '乙', actualCny: 80, targetCny: null, attainment: null },
      { name: '丙', actualCny: 120, targetCny: 100, attainment: 1.2 },
      { name: '丁', actualCny: 99.6, targetCny: 100, attainment: 0.996 },
    ];
    expect(sortByAttainment(rows).map((r) => r.name)).toEqual(['丙', '丁', '甲', '乙']);
    expect([1.2, 0.996, 0.5, null].map(bandOf)).toEqual(['reached', 'close', 'far', 'none']);
    expect(attainmentLabel(0.996)).toBe('99%');
    const spec = json(goalActualChartSpec({ title: 't', rows }));
    expect(spec).toContain('未设目标');
    expect(spec).toContain('"label":"120%"');
    expect(spec).toContain('"type":"tick"');
  });
});

describe('input vs conversion scatter', () => {
  it('names the four quadrants by the medians', () => {
    expect(quadrantOf(10, 0.4, 8, 0.3)).toBe('highHigh');
    expect(quadrantOf(5, 0.4, 8, 0.3)).toBe('lowHigh');
    expect(quadrantOf(10, 0.1, 8, 0.3)).toBe('highLow');
    expect(quadrantOf(5, 0.1, 8, 0.3)).toBe('lowLow');
    const spec = json(inputConversionChartSpec({ title: 't', rows: [{ name: 'A', visitsPerWeek: 15, winRate: 0.21, signedCny: 1 }], medianVisitsPerWeek: 8, medianWinRate: 0.3 }));
    for (const q of ['高投入高转化', '高投入低转化', '低投入高转化', '低投入低转化']) expect(spec).toContain(q);
  });

  it('places 56 name labels without any two overlapping, inside the plot, clear of the quadrant names', () => {
    const rng = new Rng(11);
    const rows = Array.from({ length: 56 }, (_, i) => ({ name: `销售${'甲乙丙丁戊己庚辛'[i % 8]}${i}`, visitsPerWeek: 4 + rng.next() * 8, winRate: 0.15 + rng.next() * 0.3, signedCny: rng.next() * 1e6 }));
    const l = inputConversionLayout({ title: 't', rows, medianVisitsPerWeek: 8, medianWinRate: 0.3 });
    expect(l.labels).toHaveLength(56);
    for (let i = 0; i < l.labels.length; i++) {
      const a = l.labels[i]!.box;
      expect(a.x).toBeGreaterThanOrEqual(0);
      expect(a.y).toBeGreaterThanOrEqual(0);
      for (let j = i + 1; j < l.labels.length; j++) expect(boxesOverlap(a, l.labels[j]!.box), `${l.labels[i]!.name} / ${l.labels[j]!.name}`).toBe(false);
      for (const q of l.quadrantBoxes) expect(boxesOverlap(a, q)).toBe(false);
    }
  });
});

describe('ranking heatmap', () => {
  it('ranks within the team (ties share), normalises 0..1, leaves missing values unranked, and orders by mean rank', () => {
    const t = rankingTable(
      [{ key: 'a', name: 'A' }, { key: 'b', name: 'B', higherIsBetter: false }],
      [
        { name: 'x', values: { a: 10, b: 5 } },
        { name: 'y', values: { a: 30, b: 1 } },
        { name: 'z', values: { a: 10, b: null } },
      ],
    );
    const cell = (rep: number, m: string) => t.cells.find((c) => c.rep === rep && c.metric === m)!;
    expect([cell(0, 'a').rank, cell(1, 'a').rank, cell(2, 'a').rank]).toEqual([2, 1, 2]);
    expect([cell(0, 'a').norm, cell(1, 'a').norm]).toEqual([0, 1]);
    expect([cell(0, 'b').rank, cell(1, 'b').rank, cell(2, 'b').rank]).toEqual([2, 1, null]);
    expect(t.order).toEqual([1, 0, 2]); // x and z tie on mean rank 2: by name
    expect(json(rankingHeatmapSpec({ title: 't', metrics: [{ key: 'a', name: 'A' }], reps: [{ name: 'x', values: { a: 1 } }] }))).toContain('"text":"1"');
  });
});
