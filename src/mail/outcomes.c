/* outcomes.c - see outcomes.h. */
#include "outcomes.h"
#include "log.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FINISH_TRIES 5 /* writes of one outcome before it is given up */

struct outcome {
  struct mail_outcomes *owner;
  struct finish_arg f; /* id and error point into the copies below */
  char id[37];
  char error[OUTBOX_ERROR_MAX];
  int tries;
  struct outcome *next;
};

static enum store_status finish_one(struct store_conn *c, const struct finish_arg *f)
{
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

static enum store_status outcome_tx(struct store_conn *c, void *arg)
{
  struct outcome *x = arg;
  enum store_status st = finish_one(c, &x->f);
  return st == STORE_NOT_FOUND ? STORE_OK : st; /* no longer pending: nothing to do */
}

/* On the store's writer thread, after the commit (or its failure): short, no store calls. */
static void outcome_done(enum store_status status, void *arg)
{
  struct outcome *x = arg;
  struct mail_outcomes *o = x->owner;
  pthread_mutex_lock(&o->mu);
  x->tries++;
  if (status == STORE_OK) {
    free(x);
  } else {
    x->next = o->failed;
    o->failed = x;
  }
  o->inflight--;
  pthread_cond_broadcast(&o->cond);
  pthread_mutex_unlock(&o->mu);
}

void outcomes_init(struct mail_outcomes *o, struct store *store)
{
  o->store = store;
  o->inflight = 0;
  o->failed = NULL;
  pthread_mutex_init(&o->mu, NULL);
  pthread_cond_init(&o->cond, NULL);
}

/* A copy of f that owns its strings; NULL when out of memory. */
static struct outcome *copy(struct mail_outcomes *o, const struct finish_arg *f)
{
  struct outcome *x = calloc(1, sizeof *x);
  if (!x)
    return NULL;
  x->owner = o;
  x->f = *f;
  snprintf(x->id, sizeof x->id, "%s", f->id);
  snprintf(x->error, sizeof x->error, "%s", f->error ? f->error : "");
  x->f.id = x->id;
  x->f.error = x->error;
  return x;
}

/* Writes x again until it commits or has had FINISH_TRIES writes in all; frees x. */
static void rewrite_one(struct mail_outcomes *o, struct outcome *x)
{
  enum store_status st = STORE_ERROR;
  for (; x->tries < FINISH_TRIES; x->tries++) {
    if (x->tries > 0) {
      struct timespec ts = {0, 200000000L};
      nanosleep(&ts, NULL);
    }
    st = store_write(o->store, outcome_tx, x);
    if (st == STORE_OK)
      break;
  }
  if (st != STORE_OK)
    log_msg(LOG_ERROR, "mail_outcome_lost",
            "outbox %s: the outcome could not be recorded (%d); it is tried again after its "
            "lease", x->id, (int)st);
  free(x);
}

void outcomes_record(struct mail_outcomes *o, const struct finish_arg *f)
{
  struct outcome *x = copy(o, f);
  if (!x) {
    struct outcome stack_copy = {.owner = o, .f = *f}; /* written now, waiting for it */
    snprintf(stack_copy.id, sizeof stack_copy.id, "%s", f->id);
    stack_copy.f.id = stack_copy.id;
    enum store_status st = store_write(o->store, outcome_tx, &stack_copy);
    if (st != STORE_OK)
      log_msg(LOG_ERROR, "mail_outcome_lost", "outbox %s: the outcome could not be recorded "
              "(%d); it is tried again after its lease", f->id, (int)st);
    return;
  }
  pthread_mutex_lock(&o->mu);
  o->inflight++;
  pthread_mutex_unlock(&o->mu);
  store_write_async(o->store, outcome_tx, x, outcome_done);
}

void outcomes_rewrite(struct mail_outcomes *o)
{
  pthread_mutex_lock(&o->mu);
  struct outcome *list = o->failed;
  o->failed = NULL;
  pthread_mutex_unlock(&o->mu);
  while (list) {
    struct outcome *x = list;
    list = x->next;
    rewrite_one(o, x);
  }
}

struct release_arg {
  const struct outbox_row *rows;
  size_t n;
  int64_t due;
};

static enum store_status release_tx(struct store_conn *c, void *arg)
{
  struct release_arg *a = arg;
  for (size_t i = 0; i < a->n; i++) {
    enum store_status st = store_outbox_release(c, a->rows[i].id, a->due);
    if (st != STORE_OK && st != STORE_NOT_FOUND)
      return st;
  }
  return STORE_OK;
}

void outcomes_release(struct mail_outcomes *o, const struct outbox_row *rows, size_t n)
{
  if (n == 0)
    return;
  struct release_arg a = {rows, n, util_now_ms()};
  enum store_status st = STORE_ERROR;
  for (int i = 0; i < FINISH_TRIES && st != STORE_OK; i++)
    st = store_write(o->store, release_tx, &a);
  if (st != STORE_OK)
    log_msg(LOG_ERROR, "mail_outcome_lost", "%zu claimed e-mails could not be given back (%d); "
            "they are tried after their leases", n, (int)st);
}

void outcomes_finish(struct mail_outcomes *o)
{
  pthread_mutex_lock(&o->mu);
  while (o->inflight > 0)
    pthread_cond_wait(&o->cond, &o->mu);
  pthread_mutex_unlock(&o->mu);
  outcomes_rewrite(o);
  pthread_cond_destroy(&o->cond);
  pthread_mutex_destroy(&o->mu);
}
