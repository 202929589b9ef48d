/* sqlite_db.c - the SQLite engine's core: a connection per thread (opened lazily, closed when
 * the thread exits), opening and closing the store, and the engine's table of operations. The
 * transaction runner (group commit) is sqlite_tx.c, the statements sqlite_stmt.c. */
#include "log.h"
#include "sqlite_engine.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "row_cache.h"
#include "token_cache.h"

static void conn_close(struct store_conn *base)
{
  struct sq_conn *c = (struct sq_conn *)base;
  sq_held_end(c);
  db_conn_forget_stmts(&c->base);
  if (sqlite3_close(c->db) != SQLITE_OK)
    log_msg(LOG_ERROR, "db_close_failed", "%s", sqlite3_errmsg(c->db));
  row_cache_free(c->base.cache);
  token_cache_free(c->base.tokens);
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

enum store_status sq_exec_static(struct sq_conn *c, const char *sql)
{
  return db_exec_stmt(&c->base, db_stmt(&c->base, sql));
}

/* PRAGMA journal_mode=WAL, c->wal set when the database is in WAL mode after it (a database
 * that cannot be, such as one in memory, stays in its own mode: c->wal false). The mode stays for
 * the connection's life: leaving WAL needs an exclusive lock, which the shared lock c holds on
 * the file while its WAL is open keeps others from taking. False after a failure (logged). */
static bool journal_wal(struct sq_conn *c)
{
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode=WAL", -1, &s, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
    const unsigned char *mode = sqlite3_column_text(s, 0);
    c->wal = mode && strcmp((const char *)mode, "wal") == 0;
  }
  sqlite3_finalize(s);
  return sq_status(c, rc, "PRAGMA journal_mode=WAL") == STORE_OK;
}

/* A new connection, not yet on the store's list; vfs NULL: SQLite's default. */
static struct sq_conn *conn_new(struct sq_store *st, const char *vfs)
{
  struct sq_conn *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->base.eng = &db_engine_sqlite;
  c->owner = st;
  int rc = sqlite3_open_v2(st->path, &c->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, vfs);
  if (rc != SQLITE_OK) {
    log_msg(LOG_ERROR, "db_open_failed", "%s: %s", st->path,
            c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
    sqlite3_close(c->db);
    free(c);
    return NULL;
  }
  sqlite3_busy_handler(c->db, sq_busy_wait, c);
  sqlite3_extended_result_codes(c->db, 0);
  if (!journal_wal(c) || sq_exec(c, "PRAGMA synchronous=NORMAL") != STORE_OK ||
      sq_exec(c, "PRAGMA foreign_keys=ON") != STORE_OK) {
    conn_close(&c->base);
    return NULL;
  }
  return c;
}

struct sq_conn *sq_conn_open(struct sq_store *st, bool writer)
{
  struct sq_conn *c = conn_new(st, writer ? sq_walbuf_vfs() : NULL);
  if (c)
    db_threads_keep(&st->threads, &c->base);
  return c;
}

/* The calling thread's connection as it is (a read transaction may be held: sq_snapshot). */
static struct sq_conn *thread_conn(struct sq_store *st)
{
  struct store_conn *c = db_threads_get(&st->threads);
  if (c)
    return (struct sq_conn *)c;
  struct sq_conn *n = conn_new(st, NULL);
  return n && db_threads_add(&st->threads, &n->base) ? n : NULL;
}

struct sq_conn *sq_conn_of(struct sq_store *st)
{
  struct sq_conn *c = thread_conn(st);
  if (c && !c->in_snapshot)
    sq_held_end(c); /* every use outside a snapshot starts from the database as it is now */
  return c;
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

/* Process-wide SQLite settings, before its first use. SQLite counts every allocation it makes
 * under one global mutex by default (SQLITE_DEFAULT_MEMSTATUS): with a connection per thread,
 * the only shared lock of a read; nothing here reads those counts. */
static void sqlite_setup(void)
{
  sq_mem_setup();
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* SQLITE_MISUSE once SQLite is in use: no harm */
}

static struct store *sq_open(const char *path, char *why, unsigned why_len)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, sqlite_setup);
  struct sq_store *st = calloc(1, sizeof *st);
  if (!st || !(st->path = strdup(path))) {
    free(st);
    snprintf(why, why_len, "out of memory");
    return NULL;
  }
  st->base.eng = &db_engine_sqlite;
  pthread_mutex_init(&st->mu, NULL);
  pthread_condattr_t ca; /* the group commit's timed waits count on the monotonic clock */
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&st->written, &ca);
  pthread_condattr_destroy(&ca);
  pthread_cond_init(&st->work, NULL);
  db_threads_init(&st->threads, conn_close);
  return &st->base;
}

static void sq_close(struct store *base)
{
  struct sq_store *st = (struct sq_store *)base;
  sq_writer_stop(st);
  db_threads_release(&st->threads);
  db_ckpt_stop(st->ckpt);
  db_threads_close_all(&st->threads); /* the batch writer's, and threads' that never exited */
  pthread_cond_destroy(&st->written);
  pthread_cond_destroy(&st->work);
  pthread_mutex_destroy(&st->mu);
  free(st->path);
  free(st);
}

static enum store_status sq_run_tx(struct store *base, bool write, store_tx_fn fn, void *arg)
{
  struct sq_store *st = (struct sq_store *)base;
  return write ? sq_write(st, fn, arg) : sq_read(st, fn, arg);
}

/* store_snapshot: a deferred BEGIN takes the WAL read lock at fn's first statement and COMMIT
 * releases it (sq_exec_static, as every transaction's BEGIN and COMMIT); on an HTTP worker the
 * read transaction may instead be kept for the next snapshot (sqlite_hold.c).
 * When BEGIN fails, fn runs without the transaction, as it would have before. */
static void sq_snapshot(struct store *base, store_snapshot_fn fn, void *arg)
{
  struct sq_conn *c = thread_conn((struct sq_store *)base);
  if (c && !c->in_snapshot && sq_held_reuse(c)) {
    c->in_snapshot = true;
    fn(arg);
    c->in_snapshot = false;
    sq_held_check(c);
    return;
  }
  if (!c || c->in_snapshot || !sqlite3_get_autocommit(c->db)) {
    fn(arg);
    return;
  }
  uint32_t header[12];
  bool keep = sq_held_before(c, header);
  c->in_snapshot = sq_exec_static(c, "BEGIN") == STORE_OK;
  fn(arg);
  if (!c->in_snapshot)
    return;
  c->in_snapshot = false;
  if (keep && sq_held_keep(c, header))
    return;
  sq_end_read(c);
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
    .snapshot = sq_snapshot,
    .snapshot_version = sq_snapshot_version,
    .write_async = sq_write_async,
    .exec = sq_exec_op,
    .changes = sq_changes,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .reset = sq_reset,
    .bind_text = sq_bind_text,
    .bind_text_kept = sq_bind_text_kept,
    .bind_int = sq_bind_int,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_str = sq_col_str,
    .col_int64 = sq_col_int64,
    .col_null = sq_col_null,
};
