/* db.h - the engine-neutral statement API the store's files are written in, and the seam an
 * engine plugs into (struct db_engine: a table of operations). The store files never name an
 * engine's client library: they prepare SQL with named ":params", bind, step and read columns
 * through these calls; db.c dispatches them to the engine the store was opened with
 * (sqlite_db.c + sqlite_stmt.c: SQLite; pg_db.c + pg_stmt.c: PostgreSQL on libpq). */
#ifndef ADVISORD_STORE_DB_H
#define ADVISORD_STORE_DB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "migrations.h"
#include "store.h"

/* Which SQL dialect a connection speaks, for the few statements written per engine (each is
 * marked where it is chosen). */
enum db_dialect { DB_SQLITE, DB_PG };

/* One cached prepared statement of a connection. Owned by the connection: never freed by the
 * caller; reset (results and bindings dropped) by the next db_stmt() for the same SQL. */
struct db_stmt;

/* The statement for sql (a string literal: its address is the key), prepared once per
 * connection, returned reset with no bindings. NULL on a prepare error (logged). */
struct db_stmt *db_stmt(struct store_conn *c, const char *sql);
/* Runs a statement that returns no rows (INSERT/UPDATE/DELETE), then resets it. */
enum store_status db_exec_stmt(struct store_conn *c, struct db_stmt *st);
/* Steps once: STORE_OK with a row, STORE_NOT_FOUND when done, else an error (logged; the
 * statement is then reset). The caller reads the row, then calls db_reset(). */
enum store_status db_step_row(struct store_conn *c, struct db_stmt *st);
/* Steps once and resets: STORE_OK with column 0 of the row copied into buf (as db_col_text),
 * STORE_NOT_FOUND with no row (buf untouched), else an error. */
enum store_status db_first_text(struct store_conn *c, struct db_stmt *st, char *buf, size_t len);
/* Steps once and resets: *found tells whether there was a row; STORE_OK then, else an error. */
enum store_status db_exists(struct store_conn *c, struct db_stmt *st, bool *found);
void db_reset(struct db_stmt *st);
/* Runs SQL text with no parameters (pragmas, BEGIN/COMMIT, migrations). */
enum store_status db_exec(struct store_conn *c, const char *sql);

/* Binds text (NULL binds NULL) / an integer / NULL to a named parameter (":name"). A string
 * literal is cheapest: an engine may remember a parameter by the name's address. */
void db_bind_text(struct db_stmt *st, const char *name, const char *value);
/* As db_bind_text, but value is used where it is, not copied (SQLite's copy of a bound text
 * was a malloc, a memcpy and a free each): it must stay allocated and unchanged until the
 * statement is reset (db_exec_stmt, db_reset). For what the binding function keeps until its
 * step: a row's fields, string literals, a local buffer filled before the bind. */
void db_bind_text_kept(struct db_stmt *st, const char *name, const char *value);
void db_bind_int(struct db_stmt *st, const char *name, int64_t value);
void db_bind_null(struct db_stmt *st, const char *name);
/* Column readers of the current row (col counts from 0). db_col_str: NULL for NULL, else text
 * owned by the statement, valid until the next step or reset. db_col_int64 reads NULL as 0 and
 * a boolean as 0/1. db_col_text copies into buf (empty for NULL). */
const char *db_col_str(struct db_stmt *st, int col);
int64_t db_col_int64(struct db_stmt *st, int col);
int db_col_int(struct db_stmt *st, int col);
bool db_col_null(struct db_stmt *st, int col);
void db_col_text(struct db_stmt *st, int col, char *buf, size_t len);
/* s, or NULL for an empty string (or NULL): an optional text column is NULL in the table. */
static inline const char *db_opt_text(const char *s)
{
  return s && s[0] ? s : NULL;
}
/* Rows changed by the last statement on c. */
int db_changes(struct store_conn *c);
enum db_dialect db_dialect(struct store_conn *c);

/* How a transaction that ended with s counts in metrics.h (both engines). */
static inline enum metrics_tx db_tx_outcome(enum store_status s)
{
  return s == STORE_OK      ? METRICS_TX_COMMITTED
         : s == STORE_BUSY  ? METRICS_TX_BUSY
         : s == STORE_ERROR ? METRICS_TX_ERROR
                            : METRICS_TX_ROLLED_BACK; /* the work said no (not found, abort) */
}

/* migrate.c: brings the schema of c's database up to date (or only checks it). */
enum store_status store_migrate_conn(struct store_conn *c, bool apply, char *why, unsigned len);

/* ---- the seam: what an engine provides ---- */

/* The head of every engine's store and connection structs (their first member). */
struct store {
  const struct db_engine *eng;
};
struct store_conn {
  const struct db_engine *eng;
  struct db_stmt **slots; /* the statement cache (db.c) */
  size_t n_slots, cap_slots;
  struct db_threads *threads; /* the registry it is in (db_threads_add) */
  struct store_conn *next;
  /* in a PostgreSQL write transaction: a read of a row the transaction is about to change
   * locks it (FOR UPDATE), so that racing writers of one row queue at their first read and
   * never lock its rows in different orders (deadlocks); SQLite has one writer: false */
  bool lock_reads;
  /* rows the connection keeps instead of reading them again (row_cache.h): the SQLite
   * writer's; NULL for every other connection */
  struct row_cache *cache;
  /* bearer tokens this connection authenticated inside a snapshot (token_cache.h), and how
   * many lookups either kind answered: SQLite's readers'; NULL until the first, and for every
   * PostgreSQL connection */
  struct token_cache *tokens;
};

/* What a connection's read transaction has seen of the database (db_read_version). */
struct db_version {
  int64_t others; /* SQLite: PRAGMA data_version (another connection's or process's commit) */
  int64_t own;    /* SQLite: the rows this connection changed (sqlite3_total_changes64) */
  /* SQLite outside a snapshot: the WAL index's header (others INT64_MIN then); else zeros */
  uint32_t wal[12];
};
/* True, with v filled, when c's engine can tell whether anything was committed since an
 * earlier reading: two equal readings mean that no connection of any process committed a
 * change between them, so that a row read at the first, or by a transaction that began after
 * it, is still the row at the second. Inside store_snapshot, the snapshot's version; outside
 * any transaction, the database's as it is now (no transaction is begun: a statement that
 * follows begins its own, at this version or a later one). False otherwise (PostgreSQL;
 * SQLite inside another transaction, or when the reading fails). */
bool db_read_version(struct store_conn *c, struct db_version *v);

/* Every engine keeps a connection per thread: opened on the thread's first use, closed by
 * close_fn when the thread exits, and the leftovers when the store closes. */
struct db_threads {
  pthread_key_t key;
  pthread_mutex_t mu;
  struct store_conn *conns;
  void (*close_fn)(struct store_conn *c); /* the engine's: finalizes c and frees it */
  /* the bearer tokens its connections read outside a snapshot (token_cache.h): NULL until the
   * first; made under mu, then read with an acquire load */
  struct token_shared *tokens;
};
void db_threads_init(struct db_threads *t, void (*close_fn)(struct store_conn *c));
/* The calling thread's connection, or NULL when it has none yet. */
struct store_conn *db_threads_get(struct db_threads *t);
/* Makes c the calling thread's connection; false (c closed) when that fails. */
bool db_threads_add(struct db_threads *t, struct store_conn *c);
/* Adds c to the connections closed with the registry without making it the calling thread's
 * (a connection a store keeps for a job of its own). */
void db_threads_keep(struct db_threads *t, struct store_conn *c);
/* Closes the calling thread's connection, if any. */
void db_threads_release(struct db_threads *t);
/* Closes every connection left (after all worker threads ended) and the registry. */
void db_threads_close_all(struct db_threads *t);

struct db_engine {
  const char *name;
  enum db_dialect dialect;
  /* the migrations of this engine (migrations/ or migrations/pg/, same version numbers) */
  const struct embed_file *migrations;
  const size_t *migrations_count;
  /* begins the migration's transaction, excluding any other process migrating at once */
  const char *migrate_begin;
  /* target: what followed the scheme (a path; a postgresql:// URL whole) */
  struct store *(*open)(const char *target, char *why, unsigned why_len);
  void (*close)(struct store *st);
  struct store_conn *(*conn)(struct store *st);
  void (*conn_release)(struct store *st);
  enum store_status (*run_tx)(struct store *st, bool write, store_tx_fn fn, void *arg);
  /* a write at READ COMMITTED (store_write_isolated); NULL: run_tx's serializable write */
  enum store_status (*run_tx_read_committed)(struct store *st, store_tx_fn fn, void *arg);
  void (*set_lock_waiters)(struct store *st, unsigned n);
  /* store_snapshot; NULL: fn runs without one */
  void (*snapshot)(struct store *st, store_snapshot_fn fn, void *arg);
  /* db_read_version; NULL: never known */
  bool (*snapshot_version)(struct store_conn *c, struct db_version *v);
  /* store_write_async; NULL: store_write, then done on the calling thread */
  void (*write_async)(struct store *st, store_tx_fn fn, void *arg, store_done_fn done);
  enum store_status (*exec)(struct store_conn *c, const char *sql);
  int (*changes)(struct store_conn *c);
  /* statements: h is the engine's handle made by prepare */
  void *(*prepare)(struct store_conn *c, const char *sql);
  void (*finalize)(void *h);
  void (*reset)(void *h);
  void (*bind_text)(void *h, const char *name, const char *value);
  void (*bind_text_kept)(void *h, const char *name, const char *value); /* db_bind_text_kept */
  void (*bind_int)(void *h, const char *name, int64_t value);
  void (*bind_null)(void *h, const char *name); /* of no particular type */
  /* STORE_OK: a row; STORE_NOT_FOUND: done; else the error (logged) */
  enum store_status (*step)(struct store_conn *c, void *h);
  const char *(*col_str)(void *h, int col);
  int64_t (*col_int64)(void *h, int col);
  bool (*col_null)(void *h, int col);
};

extern const struct db_engine db_engine_sqlite;
extern const struct db_engine db_engine_pg;

/* Finalizes every cached statement of c (an engine calls it before closing c). */
void db_conn_forget_stmts(struct store_conn *c);

#endif
