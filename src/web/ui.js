// ui.js - small DOM helpers shared by the pages: an element builder (text is always set as
// text, never parsed as HTML), labelled form fields with an error slot each, showing an API
// problem next to the fields it names, dialogs that keep and return focus, and formatting.
import { t, lang } from './i18n.js';

// h('tag.class#id', {attr: value, onclick: fn}, ...children): children are nodes or text.
export function h(spec, attrs = {}, ...children) {
  const [, tag, rest] = spec.match(/^([a-z0-9]+)(.*)$/);
  const el = document.createElement(tag);
  for (const m of rest.matchAll(/([.#])([^.#]+)/g)) {
    if (m[1] === '.') el.classList.add(m[2]);
    else el.id = m[2];
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let uid = 0;
// A labelled field: {name, label, type ('text'|'email'|'select'|'textarea'|'radio'|'checkbox'),
// options [[value, label]], value, required, hint, disabled, reason (why disabled)}.
// Returns the wrapper; its control carries name, its error slot is .field-error.
export function field(f) {
  const id = `f${++uid}`;
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const described = [f.hint || f.reason ? hintId : null, errId].filter(Boolean).join(' ');
  const common = { id, name: f.name, required: f.required, disabled: f.disabled,
                   'aria-describedby': described, autocomplete: f.autocomplete || 'off' };
  let control;
  if (f.type === 'select') {
    control = h('select', common, (f.options || []).map(([v, l]) =>
      h('option', { value: v, selected: String(v) === String(f.value ?? '') }, l)));
  } else if (f.type === 'textarea') {
    control = h('textarea', { ...common, rows: 3, maxlength: f.maxlength || 500 });
    control.value = f.value ?? '';
  } else if (f.type === 'radio') {
    const group = h('fieldset.radios', { 'aria-describedby': described },
      h('legend', {}, f.label),
      (f.options || []).map(([v, l, extra], i) => {
        const rid = `${id}-${i}`;
        return h('div.radio', {},
          h('input', { type: 'radio', id: rid, name: f.name, value: v, disabled: f.disabled,
                       checked: String(v) === String(f.value ?? ''), required: f.required }),
          h('label', { for: rid }, l, extra ? h('span.muted', {}, ` ${extra}`) : null));
      }));
    return h('div.field', { 'data-field': f.name }, group,
      f.hint || f.reason ? h('p.hint', { id: hintId }, f.reason || f.hint) : null,
      h('p.field-error', { id: errId, role: 'alert' }));
  } else if (f.type === 'checkbox') {
    control = h('input', { ...common, type: 'checkbox', value: 'yes', checked: f.value });
    return h('div.field.check', { 'data-field': f.name }, control,
      h('label', { for: id }, f.label),
      f.hint || f.reason ? h('p.hint', { id: hintId }, f.reason || f.hint) : null,
      h('p.field-error', { id: errId, role: 'alert' }));
  } else {
    control = h('input', { ...common, type: f.type || 'text', value: f.value ?? '',
                           inputmode: f.inputmode, maxlength: f.maxlength });
  }
  return h('div.field', { 'data-field': f.name },
    h('label', { for: id }, f.label),
    control,
    f.hint || f.reason ? h('p.hint', { id: hintId }, f.reason || f.hint) : null,
    h('p.field-error', { id: errId, role: 'alert' }));
}

// A form: fields, a place for errors that concern no single field, a submit button.
// onsubmit(values, form) may throw an ApiError: it is shown in words next to its fields.
export function form(fields, submitLabel, onsubmit, extra = {}) {
  const general = h('p.form-error', { role: 'alert' });
  const button = h('button.primary', { type: 'submit', disabled: extra.disabled }, submitLabel);
  const el = h('form', { novalidate: true, 'aria-label': extra.label }, general, fields,
               extra.after || null, h('div.actions', {}, button, extra.buttons || null));
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(el);
    button.disabled = true;
    el.setAttribute('aria-busy', 'true');
    try {
      await onsubmit(values(el), el);
    } catch (e) {
      showError(el, e);
    } finally {
      button.disabled = !!extra.disabled;
      el.removeAttribute('aria-busy');
    }
  });
  return el;
}

export function values(formEl) {
  const out = {};
  for (const c of formEl.elements) {
    if (!c.name || c.disabled) continue;
    if (c.type === 'radio') {
      if (c.checked) out[c.name] = c.value;
    } else if (c.type === 'checkbox') {
      out[c.name] = c.checked;
    } else {
      out[c.name] = c.value.trim();
    }
  }
  return out;
}

export function clearErrors(formEl) {
  for (const e of formEl.querySelectorAll('.field-error, .form-error')) e.textContent = '';
  for (const c of formEl.querySelectorAll('[aria-invalid]')) c.removeAttribute('aria-invalid');
}

// Shows an error in words: each field the API named gets its message next to it (the first
// one is focused); the rest, and the detail, go above the form. Nothing fails silently.
export function showError(formEl, e) {
  const general = formEl.querySelector('.form-error');
  const rest = [];
  let first = null;
  for (const fe of e.errors || []) {
    const slot = findField(formEl, fe.field);
    if (slot) {
      slot.querySelector('.field-error').textContent = fe.message;
      const c = slot.querySelector('input, select, textarea');
      if (c) c.setAttribute('aria-invalid', 'true');
      first = first || c;
    } else {
      rest.push(`${fe.field}: ${fe.message}`);
    }
  }
  const named = e.problem?.field && findField(formEl, e.problem.field);
  const fieldSlot = named || (e.errors?.length ? null : findField(formEl, fieldOfCode(e.code)));
  const words = problemWords(e);
  if (fieldSlot && !e.errors?.length) {
    fieldSlot.querySelector('.field-error').textContent = words;
    first = fieldSlot.querySelector('input, select, textarea');
    if (first) first.setAttribute('aria-invalid', 'true');
  } else if (!e.errors?.length || rest.length) {
    general.textContent = [e.errors?.length ? t('err.fields') : words, ...rest].join(' ');
  }
  if (first) first.focus();
  else general.focus?.();
}

// Problems that concern one field of the forms here, by their code.
function fieldOfCode(code) {
  return { downgrade_requires_support: 'variant', task_required: 'task_id',
           identity_mismatch: 'corporate_id',
           administrator_already_named: 'administrator.email' }[code];
}

function findField(formEl, name) {
  if (!name) return null;
  return formEl.querySelector(`[data-field="${CSS.escape(name)}"]`) ||
         formEl.querySelector(`[data-field="${CSS.escape(name.split('.').pop())}"]`) ||
         formEl.querySelector(`[data-field="${CSS.escape(name.replace('.', '_'))}"]`);
}

// An API problem in the reader's words: ours for the codes the pages know (in the page's
// language), else the server's own detail.
export function problemWords(e) {
  if (e.status === 0) return t('problem.network');
  return t(`problem.${e.code}`, null) || e.problem?.detail || e.message;
}

// A modal dialog (<dialog>, so focus is trapped and Escape closes it). Focus goes to its
// first control and back to the opener when it closes. Returns {el, close}.
export function dialog(title, body, opener) {
  const titleId = `d${++uid}`;
  const close = () => el.close();
  const el = h('dialog', { 'aria-labelledby': titleId },
    h('div.dialog-head', {}, h('h2', { id: titleId }, title),
      h('button.link', { type: 'button', onclick: close, 'aria-label': t('close') }, '×')),
    body);
  el.addEventListener('close', () => {
    el.remove();
    if (opener && document.contains(opener)) opener.focus();
  });
  document.body.append(el);
  el.showModal();
  const first = el.querySelector('input:not([disabled]), select, textarea, button.primary');
  if (first) first.focus();
  return { el, close };
}

export function toast(text) {
  const el = document.getElementById('toast');
  el.textContent = text;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.textContent = ''; }, 6000);
}

export function date(iso) {
  if (!iso) return '–';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  const opts = iso.length === 10 ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(lang() === 'sv' ? 'sv-SE' : 'en-GB', opts).format(d);
}

// Today's date (YYYY-MM-DD) in the offices' time zone, as the server judges a start date.
export function today() {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
}

// <dl> of [term, value] pairs (a value may be a node).
export function facts(pairs) {
  return h('dl.facts', {}, pairs.filter(Boolean).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '–')]));
}

export function badge(state) {
  return h(`span.badge.s-${state}`, {}, t(`state.${state}`));
}

// Puts the page's content in <main> and gives it a heading (focus moves to it for readers).
export function page(title, ...content) {
  const main = document.getElementById('main');
  document.title = `${title} – Advisor`;
  main.replaceChildren(h('h1', { tabindex: '-1' }, title), ...content);
}
