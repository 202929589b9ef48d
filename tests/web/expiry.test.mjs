// expiry.test.mjs - an invitation that nobody answered in time: the link's page says it has
// expired, offers only to ask for a new invitation, and the request (with a reason) reaches
// the history. A server of its own whose invitations live 2 seconds (--invitation-ttl) and
// whose sweeper runs every second; the office's part is made through the API with its token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import path from 'node:path';
import { Server } from '../contract/lib/server.mjs';
import { axe, cli, freePort, launch, mailLink, orgnr, person, root } from './lib.mjs';

const bin = process.env.ADVISORD_BIN || path.join(root, 'build', 'advisord');
let server;
let browser;
let base;

async function api(token, method, p, body) {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json();
  assert.ok(res.ok, `${method} ${p}: ${res.status} ${JSON.stringify(data)}`);
  return data;
}

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = new Server(bin, ['--port', String(port), '--public-url', base, '--invitation-ttl', '2',
                            '--expiry-sweep-interval', '1']);
  await server.start();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  assert.equal(await server.stop(), 0, 'advisord did not stop cleanly');
});

test('after expiry the invitation page asks for a new invitation, with a reason', async () => {
  const { token } = cli(server, ['create-office', '--name', 'Byrå Tre AB', '--corporate-id',
                                 orgnr('559876543'), '--email', 'info@byra-tre.se']);
  const customer = await api(token, 'POST', '/v1/customers',
                             { corporate_id: orgnr('556998877'), name: 'Sen AB', email: 'info@sen.se' });
  const task = await api(token, 'POST', `/v1/customers/${customer.id}/tasks`, { name: 'Bokföring' });
  const collab = await api(token, 'POST', `/v1/customers/${customer.id}/collaborations`, {
    task_id: task.id, variant: 'start', invoice_recipient: 'office', agreement_period_months: 3,
    administrator: { name: 'Sara Sen', email: 'sara@sen.se', phone: '+46701112233' } });
  const link = await mailLink(server.spool, 'sara@sen.se', /https?:\/\/\S+\/invitation#token=[A-Za-z0-9_-]+/);
  const deadline = Date.now() + 15000;
  while ((await api(token, 'GET', `/v1/collaborations/${collab.id}`)).state !== 'expired') {
    assert.ok(Date.now() < deadline, 'the invitation did not expire');
    await new Promise((r) => setTimeout(r, 200));
  }
  const page = await person(browser, base);
  await page.goto(link);
  await page.locator('.facts .badge').filter({ hasText: 'Utgången' }).waitFor();
  await page.getByText('Gick ut').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Godkänn villkoren' }).count(), 0);
  await page.getByLabel('Anledning (valfritt)').fill('Vi var på semester');
  assert.deepEqual(await axe(page), []);
  await page.getByRole('button', { name: 'Be om en ny inbjudan' }).click();
  await page.getByText('Förfrågan är skickad.').waitFor();
  const events = await api(token, 'GET', `/v1/collaborations/${collab.id}/events`);
  assert.ok(events.items.some((e) => e.event === 'renewal_requested' && e.reason === 'Vi var på semester'),
            JSON.stringify(events.items.map((e) => [e.event, e.reason])));
  assert.deepEqual(page.errors, []);
});
