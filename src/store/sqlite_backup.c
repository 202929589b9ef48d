/* sqlite_backup.c - whole-file copies with SQLite's online backup API (store_backup.h). */
#include "store_backup.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Opens path with flags; NULL with the reason in why. */
static sqlite3 *open_db(const char *path, int flags, char *why, size_t len)
{
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
    snprintf(why, len, "cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return NULL;
  }
  sqlite3_busy_timeout(db, 5000);
  return db;
}

/* The first column of the first row of sql as text into out ("" when none). */
static bool query_text(sqlite3 *db, const char *sql, char *out, size_t len)
{
  sqlite3_stmt *st = NULL;
  out[0] = '\0';
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return false;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
    snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* The database's schema version (-1: not an advisord database or unreadable). */
static int schema_version(sqlite3 *db)
{
  char v[32];
  if (!query_text(db, "SELECT coalesce(max(version), 0) FROM schema_migrations", v, sizeof v))
    return -1;
  return atoi(v);
}

/* PRAGMA integrity_check; true when it says ok, else its first words into why. */
static bool integrity_ok(sqlite3 *db, const char *path, char *why, size_t len)
{
  char v[256];
  if (query_text(db, "PRAGMA integrity_check", v, sizeof v) && strcmp(v, "ok") == 0)
    return true;
  snprintf(why, len, "%s fails PRAGMA integrity_check: %s", path, *v ? v : sqlite3_errmsg(db));
  return false;
}

/* Copies all of from's main database into to's in one step (one snapshot of from). */
static bool copy_db(sqlite3 *to, sqlite3 *from, char *why, size_t len)
{
  sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) {
    snprintf(why, len, "%s", sqlite3_errmsg(to));
    return false;
  }
  int rc;
  while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
    usleep(20 * 1000); /* a lock held for a moment elsewhere: try the step again */
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    snprintf(why, len, "the copy failed: %s", sqlite3_errstr(rc));
    return false;
  }
  return true;
}

bool store_backup_copy(const char *db_path, const char *dest_path, int *version, char *why,
                       size_t len)
{
  sqlite3 *from = open_db(db_path, SQLITE_OPEN_READWRITE, why, len);
  sqlite3 *to = from ? open_db(dest_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, why, len)
                     : NULL;
  bool ok = to && copy_db(to, from, why, len);
  *version = ok ? schema_version(to) : -1;
  if (ok && *version < 0) {
    snprintf(why, len, "%s is not an advisord database", db_path);
    ok = false;
  }
  char mode[32];
  ok = ok && integrity_ok(to, dest_path, why, len) &&
       query_text(to, "PRAGMA journal_mode=DELETE", mode, sizeof mode);
  sqlite3_close(to);
  sqlite3_close(from);
  return ok;
}

enum store_backup_check store_backup_inspect(const char *path, int *version, char *why,
                                             size_t len)
{
  sqlite3 *db = open_db(path, SQLITE_OPEN_READONLY, why, len);
  *version = db ? schema_version(db) : -1;
  enum store_backup_check r = BACKUP_OK;
  if (*version < 0) {
    snprintf(why, len, "%s is not an advisord backup", path);
    r = BACKUP_NOT_ADVISORD;
  } else if (!integrity_ok(db, path, why, len)) {
    r = BACKUP_DAMAGED;
  }
  sqlite3_close(db);
  return r;
}

bool store_backup_restore(const char *src_path, const char *db_path, char *why, size_t len)
{
  sqlite3 *from = open_db(src_path, SQLITE_OPEN_READONLY, why, len);
  sqlite3 *to = from ? open_db(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, why, len)
                     : NULL;
  bool ok = to && copy_db(to, from, why, len) && integrity_ok(to, db_path, why, len);
  sqlite3_close(to);
  sqlite3_close(from);
  return ok;
}
