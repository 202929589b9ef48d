// page_signin.js - sign in with a link sent by e-mail: the form asks for it (POST /v1/sign-in);
// the link (/sign-in#token=...) completes it (POST /v1/sessions). The token stays in the
// fragment, which the browser never sends; it is taken out of the address at once.
import { post, setCsrf } from './api.js';
import { t } from './i18n.js';
import { h, field, form, page, problemWords } from './ui.js';

export async function signInPage() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (token) {
    history.replaceState(null, '', '/sign-in');
    page(t('signin.title'), h('p', { role: 'status' }, t('signin.completing')));
    try {
      const started = await post('/v1/sessions', { token });
      setCsrf(started.csrf_token);
      location.replace('/');
    } catch (e) {
      page(t('signin.title'),
        h('p.form-error', { role: 'alert' }, e.status === 410 || e.status === 404
          ? t('signin.link_used') : problemWords(e)),
        requestForm());
    }
    return;
  }
  page(t('signin.title'), h('p', {}, t('signin.intro')), requestForm());
}

function requestForm() {
  const done = h('p.ok', { role: 'status' });
  const f = form([field({ name: 'email', label: t('field.email'), type: 'email', required: true,
                          autocomplete: 'email' })],
    t('signin.send'), async (v) => {
      await post('/v1/sign-in', { email: v.email, language: document.documentElement.lang });
      done.textContent = t('signin.sent');
    }, { label: t('signin.title') });
  return h('div', {}, f, done);
}
