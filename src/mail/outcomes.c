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
  struct finish_arg f; /* id and error point into the copies below */
  char id[37];
  char error[OUTBOX_ERROR_MAX];
  int tries;
  struct outcome *next;
};

/* A queued write of the outcomes is a struct outcomes_carry (outcomes.h) of its own, malloc'd
 * (freed by write_done): it takes the outcomes pending when it runs. */

static enum store_status finish_one(struct store_conn *c, const struct finish_arg *f)
{
  if (f->release)
    return store_outbox_release(c, f->id, f->next_at);
  switch (f->decision) {
  case MAIL_MARK_SENT:
    return store_outbox_mark_sent_claimed(c, f->id, f->rowid);
  case MAIL_RETRY_LATER:
    return store_outbox_schedule_retry(c, f->id, f->next_at, f->error);
  case MAIL_MARK_FAILED:
    return store_outbox_mark_failed(c, f->id, f->error);
  }
  return STORE_ERROR;
}

static bool is_sent(const struct outcome *x)
{
  return !x->f.release && x->f.decision == MAIL_MARK_SENT;
}

/* Writes the outcomes of list (oldest last), each once, in list order: a run of 'sent' ones
 * (a claim's e-mails, mostly) in one call (store_outbox_mark_sent_many: one statement on
 * PostgreSQL), each row marked exactly as its own call would; others one by one. A row not
 * found (no longer pending: e.g. marked failed, or sent, since) needs nothing either way. */
static enum store_status write_list(struct store_conn *c, struct outcome *list)
{
  const char *ids[OUTBOX_SENT_MAX];
  int64_t rowids[OUTBOX_SENT_MAX];
  for (struct outcome *x = list; x;) {
    enum store_status st;
    if (is_sent(x)) {
      size_t n = 0;
      for (; x && is_sent(x) && n < OUTBOX_SENT_MAX; x = x->next, n++) {
        ids[n] = x->f.id;
        rowids[n] = x->f.rowid;
      }
      st = store_outbox_mark_sent_many(c, ids, rowids, n, NULL);
    } else {
      st = finish_one(c, &x->f);
      x = x->next;
    }
    if (st != STORE_OK && st != STORE_NOT_FOUND) /* NOT_FOUND: no longer pending; nothing to do */
      return st;
  }
  return STORE_OK;
}

/* The outcome writes (write_tx, release_tx) run at READ COMMITTED on PostgreSQL (OUTCOME_ISO;
 * SQLite: one writer, serializable anyway), as the claim's held outcomes do (mailer.c, above
 * claim_tx): SERIALIZABLE ran an outcome again whenever a claim or another outcome had written
 * its row after its snapshot, to the same result. Each statement (outbox.c, outbox_sent_pg.c)
 * is one UPDATE of the outbox by its key, id = :id (a run of 'sent': id = ANY (...)), AND
 * status = 'pending', its SET from the row and the parameters alone; no statement reads anything
 * else, none takes a parameter from another's result (a row not found is skipped; nothing
 * follows from it). At READ COMMITTED a row that matches in the statement's snapshot but was
 * changed since is waited for and locked, its WHERE evaluated again and its SET computed on the
 * newest version; under SERIALIZABLE the same meeting is a serialization failure and the run
 * again, on a snapshot that shows that version, writes the same. Against each writer of a row:
 * - a claim (READ COMMITTED, FOR UPDATE SKIP LOCKED), also of an expired lease: a row the
 *   outcome holds is skipped; one a claim holds is waited for, then written as 'claim, then
 *   outcome' (the WHERE has no lease, at either level: a late outcome overwrites the new lease);
 * - another outcome of the row (its new holder's, in this or another process): the second to
 *   lock it writes only if the first left it pending (a retry or a release), as serially;
 * - support's retry (failed -> pending, SERIALIZABLE), the one way back to pending: an outcome
 *   whose snapshot shows the row failed passes it over ('outcome, then retry'), as SERIALIZABLE
 *   does (its snapshot shows the same);
 * - enqueueing inserts rows of new ids; nothing deletes or cancels outbox rows (status is
 *   pending, sent or failed: migration 0002); a request that reads a row's state (webhook
 *   events, collab_op) writes no row an outcome writes: it is simply ordered before it.
 * A row twice in one list is written in list order, as before. */
#define OUTCOME_ISO STORE_READ_COMMITTED

static enum store_status write_tx(struct store_conn *c, void *arg)
{
  struct outcomes_carry *w = arg;
  if (!w->started) {
    pthread_mutex_lock(&w->o->mu);
    w->taken = w->o->pending;
    w->o->pending = NULL;
    w->o->queued = false; /* outcomes recorded from now on need a write of their own */
    pthread_mutex_unlock(&w->o->mu);
    w->started = true;
  }
  return write_list(c, w->taken);
}

/* Counts w's outcomes written (status STORE_OK: freed) or failed (kept for outcomes_rewrite);
 * under o->mu. */
static void settle(struct mail_outcomes *o, struct outcomes_carry *w, enum store_status status)
{
  for (struct outcome *x = w->taken, *next; x; x = next) {
    next = x->next;
    x->tries++;
    o->inflight--;
    if (status == STORE_OK) {
      free(x);
    } else {
      x->next = o->failed;
      o->failed = x;
    }
  }
  w->taken = NULL;
  pthread_cond_broadcast(&o->cond);
}

/* After the write's commit (or failure); on the store's writer thread: short, no store calls. */
static void write_done(enum store_status status, void *arg)
{
  struct outcomes_carry *w = arg;
  struct mail_outcomes *o = w->o;
  pthread_mutex_lock(&o->mu);
  if (!w->started) { /* never run (no turn in time, BEGIN or the connection failed): what it */
    w->taken = o->pending; /* was queued for is still pending, and nothing else will take it */
    o->pending = NULL;
    o->queued = false;
    w->started = true;
  }
  settle(o, w, status);
  pthread_mutex_unlock(&o->mu);
  free(w);
}

void outcomes_init(struct mail_outcomes *o, struct store *store)
{
  o->store = store;
  o->pending = NULL;
  o->queued = false;
  o->inflight = 0;
  o->failed = NULL;
  pthread_mutex_init(&o->mu, NULL);
  pthread_cond_init(&o->cond, NULL);
}

/* Writes x again until it commits or has had FINISH_TRIES writes in all; frees x. */
static void rewrite_one(struct mail_outcomes *o, struct outcome *x)
{
  enum store_status st = STORE_ERROR;
  struct outcomes_carry w = {o, true, x};
  x->next = NULL;
  for (; x->tries < FINISH_TRIES; x->tries++) {
    if (x->tries > 0) {
      struct timespec ts = {0, 200000000L};
      nanosleep(&ts, NULL);
    }
    st = store_write_isolated(o->store, OUTCOME_ISO, write_tx, &w);
    if (st == STORE_OK)
      break;
  }
  if (st != STORE_OK)
    log_msg(LOG_ERROR, "mail_outcome_lost",
            "outbox %s: the outcome could not be recorded (%d); it is tried again after its "
            "lease", x->id, (int)st);
  free(x);
}

/* Queues a write that takes the pending outcomes when it runs; the caller set o->queued. */
static void queue_write(struct mail_outcomes *o)
{
  struct outcomes_carry *w = calloc(1, sizeof *w);
  if (w) {
    w->o = o;
    store_write_async_isolated(o->store, OUTCOME_ISO, write_tx, w, write_done);
    return;
  }
  struct outcomes_carry now = {o, false, NULL}; /* out of memory: written now, waiting for it */
  enum store_status st = store_write_isolated(o->store, OUTCOME_ISO, write_tx, &now);
  pthread_mutex_lock(&o->mu);
  if (!now.started) { /* not run: taken back, to be written again by a worker */
    now.taken = o->pending;
    o->pending = NULL;
    o->queued = false;
    now.started = true;
  }
  settle(o, &now, st);
  pthread_mutex_unlock(&o->mu);
}

static void record(struct mail_outcomes *o, const struct finish_arg *f, bool hold)
{
  struct outcome *x = calloc(1, sizeof *x);
  if (!x) { /* out of memory: written now, waiting for it */
    struct outcome one = {.f = *f};
    struct outcomes_carry now = {o, true, &one};
    enum store_status st = store_write_isolated(o->store, OUTCOME_ISO, write_tx, &now);
    if (st != STORE_OK)
      log_msg(LOG_ERROR, "mail_outcome_lost", "outbox %s: the outcome could not be recorded "
              "(%d); it is tried again after its lease", f->id, (int)st);
    return;
  }
  x->f = *f;
  snprintf(x->id, sizeof x->id, "%s", f->id);
  snprintf(x->error, sizeof x->error, "%s", f->error ? f->error : "");
  x->f.id = x->id;
  x->f.error = x->error;
  pthread_mutex_lock(&o->mu);
  x->next = o->pending;
  o->pending = x;
  o->inflight++;
  /* a queued write has not yet taken the pending ones: this joins it; a held one waits */
  bool queue = !o->queued && !hold;
  o->queued = o->queued || queue;
  pthread_mutex_unlock(&o->mu);
  if (queue)
    queue_write(o);
}

void outcomes_record(struct mail_outcomes *o, const struct finish_arg *f) { record(o, f, false); }

void outcomes_hold(struct mail_outcomes *o, const struct finish_arg *f) { record(o, f, true); }

void outcomes_flush(struct mail_outcomes *o)
{
  pthread_mutex_lock(&o->mu);
  bool queue = !o->queued && o->pending;
  o->queued = o->queued || queue;
  pthread_mutex_unlock(&o->mu);
  if (queue)
    queue_write(o);
}

enum store_status outcomes_carry_write(struct outcomes_carry *k, struct store_conn *c)
{
  if (!k->started) {
    pthread_mutex_lock(&k->o->mu);
    /* all pending ones, also when a write of them is queued (it may run after this claim,
     * which must not claim a row whose outcome waits in it; it then finds none) */
    k->taken = k->o->pending;
    k->o->pending = NULL;
    pthread_mutex_unlock(&k->o->mu);
    k->started = true;
  }
  return write_list(c, k->taken);
}

void outcomes_carry_done(struct outcomes_carry *k, enum store_status status)
{
  pthread_mutex_lock(&k->o->mu);
  settle(k->o, k, status);
  pthread_mutex_unlock(&k->o->mu);
  if (status != STORE_OK) /* held ones the write did not take (it did not run): now */
    outcomes_flush(k->o);
}

void outcomes_rewrite(struct mail_outcomes *o)
{
  pthread_mutex_lock(&o->mu);
  struct outcome *list = o->failed;
  o->failed = NULL;
  pthread_mutex_unlock(&o->mu);
  if (list)
    outcomes_flush(o); /* the held ones do not wait for these */
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
    st = store_write_isolated(o->store, OUTCOME_ISO, release_tx, &a);
  if (st != STORE_OK)
    log_msg(LOG_ERROR, "mail_outcome_lost", "%zu claimed e-mails could not be given back (%d); "
            "they are tried after their leases", n, (int)st);
}

void outcomes_finish(struct mail_outcomes *o)
{
  outcomes_flush(o);
  pthread_mutex_lock(&o->mu);
  while (o->inflight > 0)
    pthread_cond_wait(&o->cond, &o->mu);
  pthread_mutex_unlock(&o->mu);
  outcomes_rewrite(o);
  pthread_cond_destroy(&o->cond);
  pthread_mutex_destroy(&o->mu);
}
