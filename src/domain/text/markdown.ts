import { wellFormed } from './cut.js';

/**
 * The one rule for putting outside text (customer and person names, external user ids and emails, remarks,
 * approval comments, webhook and CSV fields) into a DingTalk markdown message or a card's markdown field.
 *
 * - Every character that can open or close markup anywhere on a line gets a CommonMark backslash escape:
 *   `\` `` ` `` `*` `_` `[` `]` `<` `>` `#` `|` `~` `&` — so `[请点此处](http://evil)` stays text, `<font>` and
 *   autolinks stay text, `&lt;` entities are not decoded, `|` can't split a table cell.
 * - What only means something at the start of a line (`-`, `+`, `=`, `1.`) is escaped there.
 * - Line breaks fold to a space (a newline would start a heading, a list or a quote) and other control
 *   characters are dropped.
 *
 * Plain-text messages never go through this: a text message shows backslashes literally.
 */
export function escapeMarkdown(s: string): string {
  return (
    wellFormed(s)
      .replace(/\r\n?|[\n\u2028\u2029]/g, ' ')
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
      .replace(/[\\`*_[\]<>#|~&]/g, '\\$&')
      .replace(/^(\s*)([-+=])/, '$1\\$2')
      .replace(/^(\s*\d+)([.)])/, '$1\\$2')
  );
}
