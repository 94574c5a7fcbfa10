/**
 * The canvas rasterizer (vega canvas on @napi-rs/canvas, the default) against the earlier librsvg one:
 * Chinese text in Simplified-Chinese forms (not the Japanese face of the Noto CJK collection, not tofu), and
 * a fixed 56-bar chart that matches the librsvg reference pixel for pixel up to antialiasing.
 */
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { pixelDiff } from '../../../src/adapters/charts/png-diff.js';
import { clearRenderCache, renderPng } from '../../../src/adapters/charts/vega-renderer.js';
import { extractCollectionFace } from '../../../src/adapters/charts/canvas-raster.js';
import { textCellSpec } from '../../helpers/text-cell-spec.js';
import { barChartSpec } from '../../../src/domain/charts/bar-chart.js';

const amount = (i: number) => 120_000 + ((i * 7919) % 56) * 17_000;

function fixedChart(value = amount): TopLevelSpec {
  const surnames = '王李张刘陈杨黄赵吴周徐孙马朱';
  const given = '伟芳娜敏静丽强磊军';
  return barChartSpec({
    title: '本季度签约额（目标 ¥800,000）',
    rows: Array.from({ length: 56 }, (_, i) => ({
      label: (i === 5 ? '欧阳' : surnames[i % surnames.length]!) + given[(i * 7) % given.length]!,
      value: value(i),
    })),
    valueTitle: '签约额',
    valueFormat: 'cny',
  });
}

describe('canvas rasterizer vs librsvg', () => {
  it('draws 汉字 in their Simplified-Chinese forms (骨 直 角 differ in the Japanese face), not as boxes', async () => {
    const text = '骨直角';
    const [canvas, sc, jp, tofu] = await Promise.all([
      renderPng(textCellSpec(text, 200)),
      renderPng(textCellSpec(text, 200), { rasterizer: 'librsvg' }), // fontconfig picks the SC face of the collection
      renderPng(textCellSpec(text, 200, 'Noto Sans CJK JP'), { rasterizer: 'librsvg' }),
      renderPng(textCellSpec('\uE000\uE001\uE002', 200)), // private-use code points: no font has them → boxes
    ]);
    const toSc = await pixelDiff(canvas, sc);
    const toJp = await pixelDiff(canvas, jp);
    const toTofu = await pixelDiff(canvas, tofu);
    // measured: ≈0.02 to SC, ≈0.075 to JP; tofu is far from both
    expect(toSc.mean).toBeLessThan(0.035);
    expect(toJp.mean).toBeGreaterThan(2 * toSc.mean);
    expect(toTofu.mean).toBeGreaterThan(3 * toSc.mean);
  });

  it('renders the fixed 56-bar chart like librsvg: same size, differences only in antialiasing', async () => {
    const spec = fixedChart();
    const [canvas, reference] = await Promise.all([renderPng(spec), renderPng(spec, { rasterizer: 'librsvg' })]);
    const d = await pixelDiff(canvas, reference); // throws on a size difference
    // measured: mean 0.004, 0.4% of pixels changed by > 25% (glyph edges). A missing bar, shifted axis or
    // boxed label is an order of magnitude more.
    expect(d.mean).toBeLessThan(0.01);
    expect(d.changed).toBeLessThan(0.01);
    // and the check can fail: the same chart with the amounts in reverse order (same size) is far off
    const other = await renderPng(fixedChart((i) => amount(55 - i)));
    expect((await pixelDiff(other, reference)).changed).toBeGreaterThan(0.02);
  });

  it('renders the same PNG on a reused View (other data before) as on a fresh one', async () => {
    const a = fixedChart((i) => amount(55 - i));
    const b = fixedChart();
    clearRenderCache();
    const fresh = await renderPng(b);
    clearRenderCache();
    await renderPng(a); // leaves an idle View of this shape holding a's rows
    const reused = await renderPng(b);
    expect(reused.equals(fresh)).toBe(true);
    // overlapping renders of one shape each get their own View
    const [x, y] = await Promise.all([renderPng(a), renderPng(b)]);
    expect(y.equals(fresh)).toBe(true);
    expect(x.equals(fresh)).toBe(false);
  });

  it('keeps translucency on a transparent background (un-premultiplied like librsvg), and opaque colours exact', async () => {
    const spec = {
      width: 40,
      height: 40,
      padding: 0,
      autosize: 'none',
      data: { values: [{}] },
      mark: { type: 'rect', color: '#ff0000', opacity: 0.5 },
      config: { view: { stroke: null } },
    } as TopLevelSpec;
    const centre = async (png: Buffer) => [...(await sharp(png).ensureAlpha().raw().toBuffer()).subarray((20 * 40 + 20) * 4, (20 * 40 + 21) * 4)];
    for (const background of ['transparent', 'white', 'rgba(0,0,0,0.5)', '#abc']) {
      const [canvas, reference] = await Promise.all([renderPng(spec, { background }), renderPng(spec, { background, rasterizer: 'librsvg' })]);
      expect(await centre(canvas), background).toEqual(await centre(reference));
    }
    expect(await centre(await renderPng(spec, { background: 'transparent' }))).toEqual([255, 0, 0, 128]);
  });

  it('copies one face out of a font collection, tables intact', () => {
    // a 2-face collection with one 4-byte table each, in separate places
    const ttc = Buffer.alloc(96);
    ttc.write('ttcf', 0, 'latin1');
    ttc.writeUInt32BE(0x00010000, 4);
    ttc.writeUInt32BE(2, 8);
    ttc.writeUInt32BE(20, 12);
    ttc.writeUInt32BE(48, 16);
    for (const [dir, data] of [[20, 80], [48, 88]] as const) {
      ttc.write('OTTO', dir, 'latin1');
      ttc.writeUInt16BE(1, dir + 4);
      ttc.write('name', dir + 12, 'latin1');
      ttc.writeUInt32BE(0xabcd, dir + 16);
      ttc.writeUInt32BE(data, dir + 20);
      ttc.writeUInt32BE(4, dir + 24);
      ttc.writeUInt32BE(data === 80 ? 0x11111111 : 0x22222222, data);
    }
    const face = extractCollectionFace(ttc, 1);
    expect(face.toString('latin1', 0, 4)).toBe('OTTO');
    expect(face.readUInt16BE(4)).toBe(1);
    expect(face.toString('latin1', 12, 16)).toBe('name');
    const at = face.readUInt32BE(20);
    expect(at).toBe(28);
    expect(face.readUInt32BE(at)).toBe(0x22222222);
    expect(() => extractCollectionFace(ttc, 2)).toThrow(/2 faces/);
  });
});
