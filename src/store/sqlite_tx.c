/* sqlite_tx.c - the SQLite engine's writes: group commit (waits for locks and reads are in
 * sqlite_lock.c).
 *
 * Writes are queued: the first writer that finds no batch running becomes the leader, takes
 * the queued writes (its own among them, at most BATCH_MAX), runs them in one BEGIN IMMEDIATE
 * ... COMMIT on its own connection, then wakes the others. A write whose callback refuses
 * (anything but STORE_OK) is rolled back alone: when it had changed rows, the batch runs again
 * with each write in a savepoint of its own (run_jobs says why not always); every caller
 * returns only after the commit that holds its write, so an acknowledged write is as durable
 * as before, and the batch runs the writes one after another, so each sees the ones before it
 * as it would in its own transaction. What one commit costs (the WAL frames of every page
 * touched, the locks) is paid once per batch instead of once per write. Every batch runs on
 * one connection, the store's writer (used by one leader at a time): as the database's only
 * writer in this process its page cache stays valid from one batch to the next, where a
 * connection per thread would find its cache discarded after each other connection's commit
 * and read every page again. Callbacks therefore run on the leader's thread and on the
 * writer: they must use only the connection they are given and their arg.
 *
 * A write may also be queued without a waiting caller (sq_write_async: an HTTP request whose
 * connection is suspended meanwhile, so that its thread serves others): the store's writer
 * thread leads a batch whenever writes are queued and no caller leads one (under load after a
 * few yields that let more writes join it: gather), and calls each such
 * write's done function after the commit that holds it (or its failure). */
#include "log.h"
#include "row_cache.h"
#include "sqlite_engine.h"
#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>

#define BATCH_MAX 64
#define WRITER_CACHE_KIB "16384" /* the writer's page cache (SQLite's default: 2 MiB) */

struct write_job {
  store_tx_fn fn;
  void *arg;
  enum store_status status;
  bool taken; /* in a running batch */
  bool done;  /* status is final */
  bool skip;  /* in a batch but not run: its wait for a turn ran out (STORE_BUSY) */
  store_done_fn done_fn; /* NULL: a caller waits in sq_write; else async (malloc'd, freed after) */
  void *done_arg;
  int64_t deadline_ms;   /* async: a job not taken into a batch by then gets STORE_BUSY */
  struct write_job *next;
};

/* Runs one write's callback inside the open transaction, in a savepoint when asked. */
static enum store_status run_job(struct sq_conn *c, struct write_job *j, bool savepoint)
{
  if (!savepoint)
    return j->fn(&c->base, j->arg);
  if (sq_exec_static(c, "SAVEPOINT w") != STORE_OK)
    return STORE_ERROR;
  enum store_status s = j->fn(&c->base, j->arg);
  if (s != STORE_OK && !sqlite3_get_autocommit(c->db)) {
    sq_exec_static(c, "ROLLBACK TO w");
    if (c->base.cache) /* SQLite's rollback hook is not called for it */
      row_cache_forget(c->base.cache);
  }
  if (!sqlite3_get_autocommit(c->db))
    sq_exec_static(c, "RELEASE w");
  return s;
}

/* Runs the batch's writes one after another in c's open transaction, setting each one's
 * status, *any (one succeeded) and *lost (SQLite rolled the whole transaction back: I/O error,
 * disk full). Without savepoints (the first attempt: a savepoint costs each write about an
 * eighth of its time, SQLite keeping the first version of every page it changes for ROLLBACK
 * TO), a write that fails after it changed rows cannot be undone alone: false then, and the
 * caller rolls the transaction back and runs the batch again, each write in its own savepoint
 * (a write must be restartable: store.h). A write that fails before changing anything needs no
 * undoing (a statement that fails undoes its own changes and counts none). */
static bool run_jobs(struct sq_conn *c, struct write_job *batch, bool savepoints, bool *any,
                     bool *lost)
{
  *any = *lost = false;
  for (struct write_job *j = batch; j; j = j->next) {
    if (j->skip)
      continue;
    if (*lost) {
      j->status = STORE_BUSY;
      continue;
    }
    sqlite3_int64 changes = sqlite3_total_changes64(c->db);
    j->status = run_job(c, j, savepoints);
    *lost = sqlite3_get_autocommit(c->db) != 0;
    if (!savepoints && !*lost && j->status != STORE_OK &&
        sqlite3_total_changes64(c->db) != changes)
      return false;
    *any |= j->status == STORE_OK;
  }
  return true;
}

/* Runs the n writes of batch (a list) in one transaction on the store's writer connection
 * (opened, with its checkpointer, by the first batch) and sets each one's status. */
static void run_batch(struct sq_store *st, struct write_job *batch, unsigned n)
{
  for (struct write_job *j = batch; j; j = j->next)
    n -= j->skip;
  if (n == 0)
    return;
  if (!st->writer && (st->writer = sq_conn_open(st, true))) {
    sq_exec(st->writer, "PRAGMA cache_size=-" WRITER_CACHE_KIB);
    /* each write's savepoint keeps the pages it changes first in a sub-journal (for ROLLBACK
     * TO): in memory, not in a temporary file that a batch of writes spills to with pwrite */
    sq_exec(st->writer, "PRAGMA temp_store=MEMORY");
    st->ckpt = db_ckpt_start(st, st->writer);
    sq_cache_start(st->writer);
  }
  struct sq_conn *c = st->writer;
  if (c)
    sq_wait_start(c);
  enum store_status s = c ? sq_begin_tx(c, "BEGIN IMMEDIATE") : STORE_ERROR;
  if (s == STORE_OK)
    sq_cache_check(c);
  bool any = false, lost = false;
  /* alone in its batch, a write needs no savepoint: its failure rolls everything back */
  if (s == STORE_OK && !run_jobs(c, batch, false, &any, &lost) && n > 1) {
    sq_exec_static(c, "ROLLBACK");
    sq_walbuf_drop(c->db); /* the frames it may have spilled: the lock is free until BEGIN */
    s = sq_begin_tx(c, "BEGIN IMMEDIATE");
    if (s == STORE_OK)
      sq_cache_check(c);
    if (s == STORE_OK)
      run_jobs(c, batch, true, &any, &lost);
  }
  if (s != STORE_OK) {
    if (c) {
      c->in_tx = false;
      sq_walbuf_drop(c->db);
      if (s == STORE_BUSY)
        sq_note_busy(c);
    }
    for (struct write_job *j = batch; j; j = j->next)
      if (!j->skip)
        j->status = s;
    return;
  }
  metrics_store_batch();
  enum store_status commit = lost ? STORE_ERROR : !any ? STORE_OK : STORE_BUSY;
  if (!lost && any) {
    sq_walbuf_by_ref(c->db, true); /* the commit's pages gathered by address (sqlite_walbuf.c) */
    commit = sq_exec_static(c, "COMMIT");
    sq_walbuf_by_ref(c->db, false);
  }
  if (commit != STORE_OK || !any)
    sq_rollback_if_open(c);
  c->in_tx = false;
  sq_walbuf_drop(c->db); /* frames of a transaction that did not commit (sqlite_walbuf.c) */
  for (struct write_job *j = batch; j; j = j->next)
    if (!j->skip && j->status == STORE_OK && commit != STORE_OK)
      j->status = lost ? STORE_ERROR : commit;
  db_ckpt_between_batches(st->ckpt, c);
}

/* Takes up to BATCH_MAX writes off the head of the queue (under st->mu); returns their count. */
static unsigned take_batch(struct sq_store *st, struct write_job **batch)
{
  unsigned n = 0;
  int64_t now = util_mono_ms();
  struct write_job *head = st->queue, *last = NULL;
  for (struct write_job *j = head; j && n < BATCH_MAX; j = j->next, n++) {
    j->taken = true;
    st->queued -= !j->done_fn;
    if (j->done_fn && now >= j->deadline_ms) { /* as a waiting caller gives up (sq_write) */
      j->skip = true;
      j->status = STORE_BUSY;
      log_msg(LOG_WARN, "db_busy", "the database stayed locked; gave up waiting for a write turn");
    }
    last = j;
  }
  st->queue = last ? last->next : NULL;
  if (last)
    last->next = NULL;
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

/* Leads one batch (called with st->mu held and no batch running; returns with it held): takes
 * the queue's head, runs it, then marks each waiting caller's write done (the broadcast wakes
 * them) and calls each async write's done function, outside the lock, in queue order. */
static void lead_batch(struct sq_store *st, bool caller)
{
  struct write_job *batch, *async = NULL, **async_tail = &async;
  unsigned n = take_batch(st, &batch);
  st->leading = true;
  st->caller_leads = caller;
  pthread_mutex_unlock(&st->mu);
  run_batch(st, batch, n);
  pthread_mutex_lock(&st->mu);
  for (struct write_job *b = batch, *next; b; b = next) {
    next = b->next; /* b may return (and its memory go) once done is seen */
    if (b->done_fn) {
      b->next = NULL;
      *async_tail = b;
      async_tail = &b->next;
    } else {
      b->done = true;
    }
  }
  st->leading = false;
  pthread_cond_broadcast(&st->written);
  if (st->queue || st->stopping) /* the writer thread leads the next unless a caller does; */
    pthread_cond_signal(&st->work); /* at the close, it may have missed the stop's signal */
  pthread_mutex_unlock(&st->mu);
  for (struct write_job *b = async, *next; b; b = next) {
    next = b->next;
    metrics_store_tx(true, db_tx_outcome(b->status));
    b->done_fn(b->status, b->done_arg);
    free(b);
  }
  pthread_mutex_lock(&st->mu);
}

/* Appends j to the queue (under st->mu). */
static void enqueue(struct sq_store *st, struct write_job *j)
{
  struct write_job **tail = &st->queue;
  while (*tail)
    tail = &(*tail)->next;
  *tail = j;
  st->queued += !j->done_fn;
}

enum store_status sq_write(struct sq_store *st, store_tx_fn fn, void *arg)
{
  struct write_job j = {.fn = fn, .arg = arg, .status = STORE_BUSY};
  pthread_mutex_lock(&st->mu);
  int64_t now = util_mono_ms();
  bool lately = st->gave_up_ms && now - st->gave_up_ms < SQ_LOCK_WAIT_MS;
  unsigned ahead = st->queued + (st->leading && st->caller_leads ? 1u : 0u); /* threads held */
  bool brief = lately || (st->max_waiters && ahead >= st->max_waiters);
  struct timespec deadline = util_mono_after(brief ? SQ_LOCK_WAIT_EXTRA_MS : SQ_LOCK_WAIT_MS);
  enqueue(st, &j);
  while (!j.done) {
    if (!st->leading && !j.taken) {
      lead_batch(st, true);
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

/* Before the writer thread leads a batch under load (its last batch took GATHER_AFTER writes or
 * more) while fewer than GATHER_MIN are queued: gives the processor to the threads that are
 * ready to run (the HTTP workers with requests parsed, whose writes then join this batch), at
 * most GATHER_YIELDS times. A commit's cost grows much slower than its writes (a WAL frame per
 * page changed, and the writes of a batch mostly change the same right-edge pages of each
 * b-tree; the activation load: about 125 µs per COMMIT at 8-9 writes), so fewer, fuller
 * batches cost the writer and the checkpointer less per write (bench/HISTORY.md, ninth step).
 * A yield returns at once when no other task is ready on this core; when another one ran for
 * longer than GATHER_YIELD_MAX_US (another process, a background thread), the gathering stops
 * there. A server that was idle leads its first batch at once (last_batch is cleared when the
 * writer sleeps); every write is still answered only after the commit that holds it. */
#define GATHER_AFTER 4
#define GATHER_MIN 16
#define GATHER_YIELDS 3
#define GATHER_YIELD_MAX_US 200

/* How many writes are queued, counted up to max (under st->mu). */
static unsigned queued_up_to(const struct sq_store *st, unsigned max)
{
  unsigned n = 0;
  for (const struct write_job *j = st->queue; j && n < max; j = j->next)
    n++;
  return n;
}

static void gather(struct sq_store *st)
{
  if (st->last_batch < GATHER_AFTER)
    return;
  for (int y = 0; y < GATHER_YIELDS && queued_up_to(st, GATHER_MIN) < GATHER_MIN &&
                  !st->leading && !st->stopping;
       y++) {
    pthread_mutex_unlock(&st->mu);
    int64_t began = util_mono_us();
    sched_yield();
    bool long_yield = util_mono_us() - began > GATHER_YIELD_MAX_US;
    pthread_mutex_lock(&st->mu);
    if (long_yield)
      break;
  }
}

/* The writer thread: leads a batch whenever writes are queued and nobody leads one (after
 * gather's yields under load); at the store's close, ends once the queue is empty. */
static void *writer_main(void *arg)
{
  struct sq_store *st = arg;
  pthread_setname_np(pthread_self(), "db-writer"); /* else the creator's name: "MHD-worker" */
  pthread_mutex_lock(&st->mu);
  for (;;) {
    if (st->queue && !st->leading) {
      gather(st); /* a waiting caller may lead them meanwhile: then look again */
      if (st->queue && !st->leading) {
        st->last_batch = queued_up_to(st, BATCH_MAX);
        lead_batch(st, false);
      }
    } else if (st->stopping && !st->queue)
      break;
    else {
      st->last_batch = 0; /* idle: the next write is led at once, not gathered */
      pthread_cond_wait(&st->work, &st->mu);
    }
  }
  pthread_mutex_unlock(&st->mu);
  return NULL;
}

void sq_write_async(struct store *base, store_tx_fn fn, void *arg, store_done_fn done)
{
  struct sq_store *st = (struct sq_store *)base;
  struct write_job *j = calloc(1, sizeof *j);
  if (!j) {
    done(STORE_ERROR, arg);
    return;
  }
  *j = (struct write_job){.fn = fn, .arg = arg, .status = STORE_BUSY, .done_fn = done,
                          .done_arg = arg, .deadline_ms = util_mono_ms() + SQ_LOCK_WAIT_MS};
  pthread_mutex_lock(&st->mu);
  if (st->stopping) { /* the writer thread has ended or is ending: the caller's thread runs it */
    pthread_mutex_unlock(&st->mu);
    free(j);
    done(sq_write(st, fn, arg), arg);
    return;
  }
  if (!st->writer_started)
    st->writer_started = pthread_create(&st->writer_thread, NULL, writer_main, st) == 0;
  if (!st->writer_started) {
    pthread_mutex_unlock(&st->mu);
    free(j);
    log_msg(LOG_ERROR, "db_writer_failed", "could not start the store's writer thread");
    done(STORE_ERROR, arg);
    return;
  }
  enqueue(st, j);
  if (!st->leading)
    pthread_cond_signal(&st->work);
  pthread_mutex_unlock(&st->mu);
}

void sq_writer_stop(struct sq_store *st)
{
  pthread_mutex_lock(&st->mu);
  st->stopping = true;
  bool started = st->writer_started;
  pthread_cond_signal(&st->work);
  pthread_mutex_unlock(&st->mu);
  if (started)
    pthread_join(st->writer_thread, NULL);
}
