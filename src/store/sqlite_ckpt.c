/* sqlite_ckpt.c - the SQLite engine's checkpointer: copies the write-ahead log back into the
 * database file on a thread of its own.
 *
 * SQLite's default runs a checkpoint inside the commit that grows the WAL past 1,000 pages,
 * on the committing connection: with group commit (sqlite_tx.c) that stalls every queued
 * write behind the page copies and their fsync. The batch writer turns that off and, from its
 * WAL hook, wakes this thread instead, which runs a PASSIVE checkpoint on its own connection
 * while writes go on (PASSIVE never waits for readers or writers; pages still in use are
 * copied by a later round).
 *
 * A round starts once CKPT_PAGES frames were appended since the frames the last round copied,
 * not after every commit past that size: a page written by many commits (the right edge of an
 * index, a table's last page) is copied once per round, and each round ends in an fsync of
 * the database file, so rounds back to back copied the same hot pages and synced again and
 * again (perf of the activation load: checkpoints 13% of the server's samples, fdatasync 7%).
 *
 * A PASSIVE round under steady writes never copies the frames appended while it ran, so the
 * WAL would only grow (it starts over from its beginning only after a checkpoint that copied
 * every frame). So once the WAL passes WAL_LIMIT_PAGES, the writer, between two batches (no
 * write of this process can start), runs a RESTART checkpoint itself once no round is in
 * progress: it copies what the rounds have not, and the next batch writes the WAL from its
 * beginning again. Writes wait for that tail only, not for every page. Before it, the writer
 * asks this thread for one more round that also syncs the database file: a round syncs the
 * database only when it copied the whole WAL, which under steady writes it seldom does, so
 * the RESTART's own sync of the database used to write back every page the rounds had copied
 * since the last restart (the activation load: a restart about every 100 ms, 5-7 ms each on
 * average, most of it that fdatasync, while every write waited); the restart now waits for
 * that round to end, and its own sync finds only the tail's pages. An extra sync of the
 * database never weakens what a sync guarantees. After that round this thread goes on with
 * catch-up rounds (each also syncing the database) while the writes go on, until fewer than
 * TAIL_PAGES frames are left; the writer restarts once none runs, so its RESTART copies and
 * syncs only that short tail. Before, the writer waited for the round in progress, and this
 * thread, holding its mutex, had always begun the next one by then: the writer waited for a
 * whole round at the background priority (customers in random order: a restart about every
 * 100 ms, 15-25 ms each, bench/HISTORY.md's fifteenth step). The writer waits for a round in
 * progress only once the WAL has passed WAL_WAIT_PAGES (this thread runs at the background
 * threads' lower priority, thread_prio.h, and the writes queued behind the writer would wait
 * with it); past it this thread begins no catch-up round.
 *
 * Each restart waits for the disk: its syncs write back what the rounds copied and what the
 * writes appended since the last sync. The larger WAL_LIMIT_PAGES, the rarer the restarts and
 * the more of the database pages written again within one WAL (the random leaves of the
 * per-customer indexes) are written back once; 16,000 pages (64 MiB of WAL, 80 at
 * WAL_WAIT_PAGES) halved the time the writer stood still in random order. */
#include "log.h"
#include "thread_prio.h"
#include "sqlite_engine.h"

#include <pthread.h>
#include <stdlib.h>

#define CKPT_PAGES 1000       /* SQLite's own autocheckpoint threshold */
#define WAL_LIMIT_PAGES 16000 /* about 64 MiB of WAL with 4 KiB pages */
#define WAL_WAIT_PAGES 20000  /* past it, the writer waits for a round to end (below) */
#define TAIL_PAGES 500        /* catch-up rounds stop when fewer frames are left */

struct store_ckpt {
  struct sq_store *st;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  bool wanted, running, stop;
  bool restart_due; /* the WAL passed WAL_LIMIT_PAGES (set and read on the writer) */
  bool restart_asked; /* the writer asked for the round before its restart (under mu) */
  bool sync_db;     /* the next round also syncs the database file (under mu) */
  unsigned rounds;  /* rounds ended (under mu) */
  unsigned need;    /* with restart_asked: the restart waits until rounds reaches it */
  bool caught_up;   /* with restart_asked: catching up stopped (under mu) */
  int pages;        /* the WAL's size at the last commit (under mu) */
  int copied;       /* the WAL's frames the last round had copied (under mu) */
};

/* Syncs the database file of c (fdatasync: what SQLite's own sync of it does). */
static void sync_database(struct sq_conn *c)
{
  sqlite3_file *f = NULL;
  if (sqlite3_file_control(c->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) == SQLITE_OK && f &&
      f->pMethods && f->pMethods->xSync(f, SQLITE_SYNC_NORMAL) != SQLITE_OK)
    log_msg(LOG_WARN, "db_checkpoint_failed", "could not sync the database file");
}

/* True when the round before the writer's restart has ended (under mu): from then on this
 * thread runs only catch-up rounds, and the writer restarts once none runs. */
static bool restart_ready(const struct store_ckpt *k)
{
  return k->restart_asked && (int)(k->rounds - k->need) >= 0; /* unsigned: wraps */
}

static void *run(void *arg)
{
  thread_prio_background("db-checkpoint"); /* named; lower priority (thread_prio.h) */
  struct store_ckpt *k = arg;
  struct sq_conn *c = sq_conn_open(k->st, false);
  pthread_mutex_lock(&k->mu);
  while (!k->stop) {
    /* past WAL_WAIT_PAGES the writer waits for the round running, not for more */
    bool catch_up = restart_ready(k) && !k->caught_up && k->pages < WAL_WAIT_PAGES &&
                    k->pages - k->copied > TAIL_PAGES;
    if (!catch_up && (!k->wanted || restart_ready(k))) {
      pthread_cond_wait(&k->cond, &k->mu);
      continue;
    }
    k->wanted = false;
    k->running = true;
    bool sync_db = k->sync_db || catch_up;
    k->sync_db = false;
    int before = k->copied;
    pthread_mutex_unlock(&k->mu);
    int log_pages = 0, done = 0;
    sq_ckpt_begin(k->st); /* no read transaction is kept meanwhile (sqlite_hold.c) */
    int rc = c ? sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log_pages,
                                           &done)
               : SQLITE_CANTOPEN;
    sq_ckpt_end(k->st);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      log_msg(LOG_WARN, "db_checkpoint_failed", "%s", c ? sqlite3_errmsg(c->db)
                                                        : "no connection for the checkpointer");
    if (sync_db && rc == SQLITE_OK)
      sync_database(c);
    pthread_mutex_lock(&k->mu);
    if (rc == SQLITE_OK)
      k->copied = done;
    /* a catch-up round that copied nothing (a reader's snapshot holds the frames back): the
     * writer's RESTART waits for the reader instead */
    if (catch_up && (rc != SQLITE_OK || done <= before))
      k->caught_up = true;
    k->running = false;
    k->rounds++;
    pthread_cond_broadcast(&k->cond);
  }
  pthread_mutex_unlock(&k->mu);
  return NULL; /* its connection is closed with the store's others (store_close) */
}

/* sqlite3_wal_hook callback on the writer: after each commit, with the WAL's size in pages. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
  (void)db;
  (void)name;
  struct store_ckpt *k = arg;
  if (pages >= WAL_LIMIT_PAGES)
    k->restart_due = true;
  pthread_mutex_lock(&k->mu);
  k->pages = pages;
  if (pages < CKPT_PAGES) {
    pthread_mutex_unlock(&k->mu);
    return SQLITE_OK;
  }
  if (pages < k->copied) /* the WAL started over from its beginning */
    k->copied = 0;
  if (pages - k->copied >= CKPT_PAGES) {
    k->wanted = true;
    pthread_cond_signal(&k->cond);
  }
  pthread_mutex_unlock(&k->mu);
  return SQLITE_OK;
}

struct store_ckpt *db_ckpt_start(struct sq_store *st, struct sq_conn *writer)
{
  struct store_ckpt *k = calloc(1, sizeof *k);
  if (!k)
    return NULL;
  k->st = st;
  pthread_mutex_init(&k->mu, NULL);
  pthread_cond_init(&k->cond, NULL);
  if (pthread_create(&k->thread, NULL, run, k) != 0) {
    pthread_cond_destroy(&k->cond);
    pthread_mutex_destroy(&k->mu);
    free(k);
    return NULL; /* the writer keeps SQLite's own checkpoints */
  }
  sqlite3_wal_hook(writer->db, on_commit, k); /* replaces the autocheckpoint hook */
  return k;
}

void db_ckpt_between_batches(struct store_ckpt *k, struct sq_conn *writer)
{
  if (!k || !k->restart_due)
    return;
  pthread_mutex_lock(&k->mu);
  if (!k->restart_asked) { /* a round that starts after this one ends: it syncs the database */
    k->restart_asked = true;
    k->need = k->rounds + 1 + (k->running ? 1u : 0u);
    k->wanted = k->sync_db = true;
    k->caught_up = false;
    pthread_cond_signal(&k->cond);
  }
  /* the round before the restart, or a catch-up round after it, still running: tried again
   * after the next batch */
  if ((!restart_ready(k) || k->running) && k->pages < WAL_WAIT_PAGES) {
    pthread_mutex_unlock(&k->mu);
    return;
  }
  while (k->running) /* two checkpoints at once: the second gets SQLITE_BUSY */
    pthread_cond_wait(&k->cond, &k->mu);
  /* a round asked for and not yet begun is not needed now (the RESTART syncs the database
   * itself), and none begins while it runs: only this thread's commits ask for one */
  k->wanted = k->sync_db = false;
  k->restart_asked = false;
  pthread_mutex_unlock(&k->mu);
  sq_ckpt_begin(writer->owner);
  int rc = sqlite3_wal_checkpoint_v2(writer->db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
  sq_ckpt_end(writer->owner);
  if (rc == SQLITE_BUSY) /* a reader kept it from starting the WAL over: after the next batch */
    return;
  if (rc != SQLITE_OK)
    log_msg(LOG_WARN, "db_checkpoint_failed", "%s", sqlite3_errmsg(writer->db));
  k->restart_due = false;
  pthread_mutex_lock(&k->mu);
  k->copied = 0; /* the next batch writes the WAL from its beginning */
  pthread_mutex_unlock(&k->mu);
}

void db_ckpt_stop(struct store_ckpt *k)
{
  if (!k)
    return;
  pthread_mutex_lock(&k->mu);
  k->stop = true;
  pthread_cond_signal(&k->cond);
  pthread_mutex_unlock(&k->mu);
  pthread_join(k->thread, NULL);
  pthread_cond_destroy(&k->cond);
  pthread_mutex_destroy(&k->mu);
  free(k);
}
