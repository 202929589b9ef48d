/* sqlite_engine.h - internals shared by the SQLite engine's files: sqlite_db.c (a connection
 * per thread, the engine table), sqlite_stmt.c (the statement operations of the engine table,
 * db.h), sqlite_tx.c (the transaction runner with group commit), sqlite_ckpt.c (the
 * checkpointer) and sqlite_walbuf.c (the writer's VFS). Nothing outside the engine includes it
 * (tests of the engine aside). */
#ifndef ADVISORD_STORE_SQLITE_ENGINE_H
#define ADVISORD_STORE_SQLITE_ENGINE_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
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
  unsigned queued;          /* of them, writes whose caller waits (holding its thread) */
  bool leading;             /* a thread is running a batch now */
  bool caller_leads;        /* that thread is a waiting caller's, not the writer thread */
  struct sq_conn *writer;   /* the connection every batch runs on, opened by the first leader */
  struct store_ckpt *ckpt;  /* the writer's checkpointer (sqlite_ckpt.c), or NULL */
  /* the writer thread (sqlite_tx.c), started by the first sq_write_async, under mu */
  pthread_cond_t work;      /* signalled when writes are queued and nobody may lead them */
  pthread_t writer_thread;
  bool writer_started;
  bool stopping;            /* the store closes: the writer thread ends once the queue is empty */
  unsigned last_batch;      /* writes the writer thread's last batch took */
  /* raised whenever a connection of this store waits for a lock (a checkpoint waiting for
   * readers among them) and as each checkpoint begins: a read transaction kept between
   * snapshots is let go at its next use (sqlite_hold.c) */
  atomic_uint read_epoch;
  atomic_int checkpoints;   /* checkpoints running now: no read transaction is kept meanwhile */
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
  bool held;               /* that read transaction kept open after it (sqlite_db.c) */
  uint32_t held_hdr[12];   /* the WAL index's header read just before it began */
  unsigned held_epoch;     /* the store's read_epoch then */
  bool wal;                /* the database is in WAL mode (conn_new): its -shm may be mapped */
  int64_t data_version;    /* the writer's PRAGMA data_version at its last BEGIN (row cache) */
};

/* sqlite_mem.c: SQLite's allocator, a per-thread cache of small blocks; before SQLite's first
 * use (sqlite_db.c's process-wide setup). */
void sq_mem_setup(void);
/* Whether sq_mem_setup installed it: not under AddressSanitizer or valgrind (SQLite keeps its
 * own allocator there, so that their reports on SQLite's memory stay), nor when SQLite was in
 * use before. */
bool sq_mem_installed(void);
/* Runs SQL text with no parameters. */
enum store_status sq_exec(struct sq_conn *c, const char *sql);
/* One statement of static text (its address is the key of c's prepared statements, db_stmt),
 * prepared once per connection: for BEGIN, COMMIT and ROLLBACK, which sq_exec would parse at
 * every transaction. */
enum store_status sq_exec_static(struct sq_conn *c, const char *sql);
/* Maps a SQLite result code to a store status, logging hard errors with what (c may be NULL). */
enum store_status sq_status(struct sq_conn *c, int rc, const char *what);
/* Opens a new connection to st's database (closed with the store; not the calling thread's);
 * NULL on failure (logged). writer: the store's writer, whose WAL frames go through
 * sq_walbuf_vfs. */
struct sq_conn *sq_conn_open(struct sq_store *st, bool writer);
/* sqlite_walbuf.c: the name of the VFS that gathers a commit's WAL frames and writes them
 * together (registered at the first call), or NULL (SQLite's default VFS then). */
const char *sq_walbuf_vfs(void);
/* After each transaction of a connection opened with sq_walbuf_vfs (its COMMIT or ROLLBACK
 * returned): drops the WAL frames still gathered, those of a transaction that did not commit. */
void sq_walbuf_drop(sqlite3 *db);
/* Around the COMMIT of a connection opened with sq_walbuf_vfs (on before it, off after it
 * returned): its frames' pages are gathered by address, not copied, and the pager spills no
 * page meanwhile (PRAGMA cache_spill, back to SQLite's default at off: the writer's cache_spill
 * is this function's, no other may set it). Off drops only what the COMMIT left gathered (it
 * failed): frames spilled before it stay, as SQLite counts them written. Call off after the
 * COMMIT's error was read: its PRAGMA replaces sqlite3_errmsg's text. */
void sq_walbuf_by_ref(sqlite3 *db, bool on);

/* The statement operations of db_engine_sqlite (sqlite_stmt.c); h is sqlite_stmt.c's
 * struct sq_stmt (a sqlite3_stmt and the numbers of its parameters by name). */
void *sq_prepare(struct store_conn *c, const char *sql);
void sq_finalize(void *h);
void sq_reset(void *h);
void sq_bind_text(void *h, const char *name, const char *value);
void sq_bind_text_kept(void *h, const char *name, const char *value);
void sq_bind_int(void *h, const char *name, int64_t value);
void sq_bind_null(void *h, const char *name);
enum store_status sq_step(struct store_conn *c, void *h);
const char *sq_col_str(void *h, int col);
int64_t sq_col_int64(void *h, int col);
bool sq_col_null(void *h, int col);
int sq_changes(struct store_conn *c);

/* How long one transaction may wait for the database's locks in all (then STORE_BUSY: the
 * request gets 503 with Retry-After), and how long a writer may wait when it is past the limit
 * set with store_set_lock_waiters, or when a wait gave up less than SQ_LOCK_WAIT_MS ago: long
 * enough for our own short transactions, short enough that requests queued on one thread
 * (libmicrohttpd hands a worker every connection it accepts in one go) are not each held
 * the full time while another process keeps the lock. */
#define SQ_LOCK_WAIT_MS 2000
#define SQ_LOCK_WAIT_EXTRA_MS 100

/* sqlite_tx.c: writes (store_write through the engine table), group-committed. */
enum store_status sq_write(struct sq_store *st, store_tx_fn fn, void *arg);
/* sqlite_lock.c: reads (store_read), the limit of lock waiters, SQLite's busy handler for a
 * connection (arg: the struct sq_conn), and what a transaction's runner uses: sq_wait_start
 * starts a transaction's wait (its lock waits share one deadline from now on), sq_begin_tx
 * opens it with begin (tried again while the database is locked elsewhere, until then),
 * sq_note_busy after it ended in STORE_BUSY (remembers a full wait, logs), sq_rollback_if_open. */
enum store_status sq_read(struct sq_store *st, store_tx_fn fn, void *arg);
void sq_set_lock_waiters(struct store *st, unsigned n);
void sq_wait_start(struct sq_conn *c);
enum store_status sq_begin_tx(struct sq_conn *c, const char *begin);
void sq_note_busy(struct sq_conn *c);
void sq_rollback_if_open(struct sq_conn *c);
/* The writer connection's row cache (sqlite_cache.c): sq_cache_start makes it and sets the
 * hooks that keep it (none with foreign keys off: SQLite's truncate optimization calls no hook);
 * sq_cache_check, after each BEGIN, drops it when another connection (perhaps another process)
 * committed since the writer's last transaction (PRAGMA data_version counts those only). */
void sq_cache_start(struct sq_conn *c);
void sq_cache_check(struct sq_conn *c);
/* The engine's snapshot_version (db_read_version), in sqlite_cache.c. */
bool sq_snapshot_version(struct store_conn *c, struct db_version *v);
/* The WAL index's header now, into out (sqlite_cache.c): two equal readings mean that nothing
 * was committed between them. False when it cannot be read. */
bool sq_wal_header(struct sq_conn *c, uint32_t out[12]);

/* sqlite_hold.c: a worker's read transaction kept between snapshots (see there).
 * sq_end_read ends c's transaction (COMMIT, or ROLLBACK when that fails), if one is open.
 * sq_held_end ends the kept one, if any. sq_held_reuse: whether c's kept transaction still
 * reads the database as it is now and nothing asked it to let go (else it is ended).
 * sq_held_check, after a snapshot in a kept transaction: ends it when a statement ended it.
 * sq_held_before, before a snapshot's BEGIN: whether it may be kept (the header read into
 * header). sq_held_keep, after it: keeps it (true) when a read transaction is open and nothing
 * asked kept ones to let go since it began. */
void sq_end_read(struct sq_conn *c);
void sq_held_end(struct sq_conn *c);
bool sq_held_reuse(struct sq_conn *c);
void sq_held_check(struct sq_conn *c);
bool sq_held_before(struct sq_conn *c, uint32_t header[12]);
bool sq_held_keep(struct sq_conn *c, const uint32_t header[12]);
/* Asks every kept read transaction of st to end at its next use (a lock is waited for: the
 * wait may be for those readers). */
void sq_readers_let_go(struct sq_store *st);
/* A checkpoint of st begins (sq_ckpt_begin: kept read transactions end at their next use and
 * none is kept until it ends) and ends (sq_ckpt_end). */
void sq_ckpt_begin(struct sq_store *st);
void sq_ckpt_end(struct sq_store *st);
/* store_write_async through the engine table; sq_writer_stop (at close) waits until every
 * queued write is done and ends the writer thread. */
void sq_write_async(struct store *st, store_tx_fn fn, void *arg, store_done_fn done);
void sq_writer_stop(struct sq_store *st);
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
