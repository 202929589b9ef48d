/* pg_db.c - the PostgreSQL engine's core: a libpq connection per thread (opened lazily, closed
 * when the thread exits, reopened when the server dropped it) and the transaction runner:
 * writes SERIALIZABLE (READ COMMITTED only where store_write_isolated asks for it), reads
 * REPEATABLE READ, run again from the start when it lost a race (40001 serialization failure,
 * 40P01 deadlock), a bounded number of times. A lock waited for longer than lock_timeout
 * (2 s) ends the statement: STORE_BUSY, as SQLite's busy wait does. */
#include "log.h"
#include "pg_engine.h"
#include "util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TX_ATTEMPTS 12

struct pg_store {
  struct store base;
  char *url;
  struct db_threads threads;
};

/* libpq prints the server's notices to stderr unless told otherwise: they go nowhere. */
static void quiet(void *arg, const char *message) {}

static void conn_close(struct store_conn *base)
{
  struct pg_conn *c = (struct pg_conn *)base;
  db_conn_forget_stmts(&c->base);
  PQfinish(c->pg);
  free(c);
}

enum store_status pg_status(struct pg_conn *c, const PGresult *r, const char *what)
{
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  if (state && strncmp(state, "23", 2) == 0)
    return STORE_CONFLICT;
  if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)) {
    c->retry = c->in_tx;
    return STORE_BUSY;
  }
  if (state && strcmp(state, "55P03") == 0) /* lock_timeout */
    return STORE_BUSY;
  if (state && strncmp(state, "53", 2) == 0) { /* out of a server resource: try later (503) */
    log_msg(LOG_WARN, "db_busy", "%s", r ? PQresultErrorMessage(r) : "out of resources");
    return STORE_BUSY;
  }
  if (state && strcmp(state, "25P02") == 0 && c->retry) /* aborted by a lost race */
    return STORE_BUSY;
  log_msg(LOG_ERROR, "db_error", "%s: %s", what ? what : "(sql)",
          r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg));
  return STORE_ERROR;
}

enum store_status pg_exec(struct pg_conn *c, const char *sql)
{
  PGresult *r = PQexec(c->pg, sql);
  ExecStatusType rs = PQresultStatus(r);
  enum store_status s = rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK
      ? STORE_OK : pg_status(c, r, strlen(sql) < 60 ? sql : "(migration)");
  PQclear(r);
  return s;
}

static struct pg_conn *conn_open(struct pg_store *st)
{
  struct pg_conn *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->base.eng = &db_engine_pg;
  c->owner = st;
  c->pg = PQconnectdb(st->url);
  if (PQstatus(c->pg) != CONNECTION_OK) {
    log_msg(LOG_ERROR, "db_open_failed", "%s", PQerrorMessage(c->pg));
    conn_close(&c->base);
    return NULL;
  }
  PQsetNoticeProcessor(c->pg, quiet, NULL);
  if (pg_exec(c, "SET lock_timeout = '2s'; SET client_min_messages = warning; "
                 "SET TIME ZONE 'UTC'") != STORE_OK) {
    conn_close(&c->base);
    return NULL;
  }
  return db_threads_add(&st->threads, &c->base) ? c : NULL;
}

static struct pg_conn *conn_of(struct pg_store *st)
{
  struct pg_conn *c = (struct pg_conn *)db_threads_get(&st->threads);
  if (c && PQstatus(c->pg) == CONNECTION_OK)
    return c;
  if (c) { /* the server dropped it (restart, idle timeout): a new one */
    log_msg(LOG_WARN, "db_reconnect", "%s", PQerrorMessage(c->pg));
    db_threads_release(&st->threads);
  }
  return conn_open(st);
}

static struct store_conn *pgs_conn(struct store *base)
{
  struct pg_conn *c = conn_of((struct pg_store *)base);
  return c ? &c->base : NULL;
}

static void pgs_conn_release(struct store *base)
{
  db_threads_release(&((struct pg_store *)base)->threads);
}

static struct store *pgs_open(const char *url, char *why, unsigned why_len)
{
  struct pg_store *st = calloc(1, sizeof *st);
  if (!st || !(st->url = strdup(url))) {
    free(st);
    snprintf(why, why_len, "out of memory");
    return NULL;
  }
  st->base.eng = &db_engine_pg;
  db_threads_init(&st->threads, conn_close);
  return &st->base;
}

static void pgs_close(struct store *base)
{
  struct pg_store *st = (struct pg_store *)base;
  db_threads_close_all(&st->threads);
  free(st->url);
  free(st);
}

static void backoff(int attempt)
{
  struct timespec ts = {0, (long)(1 + attempt * attempt) * 1000000L + (rand() % 2000) * 1000L};
  nanosleep(&ts, NULL);
}

/* Runs fn in a transaction begun with begin (write: a write transaction), as run_tx says. */
static enum store_status run_tx_as(struct store *base, bool write, const char *begin,
                                   store_tx_fn fn, void *arg)
{
  struct pg_conn *c = conn_of((struct pg_store *)base);
  if (!c)
    return STORE_ERROR;
  enum store_status s = STORE_BUSY;
  int attempt;
  for (attempt = 0; attempt < TX_ATTEMPTS; attempt++) {
    if (attempt)
      backoff(attempt);
    c->retry = false;
    s = pg_exec(c, begin);
    if (s != STORE_OK)
      break;
    c->in_tx = true;
    c->base.lock_reads = write;
    s = fn(&c->base, arg);
    if (s == STORE_OK && PQtransactionStatus(c->pg) != PQTRANS_INTRANS)
      s = c->retry ? STORE_BUSY : STORE_ERROR; /* a failed statement the callback let pass */
    if (s == STORE_OK)
      s = pg_exec(c, "COMMIT");
    c->in_tx = false;
    c->base.lock_reads = false;
    if (s != STORE_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
      pg_exec(c, "ROLLBACK");
    if (!c->retry)
      break;
  }
  if (c->retry) {
    log_msg(LOG_WARN, "db_busy", "a transaction lost %d races in a row; gave up", TX_ATTEMPTS);
    c->retry = false;
    s = STORE_BUSY;
  }
  /* the loop breaks on the try that ends it; run to the end, it made TX_ATTEMPTS tries */
  metrics_store_retries(write, attempt < TX_ATTEMPTS ? (unsigned)attempt : TX_ATTEMPTS - 1u);
  metrics_store_tx(write, db_tx_outcome(s));
  return s;
}

static enum store_status pgs_run_tx(struct store *base, bool write, store_tx_fn fn, void *arg)
{
  return run_tx_as(base, write,
                   write ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                         : "BEGIN ISOLATION LEVEL REPEATABLE READ",
                   fn, arg);
}

/* store_write_isolated(STORE_READ_COMMITTED): no serialization failures, but no protection
 * against a read made stale by a commit during the transaction but that of the row locks its
 * statements take; the caller states why its statements need no more. A deadlock (40P01) is
 * still run again. */
static enum store_status pgs_run_tx_rc(struct store *base, store_tx_fn fn, void *arg)
{
  return run_tx_as(base, true, "BEGIN ISOLATION LEVEL READ COMMITTED", fn, arg);
}

static enum store_status pgs_exec_op(struct store_conn *c, const char *sql)
{
  return pg_exec((struct pg_conn *)c, sql);
}

const struct db_engine db_engine_pg = {
    .name = "postgresql",
    .dialect = DB_PG,
    .migrations = store_pg_migrations,
    .migrations_count = &store_pg_migrations_count,
    .migrate_begin = "BEGIN; SELECT pg_advisory_xact_lock(7150015)",
    .open = pgs_open,
    .close = pgs_close,
    .conn = pgs_conn,
    .conn_release = pgs_conn_release,
    .run_tx = pgs_run_tx,
    .run_tx_read_committed = pgs_run_tx_rc,
    .exec = pgs_exec_op,
    .changes = pg_changes,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_text = pg_bind_text,
    .bind_text_kept = pg_bind_text, /* it copies the value anyway (strdup) */
    .bind_int = pg_bind_int,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_str = pg_col_str,
    .col_int64 = pg_col_int64,
    .col_null = pg_col_null,
};
