/* advisord backup / restore. A backup taken while 4 clients keep creating customers and tasks
 * passes PRAGMA integrity_check, is one file (no WAL beside it) and holds every write the server
 * acknowledged before the backup began. restore refuses while the server runs on the database,
 * refuses a backup with a newer schema and a file that is not a backup, and, with the server
 * stopped, puts the backup's content back (the writes after the backup are gone again). */
#include "fixtures.h"
#include "harness.h"
#include "testdb.h"
#include "testlib.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define CLIENTS 4
#define MAX_ACKED 20000

static struct server s;
static char token[FX_TOKEN_LEN];
static atomic_int next_number;
static atomic_bool stop;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char acked[MAX_ACKED][FX_ID_LEN]; /* customers and tasks, in the order acknowledged */
static int n_acked;

static void ack(const char *id)
{
  pthread_mutex_lock(&mu);
  if (n_acked < MAX_ACKED)
    snprintf(acked[n_acked++], FX_ID_LEN, "%s", id);
  pthread_mutex_unlock(&mu);
}

static int acked_now(void)
{
  pthread_mutex_lock(&mu);
  int n = n_acked;
  pthread_mutex_unlock(&mu);
  return n;
}

/* A valid organisation number "559NNN-NNNC" for n (Luhn check digit C). */
static void corporate_id(int n, char *out)
{
  char d[11];
  snprintf(d, sizeof d, "559%06d", n);
  int sum = 0;
  for (int i = 0; i < 9; i++) {
    int v = (d[i] - '0') * (i % 2 == 0 ? 2 : 1);
    sum += v / 10 + v % 10;
  }
  snprintf(out, 12, "%.6s-%.3s%d", d, d + 6, (10 - sum % 10) % 10);
}

static bool create(const char *path, const char *body, char *id)
{
  struct resp r;
  bool ok = api(&s, "POST", path, token, body, &r) && r.status == 201 && resp_str(&r, "id");
  if (ok)
    snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id"));
  else if (r.status != 503)
    CHECK_MSG(false, "POST %s: %ld %s", path, r.status, r.body ? r.body : "");
  resp_free(&r);
  return ok;
}

static void *client(void *arg)
{
  (void)arg;
  while (!atomic_load(&stop)) {
    int n = atomic_fetch_add(&next_number, 1);
    char cid[12], body[256], path[128], customer[FX_ID_LEN], task[FX_ID_LEN];
    corporate_id(n, cid);
    snprintf(body, sizeof body, "{\"corporate_id\":\"%s\",\"name\":\"Kund %d AB\",\"email\":"
             "\"ekonomi%d@kund.se\"}", cid, n, n);
    if (!create("/v1/customers", body, customer))
      continue;
    ack(customer);
    snprintf(path, sizeof path, "/v1/customers/%s/tasks", customer);
    if (create(path, "{\"name\":\"L\xc3\xb6pande bokf\xc3\xb6ring\"}", task))
      ack(task);
  }
  return NULL;
}

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
  pthread_t t[CLIENTS];
  for (int i = 0; i < CLIENTS; i++)
    pthread_create(&t[i], NULL, client, NULL);
  while (acked_now() < 200)
    usleep(10 * 1000);

  /* The backup, under load: every write acknowledged before it began must be in it. */
  char backup[400], arg[400];
  snprintf(backup, sizeof backup, "%s/backup.db", s.dir);
  int before = acked_now();
  const char *cmd[] = {"backup", backup, NULL};
  char *out = NULL;
  CHECK_INT(run_cli(&s, cmd, &out), 0);
  int after = acked_now();
  CHECK_MSG(out && strstr(out, "integrity: ok"), "backup said: %s", out ? out : "");
  free(out);
  usleep(300 * 1000);
  int later = acked_now();
  atomic_store(&stop, true);
  for (int i = 0; i < CLIENTS; i++)
    pthread_join(t[i], NULL);
  fprintf(stderr, "backup: %d writes acknowledged before it began, %d by its end, %d when the "
                  "clients stopped\n", before, after, later);
  CHECK_MSG(later > after, "the clients kept writing after the backup (%d, %d)", after, later);

  CHECK_INT(count_sql(backup, "PRAGMA integrity_check", NULL), 1);
  char wal[420];
  snprintf(wal, sizeof wal, "%s-wal", backup);
  CHECK_MSG(access(wal, F_OK) != 0, "%s exists: the backup is not one file", wal);
  int missing = 0;
  for (int i = 0; i < before; i++)
    if (count_sql(backup, FIND, acked[i]) != 1)
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
    if (count_sql(s.db, FIND, acked[i]) != 1)
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
