/* sqlite_stmt.c - the SQLite engine's statement operations (db.h's engine table): prepare,
 * bind by ":name", step, read columns, and the mapping of result codes to store statuses. */
#include "log.h"
#include "sqlite_engine.h"

#include <stdio.h>

void *sq_prepare(struct store_conn *base, const char *sql)
{
  struct sq_conn *c = (struct sq_conn *)base;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
  if (rc != SQLITE_OK) {
    log_msg(LOG_ERROR, "db_prepare_failed", "%s: %.120s", sqlite3_errmsg(c->db), sql);
    return NULL;
  }
  return st;
}

void sq_finalize(void *h) { sqlite3_finalize(h); }

void sq_reset(void *h)
{
  sqlite3_reset(h);
  sqlite3_clear_bindings(h);
}

enum store_status sq_status(struct sq_conn *c, int rc, const char *what)
{
  switch (rc & 0xff) {
  case SQLITE_OK:
  case SQLITE_ROW:
  case SQLITE_DONE:
    return STORE_OK;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return STORE_BUSY;
  case SQLITE_CONSTRAINT:
    return STORE_CONFLICT;
  default:
    if (what)
      log_msg(LOG_ERROR, "db_error", "%s: %s", what, c ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
    return STORE_ERROR;
  }
}

enum store_status sq_step(struct store_conn *base, void *h)
{
  int rc = sqlite3_step(h);
  if (rc == SQLITE_ROW)
    return STORE_OK;
  return rc == SQLITE_DONE ? STORE_NOT_FOUND
                           : sq_status((struct sq_conn *)base, rc, sqlite3_sql(h));
}

static int param(void *h, const char *name)
{
  int i = sqlite3_bind_parameter_index(h, name);
  if (i == 0)
    log_msg(LOG_ERROR, "db_bind_failed", "no parameter %s in %.80s", name, sqlite3_sql(h));
  return i;
}

void sq_bind_text(void *h, const char *name, const char *value)
{
  int i = param(h, name);
  if (i && value)
    sqlite3_bind_text(h, i, value, -1, SQLITE_TRANSIENT);
  else if (i)
    sqlite3_bind_null(h, i);
}

void sq_bind_int(void *h, const char *name, int64_t value)
{
  int i = param(h, name);
  if (i)
    sqlite3_bind_int64(h, i, value);
}

void sq_bind_null(void *h, const char *name) { sq_bind_text(h, name, NULL); }

const char *sq_col_str(void *h, int col) { return (const char *)sqlite3_column_text(h, col); }
int64_t sq_col_int64(void *h, int col) { return sqlite3_column_int64(h, col); }
bool sq_col_null(void *h, int col) { return sqlite3_column_type(h, col) == SQLITE_NULL; }
int sq_changes(struct store_conn *c) { return sqlite3_changes(((struct sq_conn *)c)->db); }
