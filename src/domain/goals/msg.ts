import type { Lang } from '../command-text.js';

/** A user-facing text in both languages; handlers pick one with the reader's `lang`. */
export interface Msg {
  zh: string;
  en: string;
}

export type { Lang };

export const msg = (zh: string, en: string): Msg => ({ zh, en });

export function say(m: Msg, lang: Lang): string {
  return m[lang];
}

/** Joins a list the way each language lists things: 制造业、能源 / 制造业, 能源. */
export function joinList(items: readonly string[], lang: Lang): string {
  return items.join(lang === 'zh' ? '、' : ', ');
}

/** Full-width ASCII (０-９，．％ …) → half-width, ideographic space → space; people type both. */
export function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}
