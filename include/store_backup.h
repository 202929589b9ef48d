/* store_backup.h - copies of the SQLite database file with SQLite's online backup API, for
 * `advisord backup` and `restore` (src/admin/backup.c). This is the SQLite engine's own
 * feature: a PostgreSQL deployment backs up with pg_dump. Each call opens connections of its
 * own to the files it names (no struct store); on failure it says why in plain words. */
#ifndef ADVISORD_STORE_BACKUP_H
#define ADVISORD_STORE_BACKUP_H

#include <stdbool.h>
#include <stddef.h>

/* Copies the database at db_path into dest_path (a new file) in one step, so that the copy is
 * one consistent snapshot even while other processes write (WAL: the reader blocks nobody);
 * checks the copy with PRAGMA integrity_check and makes it one self-contained file (rollback
 * journal, no -wal). *version: the copy's schema version. */
bool store_backup_copy(const char *db_path, const char *dest_path, int *version, char *why,
                       size_t len);

enum store_backup_check { BACKUP_OK, BACKUP_NOT_ADVISORD, BACKUP_DAMAGED };
/* Looks at a backup: an advisord database (*version: its schema version) that passes
 * integrity_check? */
enum store_backup_check store_backup_inspect(const char *path, int *version, char *why,
                                             size_t len);

/* Copies the backup at src_path over the database at db_path (created when missing) through
 * SQLite, so that the target's WAL stays coherent, and checks the result. The caller makes
 * sure nothing else uses db_path. */
bool store_backup_restore(const char *src_path, const char *db_path, char *why, size_t len);

#endif
