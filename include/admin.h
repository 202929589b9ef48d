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

#endif
