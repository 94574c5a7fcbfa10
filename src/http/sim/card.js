// Draws an interactive card from its cards/*.json layout, the way the card platform would: ${var} filled
// from the card's data (cardParamMap + the viewer's privateData), visibleIf, inputs, and buttons whose
// click sends {action, ...params, ...form values} back through the card-callback path.
import { h } from './dom.js';
import { renderMarkdown } from './markdown.js';

const HEADER_COLORS = { blue: '#3296fa', green: '#15bc83', red: '#f25643', orange: '#ff943e', gray: '#8f959e', grey: '#8f959e' };

export function interpolate(text, data) {
  return String(text ?? '').replace(/\$\{([a-zA-Z][a-zA-Z0-9_]*)\}/g, (_, k) => data[k] ?? '');
}

const visible = (c, data) => !c.visibleIf || data[c.visibleIf] === 'true';

/** Options of a select: a literal list, or a json variable holding [{value,label}] (or plain strings). */
function optionsOf(spec, data) {
  if (Array.isArray(spec)) return spec;
  try {
    const parsed = JSON.parse(interpolate(spec, data) || '[]');
    return Array.isArray(parsed) ? parsed.map((o) => (typeof o === 'string' ? { value: o, label: o } : { value: String(o.value), label: String(o.label ?? o.value) })) : [];
  } catch {
    return [];
  }
}

/** Labels and placeholders may be variables too (the goal form's metric labels carry their unit). */
function withTexts(c, data) {
  if (c.label === undefined && c.placeholder === undefined) return c;
  return { ...c, label: c.label === undefined ? undefined : interpolate(c.label, data), placeholder: c.placeholder === undefined ? undefined : interpolate(c.placeholder, data) };
}

/** A multiselect's current value: a JSON array or a comma/、-separated list. */
function valuesOf(raw) {
  if (!raw) return [];
  try {
    const v = JSON.parse(raw);
    if (Array.isArray(v)) return v.map(String);
  } catch {
    /* not JSON */
  }
  return raw.split(/[,，、]/).map((s) => s.trim()).filter(Boolean);
}

/**
 * @param view {outTrackId, templateId, template, data, updates}
 * @param onAction async (params) => void — sends the click; rejects with a message on failure
 */
export function renderCard(view, onAction) {
  const { template, data } = view;
  const root = h('div.card', { dataset: { outTrackId: view.outTrackId, updates: String(view.updates) } });
  if (!template) {
    root.append(h('div.card-header', { style: { '--card-color': HEADER_COLORS.gray } }, `互动卡片 ${view.templateId}`));
    root.append(h('div.card-body', {}, h('pre.card-raw', {}, JSON.stringify(data, null, 2))));
    return root;
  }
  const fields = []; // { spec, read(): value }
  const body = h('div.card-body');
  const errorLine = h('div.card-error', { role: 'alert' });
  for (const raw of template.layout) {
    if (!visible(raw, data)) continue;
    const c = withTexts(raw, data);
    switch (c.type) {
      case 'header': {
        const color = HEADER_COLORS[interpolate(c.color, data)] ?? HEADER_COLORS.blue;
        root.append(h('div.card-header', { style: { '--card-color': color } }, interpolate(c.text, data)));
        break;
      }
      case 'markdown': {
        const text = interpolate(c.text, data);
        if (text.trim()) body.append(h('div.card-md.md', { html: renderMarkdown(text) }));
        break;
      }
      case 'image': {
        const id = interpolate(c.mediaId, data);
        const src = `/sim/api/media/${encodeURIComponent(id)}`;
        if (id) body.append(h('a.card-img-link', { href: src, target: '_blank', title: '查看大图' }, h('img.card-img', { src, alt: c.alt ?? '图片' })));
        break;
      }
      case 'divider':
        body.append(h('hr.card-divider'));
        break;
      case 'input':
      case 'number':
      case 'textarea': {
        // Numbers are typed as text: people write "80万" or "0.8亿", and the bot validates them.
        const el =
          c.type === 'textarea'
            ? h('textarea.card-input', { name: c.name, rows: 3, placeholder: c.placeholder ?? '' })
            : h('input.card-input', { name: c.name, type: 'text', inputmode: c.type === 'number' ? 'decimal' : undefined, placeholder: c.placeholder ?? '' });
        el.value = interpolate(c.value, data);
        body.append(field(c, el));
        fields.push({ spec: c, read: () => el.value.trim() });
        break;
      }
      case 'select': {
        const current = interpolate(c.value, data);
        const el = h('select.card-input', { name: c.name }, h('option', { value: '' }, '请选择'), optionsOf(c.options, data).map((o) => h('option', { value: o.value, selected: o.value === current }, o.label)));
        body.append(field(c, el));
        fields.push({ spec: c, read: () => el.value });
        break;
      }
      case 'multiselect': {
        const current = new Set(valuesOf(interpolate(c.value, data)));
        const boxes = optionsOf(c.options, data).map((o) => {
          const box = h('input', { type: 'checkbox', value: o.value, checked: current.has(o.value) });
          return { box, label: h('label.chip', {}, box, o.label) };
        });
        body.append(field(c, h('div.chips', { dataset: { name: c.name } }, boxes.map((b) => b.label))));
        fields.push({ spec: c, read: () => boxes.filter((b) => b.box.checked).map((b) => b.box.value) });
        break;
      }
      case 'buttons': {
        const row = h('div.card-buttons');
        for (const b of c.buttons) {
          if (b.visibleIf && data[b.visibleIf] !== 'true') continue;
          const btn = h(`button.card-btn.card-btn-${b.style ?? 'default'}`, { type: 'button' }, interpolate(b.text, data));
          btn.addEventListener('click', () => click(b, btn));
          row.append(btn);
        }
        body.append(row);
        break;
      }
      default:
        body.append(h('div.card-unknown', {}, `（模拟器不认识的组件：${c.type}）`));
    }
  }
  root.append(body, errorLine);
  root.addEventListener('input', () => (errorLine.textContent = ''));

  async function click(b, btn) {
    errorLine.textContent = '';
    const params = { action: b.action };
    for (const [k, v] of Object.entries(b.params ?? {})) params[k] = interpolate(v, data);
    if (b.submitForm) {
      // Like the card platform: required inputs are checked before anything is sent.
      for (const f of fields) {
        const v = f.read();
        if (f.spec.required && (Array.isArray(v) ? v.length === 0 : v === '')) {
          errorLine.textContent = `请填写「${f.spec.label}」`;
          return;
        }
        params[f.spec.name] = v;
      }
    }
    const text = btn.textContent;
    root.querySelectorAll('button').forEach((x) => (x.disabled = true));
    btn.textContent = '提交中…';
    try {
      await onAction(params);
    } catch (err) {
      errorLine.textContent = `发送失败：${err.message}`;
    } finally {
      // The card is usually redrawn by the bot's update; if not, make it usable again.
      setTimeout(() => {
        if (!root.isConnected) return;
        root.querySelectorAll('button').forEach((x) => (x.disabled = false));
        btn.textContent = text;
      }, 1500);
    }
  }
  return root;
}

function field(spec, control) {
  control.setAttribute('aria-label', spec.label);
  return h('div.card-field', {}, h('span.card-label', {}, spec.label, spec.required ? h('span.req', {}, ' *') : null), control);
}
