// page_office.js - the office's customer register (search, add a customer) and a customer's
// page: its company and current variant, its tasks (add one) and a Collaborations tab with
// the Activate dialog (page_activate.js).
import { get, post, all } from './api.js';
import { t } from './i18n.js';
import { h, field, form, facts, page, dialog, badge, date } from './ui.js';
import { activateDialog, variantName, loadVariants } from './page_activate.js';

export async function registerPage(who) {
  const q = new URLSearchParams(location.search).get('q') || '';
  const list = h('div.list', { 'aria-live': 'polite' });
  const search = h('form.search', { role: 'search', action: '/', method: 'get' },
    field({ name: 'q', label: t('register.search'), type: 'search', value: q }),
    h('button', { type: 'submit' }, t('register.search_button')));
  const add = h('button.primary', { type: 'button' }, t('register.add'));
  add.addEventListener('click', () => addCustomerDialog(add));
  if (!who.capabilities.includes('customers.write')) add.disabled = true;
  page(t('register.title'), h('div.toolbar', {}, search, add), list);
  const customers = await all(`/v1/customers?limit=100${q ? `&q=${encodeURIComponent(q)}` : ''}`, 3);
  if (!customers.length) {
    list.replaceChildren(h('p', {}, q ? t('register.none_found') : t('register.empty')));
    return;
  }
  await loadVariants();
  list.replaceChildren(h('table', {},
    h('caption.sr', {}, t('register.title')),
    h('thead', {}, h('tr', {}, [t('field.name'), t('field.corporate_id'), t('field.relation'),
      t('field.variant'), t('register.open')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, customers.map((c) => h('tr', {},
      h('td', {}, h('a', { href: `/customers/${c.id}` }, c.name)),
      h('td', {}, c.company.corporate_id),
      h('td', {}, t(`relation.${c.company.relation}`)),
      h('td', {}, c.company.subscription ? variantName(c.company.subscription.variant) : '–'),
      h('td', {}, c.has_open_collaboration ? t('yes') : t('no')))))));
}

function addCustomerDialog(opener) {
  const d = dialog(t('register.add'), form([
    field({ name: 'corporate_id', label: t('field.corporate_id'), required: true,
            hint: t('hint.corporate_id') }),
    field({ name: 'name', label: t('field.register_name'), required: true,
            hint: t('hint.register_name') }),
    field({ name: 'company_name', label: t('field.company_name'), hint: t('hint.company_name') }),
    field({ name: 'email', label: t('field.email'), type: 'email', required: true }),
    field({ name: 'notes', label: t('field.notes'), type: 'textarea', maxlength: 2000 }),
  ], t('register.add_button'), async (v) => {
    const body = { corporate_id: v.corporate_id, name: v.name, email: v.email };
    if (v.company_name) body.company_name = v.company_name;
    if (v.notes) body.notes = v.notes;
    const c = await post('/v1/customers', body);
    location.assign(`/customers/${c.id}`);
  }, { label: t('register.add') }), opener);
  return d;
}

export async function customerPage(who, id) {
  const [c] = await Promise.all([get(`/v1/customers/${id}`), loadVariants()]);
  const sub = c.company.subscription;
  const tabs = [['overview', t('customer.tab_overview')], ['collaborations', t('customer.tab_collabs')]];
  const panels = {};
  const tablist = h('div.tabs', { role: 'tablist', 'aria-label': t('customer.tabs') });
  const buttons = tabs.map(([key, label], i) => {
    const b = h('button', { type: 'button', role: 'tab', id: `tab-${key}`,
                            'aria-controls': `panel-${key}`, 'aria-selected': String(i === 0),
                            tabindex: i === 0 ? '0' : '-1' }, label);
    panels[key] = h('section.panel', { role: 'tabpanel', id: `panel-${key}`,
                                       'aria-labelledby': `tab-${key}`, tabindex: '0',
                                       hidden: i !== 0 });
    b.addEventListener('click', () => select(key));
    b.addEventListener('keydown', (ev) => {
      const k = { ArrowRight: 1, ArrowLeft: -1 }[ev.key];
      if (!k) return;
      const next = buttons[(buttons.indexOf(b) + k + buttons.length) % buttons.length];
      next.focus();
      next.click();
    });
    return b;
  });
  tablist.append(...buttons);
  function select(key) {
    for (const b of buttons) {
      const on = b.id === `tab-${key}`;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    for (const [k, p] of Object.entries(panels)) p.hidden = k !== key;
    history.replaceState(null, '', key === 'overview' ? location.pathname : `${location.pathname}#${key}`);
  }
  page(c.name,
    facts([
      [t('field.corporate_id'), c.company.corporate_id],
      [t('field.relation'), t(`relation.${c.company.relation}`)],
      [t('customer.current_variant'), sub ? variantName(sub.variant) : t('customer.no_subscription')],
      sub ? [t('field.payer'), t(`payer.${sub.invoice_recipient}`)] : null,
      sub ? [t('field.period'), `${t('months', { n: sub.agreement_period_months })}, ${t('customer.renews', { d: date(sub.renews_on) })}`] : null,
      [t('field.email'), c.email],
      c.notes ? [t('field.notes'), c.notes] : null,
    ]),
    tablist, panels.overview, panels.collaborations);
  await drawTasks(who, c, panels.overview);
  await drawCollabs(who, c, panels.collaborations);
  if (location.hash === '#collaborations') select('collaborations');
}

async function drawTasks(who, c, panel) {
  const tasks = await all(`/v1/customers/${c.id}/tasks?limit=100`, 3);
  const list = tasks.length
    ? h('ul.tasks', {}, tasks.map((tk) => h('li', {}, tk.name, ' ', h('span.muted', {}, `(${t(`task.${tk.status}`)})`))))
    : h('p', {}, t('customer.no_tasks'));
  panel.replaceChildren(h('h2', {}, t('customer.tasks')), list,
    h('h3', {}, t('customer.add_task')),
    form([field({ name: 'name', label: t('field.task_name'), required: true, maxlength: 200 })],
      t('customer.add_task_button'), async (v) => {
        await post(`/v1/customers/${c.id}/tasks`, { name: v.name });
        await drawTasks(who, c, panel);
        panel.querySelector('h2').focus?.();
      }, { label: t('customer.add_task'), disabled: !who.capabilities.includes('tasks.write') }));
}

async function drawCollabs(who, c, panel) {
  const collabs = await all(`/v1/customers/${c.id}/collaborations?limit=100`, 3);
  const open = collabs.find((x) => ['invited', 'approved', 'active'].includes(x.state));
  const can = who.capabilities.includes('collaborations.activate');
  const activate = h('button.primary', { type: 'button', disabled: !can || !!open,
                                         'aria-describedby': 'activate-why' }, t('activate.open'));
  activate.addEventListener('click', () => activateDialog(who, c, activate));
  const why = h('p.hint', { id: 'activate-why' },
    open ? t('activate.has_open') : !can ? t('activate.not_allowed') : '');
  panel.replaceChildren(h('h2', {}, t('customer.tab_collabs')), h('div.toolbar', {}, activate), why,
    collabs.length ? collabTable(collabs) : h('p', {}, t('customer.no_collabs')));
}

export function collabTable(collabs, showCustomer = false) {
  return h('table', {},
    h('thead', {}, h('tr', {}, [showCustomer ? t('field.customer') : null, t('field.variant'),
      t('field.state'), t('field.way'), t('field.created'), t('collab.mail')].filter(Boolean)
      .map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, collabs.map((x) => h('tr', {},
      showCustomer ? h('td', {}, x.customer_name || x.company.name) : null,
      h('td', {}, h('a', { href: `/collaborations/${x.id}` }, variantName(x.variant))),
      h('td', {}, badge(x.state)),
      h('td', {}, t(`way.${x.way}`)),
      h('td', {}, date(x.created_at)),
      h('td', {}, x.invitation_email ? t(`mail.${x.invitation_email.status}`) : '–')))));
}

