/**
 * Rewrites of vega's SVG that make librsvg rasterize it faster without changing a pixel (± rounding):
 * prepareForRaster() is applied to the SVG handed to sharp only; renderSvg() output stays vega's own.
 */

/** Both rewrites below, in order. */
export function prepareForRaster(svg: string): string {
  return foldOpacityIntoFill(mergeTextRuns(svg));
}

// ---------------------------------------------------------------------------------------------------------
// Text runs

/**
 * Merges runs of sibling <text> elements that differ only in their translate() into one <text> with
 * absolutely positioned <tspan>s — the same glyphs at the same places, in fewer elements.
 *
 * Why: librsvg pays a fixed cost per <text> element (style cascade, drawing layer, pango context) on top of
 * the per-glyph outline rasterizing. vega emits one <text> per axis label / value label, so a 56-bar chart has
 * ~120 of them; merging saves ~2 ms of its ~50 ms SVG→PNG.
 *
 * A text is merged only when that cannot change how it looks:
 * - its transform is a single translate() (rotated labels stay separate);
 * - its content has no leading/trailing/doubled whitespace (xml:space="default" collapses whitespace across
 *   the whole <text>, so a label's edge spaces would behave differently next to a neighbour);
 * - it has no opacity other than 1 (opacity applies to a <text> as a whole, not per label).
 */
export function mergeTextRuns(svg: string): string {
  return svg.replace(TEXT_RUN, mergeRun);
}

/** Two or more adjacent single-line <text> elements (multi-line vega text has <tspan> children: left alone). */
const TEXT_RUN = /(?:<text\b[^>]*>[^<]*<\/text>){2,}/g;
const TEXT = /<text\b([^>]*)>([^<]*)<\/text>/g;
const NUM = '-?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?';
const TRANSLATE = new RegExp(` transform="translate\\((${NUM}),(${NUM})\\)"`);
const OPACITY = / opacity="([^"]*)"/;

interface TextItem {
  source: string;
  /** Attributes without the transform: items with equal keys can share one <text>. Undefined: keep as is. */
  key: string | undefined;
  tspan: string;
}

function parseText(source: string, attrs: string, content: string): TextItem {
  const t = TRANSLATE.exec(attrs);
  const opacity = OPACITY.exec(attrs)?.[1];
  const simple =
    t !== null &&
    content.length > 0 &&
    content === content.trim() &&
    !/\s\s|[\t\n\r]/.test(content) &&
    (opacity === undefined || Number(opacity) === 1);
  if (!simple) return { source, key: undefined, tspan: '' };
  return { source, key: attrs.replace(t[0], ''), tspan: `<tspan x="${t[1]}" y="${t[2]}">${content}</tspan>` };
}

function mergeRun(run: string): string {
  const items = [...run.matchAll(TEXT)].map((m) => parseText(m[0], m[1]!, m[2]!));
  let out = '';
  for (let i = 0; i < items.length; ) {
    const first = items[i]!;
    let j = i + 1;
    while (first.key !== undefined && j < items.length && items[j]!.key === first.key) j++;
    out += j - i === 1 ? first.source : `<text${first.key}>${items.slice(i, j).map((it) => it.tspan).join('')}</text>`;
    i = j;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Opacity

/**
 * Turns `opacity` into `fill-opacity` on filled shapes that have no stroke.
 *
 * Why: for an element with opacity < 1, librsvg renders it into an offscreen layer the size of the whole
 * canvas and composites that back — ~5 ms per element at 2× for a 1000×1000 px chart (the alignment board's
 * 51 translucent bars cost ~270 ms of its ~490 ms). For a shape painted by one fill and nothing else the two
 * are the same: a single fill covers each pixel once, so scaling its alpha equals fading the finished shape.
 * Not applied to text (separate chunks could overlap), strokes, or groups; and not at all when some <g>
 * sets a stroke that shapes could inherit (vega does not, but then a shape's paints can't be read locally).
 */
export function foldOpacityIntoFill(svg: string): string {
  if (GROUP_STROKE.test(svg)) return svg;
  return svg.replace(SHAPE_WITH_OPACITY, (source, tag: string, before: string, value: string, after: string) => {
    const attrs = before + after;
    const opacity = Number(value);
    const fill = FILL.exec(attrs)?.[1];
    if (!(opacity >= 0 && opacity < 1) || STROKE.test(attrs) || !fill || fill === 'none' || fill === 'transparent') {
      return source;
    }
    const fo = FILL_OPACITY.exec(attrs);
    if (!fo) return `<${tag}${attrs} fill-opacity="${opacity}"/>`;
    const combined = Math.min(1, Math.max(0, Number(fo[1]))) * opacity;
    return Number.isFinite(combined) ? `<${tag}${attrs.replace(fo[0], ` fill-opacity="${combined}"`)}/>` : source;
  });
}

const SHAPE_WITH_OPACITY = /<(path|rect|circle|ellipse|polygon)\b([^>]*?) opacity="([^"]*)"([^>]*?)\/>/g;
const GROUP_STROKE = /<g\b[^>]* stroke="/;
const STROKE = / stroke="/;
const FILL = / fill="([^"]*)"/;
const FILL_OPACITY = / fill-opacity="([^"]*)"/;
