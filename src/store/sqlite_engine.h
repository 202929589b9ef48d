/* sqlite_engine.h - internals shared by the SQLite engine's two files: sqlite_db.c (the
 * connection per thread and the transaction runner) and sqlite_stmt.c (the statement
 * operations of the engine table, db.h). Nothing outside the engine includes it. */
#ifndef ADVISORD_STORE_SQLITE_ENGINE_H
#define ADVISORD_STORE_SQLITE_ENGINE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

struct sq_store;

struct sq_conn {
  struct store_conn base; /* first: a struct store_conn * is a struct sq_conn * */
  sqlite3 *db;
  struct sq_store *owner;
  /* lock waits (sqlite_db.c's busy handler) */
  int64_t deadline_ms;     /* util_mono_ms() after which a wait gives up */
  bool in_tx;              /* inside run_tx: deadline_ms is the transaction's */
  bool in_begin;           /* running BEGIN: a wait there is a wait for the write lock */
  bool waiter;             /* holds one of the store's waiter places */
  bool cut_short;          /* this transaction's wait for the write lock was cut short */
};

/* Runs SQL text with no parameters. */
enum store_status sq_exec(struct sq_conn *c, const char *sql);
/* Maps a SQLite result code to a store status, logging hard errors with what (c may be NULL). */
enum store_status sq_status(struct sq_conn *c, int rc, const char *what);

/* The statement operations of db_engine_sqlite (sqlite_stmt.c); h is a sqlite3_stmt. */
void *sq_prepare(struct store_conn *c, const char *sql);
void sq_finalize(void *h);
void sq_reset(void *h);
void sq_bind_text(void *h, const char *name, const char *value);
void sq_bind_int(void *h, const char *name, int64_t value);
void sq_bind_null(void *h, const char *name);
enum store_status sq_step(struct store_conn *c, void *h);
const char *sq_col_str(void *h, int col);
int64_t sq_col_int64(void *h, int col);
bool sq_col_null(void *h, int col);
int sq_changes(struct store_conn *c);

#endif
