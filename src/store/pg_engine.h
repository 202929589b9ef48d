/* pg_engine.h - internals shared by the PostgreSQL engine's two files: pg_db.c (a libpq
 * connection per thread and the serializable transaction runner) and pg_stmt.c (the statement
 * operations of the engine table, db.h). Nothing outside the engine includes it. */
#ifndef ADVISORD_STORE_PG_ENGINE_H
#define ADVISORD_STORE_PG_ENGINE_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

struct pg_store;

struct pg_conn {
  struct store_conn base; /* first: a struct store_conn * is a struct pg_conn * */
  PGconn *pg;
  struct pg_store *owner;
  unsigned n_prepared;    /* names the next prepared statement ("s<n>") */
  int changes;            /* rows changed by the last statement */
  bool in_tx;             /* inside run_tx: a write runs in a savepoint of its own */
  bool retry;             /* this transaction lost a race (40001/40P01): run it again */
};

/* Runs SQL text with no parameters (several statements may be separated by ';'). */
enum store_status pg_exec(struct pg_conn *c, const char *sql);
/* Maps a failed result to a store status: integrity violations (23xxx) are CONFLICT, a
 * serialization failure or deadlock marks the transaction for a retry and is BUSY, a lock
 * wait past lock_timeout is BUSY, anything else ERROR (logged with what). */
enum store_status pg_status(struct pg_conn *c, const PGresult *r, const char *what);

/* The statement operations of db_engine_pg (pg_stmt.c). */
void *pg_prepare(struct store_conn *c, const char *sql);
void pg_finalize(void *h);
void pg_reset(void *h);
void pg_bind_text(void *h, const char *name, const char *value);
void pg_bind_int(void *h, const char *name, int64_t value);
void pg_bind_null(void *h, const char *name);
enum store_status pg_step(struct store_conn *c, void *h);
const char *pg_col_str(void *h, int col);
int64_t pg_col_int64(void *h, int col);
bool pg_col_null(void *h, int col);
int pg_changes(struct store_conn *c);

#endif
