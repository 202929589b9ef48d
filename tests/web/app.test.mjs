// app.test.mjs - the web app in a real Chromium (Debian's, driven by playwright-core) against
// the real advisord, following the links of the e-mails it writes to its mail spool:
//   way 3 end to end (an office signs in, adds a customer and a task, activates; the new
//   administrator opens the e-mail's link, reads the terms, approves; the office sees active
//   and the history), a decline with a reason, a downgrade refused with the support message,
//   a limited user's disabled controls, way 4 end to end (the customer administrator signs
//   in and invites an office, which accepts through its link and connects a task), and
//   axe-core with no serious or critical violation on every page on the way. Screenshots of
//   the main pages are saved ($WEB_SCREENSHOT_DIR, default build/screenshots).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import path from 'node:path';
import { Server } from '../contract/lib/server.mjs';
import { addCustomer, axe, cli, freePort, launch, mailLink, orgnr, person, root, screenshot, signIn } from './lib.mjs';

const bin = process.env.ADVISORD_BIN || path.join(root, 'build', 'advisord');
let server;
let browser;
let base;
const seen = new Set();
const checked = [];
const state = {};

// axe-core on the page as it is: no serious or critical violation.
async function accessible(page, name) {
  const found = await axe(page);
  assert.deepEqual(found, [], `${name}: axe-core found:\n${found.join('\n')}`);
  checked.push(name);
}

before(async () => {
  const port = await freePort();
  server = new Server(bin, ['--port', String(port), '--public-url', `http://127.0.0.1:${port}`,
                            '--reminder-interval', '0']);
  await server.start();
  base = `http://127.0.0.1:${server.port}`;
  browser = await launch();
  state.officeA = cli(server, ['create-office', '--name', 'Byrå Ett AB', '--corporate-id', '556036-0793',
                       '--email', 'info@byra-ett.se']);
  cli(server, ['create-user', '--office', state.officeA.id, '--email', 'lena@byra-ett.se', '--role', 'limited']);
  state.officeBId = orgnr('559112233');
  cli(server, ['create-office', '--name', 'Byrå Två AB', '--corporate-id', state.officeBId, '--email', 'info@byra-tva.se']);
  state.subscriberId = orgnr('556123456');
  cli(server, ['create-company', '--corporate-id', state.subscriberId, '--name', 'Prenumerant AB', '--relation',
       'subscriber', '--variant', 'bokforing', '--invoice-recipient', 'customer', '--period', '12',
       '--renews-on', '2027-06-30']);
  cli(server, ['create-customer-admin', '--corporate-id', state.subscriberId, '--name', 'Petra Prenumerant',
       '--email', 'petra@prenumerant.se']);
});

after(async () => {
  await browser?.close();
  const code = await server.stop();
  assert.equal(code, 0, 'advisord did not stop cleanly');
});

test('an office signs in, adds a customer and a task, and activates way 3', async () => {
  const page = await person(browser, base);
  state.office = page;
  await page.goto('/');
  await page.getByRole('heading', { name: 'Logga in' }).waitFor();
  await accessible(page, 'sign-in');
  await screenshot(page, 'sign-in');
  await signIn(server, page, 'info@byra-ett.se', seen);
  await page.getByRole('heading', { name: 'Kundregister' }).waitFor();
  await accessible(page, 'register (empty)');

  await page.getByRole('button', { name: 'Lägg till kund' }).click();
  const add = page.getByRole('dialog', { name: 'Lägg till kund' });
  await add.getByLabel('Organisationsnummer').fill('802002-4281'); // wrong check digit
  await add.getByLabel('Namn i ert kundregister').fill('Kund AB (vår kund)');
  await add.getByLabel('Företagets registrerade namn').fill('Kund Aktiebolag');
  await add.getByLabel('E-postadress').fill('ekonomi@kund.se');
  await add.getByLabel(/Anteckningar/).fill('Betalar sent');
  await add.getByRole('button', { name: 'Lägg till', exact: true }).click();
  // the API's refusal is shown in words next to the field it names, in the page's language
  await add.locator('[data-field="corporate_id"] .field-error').filter({ hasText: 'har fel kontrollsiffra' }).waitFor();
  await accessible(page, 'add customer dialog with an error');
  state.companyId = orgnr('802002428');
  await add.getByLabel('Organisationsnummer').fill(state.companyId);
  await add.getByRole('button', { name: 'Lägg till', exact: true }).click();
  await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
  state.customerUrl = page.url();
  await page.getByRole('heading', { name: 'Kund AB (vår kund)' }).waitFor();

  await page.getByLabel('Uppdragets namn').fill('Löpande bokföring 2027');
  await page.getByRole('button', { name: 'Lägg till uppdrag' }).click();
  await page.getByRole('listitem').filter({ hasText: 'Löpande bokföring 2027' }).waitFor();
  await accessible(page, 'customer page, tasks');

  await page.getByRole('tab', { name: 'Samarbeten' }).click();
  await page.getByRole('button', { name: 'Aktivera samarbete' }).click();
  const dlg = page.getByRole('dialog', { name: /Aktivera samarbete med/ });
  await dlg.getByText('Kunden är ny hos Visma').waitFor();
  await dlg.getByLabel('Visma eEkonomi Smart').check();
  await dlg.getByText('Full fakturering').waitFor();
  await dlg.getByRole('radio', { name: 'Företaget' }).check();
  await dlg.getByRole('radio', { name: '12 månader' }).check();
  await dlg.getByLabel('Namn', { exact: true }).fill('Anna Andersson');
  await dlg.getByLabel('E-postadress').fill('anna@kund.se');
  await dlg.getByLabel('Telefon').fill('+46701234567');
  await accessible(page, 'activate dialog');
  await screenshot(dlg, 'activate-dialog');
  await dlg.getByRole('button', { name: 'Skicka inbjudan' }).click();
  await page.waitForURL(/\/collaborations\/[0-9a-f-]{36}$/);
  state.collabUrl = page.url();
  await page.locator('.facts .badge').filter({ hasText: 'Inbjuden' }).waitFor();
  await accessible(page, 'collaboration page, invited');
  assert.deepEqual(page.errors, []);
});

test('the new administrator opens the link from the e-mail, reads the terms and approves', async () => {
  const page = await person(browser, base);
  const link = await mailLink(server.spool, 'anna@kund.se', /https?:\/\/\S+\/invitation#token=[A-Za-z0-9_-]+/, seen);
  await page.goto(link);
  await page.getByRole('heading', { name: 'Byrå Ett AB bjuder in er till samarbete' }).waitFor();
  const facts = page.locator('dl.facts');
  for (const text of ['Kund Aktiebolag', state.companyId, 'Visma eEkonomi Smart', 'Full fakturering',
                      'Företaget', '12 månader', 'Länken gäller till']) {
    await facts.getByText(text).first().waitFor();
  }
  const body = await page.locator('main').innerText();
  assert.ok(!body.includes('vår kund') && !body.includes('Betalar sent'),
            'the customer must not see the office\'s register name or notes');
  await accessible(page, 'invitation page');
  await screenshot(page, 'invitation');
  await page.getByRole('button', { name: 'Godkänn villkoren' }).click();
  await page.getByText('Ni har godkänt och samarbetet är aktivt').waitFor();
  await accessible(page, 'invitation page, answered');
  assert.deepEqual(page.errors, []);
  await page.context().close();
});

test('the office sees the collaboration active with its history', async () => {
  const page = state.office;
  await page.goto(state.collabUrl);
  await page.locator('.facts .badge').filter({ hasText: 'Aktiv' }).waitFor();
  const history = page.locator('table.history');
  for (const what of ['Inbjudan skickad', 'Godkänd', 'Tjänsten aktiverad']) {
    await history.getByText(what, { exact: true }).first().waitFor();
  }
  await history.getByText('Anna Andersson').first().waitFor();
  await page.locator('dl.facts').getByText(/^Skickad \(/).waitFor(); // the invitation e-mail's delivery
  await accessible(page, 'collaboration page, active');
  await screenshot(page, 'collaboration');
  await page.goto(state.customerUrl);
  await page.getByText('Visma eEkonomi Smart').first().waitFor();
  await accessible(page, 'customer page with a subscription');
  await screenshot(page, 'customer');
  await page.getByRole('tab', { name: 'Samarbeten' }).click();
  await page.getByRole('tabpanel').getByText('Aktiv', { exact: true }).waitFor();
  await accessible(page, 'customer page, collaborations tab');
  await screenshot(page, 'customer-collaborations');
});

test('a downgrade is refused and the support message is shown next to the variant', async () => {
  const page = state.office;
  await page.goto(state.collabUrl);
  const form = page.getByRole('form', { name: 'Byt variant' });
  await form.getByLabel('Variant').selectOption('bokforing');
  await form.getByRole('button', { name: 'Byt variant' }).click();
  const error = form.locator('[data-field="variant"] .field-error');
  await error.filter({ hasText: 'Kontakta Vismas support' }).waitFor();
  assert.equal(await form.getByLabel('Variant').getAttribute('aria-invalid'), 'true');
  await accessible(page, 'downgrade refused');
  await screenshot(page, 'downgrade-refused');
});

test('a limited user sees terms and the end disabled, with the reason', async () => {
  const page = await person(browser, base);
  await signIn(server, page, 'lena@byra-ett.se', seen);
  await page.goto(state.collabUrl);
  await page.locator('.facts .badge').filter({ hasText: 'Aktiv' }).waitFor();
  for (const name of ['Byt variant', 'Spara betalare och period', 'Avsluta']) {
    assert.ok(await page.getByRole('button', { name, exact: true }).isDisabled(), `${name} is not disabled`);
  }
  for (const label of ['Variant', 'Betalas av', 'Avtalsperiod']) {
    assert.ok(await page.getByLabel(label, { exact: true }).isDisabled(), `${label} is not disabled`);
  }
  const reason = 'Bara användare med full behörighet får ändra villkoren eller avsluta samarbetet.';
  assert.ok((await page.getByText(reason).count()) >= 3, 'the reason is not shown by the controls');
  const described = await page.getByLabel('Variant', { exact: true }).getAttribute('aria-describedby');
  assert.match(await page.locator(`[id="${described.split(' ')[0]}"]`).innerText(), /full behörighet/);
  await accessible(page, 'collaboration page, limited user');
  await screenshot(page, 'limited-user');
  await page.context().close();
});

test('way 1: the dialog asks only for a task and previews upgrade and downgrade; Escape returns focus', async () => {
  const page = state.office;
  await addCustomer(page, state.subscriberId, 'Prenumeranten', 'ekonomi@prenumerant.se', 'Löneadministration');
  await page.getByText('Visma eEkonomi Bokföring').first().waitFor(); // the current variant
  await page.getByRole('tab', { name: 'Samarbeten' }).click();
  const opener = page.getByRole('button', { name: 'Aktivera samarbete' });
  await opener.click();
  const dlg = page.getByRole('dialog', { name: /Aktivera samarbete med/ });
  await dlg.getByText('Kunden prenumererar redan').waitFor();
  assert.equal(await dlg.getByRole('radio', { name: '12 månader' }).count(), 0, 'way 1 asks no period');
  assert.equal(await dlg.getByLabel('Telefon').count(), 0, 'way 1 asks no administrator');
  assert.ok(await dlg.evaluate((d) => d.contains(document.activeElement)), 'focus is not in the dialog');
  await dlg.getByLabel('Visma eEkonomi Start').check();
  await dlg.locator('.preview').getByText(/Nedgradering\..*Försvinner: Full bokföring/).waitFor();
  await dlg.getByLabel('Visma eEkonomi Smart').check();
  await dlg.locator('.preview').getByText(/Uppgradering\..*Tillkommer: Full fakturering/).waitFor();
  await accessible(page, 'activate dialog, way 1 preview');
  await page.keyboard.press('Escape');
  await dlg.waitFor({ state: 'detached' });
  assert.ok(await opener.evaluate((b) => b === document.activeElement), 'focus did not return to the opener');
  // activate (an upgrade to Smart), then remind and withdraw from the list of sent invitations
  await opener.click();
  await dlg.getByLabel('Visma eEkonomi Smart').check();
  await dlg.getByRole('button', { name: 'Skicka inbjudan' }).click();
  await page.waitForURL(/\/collaborations\//);
  const collabUrl = page.url();
  await page.getByRole('link', { name: 'Inbjudningar' }).click();
  await page.getByRole('heading', { name: 'Skickade, obesvarade' }).waitFor();
  await page.getByRole('button', { name: 'Påminn: Prenumeranten' }).click();
  await page.locator('#toast').getByText('Påminnelsen är skickad.').waitFor();
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: 'Dra tillbaka: Prenumeranten' }).click();
  await page.locator('#toast').getByText('Inbjudan är tillbakadragen.').waitFor();
  await page.goto(collabUrl);
  await page.locator('.facts .badge').filter({ hasText: 'Tillbakadragen' }).waitFor();
  for (const what of ['Påminnelse skickad', 'Tillbakadragen']) {
    await page.locator('table.history').getByText(what, { exact: true }).first().waitFor();
  }
});

test('a customer declines an invitation with a reason; the office sees it', async () => {
  const page = state.office;
  state.company2 = orgnr('556677889');
  await addCustomer(page, state.company2, 'Bygg AB', 'info@bygg.se', 'Bokslut 2027');
  await page.getByRole('tab', { name: 'Samarbeten' }).click();
  await page.getByRole('button', { name: 'Aktivera samarbete' }).click();
  const dlg = page.getByRole('dialog');
  await dlg.getByLabel('Visma eEkonomi Bokföring').check();
  await dlg.getByLabel('Namn', { exact: true }).fill('Bo Bygg');
  await dlg.getByLabel('E-postadress').fill('bo@bygg.se');
  await dlg.getByLabel('Telefon').fill('+46707654321');
  await dlg.getByLabel('E-postens språk').selectOption('en');
  await dlg.getByRole('button', { name: 'Skicka inbjudan' }).click();
  await page.waitForURL(/\/collaborations\//);
  const collabUrl = page.url();

  const invitee = await person(browser, base, 'en-GB');
  await invitee.goto(await mailLink(server.spool, 'bo@bygg.se', /https?:\/\/\S+\/invitation#token=[A-Za-z0-9_-]+/, seen));
  await invitee.getByRole('heading', { name: 'Byrå Ett AB invites you to collaborate' }).waitFor();
  await invitee.getByLabel('Reason (optional)').fill('We keep our books ourselves this year');
  await invitee.getByRole('button', { name: 'Decline the invitation' }).click();
  await invitee.getByText('You declined the invitation').waitFor();
  await accessible(invitee, 'invitation page in English, declined');
  await invitee.context().close();

  await page.goto(collabUrl);
  await page.locator('.facts .badge').filter({ hasText: 'Avböjd' }).waitFor();
  await page.locator('table.history').getByText('We keep our books ourselves this year').waitFor();
  // the register's search: by name, and by corporate ID
  await page.goto('/');
  await page.getByLabel('Sök på namn eller organisationsnummer').fill('bygg');
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await page.waitForURL(/\?q=bygg/);
  await page.locator('tbody tr').first().waitFor();
  assert.deepEqual(await page.locator('tbody tr td:first-child').allInnerTexts(), ['Bygg AB']);
  await page.getByLabel('Sök på namn eller organisationsnummer').fill(state.companyId.slice(0, 6));
  await page.getByRole('button', { name: 'Sök', exact: true }).click();
  await page.waitForURL(/\?q=802002/);
  await page.locator('tbody tr').first().waitFor();
  assert.deepEqual(await page.locator('tbody tr td:first-child').allInnerTexts(), ['Kund AB (vår kund)']);
});

test('way 4: the customer administrator invites an office, which accepts and connects a task', async () => {
  const admin = await person(browser, base);
  await signIn(server, admin, 'anna@kund.se', seen);
  await admin.getByRole('heading', { name: 'Kund Aktiebolag' }).waitFor();
  const mainText = await admin.locator('main').innerText();
  assert.ok(!mainText.includes('vår kund'), 'the administrator must not see the register name');
  await accessible(admin, 'company page');
  await screenshot(admin, 'company');
  await admin.getByLabel('Byråns organisationsnummer').fill(state.officeBId);
  await admin.getByLabel('E-postens språk').selectOption('en');
  await admin.getByRole('button', { name: 'Skicka inbjudan' }).click();
  await admin.waitForURL(/\/collaborations\//);
  const adminCollab = admin.url();
  await admin.locator('.facts .badge').filter({ hasText: 'Inbjuden' }).waitFor();
  await accessible(admin, 'collaboration page, customer side');

  const office = await person(browser, base, 'en-GB');
  await office.goto(await mailLink(server.spool, 'info@byra-tva.se', /https?:\/\/\S+\/invitation#token=[A-Za-z0-9_-]+/, seen));
  await office.getByRole('heading', { name: 'Kund Aktiebolag invites your office' }).waitFor();
  await office.locator('dl.facts').getByText('Terms and conditions, version').waitFor();
  await office.getByLabel("The office's corporate ID").fill(state.officeBId);
  await office.getByLabel("The office's e-mail address").fill('wrong@byra-tva.se');
  await office.getByRole('checkbox').check();
  await office.getByRole('button', { name: 'Accept', exact: true }).click();
  await office.locator('.form-error, .field-error').filter({ hasText: /\S/ }).first().waitFor();
  await office.getByLabel("The office's e-mail address").fill('info@byra-tva.se');
  await office.getByRole('button', { name: 'Accept', exact: true }).click();
  await office.getByText('Accepted. Now connect').waitFor();
  await accessible(office, 'invitation page, office accepted');

  await signIn(server, office, 'info@byra-tva.se', seen);
  await office.getByRole('link', { name: 'Invitations' }).click();
  await office.getByRole('heading', { name: 'Accepted, waiting for a task' }).waitFor();
  await accessible(office, 'invitations list');
  await screenshot(office, 'invitations');
  await office.getByRole('link', { name: 'Connect to a task' }).click();
  await office.getByRole('heading', { name: 'Connect to a task' }).waitFor();
  await office.getByLabel('Email address').or(office.getByLabel('E-mail address')).fill('ekonomi@kund.se');
  await office.getByLabel('New task').fill('Löpande bokföring');
  await accessible(office, 'connect to a task');
  await office.getByRole('button', { name: 'Connect and activate' }).click();
  await office.locator('.facts .badge').filter({ hasText: 'Active' }).waitFor();
  await office.locator('table.history').getByText('Accepted by the office').waitFor();
  state.officeB = office;
  state.officeBCollab = office.url();

  await admin.goto(adminCollab);
  await admin.locator('.facts .badge').filter({ hasText: 'Aktiv' }).waitFor();
  await admin.goto('/');
  await admin.getByRole('link', { name: 'Byrå Två AB' }).waitFor();
  assert.deepEqual([...admin.errors, ...office.errors], []);
  state.admin = admin;
});

test('the customer administrator ends a collaboration, choosing to keep the service', async () => {
  const admin = state.admin;
  await admin.getByRole('link', { name: 'Byrå Ett AB' }).click();
  await admin.getByRole('heading', { name: 'Samarbete med Byrå Ett AB' }).waitFor();
  const end = admin.getByRole('form', { name: 'Avsluta samarbetet' });
  await end.getByRole('button', { name: 'Avsluta' }).click(); // no choice made: refused in words
  await end.locator('.field-error, .form-error').filter({ hasText: /\S/ }).first().waitFor();
  await end.getByLabel('Behåll tjänsten, företaget betalar').check();
  await end.getByLabel('Anledning (valfritt)').fill('Vi byter byrå');
  await end.getByRole('button', { name: 'Avsluta' }).click();
  await admin.locator('.facts .badge').filter({ hasText: 'Avslutad' }).waitFor();
  await admin.locator('dl.facts').getByText('Behålls (företaget betalar)').waitFor();
  await admin.locator('table.history').getByText('Vi byter byrå').waitFor();
  await accessible(admin, 'collaboration page, ended by the customer');
  await state.office.goto(state.collabUrl);
  await state.office.locator('.facts .badge').filter({ hasText: 'Avslutad' }).waitFor();
});

test('an office ends a collaboration; the administrator decides to deactivate the service', async () => {
  const office = state.officeB;
  await office.goto(state.officeBCollab);
  await office.getByRole('form', { name: 'End the collaboration' }).getByRole('button', { name: 'End' }).click();
  await office.locator('.facts .badge').filter({ hasText: 'Ended' }).waitFor();
  await office.locator('dl.facts').getByText('The company has not decided yet').waitFor();
  const admin = state.admin;
  await admin.goto('/');
  await admin.getByRole('link', { name: 'Byrå Två AB' }).click();
  const decide = admin.getByRole('form', { name: 'Bestäm om tjänsten' });
  await decide.getByLabel('Avaktivera tjänsten').check();
  await accessible(admin, 'collaboration page, the service to decide');
  await decide.getByRole('button', { name: 'Spara beslutet' }).click();
  await admin.locator('dl.facts').getByText('Avaktiveras').waitFor();
  await admin.locator('table.history').getByText('Beslut om tjänsten').waitFor();
  await office.reload();
  await office.locator('dl.facts').getByText('Deactivated').waitFor();
  assert.deepEqual([...admin.errors, ...office.errors], []);
  await admin.context().close();
  await office.context().close();
});

test('the language switch and the API documentation', async () => {
  const page = state.office;
  await page.goto('/');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Customer register' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await accessible(page, 'register in English');
  await screenshot(page, 'register');
  await page.getByRole('button', { name: 'Svenska' }).click();
  await page.getByRole('heading', { name: 'Kundregister' }).waitFor();
  await page.goto('/docs');
  await page.getByRole('heading', { name: /^advisord/ }).first().waitFor({ timeout: 20000 });
  await page.locator('[data-section-id]').first().waitFor({ timeout: 20000 });
  await screenshot(page, 'docs', false);
  await accessible(page, 'API documentation (Redoc)');
  // the check itself is not blind: a page with an unlabelled field and an image without text
  const probe = await person(browser, base);
  await probe.goto('/sign-in');
  await probe.evaluate(() => {
    document.querySelector('label').remove();
    document.querySelector('main').append(Object.assign(document.createElement('img'), { src: 'data:,' }));
  });
  const found = await axe(probe);
  assert.ok(found.some((v) => v.startsWith('label')) && found.some((v) => v.startsWith('image-alt')),
            `axe-core missed known violations: ${found.join('; ')}`);
  await probe.context().close();
  console.log(`axe-core: no serious or critical violation on ${checked.length} page states: ${checked.join('; ')}`);
});
