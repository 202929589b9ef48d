// page_lists.js - the office's invitations: those it sent (remind, withdraw), those customers
// sent it (accepted through the e-mail's link; declined here), and accepted ones waiting for a
// task; and connecting a customer's accepted invitation to a task of the office's register
// (adding the customer and a task when the register has none).
import { post, all } from './api.js';
import { t } from './i18n.js';
import { h, field, form, page, badge, date, toast } from './ui.js';
import { loadVariants, variantName } from './page_activate.js';

export async function invitationsPage(who) {
  await loadVariants();
  const [sent, received, waiting] = await Promise.all([
    all('/v1/collaborations?state=invited&initiated_by=office&limit=100', 3),
    all('/v1/collaborations?state=invited&initiated_by=customer&limit=100', 3),
    all('/v1/collaborations?state=approved&initiated_by=customer&limit=100', 3),
  ]);
  page(t('lists.title'),
    h('h2', {}, t('lists.sent')), sent.length ? sentTable(sent) : h('p', {}, t('lists.none')),
    h('h2', {}, t('lists.received')),
    received.length ? table(received, (c) => h('a', { href: `/collaborations/${c.id}` }, t('lists.answer'))) : h('p', {}, t('lists.none')),
    h('h2', {}, t('lists.waiting')),
    waiting.length ? table(waiting, (c) => h('a', { href: `/collaborations/${c.id}` }, t('lists.connect'))) : h('p', {}, t('lists.none')));
}

function table(items, action) {
  return h('table', {},
    h('thead', {}, h('tr', {}, [t('field.company'), t('field.variant'), t('field.state'), t('inv.expires'), t('collab.mail'), t('collab.actions')]
      .map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, items.map((c) => h('tr', {},
      h('td', {}, h('a', { href: `/collaborations/${c.id}` }, c.customer_name || c.company.name)),
      h('td', {}, variantName(c.variant)),
      h('td', {}, badge(c.state)),
      h('td', {}, date(c.expires_at)),
      h('td', {}, c.invitation_email ? t(`mail.${c.invitation_email.status}`) : '–'),
      h('td.row-actions', {}, action(c))))));
}

function sentTable(items) {
  return table(items, (c) => {
    const remind = h('button', { type: 'button' }, t('collab.remind'));
    const withdraw = h('button', { type: 'button' }, t('collab.withdraw'));
    const name = c.customer_name || c.company.name;
    remind.setAttribute('aria-label', `${t('collab.remind')}: ${name}`);
    withdraw.setAttribute('aria-label', `${t('collab.withdraw')}: ${name}`);
    remind.addEventListener('click', () => act(remind, `/v1/collaborations/${c.id}/reminders`, t('collab.reminded')));
    withdraw.addEventListener('click', () => act(withdraw, `/v1/collaborations/${c.id}/withdraw`, t('collab.withdrawn')));
    return [remind, ' ', withdraw];
  });
}

async function act(button, path, words) {
  button.disabled = true;
  try {
    await post(path);
    toast(words);
    setTimeout(() => location.reload(), 800);
  } catch (e) {
    toast(e.message);
    button.disabled = false;
  }
}

// The office connects an accepted invitation of a customer to one of its tasks: from the
// register entry of the company when there is one, else one made here.
export function connectTask(who, c, again) {
  const box = h('div.answer', {}, h('h2', {}, t('connect.title')), h('p', {}, t('connect.text')));
  (async () => {
    const customers = (await all(`/v1/customers?q=${encodeURIComponent(c.company.corporate_id)}&limit=100`, 2))
      .filter((x) => x.company.corporate_id === c.company.corporate_id);
    const cu = customers[0];
    const tasks = cu ? (await all(`/v1/customers/${cu.id}/tasks?limit=100`, 2)).filter((x) => x.status === 'open') : [];
    const fields = [];
    if (!cu) {
      fields.push(h('p', {}, t('connect.add_customer', { company: c.company.name })),
        field({ name: 'name', label: t('field.register_name'), required: true, value: c.company.name }),
        field({ name: 'email', label: t('field.email'), type: 'email', required: true }));
    }
    if (tasks.length) {
      fields.push(field({ name: 'task_id', label: t('field.task'), type: 'select',
                          options: [['', t('connect.new_task')], ...tasks.map((x) => [x.id, x.name])] }));
    }
    fields.push(field({ name: 'task_name', label: t('connect.task_name'), hint: tasks.length ? t('connect.task_name_hint') : null }));
    box.append(form(fields, t('connect.submit'), async (v) => {
      let customerId = cu?.id;
      if (!customerId) {
        customerId = (await post('/v1/customers', { corporate_id: c.company.corporate_id, name: v.name, email: v.email })).id;
      }
      let taskId = v.task_id;
      if (!taskId) {
        if (!v.task_name) {
          throw Object.assign(new Error(t('connect.task_needed')), { errors: [{ field: 'task_name', message: t('connect.task_needed') }] });
        }
        taskId = (await post(`/v1/customers/${customerId}/tasks`, { name: v.task_name })).id;
      }
      await post(`/v1/collaborations/${c.id}/activate`, { task_id: taskId });
      again();
    }, { label: t('connect.title') }));
  })().catch((e) => box.append(h('p.form-error', { role: 'alert' }, e.message)));
  return box;
}
