/* migrate.c - applies every embedded migration not yet recorded, in order, inside one IMMEDIATE transaction so
 * that two processes starting at once cannot both apply them, and records each one. */
#include "log.h"
#include "migrations.h"
#include "sqlite.h"
#include "util.h"

#include <stdio.h>

int store_schema_version_known(void)
{
  return store_migrations_count
             ? store_migration_version(&store_migrations[store_migrations_count - 1])
             : 0;
}

static int current_version(struct store_conn *c)
{
  sqlite3_stmt *s = db_stmt(c, "SELECT coalesce(max(version), 0) FROM schema_migrations");
  int v = -1;
  if (db_step_row(c, s) == STORE_OK)
    v = sqlite3_column_int(s, 0);
  db_reset(s);
  return v;
}

int store_schema_version(struct store *st)
{
  struct store_conn *c = store_conn(st);
  return c ? current_version(c) : -1;
}

/* True when the migration with this version is recorded as applied. */
static bool applied(struct store_conn *c, int version)
{
  sqlite3_stmt *s = db_stmt(c, "SELECT 1 FROM schema_migrations WHERE version = :v");
  db_bind_int(s, ":v", version);
  bool found = db_step_row(c, s) == STORE_OK;
  db_reset(s);
  return found;
}

static enum store_status apply(struct store_conn *c, const struct embed_file *m)
{
  if (db_exec(c, (const char *)m->data) != STORE_OK)
    return STORE_ERROR;
  char now[40];
  util_now_iso8601(now, sizeof now);
  sqlite3_stmt *s = db_stmt(c, "INSERT INTO schema_migrations (version, name, applied_at) "
                               "VALUES (:v, :n, :t)");
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":v", store_migration_version(m));
  db_bind_text(s, ":n", m->path);
  db_bind_text(s, ":t", now);
  log_json(LOG_INFO, "migration_applied", json_pack("{s:i, s:s}", "version",
                                                     store_migration_version(m), "name", m->path));
  return db_exec_stmt(c, s);
}

enum store_status store_migrate_conn(struct store_conn *c, bool do_apply, char *why, unsigned len)
{
  if (db_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                 "name TEXT NOT NULL, applied_at TEXT NOT NULL)") != STORE_OK ||
      db_exec(c, "BEGIN IMMEDIATE") != STORE_OK) {
    snprintf(why, len, "cannot read the schema version (is the database locked or corrupt?)");
    return STORE_ERROR;
  }
  int have = current_version(c), known = store_schema_version_known();
  enum store_status s = STORE_OK;
  if (have < 0) {
    snprintf(why, len, "cannot read the schema version");
    s = STORE_ERROR;
  } else if (have > known) {
    snprintf(why, len,
             "the database is at schema version %d, newer than this advisord knows (%d); "
             "run a newer advisord",
             have, known);
    s = STORE_ERROR;
  } else if (!do_apply && have < known) {
    snprintf(why, len, "the database is at schema version %d and needs %d: run advisord migrate",
             have, known);
    s = STORE_ERROR;
  }
  for (unsigned i = 0; s == STORE_OK && i < store_migrations_count; i++)
    if (!applied(c, store_migration_version(&store_migrations[i])) &&
        (s = apply(c, &store_migrations[i])) != STORE_OK)
      snprintf(why, len, "migration %s failed", store_migrations[i].path);
  if (s == STORE_OK && db_exec(c, "COMMIT") == STORE_OK)
    return STORE_OK;
  db_exec(c, "ROLLBACK");
  return STORE_ERROR;
}
