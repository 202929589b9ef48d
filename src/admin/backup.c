/* backup.c - `advisord backup FILE` and `advisord restore FILE`: the commands around the store's
 * whole-file copies (store_backup.h, SQLite's online backup API; a PostgreSQL deployment backs
 * up with pg_dump).
 *
 * backup copies one consistent snapshot in a single step: in WAL mode a reader never blocks the
 * server's writers, and a write that commits meanwhile is simply not in this snapshot (an
 * incremental copy would start over on every write and might never finish under load). The
 * copy is written beside FILE, checked (integrity_check), made one self-contained file, synced
 * and then renamed to FILE: FILE is whole or absent.
 *
 * restore refuses a backup that fails integrity_check or whose schema is newer than this
 * binary knows, and refuses while a server runs on the database: `advisord serve` holds a
 * shared flock(2) on the database file for its whole life (admin_serve_guard), restore asks for
 * it exclusively. An older schema is brought up to date by the next start. */
#include "admin.h"
#include "store_backup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static bool sync_file(const char *path)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool ok = fsync(fd) == 0;
  close(fd);
  return ok;
}

int admin_serve_guard(const char *db_url)
{
  const char *db_path = store_url_file(db_url);
  if (!db_path)
    return -2; /* PostgreSQL: no file here to guard (restore is SQLite's) */
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
  const char *dest = argv[0], *db = store_url_file(cfg->db);
  if (!db) {
    fprintf(stderr, "advisord backup: %s is a PostgreSQL database: back it up with pg_dump "
                    "(and keep the secret key as well)\n", cfg->db);
    return 2;
  }
  if (access(dest, F_OK) == 0) {
    fprintf(stderr, "advisord backup: %s exists already; name a new file\n", dest);
    return 2;
  }
  if (access(db, R_OK) != 0) {
    fprintf(stderr, "advisord backup: cannot read the database %s: %s\n", db, strerror(errno));
    return 1;
  }
  char tmp[4200], why[600] = "";
  snprintf(tmp, sizeof tmp, "%s.partial-%d", dest, (int)getpid());
  int version = -1;
  bool ok = store_backup_copy(db, tmp, &version, why, sizeof why);
  if (!ok)
    fprintf(stderr, "advisord backup: %s\n", why);
  ok = ok && sync_file(tmp) && rename(tmp, dest) == 0;
  if (!ok) {
    unlink(tmp);
    return 1;
  }
  printf("backup: %s\nschema version: %d\nintegrity: ok\n"
         "Back up the secret key too, apart from it: %s (without the key, open invitation "
         "links stop working)\n",
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
  const char *src = argv[0], *db = store_url_file(cfg->db);
  if (!db) {
    fprintf(stderr, "advisord restore: %s is a PostgreSQL database: restore it with "
                    "pg_restore\n", cfg->db);
    return 2;
  }
  char why[600] = "";
  int version = -1, known = store_schema_version_known(), rc = 0;
  enum store_backup_check check = store_backup_inspect(src, &version, why, sizeof why);
  if (check != BACKUP_OK) {
    fprintf(stderr, "advisord restore: %s\n", why);
    rc = 2;
  } else if (version > known) {
    fprintf(stderr, "advisord restore: %s has schema version %d, newer than this advisord "
                    "knows (%d): restore it with the advisord that made it\n", src, version, known);
    rc = 2;
  }
  int guard = -1;
  if (rc == 0) {
    guard = open(db, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (guard < 0 || flock(guard, LOCK_EX | LOCK_NB) != 0) {
      fprintf(stderr, "advisord restore: %s: %s\n", db,
              guard < 0 ? strerror(errno)
                        : "a server is running on this database; stop it first");
      rc = 1;
    }
  }
  if (rc == 0 && !store_backup_restore(src, db, why, sizeof why)) {
    fprintf(stderr, "advisord restore: %s\n", why);
    rc = 1;
  }
  if (guard >= 0)
    close(guard); /* after SQLite closed its own descriptors (POSIX locks are per process) */
  if (rc == 0)
    printf("restored: %s from %s\nschema version: %d (the next start migrates it to %d)\n"
           "The secret key %s must be the one kept with this backup.\n",
           cfg->db, src, version, known, cfg->secret_file);
  return rc;
}
