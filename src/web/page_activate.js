// page_activate.js - the Activate dialog. The way in follows from the company's relation to
// the vendor: a subscriber (way 1) keeps its agreement, so only a task is asked and the
// variant is judged against its current one (upgrade, same, or a downgrade that only support
// can make); an account (way 2) also needs payer and period; a company with no relation
// (way 3) also needs the person who becomes its administrator. Each variant shows its
// features and, against the current variant, what is gained or lost. An optional start date
// (starts_on) schedules the start: from today to the agreement's renewal; the server's
// refusal of another day is shown next to the field.
import { get, post, all } from './api.js';
import { t } from './i18n.js';
import { h, field, form, dialog, date, today } from './ui.js';

let variants = [];
export async function loadVariants() {
  if (!variants.length) variants = (await get('/v1/variants')).items;
  return variants;
}
export function variantName(code) {
  return variants.find((v) => v.code === code)?.name || code;
}

export async function activateDialog(who, customer, opener) {
  await loadVariants();
  const relation = customer.company.relation;
  const current = customer.company.subscription?.variant;
  const tasks = (await all(`/v1/customers/${customer.id}/tasks?limit=100`, 3))
    .filter((tk) => tk.status === 'open');
  const way = { subscriber: 'subscriber', account: 'account', none: 'new_customer' }[relation];
  const preview = h('div.preview', { 'aria-live': 'polite', id: 'variant-preview' });
  const fields = [
    h('p.way', {}, t(`activate.way_${way}`)),
    tasks.length
      ? field({ name: 'task_id', label: t('field.task'), type: 'select', required: true,
                options: tasks.map((tk) => [tk.id, tk.name]) })
      : h('div.field', { 'data-field': 'task_id' }, h('p.form-error', { role: 'alert' }, t('activate.no_task')),
          h('p.field-error', { role: 'alert' })),
    field({ name: 'variant', label: t('field.variant'), type: 'radio', required: true,
            value: current || 'smart',
            options: variants.map((v) => [v.code, v.name, v.code === current ? t('activate.current') : null]) }),
    preview,
  ];
  if (way !== 'subscriber') {
    fields.push(
      field({ name: 'invoice_recipient', label: t('field.payer'), type: 'radio', required: true,
              value: 'customer', options: [['customer', t('payer.customer')], ['office', t('payer.office')]] }),
      field({ name: 'agreement_period_months', label: t('field.period'), type: 'radio',
              required: true, value: '12', options: [['3', t('months', { n: 3 })], ['12', t('months', { n: 12 })]] }));
  } else {
    fields.push(h('p.hint', {}, t('activate.agreement_continues')));
  }
  if (way === 'new_customer') {
    fields.push(h('fieldset', {}, h('legend', {}, t('activate.admin')),
      h('p.hint', {}, t('activate.admin_hint')),
      field({ name: 'administrator.name', label: t('field.name'), required: true }),
      field({ name: 'administrator.email', label: t('field.email'), type: 'email', required: true }),
      field({ name: 'administrator.phone', label: t('field.phone'), type: 'tel', required: true })));
  }
  const start = field({ name: 'starts_on', label: t('field.starts_on'), type: 'date',
                        hint: way === 'subscriber' && customer.company.subscription?.renews_on
                          ? t('hint.starts_on_renews', { d: date(customer.company.subscription.renews_on) })
                          : t('hint.starts_on') });
  start.querySelector('input').min = today();
  fields.push(start);
  fields.push(field({ name: 'language', label: t('field.mail_language'), type: 'select',
                      value: document.documentElement.lang,
                      options: [['sv', 'Svenska'], ['en', 'English']] }));
  const f = form(fields, t('activate.submit'), async (v) => {
    const body = { task_id: v.task_id, variant: v.variant, language: v.language };
    if (v.starts_on) body.starts_on = v.starts_on;
    if (way !== 'subscriber') {
      body.invoice_recipient = v.invoice_recipient;
      body.agreement_period_months = Number(v.agreement_period_months);
    }
    if (way === 'new_customer') {
      body.administrator = { name: v['administrator.name'], email: v['administrator.email'],
                             phone: v['administrator.phone'] };
    }
    const c = await post(`/v1/customers/${customer.id}/collaborations`, body);
    location.assign(`/collaborations/${c.id}`);
  }, { label: t('activate.title'), disabled: !tasks.length });
  f.addEventListener('change', (ev) => {
    if (ev.target.name === 'variant') showPreview(preview, current, ev.target.value);
  });
  const d = dialog(t('activate.title_for', { name: customer.name }), f, opener);
  showPreview(preview, current, f.querySelector('input[name="variant"]:checked')?.value);
  return d;
}

// What the chosen variant holds and, against the current one, what changes.
async function showPreview(el, from, to) {
  const v = variants.find((x) => x.code === to);
  if (!v) return el.replaceChildren();
  const list = h('ul.features', {}, v.features.map((f) => h('li', {}, t(`feature.${f}`, f))));
  if (!from) return el.replaceChildren(h('p', {}, t('activate.features', { name: v.name })), list);
  const p = await post('/v1/variant-changes/preview', { from, to });
  const words = p.kind === 'same' ? t('preview.same')
    : p.kind === 'upgrade' ? t('preview.upgrade', { f: p.gained_features.map((f) => t(`feature.${f}`, f)).join(', ') })
      : t('preview.downgrade', { f: p.lost_features.map((f) => t(`feature.${f}`, f)).join(', ') || '–' });
  el.replaceChildren(h(`p.preview-${p.kind}`, {}, h('strong', {}, t(`preview.kind_${p.kind}`)), ' ', words), list);
}
