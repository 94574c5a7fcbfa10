import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { createRenderPool, type StartedRenderPool } from '../../../src/adapters/charts/render-pool.js';
import { barChartSpec } from '../../../src/domain/charts/bar-chart.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function spec(i: number): TopLevelSpec {
  return barChartSpec({
    title: `第 ${i} 组签约额`,
    rows: Array.from({ length: 12 }, (_, k) => ({ label: `销售${k + 1}`, value: (k + 1) * 10_000 * (i + 1) })),
    valueTitle: '签约额',
    valueFormat: 'cny-wan',
  });
}

describe('render pool (worker_threads)', () => {
  let pool: StartedRenderPool;
  beforeAll(() => {
    pool = createRenderPool({ size: 2, maxQueue: 50 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('ready() resolves once both workers have booted and rendered their warm-up chart', async () => {
    await pool.ready();
    expect(pool.stats()).toMatchObject({ workers: 2, busy: 0, restarts: 0 });
    const other = createRenderPool({ size: 1 });
    await other.close();
    await other.ready(); // a closed pool has nothing to wait for
  }, 120_000);

  it('renders 10 charts concurrently through 2 workers', async () => {
    const pngs = await Promise.all(Array.from({ length: 10 }, (_, i) => pool.render(spec(i))));
    expect(pngs).toHaveLength(10);
    for (const png of pngs) {
      expect(Buffer.isBuffer(png)).toBe(true);
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      const meta = await sharp(png).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(400);
    }
    // different data → different images
    expect(new Set(pngs.map((p) => p.toString('base64'))).size).toBe(10);
    expect(pool.stats()).toMatchObject({ workers: 2, busy: 0, queued: 0 });
  }, 120_000);

  it('rejects a bad spec with a render error and keeps working', async () => {
    const err = await pool.render({ mark: 'no-such-mark' } as unknown as TopLevelSpec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('render');
    const png = await pool.render(spec(1));
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pool.stats().restarts).toBe(0);
  }, 60_000);

  it('rejects work beyond the queue bound', async () => {
    const small = createRenderPool({ size: 1, maxQueue: 2 });
    try {
      const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => small.render(spec(i))));
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      // 1 running + 2 queued are accepted, the rest are refused at once
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      expect(rejected).toHaveLength(3);
      for (const r of rejected) expect((r.reason as AppError).code).toBe('render');
    } finally {
      await small.close();
    }
  }, 60_000);

  it('replaces a worker whose task times out (e.g. stuck) and serves later renders', async () => {
    const restartsBefore = pool.stats().restarts;
    const err = await pool.render(spec(2), { timeoutMs: 1 }).catch((e: unknown) => e);
    expect((err as AppError).code).toBe('render');
    expect((err as AppError).message).toMatch(/timed out/);
    expect(pool.stats().restarts).toBe(restartsBefore + 1);
    const pngs = await Promise.all([pool.render(spec(3)), pool.render(spec(4)), pool.render(spec(5))]);
    for (const png of pngs) expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pool.stats().workers).toBe(2);
  }, 60_000);

  it('rejects after close', async () => {
    const p = createRenderPool({ size: 1 });
    await p.close();
    await expect(p.render(spec(0))).rejects.toMatchObject({ code: 'render' });
  });
});
