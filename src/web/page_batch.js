// page_batch.js - "Activate many", for full office users: a CSV file (chosen or dropped) is
// tried first (POST /v1/collaboration-batches?dry_run=true): the counts and a table of what
// would happen to each row (way, variant, change; a refused row marked, with its column and
// the problem in words). "Send N invitations" posts the same bytes for real with an
// Idempotency-Key made once per upload, so a double click or a retry runs it once, and opens
// the run's page (page_batch_run.js). The expected columns are explained, with an example
// file to download, and the office's earlier batches are listed (their results to download
// again). Limited users see the file field disabled, with the reason.
import { call, get } from './api.js';
import { t } from './i18n.js';
import { h, field, page, problemWords, date } from './ui.js';
import { loadVariants, variantName } from './page_activate.js';

const COLUMNS = ['corporate_id', 'name', 'email', 'company_name', 'task', 'task_id', 'variant',
  'invoice_recipient', 'agreement_period_months', 'administrator_name', 'administrator_email',
  'administrator_phone', 'language', 'starts_on'];
// The example file: every column but task_id (the alternative to task) and company_name (for
// a company the vendor does not know yet), and one row.
const EXAMPLE = { corporate_id: '556677-8899', name: 'Exempel AB', email: 'ekonomi@exempel.se',
  task: 'Löpande bokföring', variant: 'smart', invoice_recipient: 'customer', agreement_period_months: '12',
  administrator_name: 'Anna Andersson', administrator_email: 'anna@exempel.se',
  administrator_phone: '+46 70 123 45 67', language: 'sv', starts_on: '' };
const WAYS = { 1: 'subscriber', 2: 'account', 3: 'new_customer' };

export async function batchPage(who) {
  const variants = await loadVariants();
  const full = who.role === 'full';
  const input = field({ name: 'file', label: t('batch.file'), type: 'file', hint: t('batch.file_hint'),
                        disabled: !full, reason: full ? null : t('batch.limited_reason') });
  const control = input.querySelector('input');
  control.accept = '.csv,text/csv';
  const result = h('div.batch-result');
  const drop = h('div.drop', {}, input);
  control.addEventListener('change', () => {
    const file = control.files[0];
    control.value = ''; // so that choosing the same file again, fixed, uploads it again
    if (file) upload(file, input, result);
  });
  drop.addEventListener('dragover', (ev) => {
    if (!full) return;
    ev.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (ev) => {
    ev.preventDefault();
    drop.classList.remove('over');
    const file = ev.dataTransfer?.files?.[0];
    if (full && file) upload(file, input, result);
  });
  const earlier = h('section');
  page(t('batch.title'), h('p.lead', {}, t('batch.intro')), drop, result, columnsHelp(variants), earlier);
  await earlierBatches(earlier);
}

// The office's latest batches (GET /v1/collaboration-batches, newest first), each linked to
// its page; nothing when there are none.
async function earlierBatches(el) {
  let list;
  try {
    list = (await get('/v1/collaboration-batches?limit=20')).items;
  } catch (e) {
    el.setAttribute('aria-labelledby', 'earlier-title');
    el.replaceChildren(h('h2#earlier-title', {}, t('batch.earlier')), h('p.form-error', { role: 'alert' }, problemWords(e)));
    return;
  }
  if (!list.length) return;
  el.setAttribute('aria-labelledby', 'earlier-title');
  el.replaceChildren(h('h2#earlier-title', {}, t('batch.earlier')), h('table', {},
    h('thead', {}, h('tr', {}, [t('field.created'), t('field.state'), t('batch.rows'), t('batch.invited'),
      t('batch.refused')].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, list.map((b) => h('tr', {},
      h('td', {}, h('a', { href: `/batches/${encodeURIComponent(b.id)}` }, date(b.created_at))),
      h('td', {}, t(`batch.state.${b.state}`)),
      h('td', {}, String(b.rows_total)),
      h('td', {}, String(b.counts.invited)),
      h('td', {}, String(b.counts.refused)))))));
}

// A fresh Idempotency-Key (a random UUID; crypto.randomUUID needs a secure context).
function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((v) => v.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

// The file's bytes are read once, so the dry run and the real run send the same upload.
async function upload(file, input, result) {
  const control = input.querySelector('input');
  const error = input.querySelector('.field-error');
  error.textContent = '';
  control.removeAttribute('aria-invalid');
  result.replaceChildren(h('p', { role: 'status' }, t('batch.checking', { file: file.name })));
  const key = newKey();
  try {
    const bytes = await file.arrayBuffer();
    const r = await call('POST', '/v1/collaboration-batches?dry_run=true', { raw: bytes, type: 'text/csv' });
    dryRun(result, file.name, r.data, bytes, key);
  } catch (e) {
    result.replaceChildren();
    const words = e.status === undefined ? String(e.message || e) : problemWords(e);
    error.textContent = [words, ...(e.errors || []).map((fe) => `${fe.field}: ${fe.message}`)].join(' ');
    control.setAttribute('aria-invalid', 'true');
    control.focus();
  }
}

// A refused row's column and problem, in words (the server's detail may start with the
// column's name, which is then not said twice).
export function problemText(p) {
  if (!p) return '';
  if (!p.column) return p.detail;
  const detail = p.detail.startsWith(`${p.column}: `) ? p.detail.slice(p.column.length + 2) : p.detail;
  return t('batch.column_problem', { column: p.column, detail });
}

function dryRun(result, name, data, bytes, key) {
  const { ok, refused } = data.counts;
  const heading = h('h2', { tabindex: '-1' }, t('batch.dry_title', { file: name }));
  const rows = data.rows.map((r) => h(`tr${r.outcome === 'refused' ? '.refused' : ''}`, {},
    h('td', {}, String(r.row)),
    h('td', {}, String(r.line)),
    h('td', {}, r.corporate_id || ''),
    h('td', {}, r.name || ''),
    h('td.outcome', {}, t(`batch.outcome.${r.outcome}`),
      r.customer === 'added' ? h('span.muted', {}, ` (${t('batch.customer_added')})`) : null,
      r.task === 'added' ? h('span.muted', {}, ` (${t('batch.task_added')})`) : null),
    h('td', {}, r.way ? t(`way.${WAYS[r.way]}`) : ''),
    h('td', {}, r.variant ? variantName(r.variant) : ''),
    h('td', {}, r.change ? t(`batch.change.${r.change}`) : ''),
    h('td', {}, problemText(r.problem))));
  const table = h('table.batch', {},
    h('caption.sr', {}, t('batch.dry_title', { file: name })),
    h('thead', {}, h('tr', {}, [t('batch.row'), t('batch.line'), t('field.corporate_id'), t('field.name'),
      t('batch.outcome'), t('batch.way'), t('field.variant'), t('batch.change'), t('batch.problem')]
      .map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows));
  const only = refused ? field({ name: 'only_refused', label: t('batch.only_refused'), type: 'checkbox' }) : null;
  only?.querySelector('input').addEventListener('change', (ev) => {
    for (const tr of rows) tr.hidden = ev.target.checked && !tr.classList.contains('refused');
  });
  const error = h('p.form-error', { role: 'alert', id: 'send-error' });
  const send = h('button.primary', { type: 'button', disabled: !ok, 'aria-describedby': 'send-hint send-error' },
    ok === 1 ? t('batch.send_one') : t('batch.send', { n: ok }));
  send.addEventListener('click', async () => {
    if (send.disabled) return;
    send.disabled = true;
    error.textContent = '';
    try {
      const r = await call('POST', '/v1/collaboration-batches',
                           { raw: bytes, type: 'text/csv', headers: { 'Idempotency-Key': key } });
      location.assign(`/batches/${encodeURIComponent(r.data.id)}`);
    } catch (e) {
      error.textContent = problemWords(e);
      send.disabled = false;
      send.focus();
    }
  });
  result.replaceChildren(heading,
    h('p.counts', {}, t('batch.counts', { total: data.rows.length, ok, refused })),
    only, table,
    h('div.actions', {}, send),
    h('p.hint', { id: 'send-hint' }, ok ? (refused ? t('batch.send_hint') : '') : t('batch.nothing_to_send')),
    error);
  heading.focus();
}

// The columns a file may have, what each means, and an example file (header and one row).
function columnsHelp(variants) {
  const names = Object.keys(EXAMPLE);
  const csv = `\ufeff${names.join(';')}\r\n${names.map((c) => EXAMPLE[c]).join(';')}\r\n`;
  const href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  return h('section', { 'aria-labelledby': 'columns-title' },
    h('h2', { id: 'columns-title' }, t('batch.columns')),
    h('p', {}, t('batch.format')),
    h('p', {}, h('a', { href, download: 'aktivera-flera.csv' }, t('batch.example'))),
    h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('batch.column')), h('th', { scope: 'col' }, t('batch.meaning')))),
      h('tbody', {}, COLUMNS.map((c) => h('tr', {}, h('th', { scope: 'row' }, h('code', {}, c)),
        h('td', {}, t(`batch.col.${c}`, { codes: variants.map((v) => v.code).join(', ') })))))));
}
