// schedule.test.mjs - a scheduled start (starts_on) in the web app: the Activate dialog's
// optional "Startar" date, a day in the past refused by the server in words next to the field,
// a day ahead accepted and shown on the collaboration's page; there the office moves the day
// (one beyond the agreement period refused next to the field) and clears it; a limited user
// sees the control disabled with the reason. A server of its own; axe-core on every state.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import path from 'node:path';
import { Server } from '../contract/lib/server.mjs';
import { addCustomer, axe, cli, freePort, launch, orgnr, person, root, screenshot, signIn } from './lib.mjs';

const bin = process.env.ADVISORD_BIN || path.join(root, 'build', 'advisord');
let server;
let browser;
const seen = new Set();

// A day `days` from today in the offices' time zone (as the server counts), YYYY-MM-DD.
function dayAhead(days) {
  const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

async function accessible(page, name) {
  const found = await axe(page);
  assert.deepEqual(found, [], `${name}: axe-core found:\n${found.join('\n')}`);
}

before(async () => {
  const port = await freePort();
  server = new Server(bin, ['--port', String(port), '--public-url', `http://127.0.0.1:${port}`,
                            '--reminder-interval', '0']);
  await server.start();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  assert.equal(await server.stop(), 0, 'advisord did not stop cleanly');
});

test('a start date in the Activate dialog: the past refused next to the field, a day ahead kept; moved and cleared on the page', async () => {
  const office = cli(server, ['create-office', '--name', 'Byrå Fyra AB', '--corporate-id', orgnr('559443322'),
                              '--email', 'info@byra-fyra.se']);
  cli(server, ['create-user', '--office', office.id, '--email', 'kim@byra-fyra.se', '--role', 'limited']);
  const page = await person(browser, `http://127.0.0.1:${server.port}`);
  await signIn(server, page, 'info@byra-fyra.se', seen);
  await addCustomer(page, orgnr('556223344'), 'Nyår AB', 'info@nyar.se', 'Bokföring från årsskiftet');
  await page.getByRole('tab', { name: 'Samarbeten' }).click();
  await page.getByRole('button', { name: 'Aktivera samarbete' }).click();
  const dlg = page.getByRole('dialog', { name: /Aktivera samarbete med/ });
  await dlg.getByLabel('Visma eEkonomi Smart').check();
  await dlg.getByLabel('Namn', { exact: true }).fill('Nils Nyår');
  await dlg.getByLabel('E-postadress').fill('nils@nyar.se');
  await dlg.getByLabel('Telefon').fill('+46701239876');
  const start = dlg.getByLabel('Startar');
  assert.equal(await start.getAttribute('type'), 'date');
  assert.equal(await start.getAttribute('min'), dayAhead(0));
  await start.fill('2020-01-02');
  await dlg.getByRole('button', { name: 'Skicka inbjudan' }).click();
  const error = dlg.locator('[data-field="starts_on"] .field-error');
  await error.filter({ hasText: '2020-01-02 har redan varit' }).waitFor(); // the server's words, in Swedish
  assert.equal(await start.getAttribute('aria-invalid'), 'true');
  assert.ok(await start.evaluate((el) => el === document.activeElement), 'focus is not on the refused date');
  const described = (await start.getAttribute('aria-describedby')).split(' ');
  assert.equal(await dlg.locator(`[id="${described.at(-1)}"]`).innerText(), await error.innerText());
  await accessible(page, 'activate dialog, a past start refused');
  await screenshot(dlg, 'activate-start-refused');
  assert.equal(page.url().includes('/collaborations/'), false, 'a refused start must not activate');

  const first = dayAhead(40);
  await start.fill(first);
  await dlg.getByRole('button', { name: 'Skicka inbjudan' }).click();
  await page.waitForURL(/\/collaborations\/[0-9a-f-]{36}$/);
  const collabUrl = page.url();
  await page.locator('.facts .badge').filter({ hasText: 'Inbjuden' }).waitFor();
  await page.locator('dl.facts dt').filter({ hasText: /^Startar$/ }).waitFor();
  const form = page.getByRole('form', { name: 'Startdag' });
  assert.equal(await form.getByLabel('Startar').inputValue(), first);
  await accessible(page, 'collaboration page, a scheduled start');
  await screenshot(page, 'collaboration-start');

  // beyond one agreement period (12 months) from today: refused next to the field
  const tooLate = dayAhead(400);
  await form.getByLabel('Startar').fill(tooLate);
  await form.getByRole('button', { name: 'Spara startdagen' }).click();
  await form.locator('[data-field="starts_on"] .field-error')
    .filter({ hasText: `${tooLate} är efter avtalets förnyelse` }).waitFor();
  assert.equal(await form.getByLabel('Startar').getAttribute('aria-invalid'), 'true');
  await accessible(page, 'collaboration page, a start beyond the renewal refused');

  const moved = dayAhead(60);
  await form.getByLabel('Startar').fill(moved);
  await form.getByRole('button', { name: 'Spara startdagen' }).click();
  await page.waitForLoadState('load');
  await page.waitForFunction((d) => document.querySelector('form[aria-label="Startdag"] input')?.value === d, moved);
  await page.locator('table.history').getByText('Villkor ändrade').first().waitFor();

  await page.getByRole('form', { name: 'Startdag' }).getByRole('button', { name: 'Ta bort startdagen' }).click();
  await page.waitForFunction(() => document.querySelector('form[aria-label="Startdag"] input')?.value === '');
  assert.equal(await page.locator('dl.facts dt').filter({ hasText: /^Startar$/ }).count(), 0,
               'a cleared start is still shown');
  assert.ok(await page.getByRole('form', { name: 'Startdag' }).getByRole('button', { name: 'Ta bort startdagen' }).isDisabled());
  assert.deepEqual(page.errors, []);

  // a limited user sees the start, disabled with the reason
  await page.getByRole('form', { name: 'Startdag' }).getByLabel('Startar').fill(first);
  await page.getByRole('form', { name: 'Startdag' }).getByRole('button', { name: 'Spara startdagen' }).click();
  await page.waitForFunction((d) => document.querySelector('form[aria-label="Startdag"] input')?.value === d, first);
  const limited = await person(browser, `http://127.0.0.1:${server.port}`);
  await signIn(server, limited, 'kim@byra-fyra.se', seen);
  await limited.goto(collabUrl);
  const lform = limited.getByRole('form', { name: 'Startdag' });
  await lform.waitFor();
  assert.ok(await lform.getByLabel('Startar').isDisabled(), 'the date is not disabled');
  assert.equal(await lform.getByLabel('Startar').inputValue(), first);
  for (const name of ['Spara startdagen', 'Ta bort startdagen']) {
    assert.ok(await lform.getByRole('button', { name }).isDisabled(), `${name} is not disabled`);
  }
  await lform.getByText('Bara användare med full behörighet').waitFor();
  await accessible(limited, 'collaboration page, a limited user and a scheduled start');
  assert.deepEqual([...page.errors, ...limited.errors], []);
  await limited.context().close();
  await page.context().close();
});
