// A small, safe renderer for the Markdown DingTalk robot messages use. Everything is HTML-escaped first;
// only the constructs below turn back into tags, with URLs and colours checked.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Image sources: web URLs, or a DingTalk media id (`@lA…`) served by the simulator. */
function imageSrc(raw) {
  const src = raw.replace(/&amp;/g, '&');
  if (src.startsWith('@')) return `/sim/api/media/${encodeURIComponent(src)}`;
  return /^https?:\/\//i.test(src) ? src : undefined;
}

// CommonMark backslash escapes (the bot escapes outside text this way): the character is shown as itself.
// The source is HTML-escaped by now, so an escaped `<` arrives as `\&lt;`.
const BACKSLASH_ESCAPE = /\\(&lt;|&gt;|&amp;|&quot;|&#39;|[!-\/:-@[-`{-~])/g;

function inline(text) {
  const codes = [];
  const escaped = [];
  let s = text.replace(BACKSLASH_ESCAPE, (_, c) => `\u0001${escaped.push(c) - 1}\u0001`);
  // Code spans next, so nothing inside them is formatted.
  s = s.replace(/`([^`]+)`/g, (_, c) => `\u0000${codes.push(c) - 1}\u0000`);
  // Targets may hold one level of parentheses, e.g. a URL with "(1)".
  s = s.replace(/!\[([^\]]*)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g, (m, alt, src) => {
    const url = imageSrc(src);
    return url ? `<img class="md-img" alt="${alt}" src="${escapeHtml(url)}">` : m;
  });
  s = s.replace(/\[([^\]]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g, (m, label, href) => {
    const url = href.replace(/&amp;/g, '&');
    return /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${label}</a>` : `<span class="md-link">${label}</span>`;
  });
  s = s.replace(/\*\*(.+?)\*\*|__(.+?)__/g, (_, a, b) => `<strong>${a ?? b}</strong>`);
  s = s.replace(/(^|[^*])\*([^*\s][^*]*?)\*(?!\*)/g, (_, pre, t) => `${pre}<em>${t}</em>`);
  // DingTalk's <font color=…> for coloured text (escaped above; restored only with a safe colour).
  s = s.replace(/&lt;font\s+color\s*=\s*(?:&quot;|&#39;)?(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})(?:&quot;|&#39;)?\s*&gt;([\s\S]*?)&lt;\/font&gt;/g, (_, color, t) => `<span style="color:${color}">${t}</span>`);
  s = s.replace(/\u0000(\d+)\u0000/g, (_, i) => `<code>${codes[Number(i)]}</code>`);
  return s.replace(/\u0001(\d+)\u0001/g, (_, i) => escaped[Number(i)]);
}

export function renderMarkdown(src) {
  const lines = escapeHtml(String(src ?? '').replace(/\r\n?/g, '\n')).split('\n');
  const out = [];
  let para = [];
  let list = null; // { tag, items }
  let quote = [];
  const flushPara = () => {
    if (para.length) out.push(`<p>${para.map(inline).join('<br>')}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${inline(i)}</li>`).join('')}</${list.tag}>`);
    list = null;
  };
  const flushQuote = () => {
    if (quote.length) out.push(`<blockquote>${quote.map(inline).join('<br>')}</blockquote>`);
    quote = [];
  };
  const flushAll = () => {
    flushPara();
    flushList();
    flushQuote();
  };
  for (const line of lines) {
    const t = line.trim();
    let m;
    if (!t) {
      flushAll();
    } else if ((m = /^(#{1,6})\s+(.*)$/.exec(t))) {
      flushAll();
      out.push(`<h${m[1].length}>${inline(m[2])}</h${m[1].length}>`);
    } else if (/^(-{3,}|\*{3,}|_{3,})$/.test(t)) {
      flushAll();
      out.push('<hr>');
    } else if ((m = /^&gt;\s?(.*)$/.exec(t))) {
      flushPara();
      flushList();
      quote.push(m[1]);
    } else if ((m = /^([-*+]|\d+[.)])\s+(.*)$/.exec(t))) {
      flushPara();
      flushQuote();
      const tag = /^\d/.test(m[1]) ? 'ol' : 'ul';
      if (list && list.tag !== tag) flushList();
      list ??= { tag, items: [] };
      list.items.push(m[2]);
    } else {
      flushList();
      flushQuote();
      para.push(t);
    }
  }
  flushAll();
  return out.join('');
}
