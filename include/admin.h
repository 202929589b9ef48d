/* admin.h - `advisord admin ...`: command-line administration on the database named by
 * --db/ADVISORD_DB (safe while the server runs: every command is one transaction). */
#ifndef ADVISORD_ADMIN_H
#define ADVISORD_ADMIN_H

#include "config.h"
#include "store.h"

/* Opens (and migrates) the database of cfg; NULL with a message on standard error. */
typedef struct store *(*admin_open_fn)(const struct config *cfg);

/* Runs the admin subcommand in argv[0] (argc counts it). Prints results on standard output
 * ("id: ..." lines, the token last as "token: ..."), problems on standard error.
 * Returns the exit code: 0 done, 2 bad input (nothing written), 1 database failure. */
int admin_main(const struct config *cfg, int argc, char **argv, admin_open_fn open_store);

/* `advisord backup FILE` (backup.c): a consistent copy of cfg->db, also while the server runs
 * and writes, checked with integrity_check, written whole or not at all; FILE must not exist.
 * 0 done, 2 bad input, 1 failure. */
int admin_backup(const struct config *cfg, int argc, char **argv);
/* `advisord restore FILE`: replaces cfg->db with the backup; refuses a backup that is broken or
 * has a newer schema than this binary (2), and a database a server runs on (1). */
int admin_restore(const struct config *cfg, int argc, char **argv);
/* For `serve`: a descriptor holding a shared flock on the SQLite database file for the server's
 * life, which keeps restore out; -1 (errno EWOULDBLOCK) while a restore runs; -2 for a
 * PostgreSQL URL (no file: nothing to hold). Close after the store (close(-2) does nothing). */
int admin_serve_guard(const char *db_url);

#endif
