/* mailer.c - the mailer's worker threads (--mail-workers, 4 by default). Each looks for due
 * rows with a read, claims up to CLAIM_BATCH of them (one short write transaction that leases
 * them, so no two workers take one row; no read first when the claim before saw more due),
 * then renders and builds their messages and delivers them (SMTP or spool) with no
 * transaction open, over SMTP all in one round trip when the server allows (PIPELINING and
 * CHUNKING: attempt_deliver_many, mail_smtp_send_many), else each in turn, and records its
 * outcome (sent, retry later with backoff and jitter, or failed) for the store's writer
 * without waiting for it
 * (outcomes.h: a quick try's outcome goes with the next claim's write, others in a write of
 * their own). When nothing is due it sleeps until the next row is due, a wake-up, or the
 * poll interval, whichever comes first (rows written by another process are seen by polling);
 * a wake-up sets one worker looking, not all, and a worker that claims rows while more are due
 * wakes one more. Several workers keep several SMTP dialogues going at once: one delivery is
 * mostly waiting for the server's answers, and group commit (store/sqlite_tx.c) folds their
 * writes into shared transactions. The workers are background threads (thread_prio.h): at a
 * lower priority than requests, their writes run by the store's writer thread. While the server
 * answers many requests they start at most PACE_BUSY_MAILS e-mails a second between them
 * (pace.h), as many as they can otherwise. While the SMTP server cannot be reached they claim
 * nothing but one probe now and then (breaker.h).
 *
 * Crashes: a delivered e-mail whose outcome is not yet committed (held for the next claim or
 * flush, or queued: outcomes.h) is sent again after its lease (same Message-ID); the rows a worker had
 * claimed but not yet begun count, after a crash, one try more (OUTBOX_LOST_TRY) when their
 * leases have run out, like the row in flight. A stop gives them back untouched. */
#include "mailer.h"
#include "app.h"
#include "log.h"
#include "thread_prio.h"
#include "mail_mime.h"
#include "mail_retry.h"
#include "mail_transport.h"
#include "store_outbox.h"
#include "metrics.h"
#include "util.h"
#include "worker_pool.h"
#include "due_sleep.h"
#include "outcomes.h"
#include "pace.h"
#include "breaker.h"
#include "attempt.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLL_MS 500          /* the longest sleep: rows enqueued elsewhere show up this fast */
#define STORE_PAUSE_MS 1000  /* after a store error, before trying again */
#define LEASE_MARGIN_MS 30000
#define CLAIM_BATCH 4        /* rows one claim takes (see run) */
#define HOLD_FAST_MS 50      /* a try quicker than this has its outcome written with a claim */
#define BREAKER_NAP_MS 100   /* the longest pause at once while the breaker is open */

struct mailer {
  struct app *app;
  struct worker_pool pool;
  struct mail_retry_policy policy;
  struct mail_smtp_settings smtp;
  char from_addr[256];
  int64_t lease_ms, step_ms; /* a claimed row's lease; the longest one delivery may take */
  struct mail_outcomes outcomes; /* the workers' tries, being written */
  struct mail_pace pace;         /* how fast they start e-mails while requests are many */
  struct mail_breaker breaker;   /* paused while the SMTP server cannot be reached */
  struct mail_try_env env;       /* what a try needs of the above */
};

/* One claim of a worker: up to CLAIM_BATCH due rows leased in one write (store_write runs
 * it on the store's writer thread: thread_prio.h), the i-th until it may have waited for the i
 * before it. */
struct claim_arg {
  int64_t now, lease, step;
  struct outbox_row *rows;
  size_t max; /* rows to take at most: CLAIM_BATCH, or 1 for the breaker's probe */
  size_t n;  /* out */
  bool more; /* out: more rows were due */
  struct outcomes_carry carry; /* the workers' held outcomes, written in the same write */
};

/* The claim's write runs at READ COMMITTED on PostgreSQL (store_write_isolated; SQLite: one
 * writer, serializable anyway). SERIALIZABLE made two claims at once fail as a pivot and run
 * again (~12% of the claims of a drain: both read the same range of outbox_pending), and
 * nothing in it needs more than the locks of the rows it writes:
 * - the claim (outbox_claim_pg.c) locks each row it takes (FOR UPDATE SKIP LOCKED) and, when
 *   the row changed after its statement began (a claim or outcome committed meanwhile),
 *   PostgreSQL evaluates its WHERE again on the row's newest version before taking it:
 *   status = 'pending' AND next_attempt_at <= now, i.e. still pending and due (a row another
 *   claim leased meanwhile is due only at its lease's end, so it is passed over); a row another
 *   claim holds uncommitted is skipped. Its UPDATE then re-checks only id = the locked row's id,
 *   on that newest version (held locked until the commit: nobody changes it meanwhile), and
 *   counts a lost try from the lease read under the lock. So no two claims take one row, as
 *   under SERIALIZABLE; what READ COMMITTED allows besides is only that a claim misses a row
 *   committed while it ran (the next claim takes it, as if it had run a moment earlier).
 * - the held outcomes written first (outcomes_carry_write) are one UPDATE per row or per
 *   claim's 'sent' rows, each WHERE id = ... AND status = 'pending', read and written in the
 *   statement: a row changed meanwhile is waited for and checked again on its newest version,
 *   the outcome the one a serializable run again would write. No statement reads a row to
 *   decide what it writes elsewhere. The queued outcomes run so too (outcomes.c, above
 *   write_tx); every other write stays SERIALIZABLE. */
static enum store_status claim_tx(struct store_conn *c, void *arg)
{
  struct claim_arg *a = arg;
  for (size_t i = 0; i < a->n; i++) /* a transaction run again claims afresh */
    outbox_row_clear(&a->rows[i]);
  a->n = 0;
  enum store_status st = outcomes_carry_write(&a->carry, c);
  if (st != STORE_OK)
    return st;
  st = store_outbox_claim_many(c, a->now, a->lease, a->step, a->rows, a->max, &a->n,
                               &a->more);
  return st == STORE_NOT_FOUND ? STORE_OK : st; /* none due: the outcomes commit all the same */
}

/* A worker's held outcomes: written (queued) by the first try that turns slow while some are
 * held (mail_smtp_conn.on_slow), so that none waits for the rest of a slow try. */
struct held {
  struct mail_outcomes *out;
  bool any; /* this worker held one since its last claim or flush */
};

static void flush_held(void *arg)
{
  struct held *h = arg;
  outcomes_flush(h->out);
  h->any = false;
}

/* A worker: look (a read); when rows are due, claim up to CLAIM_BATCH of them in one write
 * (waking one more worker when more are due), then deliver them one after another, a quick
 * try's outcome held for the next claim, a slow one's queued at once (outcomes.h); sleep when
 * nothing is due until it is, a wake-up (one worker per wake-up: a commit that queued e-mails,
 * or a worker that claimed rows while more were due), or the poll interval (rows queued by
 * another process). */
static void *run(void *arg)
{
  thread_prio_background("mailer"); /* named for top -H, perf and /proc; lower priority */
  struct mailer *m = arg;
  struct outbox_row rows[CLAIM_BATCH];
  memset(rows, 0, sizeof rows);
  size_t n = 0, next = 0; /* rows[next..n) are claimed and not yet tried */
  int64_t claimed_at = 0;  /* row i's lease ends at claimed_at + lease + i steps (outbox.c) */
  bool more_due = false;   /* the last claim saw more rows due: the next needs no look first */
  unsigned long seen = 0;
  struct mail_smtp_conn conn = {0}; /* this worker's SMTP connection, kept between messages */
  struct mail_outcomes *out = &m->outcomes;
  struct held held = {out, false};
  bool probe = false; /* rows[0] is the breaker's probe (claimed alone), not yet reported */
  while (!worker_pool_stopping(&m->pool)) {
    outcomes_rewrite(out);
    if (next == n) {
      /* the SMTP server unreachable: no claim but one worker's probe now and then (breaker.h);
       * paused in short naps, neither woken by each new e-mail nor keeping the stop waiting */
      int64_t hold = m->smtp.url ? mail_breaker_ask(&m->breaker, util_mono_ms(), &probe) : 0;
      if (hold > 0) {
        flush_held(&held);
        worker_pool_pause((hold < BREAKER_NAP_MS ? hold : BREAKER_NAP_MS) * 1000);
        continue;
      }
      size_t want = probe ? 1 : CLAIM_BATCH;
      /* while paced: this claim's turn is booked, and the worker claims when it comes */
      struct mail_pace_turn turn;
      int64_t pace = mail_pace_book(&m->pace, util_mono_us(), metrics_requests_answered(),
                                    want, &turn);
      if (pace > 0) {
        if (pace >= HOLD_FAST_MS * 1000) /* a shorter one ends in a claim (which takes them) or a flush */
          flush_held(&held);
        worker_pool_pause(pace); /* not woken by each new e-mail's wake-up (a few ms) */
        if (worker_pool_stopping(&m->pool))
          break;
      }
      int64_t wait = more_due ? 0
                              : due_sleep_ms(m->app->store, store_outbox_next_due, POLL_MS,
                                             STORE_PAUSE_MS);
      if (wait > 0) {
        mail_pace_claimed(&m->pace, &turn, 0);
        if (probe)
          mail_breaker_no_probe(&m->breaker);
        probe = false;
        flush_held(&held);
        worker_pool_sleep(&m->pool, &seen, wait);
        continue;
      }
      claimed_at = util_now_ms();
      struct claim_arg a = {claimed_at, m->lease_ms, m->step_ms, rows, want,
                            0,          false,       {out, false, NULL}};
      enum store_status st =
          store_write_isolated(m->app->store, STORE_READ_COMMITTED, claim_tx, &a);
      outcomes_carry_done(&a.carry, st); /* written, or queued again when it failed */
      held.any = false;
      if (st != STORE_OK) /* rows read in a transaction that did not commit are not claimed */
        for (size_t i = 0; i < a.n; i++)
          outbox_row_clear(&rows[i]);
      n = st == STORE_OK ? a.n : 0;
      next = 0;
      more_due = st == STORE_OK && a.n > 0 && a.more; /* none claimed: look before the next */
      mail_pace_claimed(&m->pace, &turn, n);
      if (probe && n == 0)
        mail_breaker_no_probe(&m->breaker);
      probe = probe && n > 0;
      if (probe)
        metrics_mail_probe();
      if (st != STORE_OK && st != STORE_NOT_FOUND)
        worker_pool_sleep(&m->pool, &seen, STORE_PAUSE_MS);
      if (n == 0)
        continue; /* NOT_FOUND: taken by another worker meanwhile; look again */
      if (a.more && !probe)
        worker_pool_wake_one(&m->pool);
    }
    /* A try takes up to two steps (mail_transport.h: each connection it uses has one deadline
     * of --smtp-timeout for everything on it, and a second one is opened only when the kept
     * one was found closed before it answered): a row whose lease ends sooner would be
     * claimed by another worker meanwhile and sent twice. Those left are given back, due at
     * once, when the ones before took that long. */
    /* The breaker opened meanwhile (another worker's tries found no server): those left are
     * given back untried, due at once, their attempts untouched. */
    if ((next > 0 && util_now_ms() + 2 * m->step_ms >
                         claimed_at + m->lease_ms + (int64_t)next * m->step_ms) ||
        (m->smtp.url && !probe && !mail_breaker_closed(&m->breaker))) {
      outcomes_release(out, rows + next, n - next);
      for (size_t i = next; i < n; i++)
        outbox_row_clear(&rows[i]);
      next = n;
      continue;
    }
    /* the rows left in one round trip when the kept connection's server allows (the breaker's
     * probe alone; a claim's first row alone when it opens the connection): row next + i is
     * settled within i + 2 steps (mail_transport.h), its lease lasts i steps longer than
     * row next's, so the check above covers them all */
    size_t k = m->smtp.url && !probe && mail_smtp_batches(&conn) ? n - next : 1;
    struct attempt t[CLAIM_BATCH];
    int64_t began = util_mono_ms();
    conn.on_slow = held.any ? flush_held : NULL; /* held ones do not wait for a slow try */
    conn.slow_arg = &held;
    conn.slow_at = began + HOLD_FAST_MS;
    /* the call settled 5 s (to write the outcomes) before row next's lease ends: a batch of
     * slow messages must not outlive it (another worker would claim the row and send it again;
     * mail_transport.h: those not settled by then fail as after a timeout) */
    conn.settle_by = began + claimed_at + m->lease_ms + (int64_t)next * m->step_ms -
                     util_now_ms() - 5000;
    if (k > 1)
      attempt_deliver_many(&m->env, &conn, rows + next, k, t);
    else
      attempt_deliver(&m->env, &conn, &rows[next], t);
    bool quick = util_mono_ms() - began < HOLD_FAST_MS, unreached = false;
    for (size_t i = 0; i < k; i++) {
      struct outbox_row *cur = &rows[next++];
      /* what the try showed of the server: a batch's messages share its connection, and
       * its failure to reach the server counts once (the first that showed it) */
      enum mail_breaker_seen showed = t[i].d.aborted || t[i].cls == MAIL_UNSENDABLE
                                        ? BREAKER_NOTHING
                                        : mail_breaker_seen_of(t[i].d.curl_code,
                                                               t[i].d.smtp_code);
      if (m->smtp.url)
        mail_breaker_note(&m->breaker, unreached && showed == BREAKER_UNREACHED ? BREAKER_NOTHING
                                                                                : showed,
                          probe, t[i].d.detail);
      unreached = unreached || showed == BREAKER_UNREACHED;
      probe = false;
      /* a quick try's outcome goes with the next claim of any worker (or a flush before one
       * sleeps): one write for many e-mails; a slow one's at once. Over SMTP every row's: a
       * try after it that lasts HOLD_FAST_MS writes the held ones from its on_slow
       * (mail_transport.h: libcurl's progress function while connecting, about once a second,
       * and the dialogue's waits, every 200 ms at most), long before their leases end. With
       * the spool (no such function) only the claim's last row's: this worker claims (or
       * flushes) right after it, while a try of a row after it could take two steps (two
       * --smtp-timeouts), and a held 'sent' would outlive the row's lease (another worker or
       * instance would claim and send it again). */
      if (quick && !t[i].f.release && (m->smtp.url || next == n)) {
        outcomes_hold(out, &t[i].f);
        held.any = true;
      } else {
        outcomes_record(out, &t[i].f);
      }
      attempt_report(cur, &t[i]);
      outbox_row_clear(cur);
    }
  }
  outcomes_flush(out);
  outcomes_release(out, rows + next, n - next); /* claimed as the stop began: due at once */
  if (probe) /* claimed, not tried */
    mail_breaker_no_probe(&m->breaker);
  mail_smtp_close(&conn);
  for (size_t i = 0; i < CLAIM_BATCH; i++)
    outbox_row_clear(&rows[i]);
  store_conn_release(m->app->store);
  return NULL;
}

struct mailer *mailer_start(struct app *app)
{
  const struct config *cfg = app->cfg;
  struct mailer *m = calloc(1, sizeof *m);
  if (!m)
    return NULL;
  m->app = app;
  m->policy = (struct mail_retry_policy){cfg->mail_retry_min * 1000, cfg->mail_retry_max * 1000,
                                         (int)cfg->mail_max_attempts};
  m->step_ms = cfg->smtp_timeout * 1000;
  m->lease_ms = m->step_ms + LEASE_MARGIN_MS;
  if (!mail_mime_from_address(cfg->mail_from, m->from_addr, sizeof m->from_addr)) {
    log_msg(LOG_ERROR, "mailer_not_started", "--mail-from '%s' holds no usable address",
            cfg->mail_from);
    free(m);
    return NULL;
  }
  if (cfg->smtp_url && *cfg->smtp_url) {
    m->smtp = (struct mail_smtp_settings){cfg->smtp_url,     cfg->smtp_user,
                                          cfg->smtp_password, cfg->smtp_starttls,
                                          cfg->smtp_ca_file, cfg->smtp_timeout};
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
      log_msg(LOG_ERROR, "mailer_not_started", "libcurl could not be initialised");
      free(m);
      return NULL;
    }
  }
  m->env = (struct mail_try_env){app, &m->smtp, m->from_addr, &m->pool.stop, &m->policy};
  unsigned want = cfg->mail_workers < 1 ? 1 : (unsigned)cfg->mail_workers;
  outcomes_init(&m->outcomes, app->store);
  mail_breaker_init(&m->breaker, m->policy.max_ms);
  mail_pace_init(&m->pace, util_mono_us(), metrics_requests_answered());
  unsigned started = worker_pool_start(&m->pool, want, run, m);
  if (started < want)
    log_msg(LOG_WARN, "mailer_workers", "started %u of %u mail workers", started, want);
  if (started == 0) {
    log_msg(LOG_ERROR, "mailer_not_started", "cannot start the mailer thread");
    worker_pool_stop(&m->pool);
    outcomes_finish(&m->outcomes);
    mail_pace_destroy(&m->pace);
    mail_breaker_destroy(&m->breaker);
    if (m->smtp.url)
      curl_global_cleanup();
    free(m);
    return NULL;
  }
  char url[512];
  mail_url_redact(m->smtp.url ? m->smtp.url : "", url, sizeof url);
  log_json(LOG_INFO, "mailer_started",
           m->smtp.url
               ? json_pack("{s:s, s:s, s:s, s:b, s:i, s:i, s:i, s:i}", "transport", "smtp", "url", url,
                           "starttls", cfg->smtp_starttls, "login",
                           (cfg->smtp_user && *cfg->smtp_user) || strcmp(url, m->smtp.url) != 0,
                           "retry_min_s", (int)cfg->mail_retry_min, "retry_max_s",
                           (int)cfg->mail_retry_max, "max_attempts", (int)cfg->mail_max_attempts,
                           "workers", (int)started)
               : json_pack("{s:s, s:s, s:i}", "transport", "spool", "spool", cfg->mail_spool,
                           "workers", (int)started));
  return m;
}

void mailer_wake(struct mailer *m)
{
  if (!m)
    return;
  worker_pool_wake_one(&m->pool);
}

void mailer_stop(struct mailer *m)
{
  if (!m)
    return;
  worker_pool_stop(&m->pool);
  outcomes_finish(&m->outcomes); /* every outcome written before the store closes */
  mail_pace_destroy(&m->pace);
  mail_breaker_destroy(&m->breaker);
  if (m->smtp.url)
    curl_global_cleanup();
  free(m);
  log_json(LOG_INFO, "mailer_stopped", NULL);
}
