/* backup.c - `advisord backup FILE` and `advisord restore FILE`, with SQLite's online backup
 * API on the database file (an SQLite feature: a PostgreSQL deployment backs up with pg_dump).
 *
 * backup copies one consistent snapshot in a single step: in WAL mode a reader never blocks the
 * server's writers, and a write that commits meanwhile is simply not in this snapshot (an
 * incremental copy would start over on every write and might never finish under load). The
 * copy is written beside FILE, checked (integrity_check), switched to a rollback journal so that
 * it is one self-contained file, synced and then renamed to FILE: FILE is whole or absent.
 *
 * restore refuses a backup that fails integrity_check or whose schema is newer than this
 * binary knows, and refuses while a server runs on the database: `advisord serve` holds a
 * shared flock(2) on the database file for its whole life (admin_serve_guard), restore asks for
 * it exclusively. The pages go in through SQLite too, so the target's WAL stays coherent; an
 * older schema is brought up to date by the next start. */
#include "admin.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* Opens path with flags; NULL with a message when it cannot. */
static sqlite3 *open_db(const char *what, const char *path, int flags)
{
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
    fprintf(stderr, "advisord %s: cannot open %s: %s\n", what, path,
            db ? sqlite3_errmsg(db) : "out of memory");
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

/* PRAGMA integrity_check; true when it says ok, else prints its first words. */
static bool integrity_ok(const char *what, sqlite3 *db, const char *path)
{
  char v[256];
  if (query_text(db, "PRAGMA integrity_check", v, sizeof v) && strcmp(v, "ok") == 0)
    return true;
  fprintf(stderr, "advisord %s: %s fails PRAGMA integrity_check: %s\n", what, path,
          *v ? v : sqlite3_errmsg(db));
  return false;
}

/* Copies all of from's main database into to's, in one step (one snapshot of from). */
static bool copy_db(const char *what, sqlite3 *to, sqlite3 *from)
{
  sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) {
    fprintf(stderr, "advisord %s: %s\n", what, sqlite3_errmsg(to));
    return false;
  }
  int rc;
  while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
    usleep(20 * 1000); /* a lock held for a moment elsewhere: try the step again */
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) {
    fprintf(stderr, "advisord %s: the copy failed: %s\n", what, sqlite3_errstr(rc));
    return false;
  }
  return true;
}

static bool sync_file(const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool ok = fsync(fd) == 0;
  close(fd);
  return ok;
}

int admin_serve_guard(const char *db_path)
{
  int fd = open(db_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  if (flock(fd, LOCK_SH | LOCK_NB) != 0) { /* a restore is running */
    close(fd);
    errno = EWOULDBLOCK;
    return -1;
  }
  return fd;
}

int admin_backup(const struct config *cfg, int argc, char **argv)
{
  if (argc != 1 || argv[0][0] == '-') {
    fprintf(stderr, "Usage: advisord [--db FILE] backup BACKUP_FILE\n"
                    "Copies the database, also while the server runs, to BACKUP_FILE (which "
                    "must not exist).\n");
    return 2;
  }
  const char *dest = argv[0];
  if (access(dest, F_OK) == 0) {
    fprintf(stderr, "advisord backup: %s exists already; name a new file\n", dest);
    return 2;
  }
  if (access(cfg->db, R_OK) != 0) {
    fprintf(stderr, "advisord backup: cannot read the database %s: %s\n", cfg->db,
            strerror(errno));
    return 1;
  }
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.partial-%d", dest, (int)getpid());
  sqlite3 *from = open_db("backup", cfg->db, SQLITE_OPEN_READWRITE);
  sqlite3 *to = from ? open_db("backup", tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) : NULL;
  bool ok = to && copy_db("backup", to, from);
  char mode[32] = "";
  int version = ok ? schema_version(to) : -1;
  ok = ok && integrity_ok("backup", to, dest) &&
       query_text(to, "PRAGMA journal_mode=DELETE", mode, sizeof mode);
  sqlite3_close(to);
  sqlite3_close(from);
  if (ok && version < 0) {
    fprintf(stderr, "advisord backup: %s is not an advisord database\n", cfg->db);
    ok = false;
  }
  ok = ok && sync_file(tmp) && rename(tmp, dest) == 0;
  if (!ok) {
    unlink(tmp);
    return 1;
  }
  printf("backup: %s\nschema version: %d\nintegrity: ok\n"
         "Keep the secret key with it: %s (without it, open invitation links stop working)\n",
         dest, version, cfg->secret_file);
  return 0;
}

int admin_restore(const struct config *cfg, int argc, char **argv)
{
  if (argc != 1 || argv[0][0] == '-') {
    fprintf(stderr, "Usage: advisord [--db FILE] restore BACKUP_FILE\n"
                    "Replaces the database with the backup; the server must be stopped.\n");
    return 2;
  }
  const char *src = argv[0];
  sqlite3 *from = open_db("restore", src, SQLITE_OPEN_READONLY);
  if (!from)
    return 2;
  int version = schema_version(from);
  int known = store_schema_version_known();
  int rc = 0;
  if (version < 0) {
    fprintf(stderr, "advisord restore: %s is not an advisord backup\n", src);
    rc = 2;
  } else if (version > known) {
    fprintf(stderr, "advisord restore: %s has schema version %d, newer than this advisord "
                    "knows (%d): restore it with the advisord that made it\n", src, version, known);
    rc = 2;
  } else if (!integrity_ok("restore", from, src)) {
    rc = 2;
  }
  int guard = -1;
  if (rc == 0) {
    guard = open(cfg->db, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (guard < 0 || flock(guard, LOCK_EX | LOCK_NB) != 0) {
      fprintf(stderr, "advisord restore: %s: %s\n", cfg->db,
              guard < 0 ? strerror(errno)
                        : "a server is running on this database; stop it first");
      rc = 1;
    }
  }
  sqlite3 *to = rc == 0 ? open_db("restore", cfg->db, SQLITE_OPEN_READWRITE) : NULL;
  if (rc == 0 && !(to && copy_db("restore", to, from) && integrity_ok("restore", to, cfg->db)))
    rc = 1;
  sqlite3_close(to);
  sqlite3_close(from);
  if (guard >= 0)
    close(guard); /* after SQLite closed its own descriptors (POSIX locks are per process) */
  if (rc == 0)
    printf("restored: %s from %s\nschema version: %d (the next start migrates it to %d)\n"
           "The secret key %s must be the one kept with this backup.\n",
           cfg->db, src, version, known, cfg->secret_file);
  return rc;
}
