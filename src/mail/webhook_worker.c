/* webhook_worker.c - the webhook worker threads. Each looks for a due delivery (a read) and
 * claims one at a time (a short write transaction that leases it; a delivery waits for the
 * earlier ones of its endpoint and collaboration), sends it with no transaction open, then records the outcome in
 * another short transaction: delivered; retried later with exponential backoff and jitter (a
 * 5xx, a timeout, a connection error) until --webhook-give-up has passed since the event; or
 * failed. A 410 disables the endpoint; an endpoint failing for --webhook-give-up is disabled
 * and its owner e-mailed (the outbox, in the same transaction). */
#include "webhook_worker.h"

#include "app.h"
#include "domain/dates.h"
#include "domain/webhook.h"
#include "log.h"
#include "thread_prio.h"
#include "mailer.h"
#include "metrics.h"
#include "store_outbox.h"
#include "store_webhooks.h"
#include "util.h"
#include "worker_pool.h"
#include "due_sleep.h"
#include "webhook_send.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLL_MS 250
#define STORE_PAUSE_MS 1000
#define LEASE_MARGIN_MS 5000
#define FINISH_TRIES 5

struct webhook_worker {
  struct app *app;
  struct worker_pool pool;
  int64_t lease_ms, give_up_ms;
};

struct claim_arg {
  int64_t now, lease;
  struct webhook_delivery *d;
  struct webhook *hook;
};

static enum store_status claim_tx(struct store_conn *c, void *arg)
{
  struct claim_arg *a = arg;
  free(a->d->payload);
  a->d->payload = NULL;
  return store_webhook_claim(c, a->now, a->lease, a->d, a->hook);
}

struct finish_arg {
  const struct webhook_worker *w;
  const struct webhook_delivery *d;
  const struct webhook_result *res;
  enum webhook_outcome outcome;
  int64_t now, next_at;
  bool disabled;      /* out: the endpoint was disabled by this outcome */
};

/* The owner is told that hook was disabled for failing (in the outcome's transaction). */
static enum store_status tell_owner(struct store_conn *c, const struct webhook *hook,
                                    const char *error)
{
  char since[32];
  date_iso_ms(hook->failing_since_ms, since, sizeof since);
  json_t *data = json_pack("{s:s, s:s, s:s, s:s}", "webhook_id", hook->id, "url", hook->url,
                           "failing_since", since, "last_error", error[0] ? error : "-");
  char *text = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(data);
  if (!text)
    return STORE_ERROR;
  struct outbox_message m = {.recipient = hook->owner_email, .template_name = "webhook_disabled",
                             .language = hook->language[0] ? hook->language : "sv",
                             .data_json = text};
  enum store_status st = store_outbox_enqueue(c, &m, NULL);
  free(text);
  return st;
}

/* The endpoint's record after the outcome: failing since when, disabled or not. */
static enum store_status endpoint_after(struct store_conn *c, struct finish_arg *f)
{
  struct webhook *hook = malloc(sizeof *hook);
  enum store_status st = hook ? store_webhook_get(c, NULL, NULL, f->d->webhook_id, hook)
                              : STORE_ERROR;
  bool changed = false;
  if (st == STORE_OK && f->outcome == WEBHOOK_DELIVERED && hook->failing_since_ms) {
    hook->failing_since_ms = 0;
    changed = true;
  } else if (st == STORE_OK && f->outcome == WEBHOOK_GONE && hook->enabled) {
    hook->enabled = false;
    snprintf(hook->disabled_reason, sizeof hook->disabled_reason,
             "the receiver answered 410 Gone");
    changed = f->disabled = true;
  } else if (st == STORE_OK && f->outcome != WEBHOOK_DELIVERED) {
    if (!hook->failing_since_ms) {
      hook->failing_since_ms = f->now;
      changed = true;
    }
    if (hook->enabled && f->now - hook->failing_since_ms >= f->w->give_up_ms) {
      hook->enabled = false;
      snprintf(hook->disabled_reason, sizeof hook->disabled_reason,
               "every delivery failed for %lld seconds",
               (long long)(f->w->give_up_ms / 1000));
      changed = f->disabled = true;
      st = tell_owner(c, hook, f->res->error);
    }
  }
  if (st == STORE_OK && changed) {
    util_now_iso8601(hook->updated_at, sizeof hook->updated_at);
    st = store_webhook_update(c, hook);
  }
  free(hook);
  return st == STORE_NOT_FOUND ? STORE_OK : st; /* deleted meanwhile */
}

static enum store_status finish_tx(struct store_conn *c, void *arg)
{
  struct finish_arg *f = arg;
  const char *status = f->outcome == WEBHOOK_DELIVERED ? "delivered"
                       : f->outcome == WEBHOOK_RETRY && f->next_at ? "pending"
                                                                   : "failed";
  char now[32];
  util_now_iso8601(now, sizeof now);
  f->disabled = false;
  enum store_status st = store_webhook_delivery_finish(c, f->d->id, status, f->next_at,
                                                       (int)f->res->status, f->res->error, now);
  return st == STORE_OK ? endpoint_after(c, f) : st;
}

static void finish(struct webhook_worker *w, store_tx_fn fn, void *arg, const char *id)
{
  for (int i = 0; i < FINISH_TRIES; i++) {
    enum store_status st = store_write(w->app->store, fn, arg);
    if (st == STORE_OK || st == STORE_NOT_FOUND)
      return;
    struct timespec ts = {0, 200000000L};
    nanosleep(&ts, NULL);
  }
  log_msg(LOG_ERROR, "webhook_outcome_lost",
          "delivery %s: the outcome could not be recorded; it is tried again after its lease", id);
}

struct release_arg {
  const char *id;
  int64_t due;
};

static enum store_status release_tx(struct store_conn *c, void *arg)
{
  struct release_arg *r = arg;
  return store_webhook_delivery_release(c, r->id, r->due);
}

static uint32_t random_u32(void)
{
  uint32_t r = 0;
  if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
    r = (uint32_t)util_mono_ms() * 2654435761u;
  return r;
}

static void deliver(struct webhook_worker *w, struct webhook_delivery *d, struct webhook *hook)
{
  char cur[SECRET_WEBHOOK_LEN], old[SECRET_WEBHOOK_LEN];
  struct webhook_request rq = {.url = hook->url, .event_id = d->event_id, .payload = d->payload,
                               .timeout_s = w->app->cfg->webhook_timeout,
                               .allow_private = w->app->cfg->webhook_allow_private != 0,
                               .stop = &w->pool.stop};
  secret_webhook(&w->app->secret, hook->secret_nonce, cur);
  rq.secrets[0] = cur;
  if (hook->old_secret_nonce[0] && hook->old_valid_until_ms > util_now_ms()) {
    secret_webhook(&w->app->secret, hook->old_secret_nonce, old);
    rq.secrets[1] = old;
  }
  struct webhook_result res;
  webhook_send(&rq, &res);
  OPENSSL_cleanse(cur, sizeof cur);
  OPENSSL_cleanse(old, sizeof old);
  if (res.aborted) { /* stopping: due at once after the next start */
    struct release_arg r = {d->id, util_now_ms()};
    finish(w, release_tx, &r, d->id);
    return;
  }
  struct finish_arg f = {.w = w, .d = d, .res = &res, .now = util_now_ms()};
  f.outcome = res.address_refused ? WEBHOOK_REFUSED : webhook_classify(res.status,
                                                                       res.transport_error);
  int attempts = d->attempts + 1;
  if (f.outcome == WEBHOOK_RETRY && f.now - d->created_ms < w->give_up_ms)
    f.next_at = f.now + webhook_backoff_ms(attempts, w->app->cfg->webhook_retry_min_ms,
                                           w->app->cfg->webhook_retry_max_ms, random_u32());
  finish(w, finish_tx, &f, d->id);
  metrics_webhook(f.outcome == WEBHOOK_DELIVERED ? "delivered" : f.next_at ? "retry" : "failed");
  log_json(f.outcome == WEBHOOK_DELIVERED ? LOG_INFO : LOG_WARN,
           f.outcome == WEBHOOK_DELIVERED ? "webhook_delivered"
           : f.next_at                     ? "webhook_retry"
                                           : "webhook_failed",
           json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:I, s:b}", "delivery_id", d->id,
                     "webhook_id", d->webhook_id, "event_id", d->event_id, "type",
                     d->event_type, "attempts", attempts, "status", (int)res.status, "error",
                     res.error, "retry_in_ms", (json_int_t)(f.next_at ? f.next_at - f.now : 0),
                     "endpoint_disabled", f.disabled));
  if (f.disabled)
    mailer_wake(w->app->mailer);
}

/* A worker: look (a read) and claim (a write) only when a delivery is due; one worker is woken
 * per wake-up, and a worker that claimed one wakes the next, which looks again. A due delivery
 * may still wait behind an earlier one of its collaboration that another worker holds: then
 * the claim finds nothing, and the worker sleeps until woken (each finished delivery wakes
 * one) or the poll interval. */
static void *run(void *arg)
{
  thread_prio_background("webhook"); /* named for top -H, perf and /proc; lower priority */
  struct webhook_worker *w = arg;
  struct webhook_delivery d = {0};
  struct webhook *hook = malloc(sizeof *hook);
  unsigned long seen = 0;
  while (hook && !worker_pool_stopping(&w->pool)) {
    int64_t wait = due_sleep_ms(w->app->store, store_webhook_next_due, POLL_MS, STORE_PAUSE_MS);
    if (wait > 0) {
      worker_pool_sleep(&w->pool, &seen, wait);
      continue;
    }
    struct claim_arg a = {util_now_ms(), w->lease_ms, &d, hook};
    enum store_status st = store_write(w->app->store, claim_tx, &a);
    if (st == STORE_OK) {
      worker_pool_wake_one(&w->pool);
      deliver(w, &d, hook);
      worker_pool_wake_one(&w->pool); /* a delivery waiting behind this one may go now */
      continue;
    }
    worker_pool_sleep(&w->pool, &seen, st == STORE_NOT_FOUND ? POLL_MS : STORE_PAUSE_MS);
  }
  free(d.payload);
  free(hook);
  store_conn_release(w->app->store);
  return NULL;
}

struct webhook_worker *webhook_worker_start(struct app *app)
{
  struct webhook_worker *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->app = app;
  w->lease_ms = app->cfg->webhook_timeout * 1000 + LEASE_MARGIN_MS;
  w->give_up_ms = app->cfg->webhook_give_up * 1000;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    log_msg(LOG_ERROR, "webhooks_not_started", "libcurl could not be initialised");
    free(w);
    return NULL;
  }
  unsigned started = worker_pool_start(&w->pool, (unsigned)app->cfg->webhook_workers, run, w);
  if (started == 0) {
    log_msg(LOG_ERROR, "webhooks_not_started", "no webhook worker thread could be started");
    webhook_worker_stop(w);
    return NULL;
  }
  return w;
}

/* When this process last queued a delivery (unix ms; 0: never). Most commits that call
 * webhook_worker_wake queued none (an activation with no endpoint to tell), and each wake-up
 * costs a worker a read: a commit wakes one only when a delivery was queued lately. The window
 * is far longer than a transaction takes from its write to its wake-up, so a delivery queued
 * by the committing transaction is always inside it; deliveries queued by another instance are
 * found by polling, as before. */
#define QUEUED_WINDOW_MS 10000
static _Atomic int64_t last_queued_ms;

void webhook_worker_queued(void)
{
  atomic_store(&last_queued_ms, util_now_ms());
}

void webhook_worker_wake(struct webhook_worker *w)
{
  if (!w || util_now_ms() - atomic_load(&last_queued_ms) > QUEUED_WINDOW_MS)
    return;
  worker_pool_wake_one(&w->pool);
}

void webhook_worker_stop(struct webhook_worker *w)
{
  if (!w)
    return;
  worker_pool_stop(&w->pool);
  curl_global_cleanup();
  free(w);
}
