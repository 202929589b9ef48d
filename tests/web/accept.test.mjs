// accept.test.mjs - way 4 answered inside the app: a customer administrator's invitation (made
// through the API with its token) appears in the signed-in office's invitations; the office
// opens it, sees the terms' version, is refused in words for a corporate ID that is not its
// own, accepts, and connects it to a task of a register entry it adds there; the
// collaboration is active; signing out ends the session. A server of its own.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import path from 'node:path';
import { Server } from '../contract/lib/server.mjs';
import { axe, cli, freePort, launch, orgnr, person, root, signIn } from './lib.mjs';

const bin = process.env.ADVISORD_BIN || path.join(root, 'build', 'advisord');
let server;
let browser;
let base;

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = new Server(bin, ['--port', String(port), '--public-url', base]);
  await server.start();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  assert.equal(await server.stop(), 0, 'advisord did not stop cleanly');
});

test('an office accepts a customer\'s invitation in the app and connects a task', async () => {
  const officeId = orgnr('559554433');
  cli(server, ['create-office', '--name', 'Byrå Fyra AB', '--corporate-id', officeId, '--email', 'info@byra-fyra.se']);
  const companyId = orgnr('556443322');
  cli(server, ['create-company', '--corporate-id', companyId, '--name', 'Eget Initiativ AB', '--relation', 'account']);
  const { token } = cli(server, ['create-customer-admin', '--corporate-id', companyId, '--name', 'Eva Eget',
                                 '--email', 'eva@eget.se']);
  const res = await fetch(`${base}/v1/office-invitations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ office_corporate_id: officeId, variant: 'fakturering' }),
  });
  assert.equal(res.status, 201, await res.text());

  const page = await person(browser, base);
  await signIn(server, page, 'info@byra-fyra.se');
  await page.getByRole('link', { name: 'Inbjudningar' }).click();
  await page.getByRole('heading', { name: 'Från kunder, att besvara' }).waitFor();
  await page.getByRole('link', { name: 'Svara' }).click();
  await page.getByRole('heading', { name: 'Samarbete med Eget Initiativ AB' }).waitFor();
  await page.locator('dl.facts').getByText('Allmänna villkor, version 2026-11').waitFor();
  const accept = page.getByRole('form', { name: 'Acceptera inbjudan' });
  await accept.getByLabel('Byråns organisationsnummer').fill(orgnr('556036079'));
  await accept.getByLabel('Byråns e-postadress').fill('info@byra-fyra.se');
  await accept.getByRole('button', { name: 'Acceptera' }).click(); // the terms not ticked
  await accept.getByText('Godkänn villkoren för att acceptera.').waitFor();
  await accept.getByLabel('Vi godkänner de allmänna villkoren, version 2026-11').check();
  await accept.getByRole('button', { name: 'Acceptera' }).click(); // another office's corporate ID
  await accept.locator('.field-error, .form-error').filter({ hasText: /\S/ }).first().waitFor();
  assert.deepEqual(await axe(page), []);
  await accept.getByLabel('Byråns organisationsnummer').fill(officeId);
  await accept.getByRole('button', { name: 'Acceptera' }).click();
  await page.locator('.facts .badge').filter({ hasText: 'Godkänd' }).waitFor();
  const connect = page.getByRole('form', { name: 'Koppla till ett uppdrag' });
  await connect.getByLabel('E-postadress').fill('ekonomi@eget.se');
  await connect.getByLabel('Nytt uppdrag').fill('Fakturering 2027');
  await connect.getByRole('button', { name: 'Koppla och aktivera' }).click();
  await page.locator('.facts .badge').filter({ hasText: 'Aktiv' }).waitFor();
  for (const what of ['Accepterad av byrån', 'Kopplad till uppdrag']) {
    await page.locator('table.history').getByText(what).first().waitFor();
  }
  assert.deepEqual(await axe(page), []);
  // signing out ends the session: the app asks to sign in again, and so does the API
  await page.getByRole('button', { name: 'Logga ut' }).click();
  await page.waitForURL((u) => u.pathname === '/sign-in');
  await page.goto('/');
  await page.getByRole('heading', { name: 'Logga in' }).waitFor();
  const me = await page.evaluate(() => fetch('/v1/me').then((r) => r.status));
  assert.equal(me, 401);
  assert.deepEqual(page.errors, []);
});
