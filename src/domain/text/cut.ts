const graphemes = new Intl.Segmenter('zh', { granularity: 'grapheme' });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Lone surrogates (half an emoji, e.g. from a byte-wise cut elsewhere) replaced by U+FFFD. */
export function wellFormed(s: string): string {
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Text cut to at most `max` characters as people see them (grapheme clusters: an emoji with a skin tone or a
 * family emoji counts once and is never split), ending in `…` when something was cut. The one way to
 * shorten text for people: the result is always well-formed UTF-16.
 */
export function cutText(s: string, max: number, ellipsis = '…'): string {
  const text = wellFormed(s);
  // No more UTF-16 units than the limit means no more graphemes either.
  if (text.length <= max) return text;
  const parts: string[] = [];
  for (const { segment } of graphemes.segment(text)) {
    if (parts.length === max) {
      const keep = Math.max(0, max - [...graphemes.segment(ellipsis)].length);
      return parts.slice(0, keep).join('') + ellipsis;
    }
    parts.push(segment);
  }
  return text;
}

/** Longest argument echoed back in a chat reply ("没有找到「…」"): enough to recognise, never a wall of text. */
export const ECHO_MAX = 40;

/** A person's argument as echoed back in a reply: on one line, cut, well-formed. */
export function echoArg(s: string): string {
  return cutText(s.replace(/\s+/g, ' ').trim(), ECHO_MAX);
}
