// A tiny element builder: h('div.cls', { attr }, children…). Text children are always text nodes.
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'html') el.innerHTML = v; // only ever given the Markdown renderer's escaped output
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'style' && typeof v === 'object') for (const [prop, val] of Object.entries(v)) el.style.setProperty(prop.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), val);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const PALETTE = ['#3296fa', '#15bc83', '#ff943e', '#7a6ff0', '#f25643', '#00b3cc', '#5c8dff', '#e0a400'];

/** DingTalk-style name avatar: the last two characters of the name on a colour picked from the id. */
export function avatar(id, name, kind = 'person') {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const label = kind === 'bot' ? '三链' : kind === 'group' ? (name || '群').slice(0, 2) : (name || id).slice(-2);
  return h(`div.avatar.avatar-${kind}`, { style: { background: kind === 'bot' ? '#0089ff' : PALETTE[hash % PALETTE.length] }, title: name }, label);
}

const pad = (n) => String(n).padStart(2, '0');

/** Time in the company zone, as DingTalk shows it in a chat. */
export function formatTime(ms, zone, withDate = false) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short', hourCycle: 'h23' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const wd = { Mon: '一', Tue: '二', Wed: '三', Thu: '四', Fri: '五', Sat: '六', Sun: '日' }[parts.weekday];
  const time = `${pad(parts.hour)}:${pad(parts.minute)}`;
  return withDate ? `${parts.month}月${parts.day}日 周${wd} ${time}` : time;
}
