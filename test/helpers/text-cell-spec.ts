import type { TopLevelSpec } from 'vega-lite';

/**
 * One line of text, 40 px, centred in a `width`×48 cell with no axes or frame: the probe the CJK tests and
 * the chart bench render to see which glyph forms (SC, JP, tofu) a rasteriser draws. `font` overrides the
 * chart font stack.
 */
export function textCellSpec(text: string, width: number, font?: string): TopLevelSpec {
  return {
    width,
    height: 48,
    padding: 0,
    autosize: 'none',
    data: { values: [{ t: text }] },
    mark: { type: 'text', fontSize: 40, x: width / 2, y: 24, align: 'center', baseline: 'middle', ...(font ? { font } : {}) },
    encoding: { text: { field: 't', type: 'nominal' } },
    config: { view: { stroke: null } },
  } as TopLevelSpec;
}
