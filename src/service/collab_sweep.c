/* collab_sweep.c - the expiry sweeper: a thread that, every --expiry-sweep-interval seconds,
 * drops sign-in links and sessions a day past their end, starts approved collaborations whose
 * scheduled day has come (collab_start_due), and records invitations that lapsed
 * unanswered as expired (state, version, an event by the
 * system dated at the expiry), so that the history and the one-open-per-office-and-company
 * rule do not wait for the next request to touch them. Reads never wait for it: a lapsed
 * invitation already reads as expired (collab_effective_state). */
#include "collab_sweep.h"

#include "app.h"
#include "collab_internal.h"
#include "domain/dates.h"
#include "log.h"
#include "store_session.h"
#include "util.h"
#include "thread_prio.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define SWEEP_BATCH 100

struct collab_sweeper {
  struct app *app;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool stop;
};

struct sweep {
  int64_t now_ms;
  size_t expired, started;
};

enum store_status collab_start_due(struct store_conn *c, int64_t now_ms, size_t *started)
{
  *started = 0;
  char today[DATE_LEN];
  date_local_of_ms(now_ms, today, sizeof today);
  char (*ids)[COLLAB_ID_LEN] = malloc(SWEEP_BATCH * sizeof *ids);
  struct collab *co = malloc(sizeof *co);
  size_t n = 0;
  enum store_status st =
      ids && co ? store_collab_due_starts(c, today, ids, SWEEP_BATCH, &n) : STORE_ERROR;
  for (size_t i = 0; st == STORE_OK && i < n; i++) {
    st = store_collab_get(c, ids[i], co);
    /* no link is sent when it starts: no secret needed */
    if (st == STORE_OK)
      st = collab_start_scheduled(c, co, NULL, now_ms);
    if (st == STORE_OK)
      (*started)++;
  }
  free(ids);
  free(co);
  return st;
}

static enum store_status sweep_tx(struct store_conn *c, void *arg)
{
  struct sweep *sw = arg;
  sw->expired = 0;
  char (*ids)[COLLAB_ID_LEN] = malloc(SWEEP_BATCH * sizeof *ids);
  struct collab *co = malloc(sizeof *co);
  size_t n = 0;
  enum store_status st =
      ids && co ? store_collab_due_expiries(c, sw->now_ms, ids, SWEEP_BATCH, &n) : STORE_ERROR;
  for (size_t i = 0; st == STORE_OK && i < n; i++) {
    st = store_collab_get(c, ids[i], co);
    if (st == STORE_OK)
      st = collab_settle_expiry(c, co, sw->now_ms);
    if (st == STORE_OK)
      sw->expired++;
  }
  free(ids);
  free(co);
  return st == STORE_OK ? collab_start_due(c, sw->now_ms, &sw->started) : st;
}

size_t collab_sweep_once(struct app *app)
{
  size_t total = 0, started = 0;
  for (;;) {
    struct sweep sw = {.now_ms = util_now_ms()};
    enum store_status st = store_write(app->store, sweep_tx, &sw);
    if (st != STORE_OK) {
      log_msg(LOG_WARN, "expiry_sweep_failed", "store status %d; retrying next time", (int)st);
      break;
    }
    total += sw.expired;
    started += sw.started;
    if (sw.expired < SWEEP_BATCH && sw.started < SWEEP_BATCH)
      break;
  }
  if (started > 0)
    log_json(LOG_INFO, "scheduled_starts", json_pack("{s:I}", "count", (json_int_t)started));
  if (total > 0)
    log_json(LOG_INFO, "invitations_expired", json_pack("{s:I}", "count", (json_int_t)total));
  return total;
}

/* Links and sessions nobody can use any more go a day after their end, so that the tables do
 * not grow without bound. */
#define SIGN_IN_KEEP_MS ((int64_t)24 * 60 * 60 * 1000)

struct purge {
  int64_t idle_ms;
  int removed;
};

static enum store_status purge_tx(struct store_conn *c, void *arg)
{
  struct purge *p = arg;
  return store_sign_in_purge(c, util_now_ms() - SIGN_IN_KEEP_MS, p->idle_ms, &p->removed);
}

size_t sign_in_purge_once(struct app *app)
{
  struct purge p = {.idle_ms = app->cfg->session_idle * 1000};
  if (store_write(app->store, purge_tx, &p) != STORE_OK) {
    log_msg(LOG_WARN, "sign_in_purge_failed",
            "old sign-in links and sessions stay until the "
            "next sweep");
    return 0;
  }
  if (p.removed > 0)
    log_json(LOG_INFO, "sign_in_purged", json_pack("{s:i}", "count", p.removed));
  return (size_t)p.removed;
}

static void *sweeper_main(void *arg)
{
  thread_prio_background("sweeper"); /* named for top -H; lower priority (thread_prio.h) */
  struct collab_sweeper *sw = arg;
  long interval = sw->app->cfg->expiry_sweep_interval;
  pthread_mutex_lock(&sw->mu);
  while (!sw->stop) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += interval;
    int rc = 0;
    while (!sw->stop && rc != ETIMEDOUT)
      rc = pthread_cond_timedwait(&sw->cv, &sw->mu, &until);
    if (sw->stop)
      break;
    pthread_mutex_unlock(&sw->mu);
    collab_sweep_once(sw->app);
    sign_in_purge_once(sw->app);
    pthread_mutex_lock(&sw->mu);
  }
  pthread_mutex_unlock(&sw->mu);
  store_conn_release(sw->app->store);
  return NULL;
}

struct collab_sweeper *collab_sweeper_start(struct app *app)
{
  struct collab_sweeper *sw = calloc(1, sizeof *sw);
  if (!sw)
    return NULL;
  sw->app = app;
  pthread_mutex_init(&sw->mu, NULL);
  pthread_cond_init(&sw->cv, NULL);
  if (pthread_create(&sw->thread, NULL, sweeper_main, sw) != 0) {
    log_msg(LOG_ERROR, "expiry_sweeper", "cannot start the expiry sweeper thread");
    pthread_cond_destroy(&sw->cv);
    pthread_mutex_destroy(&sw->mu);
    free(sw);
    return NULL;
  }
  return sw;
}

void collab_sweeper_stop(struct collab_sweeper *sw)
{
  if (!sw)
    return;
  pthread_mutex_lock(&sw->mu);
  sw->stop = true;
  pthread_cond_signal(&sw->cv);
  pthread_mutex_unlock(&sw->mu);
  pthread_join(sw->thread, NULL);
  pthread_cond_destroy(&sw->cv);
  pthread_mutex_destroy(&sw->mu);
  free(sw);
}
