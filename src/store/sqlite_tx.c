/* sqlite_tx.c - the SQLite engine's transaction runner: waits for the write lock, reads, and
 * group commit.
 *
 * Writes are queued: the first writer that finds no batch running becomes the leader, takes
 * the queued writes (its own among them, at most BATCH_MAX), runs each in a savepoint of one
 * BEGIN IMMEDIATE ... COMMIT on its own connection, then wakes the others. A write whose
 * callback refuses (anything but STORE_OK) is rolled back to its savepoint alone; every caller
 * returns only after the commit that holds its write, so an acknowledged write is as durable
 * as before, and the batch runs the writes one after another, so each sees the ones before it
 * as it would in its own transaction. What one commit costs (the WAL frames of every page
 * touched, the locks) is paid once per batch instead of once per write. Every batch runs on
 * one connection, the store's writer (used by one leader at a time): as the database's only
 * writer in this process its page cache stays valid from one batch to the next, where a
 * connection per thread would find its cache discarded after each other connection's commit
 * and read every page again. Callbacks therefore run on the leader's thread and on the
 * writer: they must use only the connection they are given and their arg. */
#include "log.h"
#include "sqlite_engine.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* How long one transaction may wait for the database's locks in all (then STORE_BUSY: the
 * request gets 503 with Retry-After), and how long a writer may wait when it is past the limit
 * set with store_set_lock_waiters, or when a wait gave up less than LOCK_WAIT_MS ago: long
 * enough for our own short transactions, short enough that requests queued on one thread
 * (libmicrohttpd hands a worker every connection it accepts in one go) are not each held
 * the full time while another process keeps the lock. */
#define LOCK_WAIT_MS 2000
#define LOCK_WAIT_EXTRA_MS 100
#define TX_ATTEMPTS 8
#define BATCH_MAX 64
#define WRITER_CACHE_KIB "16384" /* the writer's page cache (SQLite's default: 2 MiB) */

struct write_job {
  store_tx_fn fn;
  void *arg;
  enum store_status status;
  bool taken; /* in a running batch */
  bool done;  /* status is final */
  struct write_job *next;
};

/* Takes one of the store's waiter places for c when one is free and no wait gave up lately;
 * true when c may wait the full time. */
static bool waiter_take(struct sq_conn *c, int64_t now)
{
  struct sq_store *st = c->owner;
  if (c->waiter)
    return true;
  pthread_mutex_lock(&st->mu);
  bool lately = st->gave_up_ms && now - st->gave_up_ms < LOCK_WAIT_MS;
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
  int64_t now = util_mono_ms();
  if (count == 0 && !c->in_tx)
    c->deadline_ms = now + LOCK_WAIT_MS;
  if (count == 0 && c->in_begin && !waiter_take(c, now) &&
      c->deadline_ms > now + LOCK_WAIT_EXTRA_MS) {
    c->deadline_ms = now + LOCK_WAIT_EXTRA_MS;
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
static void wait_start(struct sq_conn *c)
{
  c->in_tx = true;
  c->cut_short = false;
  c->deadline_ms = util_mono_ms() + LOCK_WAIT_MS;
}

/* Opens a transaction with begin on c, trying again while the database is locked elsewhere
 * until the wait's deadline (see sq_busy_wait; wait_start set it). */
static enum store_status begin_tx(struct sq_conn *c, const char *begin)
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
    s = sq_exec(c, begin);
    c->in_begin = false;
    waiter_give_back(c);
  }
  if (attempt > 1)
    metrics_store_retries(begin[5] == ' ', (unsigned)(attempt - 1));
  return s;
}

/* After a transaction ended in STORE_BUSY: remembers a full wait (the lock is held elsewhere,
 * so the next writers wait only briefly) and says so in the log. */
static void note_busy(struct sq_conn *c)
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

static void rollback_if_open(struct sq_conn *c)
{
  if (!sqlite3_get_autocommit(c->db))
    sq_exec(c, "ROLLBACK");
}

/* Runs one write's callback inside the open transaction, in a savepoint when others share it. */
static enum store_status run_job(struct sq_conn *c, struct write_job *j, bool shared)
{
  if (!shared)
    return j->fn(&c->base, j->arg);
  if (db_exec_stmt(&c->base, db_stmt(&c->base, "SAVEPOINT w")) != STORE_OK)
    return STORE_ERROR;
  enum store_status s = j->fn(&c->base, j->arg);
  if (s != STORE_OK && !sqlite3_get_autocommit(c->db))
    db_exec_stmt(&c->base, db_stmt(&c->base, "ROLLBACK TO w"));
  if (!sqlite3_get_autocommit(c->db))
    db_exec_stmt(&c->base, db_stmt(&c->base, "RELEASE w"));
  return s;
}

/* Runs the n writes of batch (a list) in one transaction on the store's writer connection
 * (opened, with its checkpointer, by the first batch) and sets each one's status. */
static void run_batch(struct sq_store *st, struct write_job *batch, unsigned n)
{
  if (!st->writer && (st->writer = sq_conn_open(st))) {
    sq_exec(st->writer, "PRAGMA cache_size=-" WRITER_CACHE_KIB);
    st->ckpt = db_ckpt_start(st, st->writer);
  }
  struct sq_conn *c = st->writer;
  if (c)
    wait_start(c);
  enum store_status s = c ? begin_tx(c, "BEGIN IMMEDIATE") : STORE_ERROR;
  if (s != STORE_OK) {
    if (c) {
      c->in_tx = false;
      if (s == STORE_BUSY)
        note_busy(c);
    }
    for (struct write_job *j = batch; j; j = j->next)
      j->status = s;
    return;
  }
  metrics_store_batch();
  bool any = false, lost = false;
  for (struct write_job *j = batch; j; j = j->next) {
    if (lost) { /* SQLite rolled the whole transaction back (I/O error, disk full) */
      j->status = STORE_BUSY;
      continue;
    }
    j->status = run_job(c, j, n > 1);
    any |= j->status == STORE_OK;
    lost = sqlite3_get_autocommit(c->db) != 0;
  }
  enum store_status commit = lost ? STORE_ERROR : any ? sq_exec(c, "COMMIT") : STORE_OK;
  if (commit != STORE_OK || !any)
    rollback_if_open(c);
  c->in_tx = false;
  for (struct write_job *j = batch; j; j = j->next)
    if (j->status == STORE_OK && commit != STORE_OK)
      j->status = lost ? STORE_ERROR : commit;
  db_ckpt_between_batches(st->ckpt, c);
}

/* Takes up to BATCH_MAX writes off the head of the queue (under st->mu); returns their count. */
static unsigned take_batch(struct sq_store *st, struct write_job **batch)
{
  unsigned n = 0;
  struct write_job *head = st->queue, *last = NULL;
  for (struct write_job *j = head; j && n < BATCH_MAX; j = j->next, n++) {
    j->taken = true;
    last = j;
  }
  st->queue = last ? last->next : NULL;
  if (last)
    last->next = NULL;
  st->queued -= n;
  *batch = head;
  return n;
}

/* Removes j from the queue (under st->mu); j is not taken. */
static void unqueue(struct sq_store *st, struct write_job *j)
{
  for (struct write_job **p = &st->queue; *p; p = &(*p)->next)
    if (*p == j) {
      *p = j->next;
      st->queued--;
      return;
    }
}

enum store_status sq_write(struct sq_store *st, store_tx_fn fn, void *arg)
{
  struct write_job j = {.fn = fn, .arg = arg, .status = STORE_BUSY};
  pthread_mutex_lock(&st->mu);
  int64_t now = util_mono_ms();
  bool lately = st->gave_up_ms && now - st->gave_up_ms < LOCK_WAIT_MS;
  unsigned ahead = st->queued + (st->leading ? 1u : 0u);
  bool brief = lately || (st->max_waiters && ahead >= st->max_waiters);
  struct timespec deadline = util_mono_after(brief ? LOCK_WAIT_EXTRA_MS : LOCK_WAIT_MS);
  struct write_job **tail = &st->queue;
  while (*tail)
    tail = &(*tail)->next;
  *tail = &j;
  st->queued++;
  while (!j.done) {
    if (!st->leading && !j.taken) {
      struct write_job *batch;
      unsigned n = take_batch(st, &batch);
      st->leading = true;
      pthread_mutex_unlock(&st->mu);
      run_batch(st, batch, n);
      pthread_mutex_lock(&st->mu);
      for (struct write_job *b = batch, *next; b; b = next) {
        next = b->next; /* b may return (and its memory go) once done is seen */
        b->done = true;
      }
      st->leading = false;
      pthread_cond_broadcast(&st->written);
    } else if (j.taken) {
      pthread_cond_wait(&st->written, &st->mu);
    } else if (pthread_cond_timedwait(&st->written, &st->mu, &deadline) == ETIMEDOUT &&
               !j.taken && !j.done) {
      unqueue(st, &j); /* the batch before it held the lock too long: give up, as a wait would */
      j.done = true;
      log_msg(LOG_WARN, "db_busy", "the database stayed locked; gave up waiting for a write turn");
    }
  }
  pthread_mutex_unlock(&st->mu);
  metrics_store_tx(true, db_tx_outcome(j.status));
  return j.status;
}

enum store_status sq_read(struct sq_store *st, store_tx_fn fn, void *arg)
{
  struct sq_conn *c = sq_conn_of(st);
  if (!c)
    return STORE_ERROR;
  if (c->in_snapshot) /* store_snapshot's transaction is this read's */
    return fn(&c->base, arg);
  enum store_status s = STORE_BUSY;
  wait_start(c);
  for (int attempt = 0; attempt < TX_ATTEMPTS && s == STORE_BUSY; attempt++) {
    if (attempt)
      backoff(attempt);
    if (attempt && util_mono_ms() >= c->deadline_ms)
      break;
    s = begin_tx(c, "BEGIN");
    if (s == STORE_OK) {
      s = fn(&c->base, arg);
      if (s == STORE_OK)
        s = sq_exec(c, "COMMIT");
    }
    rollback_if_open(c);
  }
  c->in_tx = false;
  if (s == STORE_BUSY)
    note_busy(c);
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
