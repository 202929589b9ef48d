/* sqlite_db.c - the SQLite engine's core: a connection per thread (opened lazily, closed when
 * the thread exits), statements prepared once per connection, and the transaction runner. */
#include "log.h"
#include "sqlite.h"
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

struct store {
  char *path;
  pthread_key_t key;
  pthread_mutex_t mu;
  struct store_conn *conns; /* every open connection, for closing leftovers at exit */
  unsigned max_waiters;     /* threads that may wait LOCK_WAIT_MS for the write lock; 0: all */
  unsigned waiters;         /* threads waiting for it now (under mu) */
  int64_t gave_up_ms;       /* when a wait last ended in STORE_BUSY (under mu) */
};

static void conn_close(struct store_conn *c)
{
  for (size_t i = 0; i < c->n_slots; i++)
    sqlite3_finalize(c->slots[i].stmt);
  free(c->slots);
  if (sqlite3_close(c->db) != SQLITE_OK)
    log_msg(LOG_ERROR, "db_close_failed", "%s", sqlite3_errmsg(c->db));
  free(c);
}

static void conn_unlink(struct store *st, struct store_conn *c)
{
  pthread_mutex_lock(&st->mu);
  for (struct store_conn **p = &st->conns; *p; p = &(*p)->next)
    if (*p == c) {
      *p = c->next;
      break;
    }
  pthread_mutex_unlock(&st->mu);
}

/* pthread key destructor: runs when a thread that used the store exits. */
static void conn_thread_exit(void *arg)
{
  struct store_conn *c = arg;
  conn_unlink(c->owner, c);
  conn_close(c);
}

enum store_status db_exec(struct store_conn *c, const char *sql)
{
  char *err = NULL;
  int rc = sqlite3_exec(c->db, sql, NULL, NULL, &err);
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    log_msg(LOG_ERROR, "db_error", "%s: %s", err ? err : sqlite3_errstr(rc),
            strncmp(sql, "PRAGMA", 6) == 0 || strlen(sql) < 40 ? sql : "(migration)");
  sqlite3_free(err);
  return rc == SQLITE_OK ? STORE_OK : db_status(NULL, rc, NULL);
}

/* Takes one of the store's waiter places for c when one is free and no wait gave up lately;
 * true when c may wait the full time. */
static bool waiter_take(struct store_conn *c, int64_t now)
{
  struct store *st = c->owner;
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

static void waiter_give_back(struct store_conn *c)
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
  struct store_conn *c = arg;
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

static struct store_conn *conn_open(struct store *st)
{
  struct store_conn *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
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
  if (db_exec(c, "PRAGMA journal_mode=WAL") != STORE_OK ||
      db_exec(c, "PRAGMA synchronous=NORMAL") != STORE_OK ||
      db_exec(c, "PRAGMA foreign_keys=ON") != STORE_OK) {
    conn_close(c);
    return NULL;
  }
  pthread_mutex_lock(&st->mu);
  c->next = st->conns;
  st->conns = c;
  pthread_mutex_unlock(&st->mu);
  return c;
}

struct store_conn *store_conn(struct store *st)
{
  struct store_conn *c = pthread_getspecific(st->key);
  if (c)
    return c;
  c = conn_open(st);
  if (c && pthread_setspecific(st->key, c) != 0) {
    conn_unlink(st, c);
    conn_close(c);
    return NULL;
  }
  return c;
}

void store_conn_release(struct store *st)
{
  struct store_conn *c = pthread_getspecific(st->key);
  if (!c)
    return;
  pthread_setspecific(st->key, NULL);
  conn_unlink(st, c);
  conn_close(c);
}

struct store *store_open(const char *path, bool migrate, char *why, unsigned why_len)
{
  struct store *st = calloc(1, sizeof *st);
  if (!st || !(st->path = strdup(path))) {
    free(st);
    snprintf(why, why_len, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&st->mu, NULL);
  pthread_key_create(&st->key, conn_thread_exit);
  struct store_conn *c = store_conn(st);
  if (!c) {
    snprintf(why, why_len, "cannot open database %s", path);
    store_close(st);
    return NULL;
  }
  if (store_migrate_conn(c, migrate, why, why_len) != STORE_OK) {
    store_close(st);
    return NULL;
  }
  return st;
}

void store_close(struct store *st)
{
  if (!st)
    return;
  store_conn_release(st);
  pthread_mutex_lock(&st->mu);
  struct store_conn *left = st->conns;
  st->conns = NULL;
  pthread_mutex_unlock(&st->mu);
  while (left) { /* threads that never exited (none in normal operation) */
    struct store_conn *next = left->next;
    conn_close(left);
    left = next;
  }
  pthread_key_delete(st->key);
  pthread_mutex_destroy(&st->mu);
  free(st->path);
  free(st);
}

sqlite3_stmt *db_stmt(struct store_conn *c, const char *sql)
{
  for (size_t i = 0; i < c->n_slots; i++)
    if (c->slots[i].sql == sql) {
      sqlite3_reset(c->slots[i].stmt);
      sqlite3_clear_bindings(c->slots[i].stmt);
      return c->slots[i].stmt;
    }
  if (c->n_slots == c->cap_slots) {
    size_t cap = c->cap_slots ? 2 * c->cap_slots : 32;
    struct stmt_slot *ns = realloc(c->slots, cap * sizeof *ns);
    if (!ns)
      return NULL;
    c->slots = ns;
    c->cap_slots = cap;
  }
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
  if (rc != SQLITE_OK) {
    log_msg(LOG_ERROR, "db_prepare_failed", "%s: %.120s", sqlite3_errmsg(c->db), sql);
    return NULL;
  }
  c->slots[c->n_slots++] = (struct stmt_slot){sql, st};
  return st;
}

enum store_status db_status(struct store_conn *c, int rc, const char *what)
{
  switch (rc & 0xff) {
  case SQLITE_OK:
  case SQLITE_ROW:
  case SQLITE_DONE:
    return STORE_OK;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return STORE_BUSY;
  case SQLITE_CONSTRAINT:
    return STORE_CONFLICT;
  default:
    if (what)
      log_msg(LOG_ERROR, "db_error", "%s: %s", what, c ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
    return STORE_ERROR;
  }
}

void db_reset(sqlite3_stmt *st)
{
  if (st) {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
}

enum store_status db_exec_stmt(struct store_conn *c, sqlite3_stmt *st)
{
  if (!st)
    return STORE_ERROR;
  int rc = sqlite3_step(st);
  enum store_status s = rc == SQLITE_DONE || rc == SQLITE_ROW ? STORE_OK
                                                                : db_status(c, rc, sqlite3_sql(st));
  db_reset(st);
  return s;
}

enum store_status db_step_row(struct store_conn *c, sqlite3_stmt *st)
{
  if (!st)
    return STORE_ERROR;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW)
    return STORE_OK;
  enum store_status s = rc == SQLITE_DONE ? STORE_NOT_FOUND : db_status(c, rc, sqlite3_sql(st));
  db_reset(st);
  return s;
}

void db_bind_text(sqlite3_stmt *st, const char *name, const char *value)
{
  int i = sqlite3_bind_parameter_index(st, name);
  if (i == 0)
    log_msg(LOG_ERROR, "db_bind_failed", "no parameter %s in %.80s", name, sqlite3_sql(st));
  else if (value)
    sqlite3_bind_text(st, i, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

void db_bind_int(sqlite3_stmt *st, const char *name, int64_t value)
{
  int i = sqlite3_bind_parameter_index(st, name);
  if (i == 0)
    log_msg(LOG_ERROR, "db_bind_failed", "no parameter %s in %.80s", name, sqlite3_sql(st));
  else
    sqlite3_bind_int64(st, i, value);
}

void db_col_text(sqlite3_stmt *st, int col, char *buf, size_t len)
{
  const unsigned char *t = sqlite3_column_text(st, col);
  snprintf(buf, len, "%s", t ? (const char *)t : "");
}

int db_changes(struct store_conn *c) { return sqlite3_changes(c->db); }

static void backoff(int attempt)
{
  struct timespec ts = {0, (long)(1 + attempt * attempt) * 2 * 1000000L + (rand() % 1000) * 1000L};
  nanosleep(&ts, NULL);
}

static enum store_status run_tx(struct store *st, const char *begin, store_tx_fn fn, void *arg)
{
  struct store_conn *c = store_conn(st);
  if (!c)
    return STORE_ERROR;
  enum store_status s = STORE_BUSY;
  c->in_tx = true;
  c->cut_short = false;
  c->deadline_ms = util_mono_ms() + LOCK_WAIT_MS;
  /* A wait cut short is not tried again: its thread is wanted elsewhere. */
  int attempt;
  for (attempt = 0; attempt < TX_ATTEMPTS && s == STORE_BUSY && !c->cut_short; attempt++) {
    if (attempt)
      backoff(attempt);
    if (attempt && util_mono_ms() >= c->deadline_ms)
      break;
    c->in_begin = true;
    s = db_exec(c, begin);
    c->in_begin = false;
    waiter_give_back(c);
    if (s != STORE_OK)
      continue;
    s = fn(c, arg);
    if (s == STORE_OK)
      s = db_exec(c, "COMMIT");
    if (s != STORE_OK && !sqlite3_get_autocommit(c->db))
      db_exec(c, "ROLLBACK");
  }
  c->in_tx = false;
  metrics_store_tx(begin[5] == ' ', db_tx_outcome(s), attempt > 1 ? (unsigned)(attempt - 1) : 0);
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

enum store_status store_write(struct store *st, store_tx_fn fn, void *arg)
{
  return run_tx(st, "BEGIN IMMEDIATE", fn, arg);
}

enum store_status store_read(struct store *st, store_tx_fn fn, void *arg)
{
  return run_tx(st, "BEGIN", fn, arg);
}

void store_set_lock_waiters(struct store *st, unsigned n)
{
  pthread_mutex_lock(&st->mu);
  st->max_waiters = n;
  pthread_mutex_unlock(&st->mu);
}

bool store_ping(struct store *st)
{
  struct store_conn *c = store_conn(st);
  if (!c)
    return false;
  sqlite3_stmt *s = db_stmt(c, "SELECT count(*) FROM schema_migrations");
  bool ok = db_step_row(c, s) == STORE_OK;
  db_reset(s);
  return ok;
}
