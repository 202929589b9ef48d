/* sqlite_engine.h - internals shared by the SQLite engine's files: sqlite_db.c (a connection
 * per thread, the engine table), sqlite_stmt.c (the statement operations of the engine table,
 * db.h), sqlite_tx.c (the transaction runner with group commit) and sqlite_ckpt.c (the
 * checkpointer). Nothing outside the engine includes it (tests of the engine aside). */
#ifndef ADVISORD_STORE_SQLITE_ENGINE_H
#define ADVISORD_STORE_SQLITE_ENGINE_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* One write waiting in the store's queue for a group commit (sqlite_tx.c). */
struct write_job;

struct sq_store {
  struct store base;        /* first: a struct store * is a struct sq_store * */
  char *path;
  struct db_threads threads; /* a connection per thread, and the writer's and checkpointer's */
  pthread_mutex_t mu;
  unsigned max_waiters;     /* threads that may wait the full time for the write lock; 0: all */
  unsigned waiters;         /* threads waiting for it now (under mu) */
  int64_t gave_up_ms;       /* when a wait last ended in STORE_BUSY (under mu) */
  /* group commit (sqlite_tx.c), all under mu */
  pthread_cond_t written;   /* broadcast when a batch is done */
  struct write_job *queue;  /* writes waiting for the next batch, oldest first */
  unsigned queued;
  bool leading;             /* a thread is running a batch now */
  struct sq_conn *writer;   /* the connection every batch runs on, opened by the first leader */
  struct store_ckpt *ckpt;  /* the writer's checkpointer (sqlite_ckpt.c), or NULL */
};

struct sq_conn {
  struct store_conn base; /* first: a struct store_conn * is a struct sq_conn * */
  sqlite3 *db;
  struct sq_store *owner;
  /* lock waits (sqlite_tx.c's busy handler) */
  int64_t deadline_ms;     /* util_mono_ms() after which a wait gives up */
  bool in_tx;              /* inside a transaction: deadline_ms is the transaction's */
  bool in_begin;           /* running BEGIN: a wait there is a wait for the write lock */
  bool waiter;             /* holds one of the store's waiter places */
  bool cut_short;          /* this transaction's wait for the write lock was cut short */
  bool in_snapshot;        /* inside store_snapshot's read transaction (sqlite_db.c) */
};

/* Runs SQL text with no parameters. */
enum store_status sq_exec(struct sq_conn *c, const char *sql);
/* Maps a SQLite result code to a store status, logging hard errors with what (c may be NULL). */
enum store_status sq_status(struct sq_conn *c, int rc, const char *what);
/* Opens a new connection to st's database (closed with the store; not the calling thread's);
 * NULL on failure (logged). */
struct sq_conn *sq_conn_open(struct sq_store *st);

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

/* sqlite_tx.c: the transaction runner (store_write/store_read through the engine table), the
 * limit of lock waiters, and SQLite's busy handler for a connection (arg: the struct sq_conn). */
enum store_status sq_write(struct sq_store *st, store_tx_fn fn, void *arg);
enum store_status sq_read(struct sq_store *st, store_tx_fn fn, void *arg);
void sq_set_lock_waiters(struct store *st, unsigned n);
int sq_busy_wait(void *arg, int count);
/* The calling thread's connection (sqlite_db.c). */
struct sq_conn *sq_conn_of(struct sq_store *st);

/* sqlite_ckpt.c: starts the checkpointer thread for the store's writer connection and hands
 * it the writer's checkpoints; NULL when it cannot (the writer then checkpoints as SQLite does
 * by default). db_ckpt_stop (NULL: nothing) ends the thread and frees it. */
struct store_ckpt *db_ckpt_start(struct sq_store *st, struct sq_conn *writer);
void db_ckpt_stop(struct store_ckpt *k);
/* Called by the batch leader after each batch, on the writer: when the WAL has grown past its
 * limit, copies the rest of it into the database so that it starts over (see sqlite_ckpt.c). */
void db_ckpt_between_batches(struct store_ckpt *k, struct sq_conn *writer);

#endif
