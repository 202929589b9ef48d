/* sqlite_commit.c - the storage limit for bench/run.sh: one-row write transactions
 * (BEGIN IMMEDIATE; INSERT; COMMIT) per second on one SQLite connection with advisord's pragmas
 * (WAL, synchronous=NORMAL, foreign_keys=ON, a busy timeout): a small row in a table with an
 * integer key and no index, the cheapest commit SQLite makes on this disk (issue 12's baseline).
 * Usage: sqlite_commit DBFILE N   (DBFILE is replaced). Prints "N commits in S s: R commits/s". */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int must(sqlite3 *db, int rc, const char *what)
{
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    fprintf(stderr, "sqlite_commit: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
  }
  return rc;
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: sqlite_commit DBFILE N\n");
    return 2;
  }
  const char *path = argv[1];
  int n = atoi(argv[2]);
  char side[4096];
  remove(path);
  snprintf(side, sizeof side, "%s-wal", path);
  remove(side);
  snprintf(side, sizeof side, "%s-shm", path);
  remove(side);
  sqlite3 *db;
  must(db, sqlite3_open(path, &db), "open");
  sqlite3_busy_timeout(db, 5000);
  must(db,
       sqlite3_exec(db,
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    "CREATE TABLE t(id INTEGER PRIMARY KEY, office INTEGER NOT NULL, "
                    "state TEXT NOT NULL, body TEXT NOT NULL);",
                    NULL, NULL, NULL),
       "schema");
  sqlite3_stmt *ins;
  must(db,
       sqlite3_prepare_v2(db, "INSERT INTO t(office, state, body) VALUES(?1, 'invited', ?2)", -1,
                          &ins, NULL),
       "prepare");
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < n; i++) {
    must(db, sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), "begin");
    sqlite3_bind_int(ins, 1, i % 100);
    sqlite3_bind_text(ins, 2, "{\"variant\":\"smart\",\"invoice_recipient\":\"office\","
                              "\"agreement_period_months\":12,\"language\":\"sv\"}",
                      -1, SQLITE_STATIC);
    must(db, sqlite3_step(ins), "insert");
    sqlite3_reset(ins);
    must(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
  printf("%d commits in %.3f s: %.0f commits/s\n", n, s, n / s);
  sqlite3_finalize(ins);
  sqlite3_close(db);
  return 0;
}
