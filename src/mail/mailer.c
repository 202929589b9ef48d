/* mailer.c - the mailer's worker threads (--mail-workers, 4 by default). Each takes one row at
 * a time: claim it (a short write transaction that leases it, so no two workers take one row), render and build the message, deliver it (SMTP or spool) with no transaction
 * open, then record the outcome in another short transaction: sent, retry later (backoff
 * with jitter), or failed. Sleeps until the next row is due, a wake-up, or the poll interval,
 * whichever comes first (rows written by another process are seen by polling). Several
 * workers keep several SMTP dialogues going at once: one delivery is mostly waiting for the
 * server's answers, and group commit (store/sqlite_tx.c) folds their claims and outcomes into
 * shared transactions. */
#include "mailer.h"
#include "app.h"
#include "log.h"
#include "mail_mime.h"
#include "mail_retry.h"
#include "mail_template.h"
#include "mail_transport.h"
#include "store_outbox.h"
#include "store_variants.h"
#include "metrics.h"
#include "util.h"
#include "worker_pool.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLL_MS 500          /* the longest sleep: rows enqueued elsewhere show up this fast */
#define STORE_PAUSE_MS 1000  /* after a store error, before trying again */
#define LEASE_MARGIN_MS 30000
#define FINISH_TRIES 5

struct mailer {
  struct app *app;
  struct worker_pool pool;
  struct mail_retry_policy policy;
  struct mail_smtp_settings smtp;
  char from_addr[256];
  int64_t lease_ms;
};

static uint32_t random_u32(void)
{
  uint32_t r = 0;
  if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
    r = (uint32_t)util_mono_ms() * 2654435761u;
  return r;
}

struct claim_arg {
  int64_t now, lease;
  struct outbox_row *row;
};

static enum store_status claim_tx(struct store_conn *c, void *arg)
{
  struct claim_arg *a = arg;
  outbox_row_clear(a->row);
  return store_outbox_claim(c, a->now, a->lease, a->row);
}

struct finish_arg {
  const char *id;
  enum mail_decision decision;
  int64_t next_at;
  const char *error;
  bool release;
};

static enum store_status finish_tx(struct store_conn *c, void *arg)
{
  struct finish_arg *f = arg;
  if (f->release)
    return store_outbox_release(c, f->id, f->next_at);
  switch (f->decision) {
  case MAIL_MARK_SENT:
    return store_outbox_mark_sent(c, f->id);
  case MAIL_RETRY_LATER:
    return store_outbox_schedule_retry(c, f->id, f->next_at, f->error);
  case MAIL_MARK_FAILED:
    return store_outbox_mark_failed(c, f->id, f->error);
  }
  return STORE_ERROR;
}

/* Records the outcome, trying a few times: a row left leased is sent again once the lease
 * ends, which is a duplicate (same Message-ID) rather than a loss. */
static void finish(struct mailer *m, struct finish_arg *f)
{
  enum store_status st = STORE_ERROR;
  for (int i = 0; i < FINISH_TRIES; i++) {
    st = store_write(m->app->store, finish_tx, f);
    if (st == STORE_OK || st == STORE_NOT_FOUND)
      return;
    struct timespec ts = {0, 200000000L};
    nanosleep(&ts, NULL);
  }
  log_msg(LOG_ERROR, "mail_outcome_lost",
          "outbox %s: the outcome could not be recorded (%d); it is tried again after its lease",
          f->id, (int)st);
}

/* Renders and builds the message of row; NULL with why when it cannot be built. */
static char *build(struct mailer *m, const struct outbox_row *row, char *why, size_t len)
{
  json_t *data = json_loads(row->data ? row->data : "", 0, NULL);
  struct variant v;
  /* The display name comes with the data; rows written before it did get it looked up. */
  const char *code = json_string_value(json_object_get(data, "variant"));
  const char *named = json_string_value(json_object_get(data, "variant_name"));
  struct store_conn *c = named && *named ? NULL : store_conn(m->app->store);
  bool have_variant = code && c && store_variant_get(c, code, &v) == STORE_OK;
  struct mail_render_ctx ctx = {m->app->public_url, &m->app->secret,
                                have_variant ? v.name : NULL};
  struct mail_rendered r = {0};
  char *msg = NULL;
  if (!data) {
    snprintf(why, len, "the data is not JSON");
  } else if (mail_template_render(row->template_name, row->language, data, &ctx, &r, why, len)) {
    struct mail_message mm = {m->app->cfg->mail_from, row->recipient, r.subject, r.body,
                              row->message_id, row->language, time(NULL)};
    msg = mail_mime_build(&mm, why, len);
  }
  mail_rendered_free(&r);
  json_decref(data);
  return msg;
}

static void deliver(struct mailer *m, struct outbox_row *row)
{
  char why[256] = "";
  struct mail_delivery d = {0};
  enum mail_class cls;
  char *msg = build(m, row, why, sizeof why);
  if (!msg) {
    cls = MAIL_UNSENDABLE;
    snprintf(d.detail, sizeof d.detail, "cannot build the message: %s", why);
  } else if (m->smtp.url) {
    mail_smtp_send(&m->smtp, m->from_addr, row->recipient, msg, &m->pool.stop, &d);
    cls = mail_retry_classify(d.curl_code, d.smtp_code);
  } else {
    bool ok = mail_spool_write(m->app->cfg->mail_spool, row->id, msg, d.detail, sizeof d.detail);
    cls = ok ? MAIL_DELIVERED : MAIL_TEMPORARY;
  }
  free(msg);
  struct finish_arg f = {.id = row->id, .error = d.detail};
  int attempts = row->attempts + 1;
  if (d.aborted) { /* stopping: the row waits, due at once, for the next start */
    f.release = true;
    f.next_at = util_now_ms();
    finish(m, &f);
    log_json(LOG_INFO, "mail_abandoned", json_pack("{s:s}", "outbox_id", row->id));
    return;
  }
  int64_t delay = 0;
  f.decision = mail_retry_decide(&m->policy, cls, attempts, random_u32(), &delay);
  f.next_at = util_now_ms() + delay;
  finish(m, &f);
  metrics_mail(f.decision == MAIL_MARK_SENT     ? "sent"
               : f.decision == MAIL_MARK_FAILED ? "failed"
                                                : "retry");
  if (f.decision == MAIL_MARK_SENT)
    log_json(LOG_INFO, "mail_sent",
             json_pack("{s:s, s:s, s:s, s:i}", "outbox_id", row->id, "template",
                       row->template_name, "message_id", row->message_id, "attempts", attempts));
  else
    log_json(f.decision == MAIL_MARK_FAILED ? LOG_WARN : LOG_INFO,
             f.decision == MAIL_MARK_FAILED ? "mail_failed" : "mail_retry",
             json_pack("{s:s, s:s, s:s, s:i, s:I, s:s}", "outbox_id", row->id, "class",
                       mail_class_str(cls), "reason", d.detail, "attempts", attempts,
                       "retry_in_ms", (json_int_t)delay, "template", row->template_name));
}

static void *run(void *arg)
{
  struct mailer *m = arg;
  struct outbox_row row = {0};
  unsigned long seen = 0;
  while (!worker_pool_stopping(&m->pool)) {
    struct claim_arg a = {util_now_ms(), m->lease_ms, &row};
    enum store_status st = store_write(m->app->store, claim_tx, &a);
    if (st == STORE_OK) {
      deliver(m, &row);
      outbox_row_clear(&row);
      continue;
    }
    if (st != STORE_NOT_FOUND) {
      worker_pool_sleep(&m->pool, &seen, STORE_PAUSE_MS);
      continue;
    }
    int64_t due = 0, wait = POLL_MS;
    struct store_conn *c = store_conn(m->app->store);
    if (c && store_outbox_next_due(c, &due) == STORE_OK && due - util_now_ms() < wait)
      wait = due - util_now_ms();
    worker_pool_sleep(&m->pool, &seen, wait);
  }
  outbox_row_clear(&row);
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
  m->lease_ms = cfg->smtp_timeout * 1000 + LEASE_MARGIN_MS;
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
  unsigned want = cfg->mail_workers < 1 ? 1 : (unsigned)cfg->mail_workers;
  unsigned started = worker_pool_start(&m->pool, want, run, m);
  if (started < want)
    log_msg(LOG_WARN, "mailer_workers", "started %u of %u mail workers", started, want);
  if (started == 0) {
    log_msg(LOG_ERROR, "mailer_not_started", "cannot start the mailer thread");
    worker_pool_stop(&m->pool);
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
  worker_pool_wake(&m->pool);
}

void mailer_stop(struct mailer *m)
{
  if (!m)
    return;
  worker_pool_stop(&m->pool);
  if (m->smtp.url)
    curl_global_cleanup();
  free(m);
  log_json(LOG_INFO, "mailer_stopped", NULL);
}
