/**
 * Rasterizing a vega View with vega's own canvas renderer on @napi-rs/canvas (Skia), PNG encoded by sharp.
 *
 * Why this path (bench/charts.ts, docs/performance.md "Charts — rasteriser comparison"): Skia draws the ~600
 * glyphs of a 56-bar chart from cached glyph masks, where librsvg re-rasterizes every glyph outline through
 * cairo; no SVG string is built or parsed; and sharp's zlib encoder is far cheaper than Skia's own PNG encoder.
 *
 * How vega finds a canvas: vega-canvas does `import('canvas')` (node-canvas) and we do not install that.
 * vega's supported alternative is `view.toCanvas(scale, { externalContext })`: the renderer scales and
 * translates the given 2D context and draws into it, so we create a canvas of the view's size ourselves.
 *
 * Fonts: @napi-rs/canvas scans the system font folders itself, but of a TrueType collection it only sees the
 * first face — for fonts-noto-cjk's NotoSansCJK-*.ttc that is the *Japanese* face, whose forms of shared
 * characters (骨, 直, 角, 今 …) differ from Simplified Chinese ones. So the face fontconfig picks for zh-CN is
 * copied out of its collection into a standalone font file (once per machine, in the temp folder) and
 * registered under its family name, which the chart font stack (CJK_FONT_FAMILY) names first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import sharp from 'sharp';
import type * as vega from 'vega';

// ---------------------------------------------------------------------------------------------------------
// Fonts

interface FontMatch {
  family: string;
  file: string;
  index: number;
}

/** The face fontconfig chooses for Chinese text at `weight` (regular / bold), or undefined without one. */
function matchZhFace(weight: 'regular' | 'bold'): FontMatch | undefined {
  let out: string;
  try {
    out = execFileSync('fc-match', ['-f', '%{family}\t%{file}\t%{index}\t%{lang}', `:lang=zh-cn:weight=${weight}`], {
      encoding: 'utf8',
      timeout: 10_000,
    });
  } catch {
    return undefined; // no fontconfig: assertCjkFontAvailable() reports it at start-up
  }
  const [family, file, index, langs] = out.split('\t');
  // fc-match always answers with *some* font; only one that covers Chinese is worth registering.
  if (!family || !file || !langs?.split('|').includes('zh-cn')) return undefined;
  return { family: family.split(',')[0]!.trim(), file, index: Number(index) || 0 };
}

/**
 * Copies face `index` of a TrueType/OpenType collection into a standalone sfnt: its table directory with the
 * offsets rewritten, followed by the tables it references (shared tables are copied once per face).
 */
export function extractCollectionFace(ttc: Buffer, index: number): Buffer {
  if (ttc.toString('latin1', 0, 4) !== 'ttcf') return ttc; // already a single font
  const numFonts = ttc.readUInt32BE(8);
  if (index < 0 || index >= numFonts) throw new Error(`font collection has ${numFonts} faces, not ${index + 1}`);
  const dir = ttc.readUInt32BE(12 + 4 * index);
  const numTables = ttc.readUInt16BE(dir + 4);
  const headerLen = 12 + 16 * numTables;
  const tables = Array.from({ length: numTables }, (_, i) => {
    const rec = dir + 12 + 16 * i;
    return { rec, offset: ttc.readUInt32BE(rec + 8), length: ttc.readUInt32BE(rec + 12) };
  });
  const padded = (n: number) => (n + 3) & ~3;
  const out = Buffer.alloc(headerLen + tables.reduce((s, t) => s + padded(t.length), 0));
  ttc.copy(out, 0, dir, dir + 12); // sfnt version, numTables, search hints
  let at = headerLen;
  tables.forEach((t, i) => {
    const rec = 12 + 16 * i;
    ttc.copy(out, rec, t.rec, t.rec + 8); // tag + checksum (the table bytes are unchanged)
    out.writeUInt32BE(at, rec + 8);
    out.writeUInt32BE(t.length, rec + 12);
    ttc.copy(out, at, t.offset, t.offset + t.length);
    at += padded(t.length);
  });
  return out;
}

/** Path of a standalone copy of `m`'s face, written once (atomically: other processes may race for it). */
function standaloneFontFile(m: FontMatch): string {
  const st = statSync(m.file);
  const dir = join(tmpdir(), 'trichain-fonts');
  const path = join(dir, `${basename(m.file)}-${m.index}-${st.size}-${Math.floor(st.mtimeMs)}.otf`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, extractCollectionFace(readFileSync(m.file), m.index));
  renameSync(tmp, path);
  return path;
}

let fontsRegistered: string[] | undefined;

/**
 * Registers fontconfig's Chinese faces (regular and bold) with @napi-rs/canvas; returns the families
 * registered (empty without a Chinese font — text then falls back to whatever Skia finds, as boxes).
 */
export function registerCjkFonts(): string[] {
  if (fontsRegistered) return fontsRegistered;
  const families = new Set<string>();
  const seen = new Set<string>();
  for (const weight of ['regular', 'bold'] as const) {
    const m = matchZhFace(weight);
    if (!m || seen.has(`${m.file}#${m.index}`)) continue;
    seen.add(`${m.file}#${m.index}`);
    try {
      if (GlobalFonts.registerFromPath(standaloneFontFile(m), m.family)) families.add(m.family);
    } catch (err) {
      // Unreadable font or read-only temp folder: Skia's own scan still applies, but it only sees a
      // collection's first (Japanese) face, so say so once instead of drawing 骨/直/角 wrong in silence.
      process.emitWarning(`charts: could not register the Chinese font face ${m.family} from ${m.file} (${err instanceof Error ? err.message : String(err)}); Chinese text may render in Japanese glyph forms. Make ${join(tmpdir(), 'trichain-fonts')} writable.`, { code: 'TRICHAIN_CJK_FONT' });
    }
  }
  fontsRegistered = [...families];
  return fontsRegistered;
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

/**
 * The size vega's headless renderers give a view: the view size after autosize plus padding. vega keeps the
 * autosized size in `_viewWidth/_viewHeight` (what view.toSVG()'s width/height use); with autosize 'pad' the
 * public view.width() is only the plot area, so there is no public equivalent.
 */
function viewSize(view: vega.View): { width: number; height: number } {
  const v = view as unknown as { _viewWidth?: unknown; _viewHeight?: unknown };
  const p = view.padding() as { top: number; bottom: number; left: number; right: number };
  if (typeof v._viewWidth !== 'number' || typeof v._viewHeight !== 'number') {
    throw new Error('vega View no longer exposes its autosized size (_viewWidth/_viewHeight)');
  }
  return { width: Math.max(0, v._viewWidth + p.left + p.right), height: Math.max(0, v._viewHeight + p.top + p.bottom) };
}

const opaqueCache = new Map<string, boolean>();

/** Whether CSS colour `bg` is fully opaque, as Skia parses it (drawn on a 1×1 canvas, alpha read back). */
function isOpaque(bg: unknown): boolean {
  if (typeof bg !== 'string' || bg === '') return false;
  let opaque = opaqueCache.get(bg);
  if (opaque === undefined) {
    const ctx = createCanvas(1, 1).getContext('2d');
    ctx.fillStyle = bg;
    ctx.fillRect(0, 0, 1, 1);
    opaque = ctx.getImageData(0, 0, 1, 1).data[3] === 255;
    if (opaqueCache.size < 100) opaqueCache.set(bg, opaque);
  }
  return opaque;
}

/** Runs `view` and draws it at `scale`× into a new canvas; returns the PNG (alpha kept, like the SVG path). */
export async function viewToPng(view: vega.View, scale: number, compressionLevel: number): Promise<Buffer> {
  registerCjkFonts();
  await view.runAsync();
  const size = viewSize(view);
  const width = Math.max(1, Math.round(size.width * scale));
  const height = Math.max(1, Math.round(size.height * scale));
  const canvas = createCanvas(width, height);
  const ctx: SKRSContext2D = canvas.getContext('2d');
  await view.toCanvas(scale, { externalContext: ctx });
  // canvas.data() is Skia's premultiplied RGBA. On an opaque background every pixel is opaque, so it equals
  // straight RGBA; telling sharp `premultiplied` there would cost an un-premultiply pass of ~3× the encode.
  const premultiplied = !isOpaque(view.background());
  return sharp(canvas.data(), { raw: { width, height, channels: 4, premultiplied } })
    .png({ compressionLevel, adaptiveFiltering: false })
    .toBuffer();
}
