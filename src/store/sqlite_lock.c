/* sqlite_lock.c - the SQLite engine's waits for locks (its busy handler, the limit of writers
 * waiting the full time, BEGIN tried again) and its read transactions; the writes' group commit
 * is in sqlite_tx.c. */
#include "log.h"
#include "sqlite_engine.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define TX_ATTEMPTS 8

/* Takes one of the store's waiter places for c when one is free and no wait gave up lately;
 * true when c may wait the full time. */
static bool waiter_take(struct sq_conn *c, int64_t now)
{
  struct sq_store *st = c->owner;
  if (c->waiter)
    return true;
  pthread_mutex_lock(&st->mu);
  bool lately = st->gave_up_ms && now - st->gave_up_ms < SQ_LOCK_WAIT_MS;
  if (!lately && (!st->max_waiters || st->waiters < st->max_waiters)) {
    st->waiters++;
    c->waiter = true;
  }
  pthread_mutex_unlock(&st->mu);
  return c->waiter;
}

static void waiter_give_back(struct sq_conn *c)
{
  if (!c->waiter)
    return;
  pthread_mutex_lock(&c->owner->mu);
  c->owner->waiters--;
  pthread_mutex_unlock(&c->owner->mu);
  c->waiter = false;
}

/* SQLite's busy handler: sleeps a little and asks to try again until the wait's deadline.
 * The deadline is the transaction's (set by run_tx) or, for a statement outside one, this
 * statement's; a wait for the write lock past the store's limit of waiters is cut short. */
int sq_busy_wait(void *arg, int count)
{
  static const int delays[] = {1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};
  struct sq_conn *c = arg;
  sq_readers_let_go(c->owner); /* the wait may be for a kept read transaction (sqlite_hold.c) */
  int64_t now = util_mono_ms();
  if (count == 0 && !c->in_tx)
    c->deadline_ms = now + SQ_LOCK_WAIT_MS;
  if (count == 0 && c->in_begin && !waiter_take(c, now) &&
      c->deadline_ms > now + SQ_LOCK_WAIT_EXTRA_MS) {
    c->deadline_ms = now + SQ_LOCK_WAIT_EXTRA_MS;
    c->cut_short = true;
  }
  if (now >= c->deadline_ms)
    return 0;
  int ms = delays[count < 12 ? count : 11];
  if (now + ms > c->deadline_ms)
    ms = (int)(c->deadline_ms - now);
  struct timespec ts = {0, (long)ms * 1000000L};
  nanosleep(&ts, NULL);
  return 1;
}

static void backoff(int attempt)
{
  struct timespec ts = {0, (long)(1 + attempt * attempt) * 2 * 1000000L + (rand() % 1000) * 1000L};
  nanosleep(&ts, NULL);
}

/* Starts a transaction's wait: from now on, c's lock waits share one deadline. */
void sq_wait_start(struct sq_conn *c)
{
  c->in_tx = true;
  c->cut_short = false;
  c->deadline_ms = util_mono_ms() + SQ_LOCK_WAIT_MS;
}

/* Opens a transaction with begin (static text: sq_exec_static) on c, trying again while the database is locked elsewhere
 * until the wait's deadline (see sq_busy_wait; wait_start set it). */
enum store_status sq_begin_tx(struct sq_conn *c, const char *begin)
{
  enum store_status s = STORE_BUSY;
  int attempt;
  /* A wait cut short is not tried again: its thread is wanted elsewhere. */
  for (attempt = 0; attempt < TX_ATTEMPTS && s == STORE_BUSY && !c->cut_short; attempt++) {
    if (attempt)
      backoff(attempt);
    if (attempt && util_mono_ms() >= c->deadline_ms)
      break;
    c->in_begin = true;
    s = sq_exec_static(c, begin);
    c->in_begin = false;
    waiter_give_back(c);
  }
  if (attempt > 1)
    metrics_store_retries(begin[5] == ' ', (unsigned)(attempt - 1));
  return s;
}

/* After a transaction ended in STORE_BUSY: remembers a full wait (the lock is held elsewhere,
 * so the next writers wait only briefly) and says so in the log. */
void sq_note_busy(struct sq_conn *c)
{
  struct sq_store *st = c->owner;
  if (!c->cut_short) {
    pthread_mutex_lock(&st->mu);
    st->gave_up_ms = util_mono_ms();
    pthread_mutex_unlock(&st->mu);
  }
  log_msg(LOG_WARN, "db_busy", "the database stayed locked; gave up %s", c->cut_short
          ? "at once (other threads already wait for the lock)" : "after the longest wait");
}

void sq_rollback_if_open(struct sq_conn *c)
{
  if (!sqlite3_get_autocommit(c->db))
    sq_exec_static(c, "ROLLBACK");
}

enum store_status sq_read(struct sq_store *st, store_tx_fn fn, void *arg)
{
  struct sq_conn *c = sq_conn_of(st);
  if (!c)
    return STORE_ERROR;
  if (c->in_snapshot) /* store_snapshot's transaction is this read's */
    return fn(&c->base, arg);
  enum store_status s = STORE_BUSY;
  sq_wait_start(c);
  for (int attempt = 0; attempt < TX_ATTEMPTS && s == STORE_BUSY; attempt++) {
    if (attempt)
      backoff(attempt);
    if (attempt && util_mono_ms() >= c->deadline_ms)
      break;
    s = sq_begin_tx(c, "BEGIN");
    if (s == STORE_OK) {
      s = fn(&c->base, arg);
      if (s == STORE_OK)
        s = sq_exec_static(c, "COMMIT");
    }
    sq_rollback_if_open(c);
  }
  c->in_tx = false;
  if (s == STORE_BUSY)
    sq_note_busy(c);
  metrics_store_tx(false, db_tx_outcome(s));
  return s;
}

void sq_set_lock_waiters(struct store *base, unsigned n)
{
  struct sq_store *st = (struct sq_store *)base;
  pthread_mutex_lock(&st->mu);
  st->max_waiters = n;
  pthread_mutex_unlock(&st->mu);
}
