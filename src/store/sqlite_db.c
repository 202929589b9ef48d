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

struct store_conn *db_conn_open(struct store *st)
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
  sqlite3_busy_handler(c->db, db_busy_wait, c);
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
  c = db_conn_open(st);
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

/* Process-wide SQLite settings, before its first use. SQLite counts every allocation it makes
 * under one global mutex by default (SQLITE_DEFAULT_MEMSTATUS): with a connection per thread,
 * the only shared lock of a read; nothing here reads those counts. */
static void sqlite_setup(void)
{
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* SQLITE_MISUSE once SQLite is in use: no harm */
}

struct store *store_open(const char *path, bool migrate, char *why, unsigned why_len)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, sqlite_setup);
  struct store *st = calloc(1, sizeof *st);
  if (!st || !(st->path = strdup(path))) {
    free(st);
    snprintf(why, why_len, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&st->mu, NULL);
  pthread_condattr_t ca; /* the group commit's timed waits count on the monotonic clock */
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&st->written, &ca);
  pthread_condattr_destroy(&ca);
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
  db_ckpt_stop(st->ckpt);
  pthread_mutex_lock(&st->mu);
  struct store_conn *left = st->conns;
  st->conns = NULL;
  pthread_mutex_unlock(&st->mu);
  while (left) { /* the batch writer's, and threads' that never exited */
    struct store_conn *next = left->next;
    conn_close(left);
    left = next;
  }
  pthread_key_delete(st->key);
  pthread_cond_destroy(&st->written);
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
