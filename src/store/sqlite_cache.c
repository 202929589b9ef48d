/* sqlite_cache.c - the SQLite writer connection's row cache (row_cache.h) kept exact: SQLite's
 * update and rollback hooks drop what the writer changes, PRAGMA data_version what other
 * connections committed (sqlite_engine.h); and the readers' version of the database for their
 * token caches (db_read_version). */
#include "row_cache.h"
#include "sqlite_engine.h"

#include <stdint.h>
#include <string.h>

/* The update hook drops the rows of a table the writer changes, the rollback hook all of them
 * (a ROLLBACK TO calls no hook: sqlite_tx.c drops them itself there). */
static void row_changed(void *arg, int op, const char *db, const char *table, sqlite3_int64 id)
{
  (void)op;
  (void)db;
  (void)id;
  row_cache_changed(arg, table);
}

static void rolled_back(void *arg) { row_cache_forget(arg); }

/* Called as each statement is compiled (not as it runs): one that writes variants (a WITHOUT
 * ROWID table, whose changes call no update hook) ends the keeping of variants. */
static int authorize(void *arg, int action, const char *a, const char *b, const char *db,
                     const char *trigger)
{
  (void)b;
  (void)db;
  (void)trigger;
  bool writes = action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE ||
                action == SQLITE_DROP_TABLE || action == SQLITE_ALTER_TABLE;
  if (writes && a && sqlite3_stricmp(a, "variants") == 0)
    row_cache_variants_written(arg);
  return SQLITE_OK;
}

void sq_cache_start(struct sq_conn *c)
{
  /* with foreign keys off, a DELETE without WHERE empties a table without calling the update
   * hook (SQLite's truncate optimization): then no cache */
  struct db_stmt *s = db_stmt(&c->base, "PRAGMA foreign_keys");
  bool fks = s && db_step_row(&c->base, s) == STORE_OK && db_col_int64(s, 0) == 1;
  db_reset(s);
  if (!fks || !(c->base.cache = row_cache_new()))
    return;
  sqlite3_update_hook(c->db, row_changed, c->base.cache);
  sqlite3_rollback_hook(c->db, rolled_back, c->base.cache);
  sqlite3_set_authorizer(c->db, authorize, c->base.cache);
}

/* The text of the statement (its address is its key in the connection's statement cache). */
static const char data_version_sql[] = "PRAGMA data_version";

/* PRAGMA data_version on c; -1 when it cannot be read. */
static int64_t data_version(struct sq_conn *c)
{
  struct db_stmt *s = db_stmt(&c->base, data_version_sql);
  int64_t v = s && db_step_row(&c->base, s) == STORE_OK ? db_col_int64(s, 0) : -1;
  db_reset(s);
  return v;
}

void sq_cache_check(struct sq_conn *c)
{
  if (!c->base.cache)
    return;
  int64_t v = data_version(c);
  if (v == -1 || v != c->data_version)
    row_cache_forget(c->base.cache);
  c->data_version = v;
}

#define WAL_INDEX_PAGE 32768 /* the wal-index's regions (SQLite's WALINDEX_PGSZ) */

/* The WAL index's header now, into out, read without a lock as SQLite reads it to begin a read
 * transaction (walIndexTryHdr; the wal-index format, sqlite.org/walformat.html): its first
 * copy, a barrier, its second copy, which must be equal (a commit writes the second copy, a
 * barrier, then the first) and initialized. Every commit of any connection of any process
 * writes a new header (iChange counts transactions; mxFrame, the salts and the checksum move
 * with them) and a header never comes back to an earlier value, so two equal readings mean that
 * nothing was committed between them. The region is the connection's own mapping of the -shm
 * file (its VFS's xShmMap, which opens it if the connection had not yet). False when the header
 * cannot be read or is being written. */
bool sq_wal_header(struct sq_conn *c, uint32_t out[12])
{
  sqlite3_file *f = NULL;
  /* only with the WAL open: mapping the -shm of a database in another mode would leave the
   * mapping, its descriptor and its lock behind (SQLite unmaps it when it closes a WAL) */
  if (!c->wal ||
      sqlite3_file_control(c->db, "main", SQLITE_FCNTL_FILE_POINTER, &f) != SQLITE_OK || !f ||
      !f->pMethods || f->pMethods->iVersion < 2 || !f->pMethods->xShmMap)
    return false;
  void volatile *region = NULL;
  if (f->pMethods->xShmMap(f, 0, WAL_INDEX_PAGE, 0, &region) != SQLITE_OK || !region)
    return false;
  const volatile uint32_t *h = region;
  uint32_t second[12];
  for (int i = 0; i < 12; i++)
    out[i] = h[i];
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  for (int i = 0; i < 12; i++)
    second[i] = h[12 + i];
  const unsigned char *bytes = (const unsigned char *)out;
  return memcmp(out, second, sizeof second) == 0 && bytes[12] != 0; /* isInit */
}

/* db_read_version. Inside store_snapshot (sq_snapshot's BEGIN), PRAGMA data_version is the
 * transaction's first statement or follows it, so it reads the snapshot's own: SQLite raises it
 * whenever the read transaction finds that another connection, of this process or another,
 * committed since this connection's last one (the WAL index's header changed). Changes of this
 * connection's own leave it as it is: the rows it changed count those. Its own schema changes
 * count in neither: a reader never makes one (migrations run in store_open, before any
 * snapshot; another process's are seen by data_version).
 * Outside any transaction (autocommit, no statement active), the WAL index's header itself
 * (sq_wal_header), with no transaction begun: a read transaction that begins after it reads the
 * database at that header or a later one, so rows read there are the rows at a later equal
 * reading. The rows this connection changed count too, as inside a snapshot (a change is
 * committed, so it moves the header anyway). */
bool sq_snapshot_version(struct store_conn *base, struct db_version *v)
{
  struct sq_conn *c = (struct sq_conn *)base;
  memset(v, 0, sizeof *v);
  if (c->in_snapshot) {
    /* a reader that wrote inside its snapshot (none does: the touch comes after it) could roll
     * that back with both counters as they were: then nothing is kept or found (the snapshot's
     * BEGIN keeps its read transaction open after the PRAGMA's reset) */
    v->others = data_version(c);
    v->own = sqlite3_total_changes64(c->db);
    return v->others != -1 && sqlite3_txn_state(c->db, "main") == SQLITE_TXN_READ;
  }
  if (!sqlite3_get_autocommit(c->db) || sqlite3_txn_state(c->db, "main") != SQLITE_TXN_NONE ||
      !sq_wal_header(c, v->wal))
    return false;
  v->others = INT64_MIN; /* never a data_version: a snapshot's reading never equals this one */
  v->own = sqlite3_total_changes64(c->db);
  return true;
}
