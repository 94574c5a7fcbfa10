import { describe, expect, it } from 'vitest';
import { foldOpacityIntoFill, mergeTextRuns, prepareForRaster } from '../../../src/adapters/charts/svg-raster-prep.js';

const label = (x: number, y: number, text: string, extra = ' fill="#333"') =>
  `<text text-anchor="end" transform="translate(${x},${y})" font-family="Noto Sans CJK SC" font-size="11px"${extra}>${text}</text>`;

describe('mergeTextRuns', () => {
  it('merges sibling labels that differ only in position into one <text> with positioned <tspan>s', () => {
    const svg = `<g>${label(-6, 8.5, '张伟')}${label(-6, 24.5, '欧阳娜娜')}${label(-6, 1e-7, 'A&amp;B')}</g>`;
    expect(mergeTextRuns(svg)).toBe(
      '<g><text text-anchor="end" font-family="Noto Sans CJK SC" font-size="11px" fill="#333">' +
        '<tspan x="-6" y="8.5">张伟</tspan><tspan x="-6" y="24.5">欧阳娜娜</tspan><tspan x="-6" y="1e-7">A&amp;B</tspan>' +
        '</text></g>',
    );
  });

  it('starts a new <text> where the style changes and keeps single labels untouched', () => {
    const a = label(0, 1, 'a');
    const b = label(0, 2, 'b');
    const bold = label(0, 3, 'c', ' fill="#333" font-weight="bold"');
    const out = mergeTextRuns(a + b + bold);
    expect(out.match(/<text/g)).toHaveLength(2);
    expect(out.endsWith(bold)).toBe(true);
  });

  it('leaves alone what merging could change: rotation, edge/double spaces, opacity, multi-line text', () => {
    const rotated = '<text transform="translate(10,20) rotate(-45)" fill="#333">x</text>';
    const spaced = [label(0, 1, ' a'), label(0, 2, 'b '), label(0, 3, 'c  d')].join('');
    const faded = label(0, 4, 'e', ' fill="#333" opacity="0.5"') + label(0, 5, 'f', ' fill="#333" opacity="0.5"');
    const multi = '<text transform="translate(0,6)"><tspan>g</tspan><tspan x="0" dy="12">h</tspan></text>';
    const svg = rotated + label(0, 0, 'z') + spaced + faded + multi;
    expect(mergeTextRuns(svg)).toBe(svg);
  });

  it('keeps opacity="1" labels mergeable (vega writes it on axis labels)', () => {
    const svg = label(0, 1, 'a', ' fill="#333" opacity="1"') + label(0, 2, 'b', ' fill="#333" opacity="1"');
    expect(mergeTextRuns(svg).match(/<tspan/g)).toHaveLength(2);
  });
});

describe('foldOpacityIntoFill', () => {
  it('turns opacity into fill-opacity on a filled shape without stroke, combining an existing fill-opacity', () => {
    expect(foldOpacityIntoFill('<path d="M0,0h5v5h-5Z" fill="#4C78A8" opacity="0.5"/>')).toBe(
      '<path d="M0,0h5v5h-5Z" fill="#4C78A8" fill-opacity="0.5"/>',
    );
    expect(foldOpacityIntoFill('<rect width="2" height="2" fill-opacity="0.5" fill="red" opacity="0.5"/>')).toBe(
      '<rect width="2" height="2" fill-opacity="0.25" fill="red"/>',
    );
  });

  it('leaves stroked shapes, unfilled shapes, text, opaque shapes and inherited strokes alone', () => {
    const kept = [
      '<path d="M0,0h5" fill="#000" stroke="#888" opacity="0.5"/>',
      '<path d="M0,0h5" opacity="0.5"/>',
      '<path d="M0,0h5" fill="none" opacity="0.5"/>',
      '<path d="M0,0h5" fill="#000" opacity="1"/>',
      '<text fill="#000" opacity="0.5">a</text>',
      '<g opacity="0.5"><path d="M0,0h5" fill="#000"/></g>',
    ];
    for (const svg of kept) expect(foldOpacityIntoFill(svg)).toBe(svg);
    const inherited = '<g stroke="#000"><path d="M0,0h5" fill="#000" opacity="0.5"/></g>';
    expect(foldOpacityIntoFill(inherited)).toBe(inherited);
  });

  it('is part of prepareForRaster, whose stroke-miterlimit on vega\'s root group is not a stroke', () => {
    const svg = '<g fill="none" stroke-miterlimit="4"><path d="M0,0h5" fill="#000" opacity="0.25"/></g>';
    expect(prepareForRaster(svg)).toContain('fill-opacity="0.25"');
  });
});
