/* migrate_fx.h - for the tests of a migration on SQLite: a database at an older schema version,
 * made from the repository's own migrations/ as migrate.c would have made it then. */
#ifndef ADVISORD_TEST_MIGRATE_FX_H
#define ADVISORD_TEST_MIGRATE_FX_H

#include "testlib.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int mfx_below; /* scandir's filter has no argument of its own */

static inline int mfx_by_name(const struct dirent **a, const struct dirent **b)
{
  return strcmp((*a)->d_name, (*b)->d_name);
}

static inline int mfx_pick(const struct dirent *d)
{
  return d->d_name[0] >= '0' && d->d_name[0] <= '9' && strstr(d->d_name, ".sql") &&
         atoi(d->d_name) < mfx_below;
}

/* Applies migrations/NNNN_*.sql numbered below `below` to db, in order, and records each in
 * schema_migrations, as migrate.c would have. */
static inline void mfx_build_below(sqlite3 *db, int below)
{
  struct dirent **names;
  mfx_below = below;
  int n = scandir(ADVISORD_SOURCE_DIR "/migrations", &names, mfx_pick, mfx_by_name);
  CHECK(n > 10);
  for (int i = 0; i < n; i++) {
    char path[512], rec[400];
    snprintf(path, sizeof path, ADVISORD_SOURCE_DIR "/migrations/%s", names[i]->d_name);
    FILE *f = fopen(path, "r");
    char *sql = calloc(1, 1 << 20);
    size_t len = f && sql ? fread(sql, 1, (1 << 20) - 1, f) : 0;
    if (f)
      fclose(f);
    char *err = NULL;
    CHECK_MSG(len > 0 && sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK, "%s: %s",
              names[i]->d_name, err ? err : "unreadable");
    sqlite3_free(err);
    snprintf(rec, sizeof rec, "INSERT INTO schema_migrations VALUES (%d, '%.200s', 'x')",
             atoi(names[i]->d_name), names[i]->d_name);
    CHECK(sqlite3_exec(db, rec, NULL, NULL, NULL) == SQLITE_OK);
    free(sql);
    free(names[i]);
  }
  free(names);
}

#endif
