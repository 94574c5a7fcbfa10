import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/demo/prng.js';
import type { TrainingRow } from '../../src/domain/prediction/model.js';
import { trainWeekModels } from '../../src/services/prediction/training-threads.js';
import { packRows, unpackRows } from '../../src/services/prediction/training-worker.js';

/** Rows whose outcome follows the first feature plus noise; a few unknown values (NaN) to impute. */
function rows(seed: number, quarters = 3, perQuarter = 60, d = 5): TrainingRow[] {
  const r = new Rng(seed);
  const out: TrainingRow[] = [];
  for (let q = 0; q < quarters; q++) {
    for (let i = 0; i < perQuarter; i++) {
      const x = Array.from({ length: d }, () => r.normal(0, 1));
      if (i % 17 === 0) x[d - 1] = Number.NaN;
      out.push({ quarterId: `2026Q${q + 1}`, x, y: r.chance(1 / (1 + Math.exp(-2 * x[0]!))) ? 1 : 0 });
    }
  }
  return out;
}

describe('training the week models on worker threads', () => {
  it('packs rows flat and back without changing them (NaN included)', () => {
    const rs = rows(3, 2, 5);
    const back = unpackRows({ ...packRows(rs), featureKeys: [] });
    expect(back).toEqual(rs);
  });

  it('gives exactly the models the main thread gives, in task order', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const tasks = [4, 5, 6].map((week) => ({ rows: rows(week), week, featureKeys: keys }));
    const inline = await trainWeekModels(tasks, 1);
    const threaded = await trainWeekModels(tasks, 2);
    expect(threaded.map((m) => m.week)).toEqual([4, 5, 6]);
    expect(threaded).toEqual(inline);
  }, 60_000);
});
