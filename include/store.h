/* store.h - the storage interface: opening, migrations, the transaction runner and the status
 * every store call returns. Two engines implement it (src/store/db.h: SQLite and PostgreSQL),
 * picked by store_open's URL; no SQL or client-library type crosses this line.
 * Resource-specific calls live in their own headers (store_variants.h, ...). */
#ifndef ADVISORD_STORE_H
#define ADVISORD_STORE_H

#include <stdbool.h>

enum store_status {
  STORE_OK = 0,    /* done; for a lookup: one row */
  STORE_NOT_FOUND, /* no row */
  STORE_CONFLICT,  /* a uniqueness or foreign-key rule refused the write */
  STORE_BUSY,      /* the database stayed locked; the caller may retry later */
  STORE_ERROR,     /* anything else: a bug or a broken database, logged where it happened */
  STORE_ABORT,     /* a transaction callback decided to roll back (the callback's own reason) */
};

struct store;      /* one database; shared by all threads */
struct store_conn; /* one thread's connection to it */

/* Opens the database named by url: "postgresql://..." (or "postgres://...") is a PostgreSQL
 * database (libpq's connection URI), "sqlite:PATH" or a plain path a SQLite file, created if
 * needed. Migrates it to the schema this binary knows when migrate is true, and otherwise only checks that it is current.
 * A database newer than the binary is refused. On failure returns NULL and writes the reason
 * into why. */
struct store *store_open(const char *url, bool migrate, char *why, unsigned why_len);
/* The file a SQLite url names (its folder must exist before store_open), NULL for a
 * PostgreSQL url. Points into url. */
const char *store_url_file(const char *url);
/* "sqlite" or "postgresql". */
const char *store_engine_name(const struct store *st);
/* Closes the calling thread's connection and frees the store (after all worker threads ended). */
void store_close(struct store *st);

/* The calling thread's connection, opened on first use and closed when the thread exits.
 * NULL when the database cannot be opened (logged). */
struct store_conn *store_conn(struct store *st);
/* Closes the calling thread's connection now (it is reopened on next use). */
void store_conn_release(struct store *st);

typedef enum store_status (*store_tx_fn)(struct store_conn *c, void *arg);
/* Runs fn inside a serializable transaction on the calling thread's connection (SQLite: BEGIN
 * IMMEDIATE, one writer at a time; PostgreSQL: ISOLATION LEVEL SERIALIZABLE); rolls back when
 * fn returns anything but STORE_OK. A transaction that lost a race (SQLite: busy; PostgreSQL:
 * a serialization failure or deadlock, 40001/40P01) is rolled back and run again from the
 * start, a bounded number of times: fn must therefore do nothing outside the database that it
 * cannot do twice. Waits for a lock held elsewhere at most about 2 seconds in all, then returns
 * STORE_BUSY. Every write of a request goes through here. On a background thread
 * (thread_prio.h) of an engine with a writer thread (SQLite), the writer thread runs fn while
 * the caller waits: a thread of lower priority never leads other callers' writes. */
enum store_status store_write(struct store *st, store_tx_fn fn, void *arg);
/* How much of the isolation a write transaction needs (store_write_isolated). */
enum store_isolation {
  STORE_SERIALIZABLE,   /* as store_write: the default, for every write that reads to decide */
  /* PostgreSQL: READ COMMITTED (each statement sees what was committed before it began; a row
   * another transaction changed meanwhile is waited for and its WHERE checked again on its
   * newest version; no serialization failures). Only for a write whose every statement is safe
   * so, stated where it is asked for. SQLite: serializable all the same (one writer). */
  STORE_READ_COMMITTED,
};
/* store_write with the isolation iso (STORE_SERIALIZABLE: store_write itself). */
enum store_status store_write_isolated(struct store *st, enum store_isolation iso,
                                       store_tx_fn fn, void *arg);
/* Called once with the outcome of a write queued by store_write_async. */
typedef void (*store_done_fn)(enum store_status status, void *arg);
/* Runs fn as store_write does, without making the caller wait: done(status, arg) is called once
 * the transaction that holds the write has committed (or failed; the same statuses as
 * store_write). SQLite: the write joins the group commit's queue and fn and done run on the
 * store's writer thread (done right after the commit: it must be short and must not use the
 * store); an engine without a queue (PostgreSQL) runs store_write and done on the calling thread
 * before this returns. arg must live until done has been called. */
void store_write_async(struct store *st, store_tx_fn fn, void *arg, store_done_fn done);
/* store_write_async with the isolation iso (store_write_isolated): an engine with a queue
 * (SQLite: one writer, serializable anyway) queues it as store_write_async does; one without
 * (PostgreSQL) runs store_write_isolated and done on the calling thread. */
void store_write_async_isolated(struct store *st, enum store_isolation iso, store_tx_fn fn,
                                void *arg, store_done_fn done);
/* Starts the engine's own threads now, from the calling thread, if not yet started (SQLite:
 * the writer thread, which starts the checkpointer). A thread takes the scheduling priority
 * of the thread that creates it: call this before any background thread (thread_prio.h)
 * starts, or the first of them to write would start the writer at its lower priority. */
void store_start_threads(struct store *st);
/* Runs fn inside a read transaction (one consistent snapshot). Inside store_snapshot it runs
 * in the snapshot already open. */
enum store_status store_read(struct store *st, store_tx_fn fn, void *arg);

/* Runs fn(arg) exactly once, its reads of the calling thread's connection (single statements
 * and store_read) in one snapshot where the engine gains by it: on SQLite one read transaction,
 * so one WAL read lock and its release instead of one per statement (with their fcntl calls
 * and the shared-memory mutex the worker threads contend for); on PostgreSQL fn runs as it
 * would without (a transaction there would cost two more round trips). Never retried. fn must
 * not write (store_write): on SQLite the write would wait for the writer while this thread
 * holds a snapshot the writer's checkpoint may wait for, and the snapshot would not show it.
 * Nested calls run fn in the snapshot already open. */
typedef void (*store_snapshot_fn)(void *arg);
void store_snapshot(struct store *st, store_snapshot_fn fn, void *arg);

/* At most n threads at once wait the full time for the write lock; a writer beyond them waits
 * only a moment (0.1 s) and then gets STORE_BUSY, so that a lock held elsewhere never ties up
 * every request thread (the server passes its worker threads minus one). 0: no limit (the
 * default). */
void store_set_lock_waiters(struct store *st, unsigned n);

/* True when the database answers a trivial query (a read: it never waits for the write lock,
 * though SQLite may make it wait briefly while another process recovers the WAL). */
bool store_ping(struct store *st);
/* Schema versions: the newest this binary carries, and the one recorded in the database. */
int store_schema_version_known(void);
int store_schema_version(struct store *st);

#endif
