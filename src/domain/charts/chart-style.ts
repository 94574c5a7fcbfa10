/** Shared look of the pre-review pack's charts (title block, fonts, axis colours). */
export const PACK_CHART_CONFIG = {
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#333', gridColor: '#e6e6e6' },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', orient: 'top' },
} as const;

export function packTitle(text: string, subtitle?: string) {
  return { text, ...(subtitle ? { subtitle } : {}), anchor: 'start', fontSize: 16, subtitleFontSize: 12, subtitleColor: '#666', offset: 12 } as const;
}

/** Rough display width in px at `fontSize`: CJK characters 1 em, others ~0.6 em. */
export function textWidthPx(s: string, fontSize: number): number {
  let w = 0;
  for (const ch of s) w += ch.codePointAt(0)! >= 0x2e80 ? 1 : 0.6;
  return w * fontSize;
}

const ZERO_WIDTH_SPACE = '\u200b';

/** Makes equal names distinct (two reps both named 张伟 must stay two rows) with invisible suffixes. */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = seen.get(n) ?? 0;
    seen.set(n, k + 1);
    return k === 0 ? n : n + ZERO_WIDTH_SPACE.repeat(k);
  });
}
