// page_company.js - a customer administrator's view of the company: its collaborations with
// offices (each opens with its history; ending one is there), and inviting an office (way 4).
// Only what the company may see: the offices' own names for it and notes never reach it.
import { post, all } from './api.js';
import { t } from './i18n.js';
import { h, field, form, page, badge, date } from './ui.js';
import { loadVariants, variantName } from './page_activate.js';

export async function companyPage(who) {
  const variants = await loadVariants();
  const collabs = await all('/v1/collaborations?limit=100', 3);
  page(who.company.name,
    h('p.lead', {}, t('company.lead', { corporate_id: who.company.corporate_id })),
    h('h2', {}, t('company.collabs')),
    collabs.length ? h('table', {},
      h('thead', {}, h('tr', {}, [t('field.office'), t('field.variant'), t('field.state'), t('field.created')]
        .map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, collabs.map((c) => h('tr', {},
        h('td', {}, h('a', { href: `/collaborations/${c.id}` }, c.office_name)),
        h('td', {}, variantName(c.variant)),
        h('td', {}, badge(c.state)),
        h('td', {}, date(c.created_at))))))
      : h('p', {}, t('company.none')),
    h('h2', {}, t('company.invite')),
    h('p', {}, t('company.invite_text')),
    form([
      field({ name: 'office_corporate_id', label: t('field.office_corporate_id'), required: true, hint: t('hint.corporate_id') }),
      field({ name: 'variant', label: t('field.variant'), type: 'select', value: 'smart',
              options: variants.map((v) => [v.code, v.name]) }),
      field({ name: 'language', label: t('field.mail_language'), type: 'select', value: document.documentElement.lang,
              options: [['sv', 'Svenska'], ['en', 'English']] }),
    ], t('company.invite_submit'), async (v) => {
      const c = await post('/v1/office-invitations', v);
      location.assign(`/collaborations/${c.id}`);
    }, { label: t('company.invite') }));
}
