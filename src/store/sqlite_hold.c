/* sqlite_hold.c - an HTTP worker's read transaction kept from one snapshot to the next.
 *
 * Beginning and ending a read transaction (the WAL read lock: the wal-index's shared mutex and,
 * when no other connection of the process holds the same read mark, an fcntl lock and unlock)
 * was about a fifth of a worker's CPU for GET one (bench/HISTORY.md, nineteenth step). A
 * snapshot (store_snapshot, sqlite_db.c) on a thread whose waits run its idle hook (an HTTP
 * worker: thread_idle.h) therefore keeps its read transaction open when it ends, with the WAL
 * index's header read just before it began, and the next snapshot on that connection uses it
 * again when the header is still the same: nothing has been committed since by any connection
 * of any process (every commit writes a new header, and a header never comes back to an earlier
 * value: sq_wal_header), so the kept transaction reads exactly what a new one would. A commit
 * in between (a write of this server's, acknowledged only after its COMMIT, or of another
 * process) changes the header: the kept transaction is ended and a new one begun.
 *
 * The kept transaction is ended as soon as the connection is used outside a snapshot
 * (sq_conn_of), when the worker is about to wait for its connections (its idle hook), when it
 * is closed, and when a statement inside it ended it (an error that rolls back). So a worker
 * that goes idle never holds an old snapshot, which would keep the checkpointer from copying
 * the log past it. And none is kept while a checkpoint of the store runs (sq_ckpt_begin): a
 * busy worker lets its kept one go at its next request and ends each of its read transactions
 * with its request again, as before, until the checkpoint is over; the same after any
 * connection of the store waited for a lock (sq_readers_let_go). A checkpoint waits for the
 * readers of the log's older frames to leave (the writer's RESTART while every write waits):
 * kept from request to request, or let go and at once taken again on the same read mark, a
 * worker's reader would leave it no moment free under a steady load of reads (a test load of
 * GETs at 32 connections beside POSTs at 4: POST p99 up to 1.9 s; bench/HISTORY.md).
 * A checkpoint of another process that waits for readers is not seen: it waits until the
 * workers go idle or something is committed. */
#include "sqlite_engine.h"
#include "thread_idle.h"

#include <string.h>

void sq_end_read(struct sq_conn *c)
{
  if (!sqlite3_get_autocommit(c->db))
    sq_exec_static(c, "COMMIT");
  sq_rollback_if_open(c); /* a COMMIT that failed left it open */
}

void sq_held_end(struct sq_conn *c)
{
  if (!c->held)
    return;
  c->held = false;
  thread_idle_cancel(c);
  sq_end_read(c);
}

static void held_idle(void *arg) { sq_held_end(arg); }

void sq_readers_let_go(struct sq_store *st)
{
  atomic_fetch_add_explicit(&st->read_epoch, 1, memory_order_relaxed);
}

void sq_ckpt_begin(struct sq_store *st)
{
  atomic_fetch_add_explicit(&st->checkpoints, 1, memory_order_relaxed);
  sq_readers_let_go(st);
}

void sq_ckpt_end(struct sq_store *st)
{
  atomic_fetch_sub_explicit(&st->checkpoints, 1, memory_order_relaxed);
}

static unsigned epoch(const struct sq_conn *c)
{
  return atomic_load_explicit(&c->owner->read_epoch, memory_order_relaxed);
}

/* Whether nothing asked kept readers to let go since c's transaction began (and no checkpoint
 * runs now). */
static bool undisturbed(const struct sq_conn *c)
{
  return atomic_load_explicit(&c->owner->checkpoints, memory_order_relaxed) == 0 &&
         epoch(c) == c->held_epoch;
}

static bool reading(struct sq_conn *c)
{
  return sqlite3_txn_state(c->db, "main") == SQLITE_TXN_READ;
}

bool sq_held_reuse(struct sq_conn *c)
{
  if (!c->held)
    return false;
  uint32_t now[12];
  if (reading(c) && undisturbed(c) && sq_wal_header(c, now) &&
      memcmp(now, c->held_hdr, sizeof now) == 0)
    return true;
  sq_held_end(c);
  return false;
}

void sq_held_check(struct sq_conn *c)
{
  if (!reading(c))
    sq_held_end(c);
}

bool sq_held_before(struct sq_conn *c, uint32_t header[12])
{
  c->held_epoch = epoch(c); /* read before the transaction begins, as the header */
  return thread_idle_waits() && c->wal && sq_wal_header(c, header);
}

bool sq_held_keep(struct sq_conn *c, const uint32_t header[12])
{
  if (!reading(c) || !undisturbed(c))
    return false;
  c->held = true;
  memcpy(c->held_hdr, header, sizeof c->held_hdr);
  thread_idle_set(held_idle, c);
  return true;
}
