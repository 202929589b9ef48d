// page_invitation.js - what the link in an invitation e-mail opens (/invitation#token=...),
// with no other login: who invites, the company, the variant and its features, who pays, the
// period, until when the link works; and the answers the invitation takes now (approve,
// decline with a reason, accept for an office, ask for a new one after expiry). Everything
// comes from /v1/invitations/{token}, which shows nothing the office keeps to itself.
import { get, post } from './api.js';
import { t } from './i18n.js';
import { h, field, form, facts, page, date, badge, problemWords } from './ui.js';

export async function invitationPage() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!token) return page(t('inv.title'), h('p.form-error', { role: 'alert' }, t('inv.no_token')));
  const base = `/v1/invitations/${encodeURIComponent(token)}`;
  let inv;
  try {
    inv = await get(base);
  } catch (e) {
    return page(t('inv.title'), h('p.form-error', { role: 'alert' },
      e.status === 404 ? t('inv.unknown') : problemWords(e)));
  }
  const variant = await get(`/v1/variants/${inv.variant}`).catch(() => null);
  const byOffice = inv.initiated_by === 'office';
  const title = byOffice ? t('inv.title_customer', { office: inv.office.name })
                         : t('inv.title_office', { company: inv.company.name });
  const status = h('div.notice', { role: 'status', tabindex: '-1' });
  const answers = h('section.answers', { 'aria-label': t('inv.answer') });
  page(title,
    h('p.lead', {}, byOffice ? t(inv.way === 'new_customer' ? 'inv.lead_new' : 'inv.lead_customer',
      { office: inv.office.name, company: inv.company.name })
      : t('inv.lead_office', { company: inv.company.name })),
    facts([
      [t('inv.state'), badge(inv.state)],
      [t('inv.from'), byOffice ? inv.office.name : inv.company.name],
      [t('field.company'), `${inv.company.name} (${inv.company.corporate_id})`],
      [t('field.variant'), variant ? variant.name : inv.variant],
      [t('inv.features'), variant ? h('ul.features', {}, variant.features.map((f) =>
        h('li', {}, t(`feature.${f}`, f)))) : '–'],
      [t('field.payer'), t(`payer.${inv.invoice_recipient}`)],
      [t('field.period'), t('months', { n: inv.agreement_period_months })],
      [inv.state === 'expired' ? t('inv.expired_at') : t('inv.expires'), date(inv.expires_at)],
      inv.terms_version ? [t('inv.terms'), t('inv.terms_version', { v: inv.terms_version })] : null,
    ]),
    status, answers);
  drawAnswers(inv, base, answers, status);
}

function drawAnswers(inv, base, answers, status) {
  const done = async (words) => {
    answers.replaceChildren();
    status.textContent = words;
    status.focus();
    const again = await get(base).catch(() => null);
    if (again) document.querySelector('.facts dd .badge')?.replaceWith(badge(again.state));
  };
  const parts = [];
  if (!inv.answers.length) {
    parts.push(h('p', {}, t(`inv.closed.${inv.state}`, t('inv.closed'))));
  }
  if (inv.answers.includes('approve')) {
    parts.push(h('div.answer', {}, h('h2', {}, t('inv.approve_title')),
      h('p', {}, t('inv.approve_text')),
      form([], t('inv.approve'), async () => {
        const r = await post(`${base}/approve`);
        await done(t(r.state === 'active' ? 'inv.approved_active' : 'inv.approved'));
      }, { label: t('inv.approve_title') })));
  }
  if (inv.answers.includes('accept')) {
    parts.push(h('div.answer', {}, h('h2', {}, t('inv.accept_title')),
      h('p', {}, t('inv.accept_text')),
      form([
        field({ name: 'corporate_id', label: t('field.office_corporate_id'), required: true }),
        field({ name: 'email', label: t('field.office_email'), type: 'email', required: true }),
        field({ name: 'terms_version', label: t('inv.accept_terms', { v: inv.terms_version }),
                type: 'checkbox', required: true }),
      ], t('inv.accept'), async (v, f) => {
        if (!v.terms_version) {
          const slot = f.querySelector('[data-field="terms_version"] .field-error');
          slot.textContent = t('inv.terms_needed');
          return;
        }
        await post(`${base}/accept`, { corporate_id: v.corporate_id, email: v.email,
                                       terms_version: inv.terms_version });
        await done(t('inv.accepted'));
      }, { label: t('inv.accept_title') })));
  }
  if (inv.answers.includes('decline')) {
    parts.push(h('div.answer', {}, h('h2', {}, t('inv.decline_title')),
      form([field({ name: 'reason', label: t('field.reason'), type: 'textarea',
                    hint: t('inv.reason_hint') })],
      t('inv.decline'), async (v) => {
        await post(`${base}/decline`, v.reason ? { reason: v.reason } : {});
        await done(t('inv.declined'));
      }, { label: t('inv.decline_title') })));
  }
  if (inv.answers.includes('renewal-requests')) {
    parts.push(h('div.answer', {}, h('h2', {}, t('inv.renew_title')),
      h('p', {}, t('inv.renew_text')),
      form([field({ name: 'reason', label: t('field.reason'), type: 'textarea' })],
        t('inv.renew'), async (v) => {
          await post(`${base}/renewal-requests`, v.reason ? { reason: v.reason } : {});
          await done(t('inv.renew_sent'));
        }, { label: t('inv.renew_title') })));
  }
  answers.replaceChildren(...parts);
}
