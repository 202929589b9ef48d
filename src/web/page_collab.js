// page_collab.js - one collaboration, for the office and for the company's administrators:
// its terms, state, the delivery state of its invitation e-mail (office), its history, and
// what the reader may do now. Terms (variant, payer, period) and the end are for full office
// users: a limited user sees them disabled, with the reason. Changes carry the version read
// (If-Match) so that nobody overwrites a change they have not seen.
import { post, call, all } from './api.js';
import { t } from './i18n.js';
import { h, field, form, facts, page, badge, date, toast, today, clearErrors, showError } from './ui.js';
import { loadVariants, variantName } from './page_activate.js';
import { connectTask } from './page_lists.js';

export async function collaborationPage(who, id) {
  const variants = await loadVariants();
  const r = await call('GET', `/v1/collaborations/${id}`);
  const c = r.data;
  const events = await all(`/v1/collaborations/${id}/events?limit=100`, 5);
  const office = who.kind === 'office_user';
  const title = office ? t('collab.title_office', { name: c.customer_name || c.company.name })
                       : t('collab.title_customer', { office: c.office_name });
  const actions = h('section.actions-panel', { 'aria-label': t('collab.actions') });
  page(title,
    facts([
      [t('field.state'), badge(c.state)],
      office ? [t('field.company'), `${c.company.name} (${c.company.corporate_id})`]
             : [t('field.office'), c.office_name],
      [t('field.way'), t(`way.${c.way}`)],
      [t('field.variant'), variantName(c.variant)],
      [t('field.payer'), t(`payer.${c.invoice_recipient}`)],
      [t('field.period'), t('months', { n: c.agreement_period_months })],
      c.starts_on ? [t('collab.starts'), date(c.starts_on)] : null,
      c.renews_on ? [t('collab.renews'), date(c.renews_on)] : null,
      c.state === 'invited' ? [t('inv.expires'), date(c.expires_at)] : null,
      c.administrator ? [t('activate.admin'), `${c.administrator.name} <${c.administrator.email}>${c.administrator.confirmed ? '' : ` (${t('collab.unconfirmed')})`}`] : null,
      office && c.invitation_email ? [t('collab.mail'), mailState(c.invitation_email)] : null,
      c.reminders?.count ? [t('collab.reminders'), String(c.reminders.count)] : null,
      c.service_decision_pending ? [t('collab.service'), t('collab.decision_pending')] : null,
      c.keep_service !== null ? [t('collab.service'), t(c.keep_service ? 'collab.kept' : 'collab.deactivated')] : null,
    ]),
    actions,
    h('h2', {}, t('collab.history')), history(events));
  const again = () => location.reload();
  actions.append(...(office ? officeActions(who, c, r.etag, again, variants) : customerActions(c, again)));
}

function mailState(m) {
  const s = t(`mail.${m.status}`);
  return m.status === 'failed' && m.last_error ? `${s}: ${m.last_error}` : `${s}${m.sent_at ? ` (${date(m.sent_at)})` : ''}`;
}

function history(events) {
  if (!events.length) return h('p', {}, t('collab.no_history'));
  return h('table.history', {},
    h('thead', {}, h('tr', {}, [t('history.when'), t('history.who'), t('history.what'), t('history.state'), t('history.reason')]
      .map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, events.map((e) => h('tr', {},
      h('td', {}, date(e.at)),
      h('td', {}, e.actor.kind === 'system' ? t('history.system')
        : `${e.actor.name || t(`actor.${e.actor.kind}`)}${e.actor.role ? ` (${t(`role.${e.actor.role}`, e.actor.role)})` : ''}`),
      h('td', {}, t(`event.${e.event}`, e.event)),
      h('td', {}, e.from ? `${t(`state.${e.from}`)} → ${t(`state.${e.to}`)}` : t(`state.${e.to}`)),
      h('td', {}, e.reason || '')))));
}

function section(title, ...content) {
  return h('div.answer', {}, h('h2', {}, title), ...content);
}

// A form that posts one action of the collaboration with an optional reason, then reloads.
// opts: {disabled, reason (why it is disabled)}.
function reasonForm(c, action, button, label, again, opts = {}) {
  return form([field({ name: 'reason', label: t('field.reason'), type: 'textarea',
                       disabled: opts.disabled, reason: opts.reason })],
    button, async (v) => {
      await post(`/v1/collaborations/${c.id}/${action}`, v.reason ? { reason: v.reason } : {});
      again();
    }, { label, disabled: opts.disabled });
}

function officeActions(who, c, etag, again, variants) {
  const out = [];
  const full = who.capabilities.includes('collaborations.change_terms');
  const byOffice = c.initiated_by === 'office';
  if (c.state === 'invited' && byOffice) {
    out.push(section(t('collab.sent_title'),
      form([], t('collab.remind'), async () => {
        await post(`/v1/collaborations/${c.id}/reminders`);
        toast(t('collab.reminded'));
        again();
      }, { label: t('collab.remind') }),
      reasonForm(c, 'withdraw', t('collab.withdraw'), t('collab.withdraw'), again)));
  }
  if (byOffice && (c.state === 'invited' || (c.state === 'approved' && c.starts_on))) {
    out.push(startSection(c, etag, full, again));
  }
  if (c.state === 'invited' && !byOffice) out.push(acceptSection(who, c, again));
  if (c.state === 'approved' && !c.task_id) out.push(connectTask(who, c, again));
  if (c.state === 'active') out.push(termsSection(c, etag, full, again, variants));
  if (['approved', 'active'].includes(c.state)) {
    const reason = full ? null : t('collab.limited_reason');
    out.push(section(t('collab.end_title'),
      h('p', {}, t('collab.end_office_text')),
      reasonForm(c, 'end', t('collab.end'), t('collab.end_title'), again, { disabled: !full, reason })));
  }
  return out;
}

// A customer's invitation to the office: accepted here (or through the e-mail's link) by
// confirming the office's corporate ID and e-mail and accepting the terms' version in force;
// or declined.
function acceptSection(who, c, again) {
  return section(t('inv.accept_title'), h('p', {}, t('inv.accept_text')),
    facts([[t('inv.terms'), t('inv.terms_version', { v: c.terms_version })]]),
    form([
      field({ name: 'corporate_id', label: t('field.office_corporate_id'), required: true }),
      field({ name: 'email', label: t('field.office_email'), type: 'email', required: true }),
      field({ name: 'terms_version', label: t('inv.accept_terms', { v: c.terms_version }), type: 'checkbox', required: true }),
    ], t('inv.accept'), async (v, f) => {
      if (!v.terms_version) {
        f.querySelector('[data-field="terms_version"] .field-error').textContent = t('inv.terms_needed');
        return;
      }
      await post(`/v1/collaborations/${c.id}/accept`, { corporate_id: v.corporate_id, email: v.email,
                                                         terms_version: c.terms_version });
      again();
    }, { label: t('inv.accept_title') }),
    reasonForm(c, 'decline', t('inv.decline'), t('inv.decline_title'), again));
}

// The scheduled start of the office's invitation, or of an approved collaboration that has not
// started yet: moved to another day or cleared (an invitation then starts on approval, an
// approved collaboration today). The server's refusal of a day is shown next to the field.
// Limited users see it disabled, with the reason.
function startSection(c, etag, full, again) {
  const reason = full ? null : t('collab.limited_reason');
  const input = field({ name: 'starts_on', label: t('field.starts_on'), type: 'date', value: c.starts_on || '',
                        disabled: !full, reason,
                        hint: t(c.state === 'invited' ? 'collab.start_hint_invited' : 'collab.start_hint_approved') });
  input.querySelector('input').min = today();
  const save = async (on) => {
    await call('PATCH', `/v1/collaborations/${c.id}`, { body: { starts_on: on }, etag });
    again();
  };
  const clear = h('button', { type: 'button', disabled: !full || !c.starts_on }, t('collab.start_clear'));
  const f = form([input], t('collab.start_save'), async (v) => {
    if (v.starts_on === (c.starts_on || '')) throw Object.assign(new Error(t('collab.nothing_changed')), { errors: [] });
    await save(v.starts_on || null);
  }, { label: t('collab.start_title'), disabled: !full, buttons: clear });
  clear.addEventListener('click', async () => {
    clearErrors(f);
    try {
      await save(null);
    } catch (e) {
      showError(f, e);
    }
  });
  return section(t('collab.start_title'), f);
}

// Variant (judged against the company's current one: a downgrade is refused with the
// support message), payer and period. Limited users see them disabled, with the reason.
function termsSection(c, etag, full, again, variantList) {
  const reason = full ? null : t('collab.limited_reason');
  const variantForm = form([
    field({ name: 'variant', label: t('field.variant'), type: 'select', value: c.variant, disabled: !full, reason,
            options: variantList.map((v) => [v.code, v.name]) }),
  ], t('collab.change_variant'), async (v) => {
    await post(`/v1/collaborations/${c.id}/variant-changes`, { variant: v.variant });
    again();
  }, { label: t('collab.change_variant'), disabled: !full });
  const terms = form([
    field({ name: 'invoice_recipient', label: t('field.payer'), type: 'select', value: c.invoice_recipient, disabled: !full, reason,
            options: [['customer', t('payer.customer')], ['office', t('payer.office')]] }),
    field({ name: 'agreement_period_months', label: t('field.period'), type: 'select', value: String(c.agreement_period_months),
            disabled: !full, reason, options: [['3', t('months', { n: 3 })], ['12', t('months', { n: 12 })]] }),
  ], t('collab.change_terms'), async (v) => {
    const body = {};
    if (v.invoice_recipient !== c.invoice_recipient) body.invoice_recipient = v.invoice_recipient;
    if (Number(v.agreement_period_months) !== c.agreement_period_months) body.agreement_period_months = Number(v.agreement_period_months);
    if (!Object.keys(body).length) throw Object.assign(new Error(t('collab.nothing_changed')), { errors: [] });
    await call('PATCH', `/v1/collaborations/${c.id}`, { body, etag });
    again();
  }, { label: t('collab.change_terms'), disabled: !full });
  return section(t('collab.terms_title'), variantForm, terms);
}

function customerActions(c, again) {
  const out = [];
  if (c.state === 'invited' && c.initiated_by === 'office') {
    out.push(section(t('inv.approve_title'),
      form([], t('inv.approve'), async () => {
        await post(`/v1/collaborations/${c.id}/approve`);
        again();
      }, { label: t('inv.approve_title') }),
      reasonForm(c, 'decline', t('inv.decline'), t('inv.decline_title'), again)));
  }
  if (c.state === 'invited' && c.initiated_by === 'customer') {
    out.push(section(t('collab.sent_title'), form([], t('collab.withdraw'), async () => {
      await post(`/v1/collaborations/${c.id}/withdraw`);
      again();
    }, { label: t('collab.withdraw') })));
  }
  const keep = () => field({ name: 'keep_service', label: t('collab.keep_question'), type: 'radio', required: true,
                             options: [['true', t('collab.keep')], ['false', t('collab.deactivate')]] });
  if (['approved', 'active'].includes(c.state)) {
    out.push(section(t('collab.end_title'), h('p', {}, t('collab.end_customer_text')),
      form([keep(), field({ name: 'reason', label: t('field.reason'), type: 'textarea' })], t('collab.end'), async (v) => {
        const body = { keep_service: v.keep_service === 'true' };
        if (v.keep_service === undefined) delete body.keep_service;
        if (v.reason) body.reason = v.reason;
        await post(`/v1/collaborations/${c.id}/end`, body);
        again();
      }, { label: t('collab.end_title') })));
  }
  if (c.service_decision_pending) {
    out.push(section(t('collab.decide_title'), form([keep()], t('collab.decide'), async (v) => {
      await post(`/v1/collaborations/${c.id}/service-decision`, { keep_service: v.keep_service === 'true' });
      again();
    }, { label: t('collab.decide_title') })));
  }
  return out;
}
