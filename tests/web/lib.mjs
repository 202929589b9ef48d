// lib.mjs - helpers of the browser tests: the real advisord (tests/contract/lib/server.mjs),
// Debian's Chromium driven by playwright-core, e-mails read from the server's mail spool,
// valid corporate IDs, axe-core run on a page, screenshots kept as artefacts.
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '../..');
export const shots = process.env.WEB_SCREENSHOT_DIR || path.join(root, 'build', 'screenshots');
const axeSource = path.join(root, 'node_modules', 'axe-core', 'axe.min.js');

// A free TCP port on 127.0.0.1 (the server's links and its CSRF check need the real one).
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function chromiumPath() {
  for (const p of [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']) {
    if (p && existsSync(p)) return p;
  }
  throw new Error('Chromium is missing: bash scripts/deps.sh --test installs Debian\'s chromium');
}

export async function launch() {
  const args = ['--disable-dev-shm-usage'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args });
}

// A browser context of its own (cookies, storage) in the given language. bypassCSP lets the
// test inject axe-core; the app itself never needs it (test_web checks its policy).
export async function person(browser, base, locale = 'sv-SE') {
  const ctx = await browser.newContext({ baseURL: base, locale, bypassCSP: true,
                                          viewport: { width: 1200, height: 900 } });
  ctx.setDefaultTimeout(8000);
  const page = await ctx.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  // Script errors fail a test; a refused request (401 before sign-in, a 4xx a test provokes)
  // is logged by Chromium as "Failed to load resource" and is not one.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.errors.push(m.text());
  });
  return page;
}

// Organisationsnummer with a valid check digit (Luhn) from nine digits.
export function orgnr(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(nine[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    sum += d;
  }
  return `${nine.slice(0, 6)}-${nine.slice(6)}${(10 - (sum % 10)) % 10}`;
}

function decodeQP(text) {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

// The newest e-mail in the spool to `to` with a link matching `re` (waits up to 15 s);
// resolves the link. `seen` (a Set) keeps links already used so each call finds a new one.
export async function mailLink(spool, to, re, seen = new Set()) {
  const deadline = Date.now() + 15000;
  while (Date.now() < deadline) {
    const files = existsSync(spool) ? readdirSync(spool).filter((f) => f.endsWith('.eml')) : [];
    for (const f of files) {
      const raw = readFileSync(path.join(spool, f), 'latin1');
      const head = raw.split(/\r?\n\r?\n/)[0];
      if (!new RegExp(`^To:.*${to.replace(/[.+]/g, '\\$&')}`, 'mi').test(head)) continue;
      const body = Buffer.from(decodeQP(raw), 'latin1').toString('utf8');
      const m = body.match(re);
      if (m && !seen.has(m[0])) {
        seen.add(m[0]);
        return m[0];
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no e-mail to ${to} with a link like ${re} in ${spool}`);
}

// Runs axe-core on the page as it is now; returns the serious and critical violations.
export async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: axeSource });
  }
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

// Saves a PNG of a page (whole, or the viewport when fullPage is false) or of one element.
export async function screenshot(target, name, fullPage = true) {
  mkdirSync(shots, { recursive: true });
  const file = path.join(shots, `${name}.png`);
  if (typeof target.goto === 'function') await target.screenshot({ path: file, fullPage });
  else await target.screenshot({ path: file });
}

// `advisord admin ARGS` on the server's database; its "key: value" lines as an object.
export function cli(server, args) {
  const r = server.cli(['admin', ...args]);
  assert.equal(r.status, 0, `admin ${args[0]}: ${r.stderr}`);
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split(': ')));
}

// Signs a person in through the page: asks for a link, opens it from the spool.
export async function signIn(server, page, email, seen = new Set()) {
  await page.goto('/sign-in');
  await page.getByLabel(/E-postadress|E-mail address/).fill(email);
  await page.getByRole('button', { name: /Skicka länk|Send link/ }).click();
  await page.getByText(/inloggningslänk på väg|sign-in link is on its way/).waitFor();
  const link = await mailLink(server.spool, email, /https?:\/\/\S+\/sign-in#token=[A-Za-z0-9_-]+/, seen);
  await page.goto(link);
  await page.waitForURL((u) => u.pathname === '/');
  await page.locator('#who').getByText(email).waitFor();
}

// The office adds a customer through the register's dialog and a task on its page.
export async function addCustomer(page, corporateId, name, email, task) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Lägg till kund' }).click();
  const add = page.getByRole('dialog', { name: 'Lägg till kund' });
  await add.getByLabel('Organisationsnummer').fill(corporateId);
  await add.getByLabel('Namn i ert kundregister').fill(name);
  await add.getByLabel('E-postadress').fill(email);
  await add.getByRole('button', { name: 'Lägg till', exact: true }).click();
  await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
  await page.getByLabel('Uppdragets namn').fill(task);
  await page.getByRole('button', { name: 'Lägg till uppdrag' }).click();
  await page.getByRole('listitem').filter({ hasText: task }).waitFor();
  return page.url();
}
