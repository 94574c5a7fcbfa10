/**
 * Headless chart rendering: vega-lite spec → vega spec → vega View → PNG. The default rasterizer draws the
 * View with vega's canvas renderer on @napi-rs/canvas (Skia), which also encodes the PNG (canvas-raster.ts);
 * `rasterizer: 'librsvg'` keeps the earlier path, SVG (view.toSVG) → sharp/librsvg, which the bench
 * (bench/charts.ts) measures as the baseline.
 *
 * Text: every text defaults to a CJK-capable font stack (CJK_FONT_FAMILY). Without node-canvas vega can only
 * *estimate* text widths (0.8em per character), which is too narrow for 汉字 (1em each) and too wide for
 * Latin, so labels get clipped or truncated wrongly. We replace vega's global width estimator with one that
 * uses the real advance widths of Noto Sans CJK SC (the font the Docker image / `fonts-noto-cjk` provides).
 *
 * Both rasterizers draw with these widths (layout is vega's, identical for both); glyphs come from the
 * fonts themselves.
 *
 * Speed: the vega-lite compile + vega parse of a spec is cached (LRU) keyed by the spec without its inline
 * `data.values`, with up to two idle Views per cached shape; a repeated chart shape with new data only pays
 * for the dataflow re-run and rasterizing (bench/charts.ts, docs/performance.md).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { AppError } from '../../errors.js';
import { silentLogger, type Logger } from '../../logger.js';
import { prepareForRaster } from './svg-raster-prep.js';
import { viewToPng } from './canvas-raster.js';

/** Font stack for all chart text: Noto CJK (Debian `fonts-noto-cjk`) first, then other common CJK fonts. */
export const CJK_FONT_FAMILY =
  '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif';

/** 'canvas': vega canvas renderer on Skia (default, ~2× faster); 'librsvg': vega SVG rasterized by sharp. */
export type Rasterizer = 'canvas' | 'librsvg';

export interface RenderOptions {
  /** Default 'canvas'. */
  rasterizer?: Rasterizer;
  /** Pixel density multiplier; the SVG is rasterized at 72*scale DPI (not upscaled). Default 2. */
  scale?: number;
  /** Overrides the spec's background colour (default white; 'transparent' allowed). */
  background?: string;
  /** PNG zlib level 0–9, no row filter. Default 2: for the 56-bar chart ~2× cheaper than 6, ~30 % larger (253 vs 193 KiB). */
  compressionLevel?: number;
  /** Receives vega / vega-lite messages (errors at warn, warnings at debug). Default: silent. */
  logger?: Logger;
}

// ---------------------------------------------------------------------------------------------------------
// Text measuring

/** Advance widths (per 1000 em) of ASCII 0x20–0x7E in Noto Sans CJK SC Regular / Bold (read from the font). */
const ASCII_REGULAR = [
  224, 323, 474, 555, 555, 921, 680, 278, 338, 338, 467, 555, 278, 347, 278, 392, 555, 555, 555, 555, 555, 555, 555, 555,
  555, 555, 278, 278, 555, 555, 555, 474, 946, 608, 657, 638, 688, 589, 552, 689, 728, 293, 535, 646, 543, 812, 723, 742,
  633, 742, 635, 596, 599, 721, 575, 878, 573, 531, 603, 338, 392, 338, 555, 559, 606, 563, 618, 510, 620, 554, 325, 564,
  607, 275, 275, 552, 284, 926, 610, 606, 620, 620, 388, 468, 377, 607, 521, 802, 498, 521, 475, 338, 270, 338, 555,
];
const ASCII_BOLD = [
  227, 370, 574, 590, 590, 963, 740, 325, 378, 378, 507, 590, 325, 370, 325, 387, 590, 590, 590, 590, 590, 590, 590, 590,
  590, 590, 325, 325, 590, 590, 590, 514, 1007, 641, 681, 656, 714, 615, 585, 717, 757, 330, 568, 686, 578, 853, 749, 770,
  667, 770, 682, 624, 625, 748, 619, 915, 627, 580, 613, 378, 387, 378, 590, 567, 626, 591, 644, 527, 644, 581, 372, 597,
  640, 304, 306, 604, 315, 964, 641, 626, 644, 644, 436, 495, 421, 637, 576, 863, 562, 574, 511, 378, 296, 378, 590,
];

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) || // Hangul Jamo
    (cp >= 0x2e80 && cp <= 0xa4cf) || // CJK radicals … Yi (incl. kana, CJK symbols/punctuation, unified ideographs)
    (cp >= 0xac00 && cp <= 0xd7a3) || // Hangul syllables
    (cp >= 0xe000 && cp <= 0xfaff) || // private use (tofu-sized) + CJK compatibility ideographs
    (cp >= 0xfe10 && cp <= 0xfe6f) || // vertical forms, CJK compatibility forms, small forms
    (cp >= 0xff00 && cp <= 0xff60) || // fullwidth forms
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) || // emoji
    (cp >= 0x20000 && cp <= 0x3fffd) // CJK extensions B…
  );
}

/** Width in em of one code point in Noto Sans CJK SC. */
function charEm(cp: number, bold: boolean): number {
  if (cp >= 0x20 && cp <= 0x7e) return (bold ? ASCII_BOLD : ASCII_REGULAR)[cp - 0x20]! / 1000;
  if (cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0x2060 || cp === 0xfeff) return 0; // zero-width
  if (cp === 0xa5) return bold ? 0.59 : 0.555; // ¥
  if (cp === 0xa0) return 0.224;
  if (isWide(cp)) return 1;
  if (cp === 0x2014 || cp === 0x2026 || cp === 0xb7 || (cp >= 0x2018 && cp <= 0x201d)) return 1; // CJK-font punctuation is full width
  return bold ? 0.64 : 0.6; // other Latin/Greek/Cyrillic: a generous average
}

function isBold(weight: unknown): boolean {
  if (typeof weight === 'number') return weight >= 600;
  return typeof weight === 'string' && (weight === 'bold' || weight === 'bolder' || Number(weight) >= 600);
}

/** Text width in px of `text` for a vega text item (fontSize px, fontWeight). */
export function measureTextWidth(text: string, fontSize: number, fontWeight?: unknown): number {
  const bold = isBold(fontWeight);
  let em = 0;
  for (const ch of text) em += charEm(ch.codePointAt(0)!, bold);
  return em * fontSize;
}

interface TextItem {
  fontSize?: number | string;
  fontWeight?: unknown;
  limit?: number;
}
interface VegaTextMetrics {
  width: (item: TextItem, text: unknown) => number;
}

function fontSizeOf(item: TextItem): number {
  return item.fontSize != null ? Number(item.fontSize) || 0 : 11;
}

let metricsInstalled = false;
/** Replaces vega's canvas-less 0.8em-per-character estimate with CJK-aware font metrics (process-global). */
export function installCjkTextMetrics(): void {
  if (metricsInstalled) return;
  const tm = (vega as unknown as { textMetrics: VegaTextMetrics }).textMetrics;
  tm.width = (item, text) => {
    const s = text == null ? '' : String(text).trim();
    const w = measureTextWidth(s, fontSizeOf(item), item.fontWeight);
    // Capping at the item's limit serves both of vega's callers: bounds (the truncated text plus ellipsis is
    // ≈ limit wide) and vega's own truncate(), which asks `width(candidate) < limit - ellipsisWidth`.
    const limit = Number(item.limit);
    return limit > 0 ? Math.min(w, limit) : w;
  };
  metricsInstalled = true;
}
installCjkTextMetrics();

// ---------------------------------------------------------------------------------------------------------
// Spec preparation (compile cache)

const DATA_NAME = '__trichain_values';
const CACHE_MAX = 64;
const CACHE_MAX_KEY_CHARS = 64 * 1024;

/**
 * A compiled chart shape and its idle Views. Building a View from the runtime costs ~4.5 ms and a first
 * dataflow run ~8 ms; a kept View that only gets new rows re-runs in ~6 ms. Renders of the same shape that
 * overlap (async encodes) each take their own View; at most VIEWS_PER_SHAPE stay idle.
 */
interface Compiled {
  key: string;
  runtime: vega.Runtime;
  idle: vega.View[];
}

interface Prepared {
  compiled: Compiled;
  /** Inline rows to insert into DATA_NAME, when the spec's top-level data was inline values. */
  values: unknown[] | undefined;
}

const VIEWS_PER_SHAPE = 2;
const runtimeCache = new Map<string, Compiled>();

function dropCompiled(c: Compiled): void {
  for (const view of c.idle.splice(0)) view.finalize();
}

/** Blocks every URL vega would load (data urls, image marks): charts render inline data only. */
const noNetworkLoader = Object.assign(vega.loader(), {
  load: () => Promise.reject(new Error('external resources are disabled in chart specs')),
  sanitize: () => Promise.reject(new Error('external resources are disabled in chart specs')),
}) as unknown as vega.Loader;

function withDefaults(spec: TopLevelSpec, background: string | undefined): TopLevelSpec {
  const s = spec as TopLevelSpec & { config?: Record<string, unknown>; background?: unknown };
  // aria: false drops per-mark aria-label expressions and SVG attributes a PNG never uses (~30% of vega time).
  const config = { font: CJK_FONT_FAMILY, aria: false, ...(s.config ?? {}) };
  const out: Record<string, unknown> = { ...s, config };
  if (background !== undefined) out.background = background;
  else if (out.background === undefined) out.background = 'white';
  return out as unknown as TopLevelSpec;
}

function compileToRuntime(spec: TopLevelSpec, logger: Logger): vega.Runtime {
  const { spec: vgSpec } = compile(spec, { logger: vegaLogger(logger) });
  return vega.parse(vgSpec);
}

function prepare(spec: TopLevelSpec, background: string | undefined, logger: Logger): Prepared {
  const full = withDefaults(spec, background) as unknown as Record<string, unknown>;
  const data = full.data as { values?: unknown; name?: unknown; format?: unknown } | undefined;
  const inlineRows =
    data && Array.isArray(data.values) && data.name === undefined && data.format === undefined ? data.values : undefined;
  const shape = inlineRows ? { ...full, data: { name: DATA_NAME } } : full;
  const key = JSON.stringify(shape);
  let compiled = runtimeCache.get(key);
  if (compiled) {
    runtimeCache.delete(key); // LRU: re-insert as newest
  } else {
    compiled = { key, runtime: compileToRuntime(shape as unknown as TopLevelSpec, logger), idle: [] };
  }
  // Specs that still embed their data elsewhere (layer-level values) would only fill the cache with one-offs.
  if (key.length <= CACHE_MAX_KEY_CHARS) {
    runtimeCache.set(key, compiled);
    if (runtimeCache.size > CACHE_MAX) {
      const oldest = runtimeCache.keys().next().value!;
      dropCompiled(runtimeCache.get(oldest)!);
      runtimeCache.delete(oldest);
    }
  }
  return { compiled, values: inlineRows };
}

/** Drops the compiled-spec cache (tests, memory pressure). */
export function clearRenderCache(): void {
  for (const c of runtimeCache.values()) dropCompiled(c);
  runtimeCache.clear();
}

type VegaLogger = NonNullable<NonNullable<Parameters<typeof compile>[1]>['logger']>;

/** Routes vega-lite / vega messages to pino instead of the console (errors at warn, the rest at debug). */
function vegaLogger(logger: Logger): VegaLogger {
  let lvl = 2; // vega's Warn
  const emit = (kind: 'error' | 'warn' | 'info' | 'debug', args: unknown[]) => {
    const msg = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
    if (kind === 'error') logger.warn({ vega: msg }, 'vega error');
    else logger.debug({ vega: msg }, `vega ${kind}`);
  };
  const self: VegaLogger = {
    level(l?: number) {
      if (l === undefined) return lvl;
      lvl = l;
      return self;
    },
    error(...a: unknown[]) {
      if (lvl >= 1) emit('error', a);
      return this;
    },
    warn(...a: unknown[]) {
      if (lvl >= 2) emit('warn', a);
      return this;
    },
    info(...a: unknown[]) {
      if (lvl >= 3) emit('info', a);
      return this;
    },
    debug(...a: unknown[]) {
      if (lvl >= 4) emit('debug', a);
      return this;
    },
  };
  return self;
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Hands `use` a View of `spec` with its rows inserted: an idle View of the same compiled shape when there is
 * one, else a new one. The View goes back to the idle list after a successful render, else it is finalized.
 */
async function withView<T>(spec: TopLevelSpec, opts: Pick<RenderOptions, 'background' | 'logger'>, use: (view: vega.View) => Promise<T>): Promise<T> {
  let view: vega.View | undefined;
  try {
    const logger = opts.logger ?? silentLogger;
    const prepared = prepare(spec, opts.background, logger);
    const compiled = prepared.compiled;
    view = compiled.idle.pop();
    // resize(): autosize runs once per View unless asked again; the new rows may need other axis space
    if (view) view.logger(vegaLogger(logger)).resize();
    else view = new vega.View(compiled.runtime, { renderer: 'none', loader: noNetworkLoader, logger: vegaLogger(logger), logLevel: vega.Warn });
    // view.data() replaces all rows, so a reused View holds only this chart's
    if (prepared.values) view.data(DATA_NAME, prepared.values as object[]);
    const out = await use(view);
    if (compiled.idle.length < VIEWS_PER_SHAPE && runtimeCache.get(compiled.key) === compiled) {
      compiled.idle.push(view);
      view = undefined;
    }
    return out;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('render', `chart spec could not be rendered: ${describe(err)}`, {
      cause: err,
      userMessage: '图表生成失败',
    });
  } finally {
    view?.finalize();
  }
}

/** vega-lite spec → SVG string (1 SVG px = 1 CSS px). */
export async function renderSvg(spec: TopLevelSpec, opts: Pick<RenderOptions, 'background' | 'logger'> = {}): Promise<string> {
  return withView(spec, opts, (view) => view.toSVG());
}

function checkScale(scale: number): void {
  if (!(scale > 0 && scale <= 8)) throw new AppError('render', `render scale must be in (0, 8], got ${scale}`);
}

/**
 * Rasterizes an SVG at 72*scale DPI (crisp text, not an upscale) and encodes PNG.
 *
 * Cost notes, measured for the 56-bar bench chart at 2× (1348×1962 px; sharp 0.35 / libvips 8.18 / librsvg 2.63):
 * - ~17 ms is per-pixel work even for an empty SVG (cairo surface, un-premultiply, tile copy, zlib).
 * - Text is most of the rest (~25–35 ms for ~600 glyphs): librsvg draws text as glyph-outline paths through
 *   cairo's antialiasing rasterizer, so cost grows with glyph complexity (curvy digits, dense 汉字). Replacing
 *   <text> with pre-computed <path> outlines is *not* faster (measured), nor are per-glyph <image>/<use> sprites;
 *   what helps a little is fewer <text> elements (prepareForRaster merges label runs).
 * - An element with opacity < 1 is drawn through a canvas-sized offscreen layer (~5 ms each at 2×):
 *   prepareForRaster folds it into fill-opacity where that is exact.
 * - The PNG keeps its alpha channel: removeAlpha() is a per-byte band copy in libvips that cost ~10–15 ms
 *   here, far more than zlib spends on the extra (constant 255) channel (~+2% file size).
 * - libvips renders the SVG in 2000×2000 px tiles, each tile re-rendering the whole document: keep charts
 *   under 1000 CSS px per side at scale 2 to render once.
 */
export async function svgToPng(
  svg: string,
  opts: Pick<RenderOptions, 'scale' | 'compressionLevel'> = {},
): Promise<Buffer> {
  const scale = opts.scale ?? 2;
  checkScale(scale);
  try {
    const sharp = await loadSharp();
    const img = sharp(Buffer.from(prepareForRaster(svg)), { density: 72 * scale });
    return await img.png({ compressionLevel: opts.compressionLevel ?? 2, adaptiveFiltering: false }).toBuffer();
  } catch (err) {
    throw new AppError('render', `SVG rasterization failed: ${describe(err)}`, { cause: err, userMessage: '图表生成失败' });
  }
}

/**
 * sharp (libvips) only for the librsvg path: the default canvas path never calls it, and loading it in a
 * render worker maps libvips' code and starts its thread pool (memory a Friday pass pays for nothing).
 */
let sharpModule: Promise<typeof import('sharp')> | undefined;
async function loadSharp(): Promise<typeof import('sharp')['default']> {
  sharpModule ??= import('sharp');
  return (await sharpModule).default;
}

/** vega-lite spec → PNG bytes at `scale`× (default 2×). Errors are AppError('render'). */
export async function renderPng(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<Buffer> {
  if (opts.rasterizer === 'librsvg') return svgToPng(await renderSvg(spec, opts), opts);
  const scale = opts.scale ?? 2;
  checkScale(scale);
  return withView(spec, opts, (view) => viewToPng(view, scale, opts.compressionLevel ?? 2));
}

// ---------------------------------------------------------------------------------------------------------
// Font check

const execFileAsync = promisify(execFile);

/**
 * Throws AppError('config') unless fontconfig knows a font covering Chinese (`fc-list :lang=zh`).
 * Without one, both rasterizers draw every 汉字 as a box (the canvas one registers fontconfig's zh-CN face). Returns the CJK family names found.
 */
export async function assertCjkFontAvailable(): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync('fc-list', [':lang=zh', 'family'], { timeout: 10_000 }));
  } catch (err) {
    throw new AppError(
      'config',
      `cannot list fonts with fc-list (${describe(err)}); install fontconfig and the Debian package fonts-noto-cjk ` +
        '(apt-get install fontconfig fonts-noto-cjk) so charts can render Chinese text',
      { cause: err },
    );
  }
  const families = [...new Set(stdout.split('\n').flatMap((l) => l.split(',')).map((f) => f.trim()).filter(Boolean))];
  if (families.length === 0) {
    throw new AppError(
      'config',
      'no font with Chinese glyphs found by fontconfig (fc-list :lang=zh is empty); install the Debian package ' +
        'fonts-noto-cjk (apt-get install fonts-noto-cjk) or charts will show boxes instead of 汉字',
    );
  }
  return families;
}
