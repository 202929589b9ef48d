// page_batch_run.js - one run of "Activate many" (/batches/{id}): follows
// GET /v1/collaboration-batches/{id} every second until its state is done, showing the
// progress and each row's result (invited, with a link to the collaboration; refused, marked,
// with its column and the problem in words; waiting). Once done: a link to the result as CSV
// (?format=csv), to fix the refused rows and upload the file again.
import { get } from './api.js';
import { t } from './i18n.js';
import { h, page, problemWords, date } from './ui.js';
import { problemText } from './page_batch.js';

export async function batchRunPage(who, id) {
  const status = h('p.counts', { role: 'status', id: 'batch-status' });
  const bar = h('progress', { 'aria-labelledby': 'progress-label', max: '1', value: '0' });
  const body = h('tbody');
  const done = h('div.batch-done');
  page(t('batch.run_title'),
    h('p', {}, h('span#progress-label', {}, t('batch.progress_label')), ' ', bar),
    status,
    done,
    h('table.batch', {},
      h('caption.sr', {}, t('batch.run_title')),
      h('thead', {}, h('tr', {}, [t('batch.row'), t('batch.line'), t('field.corporate_id'), t('field.name'),
        t('batch.outcome'), t('batch.problem')].map((c) => h('th', { scope: 'col' }, c)))),
      body));
  let drawn = '';
  const url = `/v1/collaboration-batches/${encodeURIComponent(id)}`;
  for (;;) {
    let b;
    try {
      b = await get(url);
    } catch (e) {
      status.textContent = problemWords(e);
      if (e.status && e.status < 500 && e.status !== 429) return; // not there, or not yours
      await pause(1000);
      continue;
    }
    if (!document.contains(body)) return; // the page was left
    const finished = b.counts.invited + b.counts.refused;
    bar.max = Math.max(b.rows_total, 1);
    bar.value = finished;
    const words = `${t(`batch.state.${b.state}`)}: ${t('batch.progress', { done: finished, total: b.rows_total,
      invited: b.counts.invited, refused: b.counts.refused })}`;
    if (status.textContent !== words) status.textContent = words;
    const now = JSON.stringify(b.rows);
    if (now !== drawn) {
      drawn = now;
      body.replaceChildren(...b.rows.map(row));
    }
    if (b.state === 'done') {
      done.replaceChildren(
        b.finished_at ? h('p', {}, t('batch.finished', { at: date(b.finished_at) })) : null,
        h('p', {}, h('a.download', { href: `${url}?format=csv`, download: `batch-${id}.csv` }, t('batch.download'))),
        b.counts.refused ? h('p.hint', {}, t('batch.fix_hint')) : null,
        h('p', {}, h('a', { href: '/batches' }, t('batch.again'))));
      return;
    }
    await pause(1000);
  }
}

function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function row(r) {
  const outcome = r.outcome === 'invited' && r.collaboration_id
    ? h('a', { href: `/collaborations/${r.collaboration_id}` }, t('batch.result.invited'))
    : t(`batch.result.${r.outcome}`);
  return h(`tr${r.outcome === 'refused' ? '.refused' : ''}`, {},
    h('td', {}, String(r.row)),
    h('td', {}, String(r.line ?? '')),
    h('td', {}, r.corporate_id || ''),
    h('td', {}, r.name || ''),
    h('td.outcome', {}, outcome),
    h('td', {}, problemText(r.problem)));
}
