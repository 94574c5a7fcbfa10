/**
 * Pixel difference of two images (PNG bytes), for comparing rasterizers on the same chart (bench/charts.ts,
 * test/integration/charts/rasterizer-parity.test.ts). Both are flattened onto white and compared as 8-bit
 * greyscale, so alpha handling and colour rounding differences do not count twice.
 */
import sharp from 'sharp';

export interface PixelDiff {
  /** Mean absolute difference per pixel, 0 (identical) … 1 (black vs white everywhere). */
  mean: number;
  /** Share of pixels that differ by more than 25% of the range (edges moved, glyphs changed, marks missing). */
  changed: number;
}

async function grey(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).flatten({ background: '#ffffff' }).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Throws when the sizes differ: a size change is a layout difference, not a pixel one. */
export async function pixelDiff(a: Buffer, b: Buffer): Promise<PixelDiff> {
  const [ga, gb] = await Promise.all([grey(a), grey(b)]);
  if (ga.width !== gb.width || ga.height !== gb.height) {
    throw new Error(`images differ in size: ${ga.width}×${ga.height} vs ${gb.width}×${gb.height}`);
  }
  let sum = 0;
  let changed = 0;
  for (let i = 0; i < ga.data.length; i++) {
    const d = Math.abs(ga.data[i]! - gb.data[i]!);
    sum += d;
    if (d > 64) changed++;
  }
  return { mean: sum / ga.data.length / 255, changed: changed / ga.data.length };
}
