/* sqlite_db.c - the SQLite engine's core: a connection per thread (opened lazily, closed when
 * the thread exits), statements prepared once per connection, and the transaction runner. */
#include "log.h"
#include "sqlite_engine.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

struct sq_store {
  struct store base;
  char *path;
  struct db_threads threads;
  pthread_mutex_t mu;
  unsigned max_waiters;     /* threads that may wait LOCK_WAIT_MS for the write lock; 0: all */
  unsigned waiters;         /* threads waiting for it now (under mu) */
  int64_t gave_up_ms;       /* when a wait last ended in STORE_BUSY (under mu) */
};

static void conn_close(struct store_conn *base)
{
  struct sq_conn *c = (struct sq_conn *)base;
  db_conn_forget_stmts(&c->base);
  if (sqlite3_close(c->db) != SQLITE_OK)
    log_msg(LOG_ERROR, "db_close_failed", "%s", sqlite3_errmsg(c->db));
  free(c);
}

enum store_status sq_exec(struct sq_conn *c, const char *sql)
{
  char *err = NULL;
  int rc = sqlite3_exec(c->db, sql, NULL, NULL, &err);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    log_msg(LOG_ERROR, "db_error", "%s: %s", err ? err : sqlite3_errstr(rc),
            strncmp(sql, "PRAGMA", 6) == 0 || strlen(sql) < 40 ? sql : "(migration)");
  sqlite3_free(err);
  return rc == SQLITE_OK ? STORE_OK : sq_status(NULL, rc, NULL);
}

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
static int busy_wait(void *arg, int count)
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

static struct sq_conn *conn_open(struct sq_store *st)
{
  struct sq_conn *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->base.eng = &db_engine_sqlite;
  c->owner = st;
  int rc = sqlite3_open_v2(st->path, &c->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    log_msg(LOG_ERROR, "db_open_failed", "%s: %s", st->path,
            c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
    sqlite3_close(c->db);
    free(c);
    return NULL;
  }
  sqlite3_busy_handler(c->db, busy_wait, c);
  sqlite3_extended_result_codes(c->db, 0);
  if (sq_exec(c, "PRAGMA journal_mode=WAL") != STORE_OK ||
      sq_exec(c, "PRAGMA synchronous=NORMAL") != STORE_OK ||
      sq_exec(c, "PRAGMA foreign_keys=ON") != STORE_OK) {
    conn_close(&c->base);
    return NULL;
  }
  return db_threads_add(&st->threads, &c->base) ? c : NULL;
}

static struct sq_conn *sq_conn_of(struct sq_store *st)
{
  struct store_conn *c = db_threads_get(&st->threads);
  return c ? (struct sq_conn *)c : conn_open(st);
}

static struct store_conn *sq_conn(struct store *base)
{
  struct sq_conn *c = sq_conn_of((struct sq_store *)base);
  return c ? &c->base : NULL;
}

static void sq_conn_release(struct store *base)
{
  db_threads_release(&((struct sq_store *)base)->threads);
}

static struct store *sq_open(const char *path, char *why, unsigned why_len)
{
  struct sq_store *st = calloc(1, sizeof *st);
  if (!st || !(st->path = strdup(path))) {
    free(st);
    snprintf(why, why_len, "out of memory");
    return NULL;
  }
  st->base.eng = &db_engine_sqlite;
  pthread_mutex_init(&st->mu, NULL);
  db_threads_init(&st->threads, conn_close);
  return &st->base;
}

static void sq_close(struct store *base)
{
  struct sq_store *st = (struct sq_store *)base;
  db_threads_close_all(&st->threads);
  pthread_mutex_destroy(&st->mu);
  free(st->path);
  free(st);
}

static void backoff(int attempt)
{
  struct timespec ts = {0, (long)(1 + attempt * attempt) * 2 * 1000000L + (rand() % 1000) * 1000L};
  nanosleep(&ts, NULL);
}

static enum store_status run_tx(struct sq_store *st, const char *begin, store_tx_fn fn,
                                void *arg)
{
  struct sq_conn *c = sq_conn_of(st);
  if (!c)
    return STORE_ERROR;
  enum store_status s = STORE_BUSY;
  c->in_tx = true;
  c->cut_short = false;
  c->deadline_ms = util_mono_ms() + LOCK_WAIT_MS;
  /* A wait cut short is not tried again: its thread is wanted elsewhere. */
  for (int attempt = 0; attempt < TX_ATTEMPTS && s == STORE_BUSY && !c->cut_short; attempt++) {
    if (attempt)
      backoff(attempt);
    if (attempt && util_mono_ms() >= c->deadline_ms)
      break;
    c->in_begin = true;
    s = sq_exec(c, begin);
    c->in_begin = false;
    waiter_give_back(c);
    if (s != STORE_OK)
      continue;
    s = fn(&c->base, arg);
    if (s == STORE_OK)
      s = sq_exec(c, "COMMIT");
    if (s != STORE_OK && !sqlite3_get_autocommit(c->db))
      sq_exec(c, "ROLLBACK");
  }
  c->in_tx = false;
  if (s == STORE_BUSY && !c->cut_short) { /* a full wait: the lock is held elsewhere */
    pthread_mutex_lock(&st->mu);
    st->gave_up_ms = util_mono_ms();
    pthread_mutex_unlock(&st->mu);
  }
  if (s == STORE_BUSY)
    log_msg(LOG_WARN, "db_busy", "the database stayed locked; gave up %s", c->cut_short
            ? "at once (other threads already wait for the lock)" : "after the longest wait");
  return s;
}

static enum store_status sq_run_tx(struct store *base, bool write, store_tx_fn fn, void *arg)
{
  return run_tx((struct sq_store *)base, write ? "BEGIN IMMEDIATE" : "BEGIN", fn, arg);
}

static void sq_set_lock_waiters(struct store *base, unsigned n)
{
  struct sq_store *st = (struct sq_store *)base;
  pthread_mutex_lock(&st->mu);
  st->max_waiters = n;
  pthread_mutex_unlock(&st->mu);
}

static enum store_status sq_exec_op(struct store_conn *c, const char *sql)
{
  return sq_exec((struct sq_conn *)c, sql);
}

const struct db_engine db_engine_sqlite = {
    .name = "sqlite",
    .dialect = DB_SQLITE,
    .migrations = store_migrations,
    .migrations_count = &store_migrations_count,
    .migrate_begin = "BEGIN IMMEDIATE",
    .open = sq_open,
    .close = sq_close,
    .conn = sq_conn,
    .conn_release = sq_conn_release,
    .run_tx = sq_run_tx,
    .set_lock_waiters = sq_set_lock_waiters,
    .exec = sq_exec_op,
    .changes = sq_changes,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .reset = sq_reset,
    .bind_text = sq_bind_text,
    .bind_int = sq_bind_int,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_str = sq_col_str,
    .col_int64 = sq_col_int64,
    .col_null = sq_col_null,
};
