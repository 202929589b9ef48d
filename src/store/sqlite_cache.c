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

/* db_read_version. Inside store_snapshot (sq_snapshot's BEGIN), PRAGMA data_version is the
 * transaction's first statement or follows it, so it reads the snapshot's own: SQLite raises it
 * whenever the read transaction finds that another connection, of this process or another,
 * committed since this connection's last one (the WAL index's header changed). Changes of this
 * connection's own leave it as it is: the rows it changed count those. Its own schema changes
 * count in neither: a reader never makes one (migrations run in store_open, before any
 * snapshot; another process's are seen by data_version).
 * Outside any transaction (autocommit), the PRAGMA's step begins the read transaction and its
 * statement is left on its row: while a statement of the connection is active, SQLite keeps
 * the read transaction open across the other statements' ends (btreeEndTransaction
 * downgrades to it instead of ending it), so the statements until db_read_version_end (which
 * resets the PRAGMA) read the database as the PRAGMA found it: one read transaction, as a
 * snapshot's, without its BEGIN and COMMIT. */
bool sq_snapshot_version(struct store_conn *base, struct db_version *v)
{
  struct sq_conn *c = (struct sq_conn *)base;
  if (c->in_snapshot) {
    /* a reader that wrote inside its snapshot (none does: the touch comes after it) could roll
     * that back with both counters as they were: then nothing is kept or found (the snapshot's
     * BEGIN keeps its read transaction open after the PRAGMA's reset) */
    v->others = data_version(c);
    v->own = sqlite3_total_changes64(c->db);
    return v->others != -1 && sqlite3_txn_state(c->db, "main") == SQLITE_TXN_READ;
  }
  /* no transaction open, and no statement active that could hold one already */
  if (base->version_held || !sqlite3_get_autocommit(c->db) ||
      sqlite3_txn_state(c->db, "main") != SQLITE_TXN_NONE)
    return false;
  struct db_stmt *s = db_stmt(base, data_version_sql);
  if (!s)
    return false;
  if (db_step_row(base, s) != STORE_OK ||
      sqlite3_txn_state(c->db, "main") != SQLITE_TXN_READ) {
    db_reset(s);
    return false;
  }
  v->others = db_col_int64(s, 0);
  v->own = sqlite3_total_changes64(c->db);
  base->version_held = s;
  return true;
}
