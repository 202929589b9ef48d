/* db.c - the engine-neutral side of the store: store_open() picks the engine by the URL's
 * scheme, the store's calls are dispatched to it, and every connection's prepared statements
 * are cached here (keyed by the SQL literal's address). */
#include "db.h"
#include "log.h"
#include "thread_prio.h"
#include "token_cache.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct db_stmt {
  const char *sql; /* the static SQL text; its address is the cache key */
  const struct db_engine *eng;
  void *h;         /* the engine's handle */
};

/* The engine for url and the part of it the engine opens: "postgresql://..." and
 * "postgres://..." go to PostgreSQL whole, "sqlite:PATH" and a plain path to SQLite. */
static const struct db_engine *engine_for(const char *url, const char **target)
{
  if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
    *target = url;
    return &db_engine_pg;
  }
  *target = strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
  return &db_engine_sqlite;
}

const char *store_url_file(const char *url)
{
  const char *target;
  return engine_for(url, &target) == &db_engine_sqlite ? target : NULL;
}

struct store *store_open(const char *url, bool migrate, char *why, unsigned why_len)
{
  const char *target;
  const struct db_engine *eng = engine_for(url, &target);
  struct store *st = eng->open(target, why, why_len);
  if (!st)
    return NULL;
  struct store_conn *c = store_conn(st);
  if (!c) {
    snprintf(why, why_len, "cannot open database %s", target);
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
  if (st)
    st->eng->close(st);
}

struct store_conn *store_conn(struct store *st) { return st->eng->conn(st); }
void store_conn_release(struct store *st) { st->eng->conn_release(st); }

/* A background thread's write, waited for while the engine's writer thread runs it. */
struct queued_write {
  store_tx_fn fn;
  void *arg;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  bool done;
  enum store_status status;
};

static enum store_status queued_write_run(struct store_conn *c, void *arg)
{
  struct queued_write *q = arg;
  return q->fn(c, q->arg);
}

static void queued_write_done(enum store_status status, void *arg)
{
  struct queued_write *q = arg;
  pthread_mutex_lock(&q->mu);
  q->status = status;
  q->done = true;
  pthread_cond_signal(&q->cond);
  pthread_mutex_unlock(&q->mu);
}

/* Runs fn on the engine's writer thread (which must have write_async), the caller waiting. */
static enum store_status queued_write(struct store *st, store_tx_fn fn, void *arg)
{
  struct queued_write q = {.fn = fn, .arg = arg, .done = false, .status = STORE_ERROR};
  pthread_mutex_init(&q.mu, NULL);
  pthread_cond_init(&q.cond, NULL);
  st->eng->write_async(st, queued_write_run, &q, queued_write_done);
  pthread_mutex_lock(&q.mu);
  while (!q.done)
    pthread_cond_wait(&q.cond, &q.mu);
  pthread_mutex_unlock(&q.mu);
  pthread_cond_destroy(&q.cond);
  pthread_mutex_destroy(&q.mu);
  return q.status;
}

enum store_status store_write(struct store *st, store_tx_fn fn, void *arg)
{
  /* A background thread (lower priority: thread_prio.h) that ran the write itself could lead
   * a group commit holding requests' writes and then wait for a core with them: the engine's
   * writer thread runs it instead. */
  if (!st->eng->write_async || !thread_prio_is_background())
    return st->eng->run_tx(st, true, fn, arg);
  return queued_write(st, fn, arg);
}

enum store_status store_write_isolated(struct store *st, enum store_isolation iso,
                                       store_tx_fn fn, void *arg)
{
  if (iso == STORE_READ_COMMITTED && st->eng->run_tx_read_committed)
    return st->eng->run_tx_read_committed(st, fn, arg);
  return store_write(st, fn, arg);
}

static enum store_status nothing_tx(struct store_conn *c, void *arg)
{
  (void)c;
  (void)arg;
  return STORE_OK;
}

void store_start_threads(struct store *st)
{
  if (st->eng->write_async) /* the first write queued starts the writer thread */
    queued_write(st, nothing_tx, NULL);
}

void store_write_async(struct store *st, store_tx_fn fn, void *arg, store_done_fn done)
{
  store_write_async_isolated(st, STORE_SERIALIZABLE, fn, arg, done);
}

void store_write_async_isolated(struct store *st, enum store_isolation iso, store_tx_fn fn,
                                void *arg, store_done_fn done)
{
  if (st->eng->write_async)
    st->eng->write_async(st, fn, arg, done);
  else
    done(store_write_isolated(st, iso, fn, arg), arg);
}

enum store_status store_read(struct store *st, store_tx_fn fn, void *arg)
{
  return st->eng->run_tx(st, false, fn, arg);
}

void store_snapshot(struct store *st, store_snapshot_fn fn, void *arg)
{
  if (st->eng->snapshot)
    st->eng->snapshot(st, fn, arg);
  else
    fn(arg);
}

bool db_read_version(struct store_conn *c, struct db_version *v)
{
  return c->eng->snapshot_version && c->eng->snapshot_version(c, v);
}

void store_set_lock_waiters(struct store *st, unsigned n)
{
  if (st->eng->set_lock_waiters)
    st->eng->set_lock_waiters(st, n);
}

const char *store_engine_name(const struct store *st) { return st->eng->name; }

bool store_ping(struct store *st)
{
  struct store_conn *c = store_conn(st);
  if (!c)
    return false;
  struct db_stmt *s = db_stmt(c, "SELECT count(*) FROM schema_migrations");
  bool ok = db_step_row(c, s) == STORE_OK;
  db_reset(s);
  return ok;
}

void db_conn_forget_stmts(struct store_conn *c)
{
  for (size_t i = 0; i < c->n_slots; i++) {
    c->eng->finalize(c->slots[i]->h);
    free(c->slots[i]);
  }
  free(c->slots);
  c->slots = NULL;
  c->n_slots = c->cap_slots = 0;
}

struct db_stmt *db_stmt(struct store_conn *c, const char *sql)
{
  for (size_t i = 0; i < c->n_slots; i++)
    if (c->slots[i]->sql == sql) {
      c->eng->reset(c->slots[i]->h);
      return c->slots[i];
    }
  if (c->n_slots == c->cap_slots) {
    size_t cap = c->cap_slots ? 2 * c->cap_slots : 64;
    struct db_stmt **ns = realloc(c->slots, cap * sizeof *ns);
    if (!ns)
      return NULL;
    c->slots = ns;
    c->cap_slots = cap;
  }
  struct db_stmt *s = malloc(sizeof *s);
  if (!s)
    return NULL;
  *s = (struct db_stmt){sql, c->eng, c->eng->prepare(c, sql)};
  if (!s->h) {
    free(s);
    return NULL;
  }
  return c->slots[c->n_slots++] = s;
}

void db_reset(struct db_stmt *st)
{
  if (st)
    st->eng->reset(st->h);
}

enum store_status db_exec_stmt(struct store_conn *c, struct db_stmt *st)
{
  if (!st)
    return STORE_ERROR;
  enum store_status s = c->eng->step(c, st->h);
  c->eng->reset(st->h);
  return s == STORE_NOT_FOUND ? STORE_OK : s;
}

enum store_status db_step_row(struct store_conn *c, struct db_stmt *st)
{
  if (!st)
    return STORE_ERROR;
  enum store_status s = c->eng->step(c, st->h);
  if (s != STORE_OK)
    c->eng->reset(st->h);
  return s;
}

enum store_status db_first_text(struct store_conn *c, struct db_stmt *st, char *buf, size_t len)
{
  enum store_status s = db_step_row(c, st);
  if (s == STORE_OK) {
    db_col_text(st, 0, buf, len);
    db_reset(st);
  }
  return s;
}

enum store_status db_exists(struct store_conn *c, struct db_stmt *st, bool *found)
{
  enum store_status s = db_step_row(c, st);
  *found = s == STORE_OK;
  if (s == STORE_OK)
    db_reset(st);
  return s == STORE_NOT_FOUND ? STORE_OK : s;
}

enum store_status db_exec(struct store_conn *c, const char *sql) { return c->eng->exec(c, sql); }
int db_changes(struct store_conn *c) { return c->eng->changes(c); }
enum db_dialect db_dialect(struct store_conn *c) { return c->eng->dialect; }

void db_bind_text(struct db_stmt *st, const char *name, const char *value)
{
  st->eng->bind_text(st->h, name, value);
}

void db_bind_text_kept(struct db_stmt *st, const char *name, const char *value)
{
  st->eng->bind_text_kept(st->h, name, value);
}

void db_bind_int(struct db_stmt *st, const char *name, int64_t value)
{
  st->eng->bind_int(st->h, name, value);
}

void db_bind_null(struct db_stmt *st, const char *name) { st->eng->bind_null(st->h, name); }

const char *db_col_str(struct db_stmt *st, int col) { return st->eng->col_str(st->h, col); }
int64_t db_col_int64(struct db_stmt *st, int col) { return st->eng->col_int64(st->h, col); }
int db_col_int(struct db_stmt *st, int col) { return (int)st->eng->col_int64(st->h, col); }
bool db_col_null(struct db_stmt *st, int col) { return st->eng->col_null(st->h, col); }

void db_col_text(struct db_stmt *st, int col, char *buf, size_t len)
{
  util_text_copy(buf, len, db_col_str(st, col)); /* cut as snprintf would, without its cost */
}

static void unlink_conn(struct db_threads *t, struct store_conn *c)
{
  pthread_mutex_lock(&t->mu);
  for (struct store_conn **p = &t->conns; *p; p = &(*p)->next)
    if (*p == c) {
      *p = c->next;
      break;
    }
  pthread_mutex_unlock(&t->mu);
}

/* pthread key destructor: runs when a thread that used the store exits. */
static void thread_exit(void *arg)
{
  struct store_conn *c = arg;
  unlink_conn(c->threads, c);
  c->threads->close_fn(c);
}

void db_threads_init(struct db_threads *t, void (*close_fn)(struct store_conn *c))
{
  t->conns = NULL;
  t->close_fn = close_fn;
  t->tokens = NULL;
  pthread_mutex_init(&t->mu, NULL);
  pthread_key_create(&t->key, thread_exit);
}

struct store_conn *db_threads_get(struct db_threads *t) { return pthread_getspecific(t->key); }

void db_threads_keep(struct db_threads *t, struct store_conn *c)
{
  c->threads = t;
  pthread_mutex_lock(&t->mu);
  c->next = t->conns;
  t->conns = c;
  pthread_mutex_unlock(&t->mu);
}

bool db_threads_add(struct db_threads *t, struct store_conn *c)
{
  if (pthread_setspecific(t->key, c) != 0) {
    t->close_fn(c);
    return false;
  }
  db_threads_keep(t, c);
  return true;
}

void db_threads_release(struct db_threads *t)
{
  struct store_conn *c = pthread_getspecific(t->key);
  if (!c)
    return;
  pthread_setspecific(t->key, NULL);
  unlink_conn(t, c);
  t->close_fn(c);
}

void db_threads_close_all(struct db_threads *t)
{
  db_threads_release(t);
  pthread_mutex_lock(&t->mu);
  struct store_conn *left = t->conns;
  t->conns = NULL;
  pthread_mutex_unlock(&t->mu);
  while (left) { /* threads that never exited (none in normal operation) */
    struct store_conn *next = left->next;
    t->close_fn(left);
    left = next;
  }
  pthread_key_delete(t->key);
  pthread_mutex_destroy(&t->mu);
  token_cache_shared_free(t->tokens);
  t->tokens = NULL;
}
