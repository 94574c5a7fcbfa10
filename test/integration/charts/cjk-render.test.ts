import { execFile } from 'node:child_process';
import { textCellSpec } from '../../helpers/text-cell-spec.js';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { TopLevelSpec } from 'vega-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import {
  assertCjkFontAvailable,
  clearRenderCache,
  measureTextWidth,
  renderPng,
  renderSvg,
} from '../../../src/adapters/charts/vega-renderer.js';
import { barChartSpec } from '../../../src/domain/charts/bar-chart.js';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const rendererUrl = pathToFileURL(join(repoRoot, 'src/adapters/charts/vega-renderer.ts')).href;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪';
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞'];
function repRows(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    label: i === 5 ? '欧阳娜娜' : SURNAMES[i % SURNAMES.length]! + GIVEN[(i * 7) % GIVEN.length]!,
    value: 120_000 + ((i * 7919) % 56) * 17_000,
  }));
}

function svgSize(svg: string): { width: number; height: number } {
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  if (!m) throw new Error('no svg size');
  return { width: Number(m[1]), height: Number(m[2]) };
}

// --- glyph probe -------------------------------------------------------------------------------------------

/** The probe characters: two different 汉字 and two code points no font has (private use → "tofu" boxes). */
const PROBE = ['销', '售', '\uE000', '\uE001'] as const;

interface Gray {
  data: Buffer;
  width: number;
  height: number;
}
async function toGray(png: Buffer): Promise<Gray> {
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Mean absolute pixel difference in [0, 1]. */
function diff(a: Gray, b: Gray): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i]! - b.data[i]!);
  return s / a.data.length / 255;
}

/**
 * How box-like the ink is: the smallest, over the 4 sides of the ink bounding box, of the inked fraction of
 * that side (best of the outer 2 pixel lines). A missing-glyph box (hex box or .notdef rectangle) scores ~1;
 * real 汉字 like 销/售 score < 0.2.
 */
function boxness(g: Gray): { ink: number; edge: number } {
  const ink = (x: number, y: number) => g.data[y * g.width + x]! < 128;
  let x0 = g.width, y0 = g.height, x1 = -1, y1 = -1, n = 0;
  for (let y = 0; y < g.height; y++)
    for (let x = 0; x < g.width; x++)
      if (ink(x, y)) {
        n++;
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
  if (n === 0) return { ink: 0, edge: 0 };
  const row = (y: number) => { let c = 0; for (let x = x0; x <= x1; x++) if (ink(x, y)) c++; return c / (x1 - x0 + 1); };
  const col = (x: number) => { let c = 0; for (let y = y0; y <= y1; y++) if (ink(x, y)) c++; return c / (y1 - y0 + 1); };
  const edge = Math.min(
    Math.max(row(y0), row(Math.min(y0 + 1, y1))),
    Math.max(row(y1), row(Math.max(y1 - 1, y0))),
    Math.max(col(x0), col(Math.min(x0 + 1, x1))),
    Math.max(col(x1), col(Math.max(x1 - 1, x0))),
  );
  return { ink: n / (g.width * g.height), edge };
}

/** Returns the list of reasons the 汉字 did NOT render as real glyphs (empty = they did). */
async function glyphProblems(pngs: Buffer[]): Promise<string[]> {
  const [xiao, shou, tofuA, tofuB] = await Promise.all(pngs.map(toGray)) as [Gray, Gray, Gray, Gray];
  const problems: string[] = [];
  for (const [name, g] of [['销', xiao], ['售', shou]] as const) {
    const b = boxness(g);
    if (b.ink < 0.05) problems.push(`${name} has no ink (${b.ink.toFixed(3)})`);
    if (b.edge > 0.5) problems.push(`${name} is drawn as a box (edge ${b.edge.toFixed(2)})`);
    const dTofu = diff(g, tofuA);
    const dTofus = diff(tofuA, tofuB);
    if (dTofu < 4 * dTofus) problems.push(`${name} looks like tofu (Δ ${dTofu.toFixed(3)} vs tofu↔tofu Δ ${dTofus.toFixed(3)})`);
  }
  const d = diff(xiao, shou);
  if (d < 0.1) problems.push(`销 and 售 are nearly identical (Δ ${d.toFixed(3)})`);
  return problems;
}

// --- tests -------------------------------------------------------------------------------------------------

describe('CJK chart rendering', () => {
  afterAll(() => clearRenderCache());

  it('finds a CJK font through fontconfig', async () => {
    const families = await assertCjkFontAvailable();
    expect(families.some((f) => /Noto Sans CJK|Noto Sans SC|WenQuanYi|Source Han Sans/.test(f))).toBe(true);
  });

  it('renders a 56-bar chart with Chinese names to a 2× PNG', async () => {
    const spec = barChartSpec({ title: '本季度签约额（目标 ¥800,000）', rows: repRows(56), valueTitle: '签约额', valueFormat: 'cny' });
    const svg = await renderSvg(spec);
    const { width, height } = svgSize(svg);
    expect(svg).toContain('Noto Sans CJK SC');
    expect(svg).toContain('欧阳娜娜');
    expect(svg).not.toContain('…'); // no label was truncated

    const png = await renderPng(spec);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(Math.round(width * 2));
    expect(meta.height).toBe(Math.round(height * 2));
    // the 2× image is rasterized at 144 DPI, not upscaled: scale 1 gives exactly half
    const one = await sharp(await renderPng(spec, { scale: 1 })).metadata();
    expect([one.width, one.height]).toEqual([Math.round(width), Math.round(height)]);
  });

  it('draws 汉字 as real, distinct glyphs — not as boxes (tofu)', async () => {
    const pngs = await Promise.all(PROBE.map((c) => renderPng(textCellSpec(c, 48))));
    // the tofu reference really is box-shaped here, so the detector is meaningful in this environment
    expect(boxness(await toGray(pngs[2]!)).edge).toBeGreaterThan(0.9);
    expect(await glyphProblems(pngs)).toEqual([]);
  });

  it('the glyph check fails when no CJK font is available (child process with a DejaVu-only fontconfig)', async () => {
    const dejavu = ['/usr/share/fonts/truetype/dejavu', '/usr/share/fonts/dejavu'].find((d) => existsSync(d));
    if (!dejavu) return expect.soft(dejavu, 'DejaVu fonts not found; negative check skipped').toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'trichain-nocjk-'));
    try {
      const conf = join(dir, 'fonts.conf');
      writeFileSync(
        conf,
        `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${dejavu}</dir>\n  <cachedir>${join(dir, 'cache')}</cachedir>\n</fontconfig>\n`,
      );
      const code = `
        const r = await import(${JSON.stringify(rendererUrl)});
        const specs = ${JSON.stringify(PROBE.map((c) => textCellSpec(c, 48, 'NoSuchFontFamily')))};
        const pngs = [];
        for (const spec of specs) pngs.push((await r.renderPng(spec, { rasterizer: 'librsvg' })).toString('base64'));
        let fontCheck = 'passed';
        try { await r.assertCjkFontAvailable(); } catch (e) { fontCheck = e.message; }
        process.stdout.write(JSON.stringify({ pngs, fontCheck }));
      `;
      const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        cwd: repoRoot,
        env: { ...process.env, FONTCONFIG_FILE: conf },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      const out = JSON.parse(stdout) as { pngs: string[]; fontCheck: string };
      const problems = await glyphProblems(out.pngs.map((b) => Buffer.from(b, 'base64')));
      expect(problems.join('; ')).toMatch(/drawn as a box/);
      expect(out.fontCheck).toMatch(/fonts-noto-cjk/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('measures CJK text as 1em per character, so labels are not clipped', () => {
    expect(measureTextWidth('销售代表', 11)).toBe(44);
    expect(measureTextWidth('abc', 10)).toBeCloseTo(16.9, 1); // Noto Sans CJK's proportional Latin
    expect(measureTextWidth('王伟\u200b', 10)).toBe(20);
    expect(measureTextWidth('签约额', 10, 'bold')).toBe(30);
  });

  it('reuses the compiled spec across data without changing the output', async () => {
    const a = barChartSpec({ title: '甲', rows: repRows(5), valueTitle: 'v', orientation: 'horizontal' });
    const b = barChartSpec({ title: '甲', rows: repRows(9).slice(4), valueTitle: 'v', orientation: 'horizontal' });
    clearRenderCache();
    const coldB = await renderSvg(b);
    clearRenderCache();
    await renderSvg(a); // warms the cache with a's shape
    const warmB = await renderSvg(b); // same shape, other data
    const normalize = (svg: string) => svg.replace(/clip\d+/g, 'clip'); // vega's global clip-path id counter
    expect(normalize(warmB) === normalize(coldB)).toBe(true);
  });

  it('turns bad specs into AppError("render")', async () => {
    const err = await renderPng({ mark: 'no-such-mark' } as unknown as TopLevelSpec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('render');
    const urlData = await renderPng({ data: { url: 'http://169.254.169.254/x.json' }, mark: 'point' } as TopLevelSpec).catch((e: unknown) => e);
    // external loads are blocked: vega logs the failed load and renders an empty chart, never fetches
    expect(Buffer.isBuffer(urlData) || (urlData as AppError).code === 'render').toBe(true);
  });
});
