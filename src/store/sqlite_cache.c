/* sqlite_cache.c - the SQLite writer connection's row cache (row_cache.h) kept exact: SQLite's
 * update and rollback hooks drop what the writer changes, PRAGMA data_version what other
 * connections committed (sqlite_engine.h). */
#include "row_cache.h"
#include "sqlite_engine.h"

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

/* PRAGMA data_version on c; -1 when it cannot be read. */
static int64_t data_version(struct sq_conn *c)
{
  struct db_stmt *s = db_stmt(&c->base, "PRAGMA data_version");
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

/* db_snapshot_version: inside store_snapshot (sq_snapshot's BEGIN), PRAGMA data_version is the
 * transaction's first statement or follows it, so it reads the snapshot's own: SQLite raises it
 * whenever the read transaction finds that another connection, of this process or another,
 * committed since this connection's last one (the WAL index's header changed). Changes of this
 * connection's own leave it as it is: the rows it changed count those. Its own schema changes
 * count in neither: a reader never makes one (migrations run in store_open, before any
 * snapshot; another process's are seen by data_version). */
bool sq_snapshot_version(struct store_conn *base, struct db_version *v)
{
  struct sq_conn *c = (struct sq_conn *)base;
  if (!c->in_snapshot)
    return false;
  /* a reader that wrote inside its snapshot (none does: the touch comes after it) could roll
   * that back with both counters as they were: then nothing is kept or found (the snapshot's
   * BEGIN keeps its read transaction open after the PRAGMA's reset) */
  v->others = data_version(c);
  v->own = sqlite3_total_changes64(c->db);
  return v->others != -1 && sqlite3_txn_state(c->db, "main") == SQLITE_TXN_READ;
}
