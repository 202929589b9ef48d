// app.js - the web app's entry: picks the language, finds out who is signed in (GET /v1/me),
// draws the header and opens the page the path names. Every page is a module of its own.
import { me, call, setCsrf, all } from './api.js';
import { t, lang, setLang } from './i18n.js';
import { h, page, toast } from './ui.js';
import { signInPage } from './page_signin.js';
import { invitationPage } from './page_invitation.js';
import { registerPage, customerPage } from './page_office.js';
import { collaborationPage } from './page_collab.js';
import { invitationsPage } from './page_lists.js';
import { companyPage } from './page_company.js';
import { batchPage } from './page_batch.js';
import { batchRunPage } from './page_batch_run.js';

function header(who) {
  document.documentElement.lang = lang();
  document.getElementById('skip').textContent = t('skip');
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('nav'));
  const links = [];
  if (who?.kind === 'office_user') {
    links.push(['/', t('nav.register')], ['/collaborations', t('nav.invitations')]);
    if (who.role === 'full') links.push(['/batches', t('nav.batch')]);
  } else if (who?.kind === 'customer_admin') {
    links.push(['/', t('nav.company')]);
  }
  links.push(['/docs', t('nav.docs')]);
  const here = location.pathname;
  nav.replaceChildren(h('ul', {}, links.map(([href, label]) => h('li', {},
    h('a', { href, 'aria-current': href === here ? 'page' : null }, label)))));
  const whoEl = document.getElementById('who');
  whoEl.replaceChildren();
  if (who) {
    const name = who.office?.name || who.company?.name || '';
    whoEl.append(h('span', {}, `${who.email}${name ? ` · ${name}` : ''}`), ' ',
      h('button.link', { type: 'button', onclick: signOut }, t('signout')));
  }
  const other = lang() === 'sv' ? 'en' : 'sv';
  const switcher = document.getElementById('lang');
  switcher.textContent = other === 'en' ? 'English' : 'Svenska';
  switcher.setAttribute('lang', other);
  switcher.onclick = () => {
    setLang(other);
    location.reload();
  };
}

async function signOut() {
  try {
    const sessions = await all('/v1/sessions');
    const current = sessions.find((s) => s.current);
    if (current) await call('DELETE', `/v1/sessions/${current.id}`);
  } catch (e) {
    toast(e.message);
  }
  setCsrf(null);
  location.assign('/sign-in');
}

async function main() {
  const path = location.pathname;
  if (path === '/invitation') {
    header(null);
    return invitationPage();
  }
  if (path === '/sign-in') {
    header(null);
    return signInPage();
  }
  const who = await me();
  header(who);
  if (!who) return signInPage();
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'collaborations' && parts[1]) return collaborationPage(who, parts[1]);
  if (who.kind === 'office_user') {
    if (parts[0] === 'customers' && parts[1]) return customerPage(who, parts[1]);
    if (parts[0] === 'collaborations') return invitationsPage(who);
    if (parts[0] === 'batches') return parts[1] ? batchRunPage(who, parts[1]) : batchPage(who);
    return registerPage(who);
  }
  if (who.kind === 'customer_admin') return companyPage(who);
  return page(t('support.title'), h('p', {}, t('support.text')), h('p', {}, h('a', { href: '/docs' }, t('nav.docs'))));
}

function run() {
  main().catch((e) => {
    page(t('error.title'), h('p.form-error', { role: 'alert' }, e.message || String(e)));
  });
}
// A link opened in a tab that shows its page already changes only the fragment.
window.addEventListener('hashchange', () => {
  if (['/sign-in', '/invitation'].includes(location.pathname)) run();
});
run();
