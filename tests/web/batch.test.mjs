// batch.test.mjs - "Activate many" in the web app against the real advisord: an office uploads
// a small CSV (a Swedish spreadsheet's: BOM, semicolons, å/ä/ö) with one bad row, sees the dry
// run with that row marked and its column named, sends the rest (a double click sends once; an
// answer lost on its way back is shown, and sending again gets the same batch), follows the
// run until done, sees them invited and downloads the result as CSV; the example file's
// header; a dropped file the server cannot read refused next to the file field; a limited
// user sees the upload disabled with the reason. axe-core on each state.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import path from 'node:path';
import { Server } from '../contract/lib/server.mjs';
import { axe, cli, freePort, launch, mailLink, orgnr, person, root, screenshot, signIn } from './lib.mjs';

const bin = process.env.ADVISORD_BIN || path.join(root, 'build', 'advisord');
let server;
let browser;
let base;
const seen = new Set();

async function accessible(page, name) {
  const found = await axe(page);
  assert.deepEqual(found, [], `${name}: axe-core found:\n${found.join('\n')}`);
}

async function api(token, p) {
  const res = await fetch(`${base}${p}`, { headers: { Authorization: `Bearer ${token}` } });
  const data = await res.json();
  assert.ok(res.ok, `GET ${p}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

async function downloaded(page, link) {
  const wait = page.waitForEvent('download');
  await link.click();
  const d = await wait;
  return readFileSync(await d.path(), 'utf8');
}

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = new Server(bin, ['--port', String(port), '--public-url', base, '--reminder-interval', '0']);
  await server.start();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  assert.equal(await server.stop(), 0, 'advisord did not stop cleanly');
});

test('an office uploads a CSV with one bad row, sends the rest and downloads the result', async () => {
  const office = cli(server, ['create-office', '--name', 'Byrå Fem AB', '--corporate-id', orgnr('559554433'),
                              '--email', 'info@byra-fem.se']);
  cli(server, ['create-user', '--office', office.id, '--email', 'lo@byra-fem.se', '--role', 'limited']);
  const ids = [orgnr('556311221'), orgnr('556311222'), orgnr('556311223')];
  const header = 'corporate_id;name;email;task;variant;invoice_recipient;agreement_period_months;' +
                 'administrator_name;administrator_email;administrator_phone;language';
  const csv = `\ufeff${header}\r\n` +
    `${ids[0]};Åkeri Ö AB;ekonomi@akeri.se;Löpande bokföring;smart;customer;12;Åsa Öberg;asa@akeri.se;+46701110001;sv\r\n` +
    `${ids[1]};Bageri Ä AB;ekonomi@bageri.se;Löpande bokföring;guld;customer;12;Bo Ärlig;bo@bageri.se;+46701110002;sv\r\n` +
    `${ids[2]};Café Å AB;ekonomi@cafe.se;Bokslut;bokforing;office;3;Cecilia Åberg;cecilia@cafe.se;+46701110003;en\r\n`;

  const page = await person(browser, base);
  await signIn(server, page, 'info@byra-fem.se', seen);
  await page.getByRole('link', { name: 'Aktivera flera' }).click();
  await page.getByRole('heading', { name: 'Aktivera flera', level: 1 }).waitFor();
  const example = await downloaded(page, page.getByRole('link', { name: 'Ladda ner en exempelfil' }));
  assert.match(example, /^\ufeffcorporate_id;name;email;task;variant;invoice_recipient;agreement_period_months;administrator_name;administrator_email;administrator_phone;language;starts_on\r\n/);
  await accessible(page, 'activate many, empty');

  // a file dropped on the field that the server cannot read: refused in words next to it
  const dropped = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['organisationsnummer;namn\r\n556036-0793;X\r\n'], 'fel.csv', { type: 'text/csv' }));
    return dt;
  });
  await page.locator('.drop').dispatchEvent('dragover', { dataTransfer: dropped });
  await page.locator('.drop').dispatchEvent('drop', { dataTransfer: dropped });
  const fileError = page.locator('[data-field="file"] .field-error');
  await fileError.filter({ hasText: 'okänd kolumn "organisationsnummer"' }).waitFor();
  assert.equal(await page.getByLabel('CSV-fil').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('table.batch').count(), 0);
  await accessible(page, 'activate many, a file refused');

  await page.getByLabel('CSV-fil').setInputFiles({ name: 'kunder.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('heading', { name: 'Provkörning av kunder.csv' }).waitFor();
  await page.getByText('3 rader: 2 kan skickas, 1 nekas.').waitFor();
  assert.equal(await fileError.innerText(), '', 'the earlier file\'s error is still shown');
  const refused = page.locator('table.batch tr.refused');
  assert.equal(await refused.count(), 1);
  assert.match(await refused.innerText(), new RegExp(`${ids[1]}[\\s\\S]*Bageri Ä AB[\\s\\S]*Nekas[\\s\\S]*Kolumnen variant: måste vara något av`)); // the server's words in Swedish
  const first = page.locator('table.batch tbody tr').first();
  assert.match(await first.innerText(), /Åkeri Ö AB[\s\S]*Kan skickas[\s\S]*Byrån, ny kund[\s\S]*Visma eEkonomi Smart/);
  await accessible(page, 'activate many, the dry run');
  await screenshot(page, 'batch-dry-run');
  assert.equal((await api(office.token, '/v1/collaborations?limit=100')).items.length, 0, 'a dry run wrote');

  // the first answer to the real run is lost on its way back (the server got the upload):
  // the error is shown by the button and sending again (the same Idempotency-Key) gets the
  // same batch, not a second one; a double click sends once
  let lost = 0;
  const realRun = (u) => u.pathname === '/v1/collaboration-batches' && !u.search;
  await page.route(realRun, async (route) => {
    if (route.request().method() !== 'POST' || lost++) return route.continue();
    await route.fetch();
    return route.abort('connectionreset');
  });
  const send = page.getByRole('button', { name: 'Skicka 2 inbjudningar' });
  await send.dblclick();
  await page.locator('#send-error').filter({ hasText: 'Servern svarar inte' }).waitFor();
  assert.equal(lost, 1, 'the double click sent twice');
  assert.ok(await send.evaluate((b) => b === document.activeElement), 'focus is not back on the button');
  await accessible(page, 'activate many, the answer lost');
  await send.click();
  await page.waitForURL(/\/batches\/[^/]+$/);
  assert.equal(lost, 2);
  await page.unroute(realRun);
  const done = page.getByRole('link', { name: 'Ladda ner resultatet som CSV' });
  await done.waitFor({ timeout: 20000 });
  await page.getByRole('status').getByText(/Klart: 3 av 3 rader klara, 2 inbjudna och 1 nekade\./).waitFor();
  assert.equal(await page.locator('table.batch').getByRole('link', { name: 'Inbjuden' }).count(), 2);
  const refusedRun = page.locator('table.batch tr.refused');
  assert.equal(await refusedRun.count(), 1);
  assert.match(await refusedRun.innerText(), /Bageri Ä AB[\s\S]*Nekad[\s\S]*Kolumnen variant: måste vara något av/);
  await accessible(page, 'activate many, the run done');
  await screenshot(page, 'batch-result');
  const result = await downloaded(page, done);
  assert.ok(result.includes(ids[1]) && result.includes('variant'), `the result CSV lacks the refused row:\n${result}`);
  assert.ok(result.includes(ids[0]) && result.includes(ids[2]), `the result CSV lacks the invited rows:\n${result}`);

  // sent once, in spite of the double click: two collaborations, each invitation e-mailed
  assert.equal((await api(office.token, '/v1/collaboration-batches')).items.length, 1, 'sent twice');
  const collabs = (await api(office.token, '/v1/collaborations?limit=100')).items;
  assert.equal(collabs.length, 2, JSON.stringify(collabs.map((c) => c.company.corporate_id)));
  await mailLink(server.spool, 'asa@akeri.se', /https?:\/\/\S+\/invitation#token=[A-Za-z0-9_-]+/, seen);
  await mailLink(server.spool, 'cecilia@cafe.se', /https?:\/\/\S+\/invitation#token=[A-Za-z0-9_-]+/, seen);
  // the batch is listed on the upload page, linked to its result
  await page.getByRole('link', { name: 'Aktivera flera' }).click();
  const earlier = page.getByRole('region', { name: 'Tidigare utskick' });
  await earlier.getByRole('cell', { name: 'Klart' }).waitFor();
  assert.deepEqual((await earlier.locator('tbody td').allInnerTexts()).slice(1), ['Klart', '3', '2', '1']);
  await accessible(page, 'activate many, an earlier batch');
  await earlier.getByRole('link').click();
  await page.locator('table.batch').getByRole('link', { name: 'Inbjuden' }).first().click();
  await page.locator('.facts .badge').filter({ hasText: 'Inbjuden' }).waitFor();
  assert.deepEqual(page.errors, []);

  const limited = await person(browser, base);
  await signIn(server, limited, 'lo@byra-fem.se', seen);
  assert.equal(await limited.getByRole('link', { name: 'Aktivera flera' }).count(), 0);
  await limited.goto('/batches');
  assert.ok(await limited.getByLabel('CSV-fil').isDisabled(), 'a limited user can upload');
  await limited.getByText('Bara användare med full behörighet får aktivera många').waitFor();
  await accessible(limited, 'activate many, a limited user');
  assert.deepEqual(limited.errors, []);
  await limited.context().close();
  await page.context().close();
});
