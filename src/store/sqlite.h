/* sqlite.h - internals shared by the SQLite engine's files: the connection, the cached
 * prepared statements and the helpers that map SQLite's result codes to store_status. */
#ifndef ADVISORD_STORE_SQLITE_H
#define ADVISORD_STORE_SQLITE_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "store.h"

struct stmt_slot {
  const char *sql; /* the static SQL text; its address is the cache key */
  sqlite3_stmt *stmt;
};

/* One write waiting in the store's queue for a group commit (sqlite_tx.c). */
struct write_job;

struct store {
  char *path;
  pthread_key_t key;
  pthread_mutex_t mu;
  struct store_conn *conns; /* every open connection, for closing leftovers at exit */
  unsigned max_waiters;     /* threads that may wait the full time for the write lock; 0: all */
  unsigned waiters;         /* threads waiting for it now (under mu) */
  int64_t gave_up_ms;       /* when a wait last ended in STORE_BUSY (under mu) */
  /* group commit (sqlite_tx.c), all under mu */
  pthread_cond_t written;   /* broadcast when a batch is done */
  struct write_job *queue;  /* writes waiting for the next batch, oldest first */
  unsigned queued;
  bool leading;             /* a thread is running a batch now */
  struct store_conn *writer; /* the connection every batch runs on, opened by the first leader */
  struct store_ckpt *ckpt;   /* the writer's checkpointer (sqlite_ckpt.c), or NULL */
};

struct store_conn {
  sqlite3 *db;
  struct store *owner;
  struct stmt_slot *slots;
  size_t n_slots, cap_slots;
  struct store_conn *next; /* the store's list of open connections */
  /* lock waits (sqlite_db.c's busy handler) */
  int64_t deadline_ms;     /* util_mono_ms() after which a wait gives up */
  bool in_tx;              /* inside run_tx: deadline_ms is the transaction's */
  bool in_begin;           /* running BEGIN: a wait there is a wait for the write lock */
  bool waiter;             /* holds one of the store's waiter places */
  bool cut_short;          /* this transaction's wait for the write lock was cut short */
};

/* The statement for sql (a string literal: its address is the key), prepared once per
 * connection, returned reset with no bindings. NULL on a prepare error (logged). */
sqlite3_stmt *db_stmt(struct store_conn *c, const char *sql);
/* Steps a statement that returns no rows (INSERT/UPDATE/DELETE), then resets it. */
enum store_status db_exec_stmt(struct store_conn *c, sqlite3_stmt *st);
/* Steps once: STORE_OK with a row, STORE_NOT_FOUND when done, else an error (logged).
 * The caller reads the row, then calls db_reset(). */
enum store_status db_step_row(struct store_conn *c, sqlite3_stmt *st);
void db_reset(sqlite3_stmt *st);
/* Maps a SQLite result code to a store status, logging hard errors with what. */
enum store_status db_status(struct store_conn *c, int rc, const char *what);
/* Runs SQL text with no parameters (pragmas, BEGIN/COMMIT, migrations). */
enum store_status db_exec(struct store_conn *c, const char *sql);

/* Binds text (NULL binds NULL) / integer to a named parameter (":name"). */
void db_bind_text(sqlite3_stmt *st, const char *name, const char *value);
void db_bind_int(sqlite3_stmt *st, const char *name, int64_t value);
/* Copies column col as text into buf (empty for NULL). */
void db_col_text(sqlite3_stmt *st, int col, char *buf, size_t len);
/* Rows changed by the last statement on c. */
int db_changes(struct store_conn *c);

/* How a transaction that ended with s counts in metrics.h. */
static inline enum metrics_tx db_tx_outcome(enum store_status s)
{
  return s == STORE_OK      ? METRICS_TX_COMMITTED
         : s == STORE_BUSY  ? METRICS_TX_BUSY
         : s == STORE_ERROR ? METRICS_TX_ERROR
                            : METRICS_TX_ROLLED_BACK; /* the work said no (not found, abort) */
}

/* Opens a new connection to st's database (on the store's list, so store_close closes it);
 * NULL on failure (logged). store_conn() is the usual way to get one. */
struct store_conn *db_conn_open(struct store *st);

/* sqlite_ckpt.c: starts the checkpointer thread for the store's writer connection and hands
 * it the writer's checkpoints; NULL when it cannot (the writer then checkpoints as SQLite does
 * by default). db_ckpt_stop (NULL: nothing) ends the thread and frees it. */
struct store_ckpt *db_ckpt_start(struct store *st, struct store_conn *writer);
void db_ckpt_stop(struct store_ckpt *k);
/* Called by the batch leader after each batch, on the writer: when the WAL has grown past its
 * limit, copies the rest of it into the database so that it starts over (see sqlite_ckpt.c). */
void db_ckpt_between_batches(struct store_ckpt *k, struct store_conn *writer);

/* sqlite_tx.c: SQLite's busy handler for a connection (arg: the struct store_conn). */
int db_busy_wait(void *arg, int count);

/* migrate.c: brings the schema of c's database up to date (or only checks it). */
enum store_status store_migrate_conn(struct store_conn *c, bool apply, char *why, unsigned len);

#endif
