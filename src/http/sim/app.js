// The simulator page: be someone in the demo org, chat with the bot (1:1 or in a team group), use its
// cards, watch the outbox, move the clock. Talks to /sim/api/* and listens to /sim/api/events (SSE).
import { renderCard } from './card.js';
import { avatar, formatTime, h } from './dom.js';
import { renderMarkdown } from './markdown.js';

const $ = (sel) => document.querySelector(sel);

const state = {
  me: '',
  people: new Map(),
  zone: 'Asia/Shanghai',
  clock: null,
  conversations: [],
  current: '',
  rendered: new Set(), // item ids drawn in the current conversation
  lastAt: 0,
  unread: new Map(),
  cardEls: new Map(), // outTrackId → container element
  events: null,
  view: 'chat',
};

async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.message ?? `${res.status} ${res.statusText}`);
  return data;
}

// ---------- start ----------

async function boot() {
  const q = new URLSearchParams(location.search);
  const b = await api('/sim/api/bootstrap');
  for (const p of b.people) state.people.set(p.id, p);
  state.zone = b.clock.zone;
  setClock(b.clock);
  showDemoStatus(b.demo);
  const fallback = b.people.find((p) => p.tags.some((t) => t.startsWith('A 型'))) ?? b.people.find((p) => p.role === 'rep') ?? b.people[0];
  const wanted = q.get('as');
  await become(wanted && state.people.has(wanted) ? wanted : fallback.id, q.get('c'));
  $('#whoami').addEventListener('click', openPicker);
  $('#nav-chat').addEventListener('click', () => showView('chat'));
  $('#nav-outbox').addEventListener('click', () => showView('outbox'));
  $('#send').addEventListener('click', send);
  $('#composer').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      send();
    }
  });
  setInterval(tickClock, 10_000);
  // Stay at the newest message while cards and images load in (they grow the chat after it opens), until
  // the person scrolls up themselves (12.9: the chat opened 2,600 px above its end).
  $('#messages').addEventListener('scroll', () => {
    state.pinned = nearEnd(40);
  });
  // Images (charts in cards and messages) open full-size in an overlay on click (12.9).
  $('#messages').addEventListener('click', (e) => {
    const img = e.target instanceof HTMLImageElement ? e.target : null;
    if (!img) return;
    e.preventDefault();
    openLightbox(img.src, img.alt);
  });
  if (q.get('view') === 'outbox') showView('outbox');
}

async function become(id, conversation) {
  state.me = id;
  const me = state.people.get(id);
  $('#whoami').replaceChildren(avatar(id, me.name), h('span.who-name', {}, me.name), h('span.who-role', {}, `${roleName(me.role)} · ${me.dept}`), h('span.caret', {}, '▾'));
  $('#rail-avatar').replaceChildren(avatar(id, me.name));
  state.events?.close();
  state.events = new EventSource(`/sim/api/events?as=${encodeURIComponent(id)}`);
  state.events.addEventListener('item', (e) => onItem(JSON.parse(e.data)));
  state.events.addEventListener('card', (e) => onCardUpdate(JSON.parse(e.data)));
  state.events.addEventListener('clock', (e) => onClock(JSON.parse(e.data)));
  state.events.addEventListener('outbox', () => state.view === 'outbox' && refreshOutboxSoon());
  // EventSource reconnects by itself (e.g. after a service restart); redraw so nothing missed is lost.
  let first = true;
  state.events.addEventListener('hello', () => {
    if (!first) openConversation(state.current);
    first = false;
  });
  state.unread.clear();
  state.conversations = await api(`/sim/api/conversations?as=${encodeURIComponent(id)}`);
  const start = state.conversations.find((c) => c.id === conversation) ?? state.conversations[0];
  await openConversation(start.id);
}

function roleName(role) {
  return { rep: '销售', manager: '主管', hr: 'HR' }[role] ?? role;
}

function syncUrl() {
  const q = new URLSearchParams({ as: state.me, c: state.current });
  if (state.view === 'outbox') q.set('view', 'outbox');
  history.replaceState(null, '', `/sim?${q}`);
}

// ---------- conversations ----------

function renderConversationList() {
  const list = $('#conversations');
  list.replaceChildren(
    ...state.conversations.map((c) => {
      const unread = state.unread.get(c.id) ?? 0;
      const latest = c.latest;
      return h(
        `div.conv${c.id === state.current ? '.active' : ''}`,
        { dataset: { id: c.id }, onclick: () => openConversation(c.id) },
        avatar(c.id, c.title, c.kind === 'bot' ? 'bot' : 'group'),
        h(
          'div.conv-main',
          {},
          h('div.conv-top', {}, h('span.conv-title', {}, c.title), latest ? h('span.conv-time', {}, formatTime(latest.at, state.zone)) : null),
          h('div.conv-preview', {}, latest ? preview(latest) : c.kind === 'bot' ? '发送「帮助」开始' : `${c.memberCount} 人`),
        ),
        unread ? h('span.badge', {}, unread > 99 ? '99+' : unread) : null,
      );
    }),
  );
}

function preview(item) {
  if (item.kind === 'person') return `${item.senderId === state.me ? '' : `${item.senderName}：`}${item.text}`;
  const d = item.delivery;
  if (d.type === 'image') return '[图片]';
  if (d.type === 'file') return `[文件] ${d.fileName ?? ''}`;
  if (d.type === 'card') return `[卡片] ${d.title ?? ''}`;
  if (d.type === 'markdown' || d.type === 'actionCard') return d.title || (d.text ?? '').replace(/[#*>`-]/g, '').slice(0, 40);
  return d.text ?? '';
}

async function openConversation(id) {
  state.current = id;
  state.unread.delete(id);
  state.rendered.clear();
  state.cardEls.clear();
  state.lastAt = 0;
  const conv = state.conversations.find((c) => c.id === id);
  $('#chat-title').textContent = conv.title;
  $('#chat-sub').textContent = conv.kind === 'bot' ? '机器人 · 单聊' : `群聊 · ${conv.memberCount} 人`;
  $('#messages').replaceChildren();
  $('#composer').placeholder = conv.kind === 'group' ? `在「${conv.title}」中 @三链助手…（Enter 发送）` : '给三链助手发消息，例如「帮助」（Enter 发送）';
  renderConversationList();
  syncUrl();
  const items = await api(`/sim/api/history?as=${encodeURIComponent(state.me)}&conversation=${encodeURIComponent(id)}`);
  for (const it of items) appendItem(it);
  state.pinned = true;
  scrollToEnd(true);
  if (state.view === 'chat') $('#composer').focus();
}

// ---------- messages ----------

function onItem(item) {
  const conv = state.conversations.find((c) => c.id === item.conversation);
  if (conv) conv.latest = item;
  if (item.conversation === state.current) {
    const stick = nearEnd();
    appendItem(item);
    scrollToEnd(stick);
  } else {
    state.unread.set(item.conversation, (state.unread.get(item.conversation) ?? 0) + 1);
  }
  renderConversationList();
}

// A burst of deliveries (a Friday run) refreshes the outbox once, not once per message.
let outboxTimer = 0;
function refreshOutboxSoon() {
  clearTimeout(outboxTimer);
  outboxTimer = setTimeout(loadOutbox, 500);
}

function appendItem(item) {
  if (state.rendered.has(item.id)) return;
  state.rendered.add(item.id);
  const box = $('#messages');
  if (item.at - state.lastAt > 5 * 60_000) box.append(h('div.time-sep', {}, formatTime(item.at, state.zone, true)));
  state.lastAt = item.at;
  const mine = item.kind === 'person' && item.senderId === state.me;
  const inGroup = item.conversation.startsWith('group:');
  const who = item.kind === 'bot' ? avatar('bot', '三链助手', 'bot') : avatar(item.senderId, item.senderName);
  const name = inGroup && !mine ? h('div.msg-name', {}, item.kind === 'bot' ? '三链助手' : item.senderName) : null;
  const content = item.kind === 'person' ? h('div.bubble.text', {}, item.text) : deliveryContent(item.delivery);
  box.append(h(`div.msg${mine ? '.mine' : ''}`, { dataset: { id: String(item.id), kind: item.kind === 'bot' ? item.delivery.type : 'person' } }, who, h('div.msg-body', {}, name, content)));
}

function deliveryContent(d) {
  switch (d.type) {
    case 'text':
      return h('div.bubble.text', {}, d.text ?? '');
    case 'markdown':
      return h('div.bubble.md', { html: renderMarkdown(d.text ?? '') });
    case 'image':
      return h('a.image-msg', { href: `/sim/api/media/${encodeURIComponent(d.mediaId)}`, target: '_blank' }, h('img', { src: `/sim/api/media/${encodeURIComponent(d.mediaId)}`, alt: '图片', onload: () => scrollToEnd(state.pinned || nearEnd(400)) }));
    case 'file': {
      // A file message: name, type and a download link (the simulator serves the uploaded bytes).
      const url = `/sim/api/media/${encodeURIComponent(d.mediaId)}`;
      return h('a.file-msg', { href: url, download: d.fileName ?? 'file' }, h('span.file-icon', {}, (d.fileType || 'file').toUpperCase()), h('span.file-name', {}, d.fileName ?? ''), h('span.file-action', {}, '下载'));
    }
    case 'actionCard':
      return h(
        'div.card.action-card',
        {},
        h('div.card-body', {}, h('div.card-title', {}, d.title ?? ''), h('div.card-md.md', { html: renderMarkdown(d.text ?? '') })),
        h('div.card-buttons', {}, (d.buttons ?? []).map((b) => (/^https?:/i.test(b.url) ? h('a.card-btn.card-btn-default', { href: b.url, target: '_blank', rel: 'noopener' }, b.title) : h('span.card-btn.card-btn-default', { title: b.url }, b.title)))),
      );
    case 'card': {
      const holder = h('div.card-holder', { dataset: { outTrackId: d.outTrackId } }, h('div.card.card-loading', {}, '卡片加载中…'));
      state.cardEls.set(d.outTrackId, holder);
      loadCard(d.outTrackId);
      return holder;
    }
    default:
      return h('div.bubble.text', {}, JSON.stringify(d));
  }
}

async function loadCard(outTrackId) {
  const holder = state.cardEls.get(outTrackId);
  if (!holder) return;
  try {
    const view = await api(`/sim/api/cards/${encodeURIComponent(outTrackId)}?as=${encodeURIComponent(state.me)}`);
    const me = state.me;
    const stick = state.pinned || nearEnd(400);
    holder.replaceChildren(
      renderCard(view, async (params) => {
        await api('/sim/api/card-action', { as: me, outTrackId, params });
      }),
    );
    scrollToEnd(stick);
    for (const img of holder.querySelectorAll('img')) img.addEventListener('load', () => scrollToEnd(state.pinned), { once: true });
  } catch (err) {
    holder.replaceChildren(h('div.card.card-loading', {}, `卡片无法显示：${err.message}`));
  }
}

function onCardUpdate({ outTrackId }) {
  if (state.cardEls.has(outTrackId)) loadCard(outTrackId);
}

function openLightbox(src, alt) {
  const close = () => box.remove();
  const box = h('div.lightbox', { onclick: close, role: 'dialog', 'aria-label': alt || '图片' }, h('img.lightbox-img', { src, alt: alt || '图片' }));
  const onKey = (e) => {
    if (e.key === 'Escape') {
      close();
      document.removeEventListener('keydown', onKey);
    }
  };
  document.addEventListener('keydown', onKey);
  document.body.append(box);
}

function notice(text) {
  const box = $('#messages');
  const stick = nearEnd();
  box.append(h('div.notice', {}, text));
  scrollToEnd(stick);
}

function nearEnd(slack = 120) {
  const box = $('#messages');
  return box.scrollHeight - box.scrollTop - box.clientHeight < slack;
}

function scrollToEnd(really) {
  if (!really) return;
  const box = $('#messages');
  box.scrollTop = box.scrollHeight;
}

async function send() {
  const input = $('#composer');
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  try {
    const item = await api('/sim/api/say', { as: state.me, conversation: state.current, text });
    onItem(item);
  } catch (err) {
    notice(`发送失败：${err.message}`);
    input.value = text;
  }
}

// ---------- identity ----------

function openPicker() {
  const dlg = $('#picker');
  const search = $('#picker-search');
  const list = $('#picker-list');
  const draw = () => {
    const q = search.value.trim().toLowerCase();
    const match = (p) => !q || [p.name, p.id, p.dept, p.title, ...p.tags].some((s) => s.toLowerCase().includes(q));
    const people = [...state.people.values()].filter(match);
    const groups = new Map();
    for (const p of people) {
      const key = p.role === 'rep' || (p.role === 'manager' && people.some((r) => r.managerId === p.id && r.role === 'rep')) ? p.dept : '管理层与 HR';
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(p);
    }
    const rank = (p) => (p.role === 'hr' ? 0 : p.role === 'manager' ? 1 : 2);
    // Leadership first, then teams in org order (department ids), not alphabetically.
    const order = ([title, ps]) => (title === '管理层与 HR' ? -1 : Math.min(...ps.map((p) => p.deptId ?? Infinity)));
    const sections = [...groups.entries()].sort((a, b) => order(a) - order(b));
    let shown = 0;
    list.replaceChildren(
      ...sections.map(([title, ps]) =>
        h(
          'section',
          {},
          h('h3', {}, title),
          ps
            .sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))
            .filter(() => shown++ < 400) // a 10,000-person org: search narrows it down
            .map((p) =>
              h(
                `div.person${p.id === state.me ? '.current' : ''}`,
                { dataset: { id: p.id }, onclick: () => pick(p.id) },
                avatar(p.id, p.name),
                h('div.person-main', {}, h('div', {}, h('b', {}, p.name), h('span.muted', {}, ` ${p.id} · ${p.title}`)), h('div.tags', {}, p.tags.map((t) => h('span.tag', {}, t)))),
              ),
            ),
        ),
      ),
    );
  };
  const pick = async (id) => {
    dlg.close();
    showView('chat');
    await become(id);
  };
  search.oninput = draw;
  // A type="search" field eats the first Escape (it clears itself); close the picker on the first one (12.9).
  search.onkeydown = (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    dlg.close();
  };
  search.value = '';
  draw();
  dlg.showModal();
  search.focus();
}

// ---------- clock ----------

function setClock(clock) {
  state.clock = { ...clock, fetchedAt: Date.now() };
  tickClock();
  const bar = $('#clock-presets');
  bar.replaceChildren(
    ...clock.presets.map((p) =>
      h('button.clock-preset', { type: 'button', dataset: { key: p.key }, disabled: !p.at || !clock.movable, title: p.note, onclick: () => moveClock({ preset: p.key }, p.label) }, p.label),
    ),
    h('button.clock-preset.reset', { type: 'button', dataset: { key: 'reset' }, disabled: Math.abs(clock.offsetMs) < 60_000 || !clock.movable, onclick: () => moveClock({ reset: true }, '回到现在') }, '回到现在'),
  );
}

function tickClock() {
  if (!state.clock) return;
  const now = Date.now() + state.clock.offsetMs;
  $('#clock-now').textContent = formatTime(now, state.zone, true);
  $('#clock-now').classList.toggle('shifted', Math.abs(state.clock.offsetMs) >= 60_000);
}

async function moveClock(body, label) {
  document.querySelectorAll('.clock-preset').forEach((b) => (b.disabled = true));
  $('#clock-status').textContent = `${label}：运行到期的定时任务…`;
  try {
    await api('/sim/api/clock', body); // the result arrives on the event stream too (onClock)
  } catch (err) {
    $('#clock-status').textContent = `没能调整时间：${err.message}`;
    setClock(state.clock);
  }
}

function onClock({ clock, report }) {
  setClock(clock);
  const when = formatTime(Date.parse(clock.now), state.zone, true);
  if (!report) {
    $('#clock-status').textContent = '已回到真实时间';
    notice(`时间已回到现在：${when}`);
    return;
  }
  // "已运行" says the job ran; what it did comes from its note (the Friday report: which week, how many cards).
  const runs = report.ran.map((r) => `${r.name}（${r.note ?? { success: '已运行', failed: `失败：${r.error}`, 'still-running': '仍在运行' }[r.outcome]}）`);
  const text = runs.length ? `已运行定时任务：${runs.join('；')}` : '这段时间没有到期的定时任务';
  $('#clock-status').textContent = text;
  notice(`时间已调到 ${when}。${text}`);
}

// ---------- demo status ----------

function showDemoStatus(demo) {
  const el = $('#demo-status');
  if (demo.error) el.textContent = `演示数据加载失败：${demo.error}（重启服务可继续）`;
  else if (!demo.loaded) el.textContent = `演示公司数据加载中：${demo.repsDone}/${demo.repsTotal} 名销售…`;
  else el.textContent = demo.size ? `演示公司：${demo.size} 名销售 · 种子 ${demo.seed}` : '';
  if (!demo.loaded && !demo.error) setTimeout(async () => showDemoStatus((await api('/sim/api/status')).demo), 2000);
}

// ---------- outbox ----------

function showView(view) {
  state.view = view;
  document.body.dataset.view = view;
  $('#nav-chat').classList.toggle('active', view === 'chat');
  $('#nav-outbox').classList.toggle('active', view === 'outbox');
  if (view === 'outbox') loadOutbox();
  syncUrl();
}

async function loadOutbox() {
  const { calls, deliveries, totals } = await api('/sim/api/outbox');
  const name = (conv) => {
    if (conv.startsWith('user:')) return `单聊 ${state.people.get(conv.slice(5))?.name ?? conv.slice(5)}`;
    const c = state.conversations.find((x) => x.id === conv);
    return `群 ${c?.title ?? conv.slice(6)}`;
  };
  const summary = (d) => (d.type === 'image' ? d.mediaId : d.type === 'card' ? `${d.title ?? ''} (${d.outTrackId})` : d.title || (d.text ?? '')).slice(0, 80);
  $('#outbox-deliveries').replaceChildren(
    ...deliveries
      .slice()
      .reverse()
      .map((d) => h('tr', {}, h('td', {}, d.seq), h('td', {}, formatTime(d.simAt, state.zone, true)), h('td', {}, d.via), h('td', {}, name(d.conversation)), h('td', {}, d.type), h('td.summary', {}, summary(d)))),
  );
  $('#outbox-calls').replaceChildren(
    ...calls
      .slice()
      .reverse()
      .map((c) =>
        h(
          `tr${c.status >= 400 ? '.bad' : ''}`,
          {},
          h('td', {}, c.seq),
          h('td', {}, new Date(c.at).toLocaleTimeString('zh-CN', { hour12: false })),
          h('td', {}, c.method),
          h('td', {}, c.api),
          h('td', {}, c.status || '…', c.injected ? '（注入故障）' : ''),
          h('td.summary', {}, h('details', {}, h('summary', {}, c.path), h('pre', {}, typeof c.body === 'string' ? c.body : JSON.stringify(c.body, null, 2)))),
        ),
      ),
  );
  const shown = totals.deliveries > deliveries.length || totals.calls > calls.length ? `（显示最近 ${deliveries.length} 条投递、${calls.length} 次调用）` : '';
  $('#outbox-count').textContent = `${totals.deliveries} 条投递 · ${totals.calls} 次 OpenAPI 调用${shown}`;
}

boot().catch((err) => {
  document.body.prepend(h('div.fatal', {}, `模拟器启动失败：${err.message}`));
});
