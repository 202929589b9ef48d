/* migrate.c - applies every embedded migration of the connection's engine not yet recorded, in
 * order, inside one transaction that excludes other migrating processes (SQLite: IMMEDIATE;
 * PostgreSQL: an advisory lock), so that two processes starting at once cannot both apply them,
 * and records each one. Both engines' migrations carry the same version numbers. */
#include "log.h"
#include "migrations.h"
#include "db.h"
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
  struct db_stmt *s = db_stmt(c, "SELECT coalesce(max(version), 0) FROM schema_migrations");
  int v = -1;
  if (db_step_row(c, s) == STORE_OK)
    v = db_col_int(s, 0);
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
  struct db_stmt *s = db_stmt(c, "SELECT 1 FROM schema_migrations WHERE version = :v");
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
  struct db_stmt *s = db_stmt(c, "INSERT INTO schema_migrations (version, name, applied_at) "
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
  const struct embed_file *list = c->eng->migrations;
  size_t count = *c->eng->migrations_count;
  if (db_exec(c, c->eng->migrate_begin) != STORE_OK ||
      db_exec(c, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                 "name TEXT NOT NULL, applied_at TEXT NOT NULL)") != STORE_OK) {
    db_exec(c, "ROLLBACK");
    snprintf(why, len, "cannot read the schema version (is the database locked or corrupt?)");
    return STORE_ERROR;
  }
  int have = current_version(c), known = count ? store_migration_version(&list[count - 1]) : 0;
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
  for (size_t i = 0; s == STORE_OK && i < count; i++)
    if (!applied(c, store_migration_version(&list[i])) && (s = apply(c, &list[i])) != STORE_OK)
      snprintf(why, len, "migration %s failed", list[i].path);
  if (s == STORE_OK && db_exec(c, "COMMIT") == STORE_OK)
    return STORE_OK;
  db_exec(c, "ROLLBACK");
  return STORE_ERROR;
}
