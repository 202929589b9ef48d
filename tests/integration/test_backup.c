/* advisord backup / restore. A backup taken while 4 clients keep creating customers and tasks
 * passes PRAGMA integrity_check, is one file (no WAL beside it) and holds every write the server
 * acknowledged before the backup began. restore refuses while the server runs on the database,
 * refuses a backup with a newer schema and a file that is not a backup, and, with the server
 * stopped, puts the backup's content back (the writes after the backup are gone again). */
#include "harness.h"
#include "load_fx.h"
#include "testdb.h"
#include "testlib.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define CLIENTS 4

static struct server s;
static char token[FX_TOKEN_LEN];
static struct load L = LOAD_INIT; /* customers and tasks, in the order acknowledged */

static long count_sql(const char *db_path, const char *sql, const char *param)
{
  sqlite3 *db = NULL;
  long n = -1;
  if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
      if (param)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_type(st, 0) == SQLITE_TEXT
                ? (strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0 ? 1 : 0)
                : sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

static bool exec_sql(const char *db_path, const char *sql)
{
  sqlite3 *db = NULL;
  bool ok = sqlite3_open(db_path, &db) == SQLITE_OK &&
            sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
  sqlite3_close(db);
  return ok;
}

static const char *const FIND =
    "SELECT (SELECT count(*) FROM customers WHERE id = ?1) + (SELECT count(*) FROM tasks "
    "WHERE id = ?1)";

int main(void)
{
  if (testdb_pg()) {
    fprintf(stderr, "backup and restore are SQLite's (a PostgreSQL deployment uses pg_dump): "
                    "skipped on PostgreSQL\n");
    return TESTDB_SKIP;
  }
  server_start(&s, NULL, NULL);
  char office[FX_ID_LEN];
  fx_office(&s, "Byr\xc3\xa5 Ett AB", "556036-0793", "info@byra-ett.se", office, token);
  L.to[0] = &s;
  L.token = token;
  L.prefix = "559";
  load_begin(&L, CLIENTS);
  while (load_acked(&L) < 200)
    usleep(10 * 1000);

  /* The backup, under load: every write acknowledged before it began must be in it. */
  char backup[400], arg[400];
  snprintf(backup, sizeof backup, "%s/backup.db", s.dir);
  int before = load_acked(&L);
  const char *cmd[] = {"backup", backup, NULL};
  char *out = NULL;
  CHECK_INT(run_cli(&s, cmd, &out), 0);
  int after = load_acked(&L);
  CHECK_MSG(out && strstr(out, "integrity: ok"), "backup said: %s", out ? out : "");
  free(out);
  /* the clients go on writing: the next write acknowledged (up to 10 s on a slow machine) */
  int later = load_acked(&L);
  for (int waited = 0; later <= after && waited < 10000; waited += 20) {
    usleep(20 * 1000);
    later = load_acked(&L);
  }
  load_end(&L);
  fprintf(stderr, "backup: %d writes acknowledged before it began, %d by its end, %d when the "
                  "clients stopped\n", before, after, later);
  CHECK_MSG(later > after, "the clients kept writing after the backup (%d, %d)", after, later);

  CHECK_INT(count_sql(backup, "PRAGMA integrity_check", NULL), 1);
  char wal[420];
  snprintf(wal, sizeof wal, "%s-wal", backup);
  CHECK_MSG(access(wal, F_OK) != 0, "%s exists: the backup is not one file", wal);
  int missing = 0;
  for (int i = 0; i < before; i++)
    if (count_sql(backup, FIND, L.acked[i].id) != 1)
      missing++;
  CHECK_MSG(missing == 0, "%d of %d acknowledged writes are missing from the backup", missing,
            before);
  long in_backup = count_sql(backup, "SELECT count(*) FROM customers", NULL);
  CHECK(in_backup >= 1);

  /* A second backup to the same name is refused and leaves the first as it was. */
  CHECK_INT(run_cli(&s, cmd, NULL), 2);
  CHECK_INT(count_sql(backup, "SELECT count(*) FROM customers", NULL), in_backup);

  /* restore while the server runs: refused, nothing changed. */
  long live = count_sql(s.db, "SELECT count(*) FROM customers", NULL);
  CHECK(live > in_backup);
  const char *restore[] = {"restore", backup, NULL};
  CHECK_INT(run_cli(&s, restore, NULL), 1);
  CHECK_INT(count_sql(s.db, "SELECT count(*) FROM customers", NULL), live);

  /* A newer schema, and a file that is not a backup: refused. */
  char newer[400];
  snprintf(newer, sizeof newer, "%s/newer.db", s.dir);
  const char *cmd2[] = {"backup", newer, NULL};
  CHECK_INT(run_cli(&s, cmd2, NULL), 0);
  CHECK(exec_sql(newer, "INSERT INTO schema_migrations (version, name, applied_at) "
                        "VALUES (99999, 'from the future', '2030-01-01')"));
  snprintf(arg, sizeof arg, "%s", newer);
  const char *restore_newer[] = {"restore", arg, NULL};
  CHECK_INT(server_stop(&s, true), 0);
  CHECK_INT(run_cli(&s, restore_newer, NULL), 2);
  char junk[400];
  snprintf(junk, sizeof junk, "%s/junk.db", s.dir);
  FILE *f = fopen(junk, "w");
  if (f) {
    fputs("not a database at all, just text long enough to be read as a header.....", f);
    fclose(f);
  }
  const char *restore_junk[] = {"restore", junk, NULL};
  CHECK_INT(run_cli(&s, restore_junk, NULL), 2);
  CHECK_INT(count_sql(s.db, "SELECT count(*) FROM customers", NULL), live);

  /* The server stopped: restore puts the backup back; what came after it is gone. */
  CHECK_INT(run_cli(&s, restore, NULL), 0);
  CHECK_INT(count_sql(s.db, "SELECT count(*) FROM customers", NULL), in_backup);
  CHECK_INT(count_sql(s.db, "PRAGMA integrity_check", NULL), 1);
  missing = 0;
  for (int i = 0; i < before; i++)
    if (count_sql(s.db, FIND, L.acked[i].id) != 1)
      missing++;
  CHECK_INT(missing, 0);
  /* and the server starts on it */
  const char *migrate[] = {"migrate", NULL};
  CHECK_INT(run_cli(&s, migrate, NULL), 0);

  char rm[400];
  snprintf(rm, sizeof rm, "rm -rf %s", s.dir);
  CHECK(system(rm) == 0);
  return TEST_REPORT();
}
