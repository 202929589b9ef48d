/* test_read_held.c - an HTTP worker keeps its read transaction from one request to the next
 * while nothing is committed (src/store/sqlite_hold.c). Two things that must hold with it, on a
 * server with one worker thread:
 * - Fresh reads under load: while three clients keep the worker busy with reads (so that it
 *   seldom waits, and its kept transaction goes on from request to request), another process
 *   commits a change of a customer's name; a read right after that commit shows the new name,
 *   every time (a kept transaction reused without checking that nothing was committed would
 *   answer with the old one).
 * - An idle worker holds nothing: once the reads stop, changes committed by another process can
 *   all be copied into the database by a checkpoint (a reader that still held its transaction
 *   from before them would stop the checkpoint before their frames). */
#include "fixtures.h"
#include "harness.h"
#include "testlib.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testdb.h"

TEST_MAIN_DEFS

#define LOADERS 3
#define ROUNDS 40

static struct server s;
static char office[FX_ID_LEN], token[FX_TOKEN_LEN], path[120];
static atomic_bool stop;
static atomic_long loads;

static void *load(void *arg)
{
  (void)arg;
  while (!atomic_load(&stop)) {
    struct resp r;
    if (api(&s, "GET", path, token, NULL, &r) && r.status == 200)
      atomic_fetch_add(&loads, 1);
    resp_free(&r);
  }
  return NULL;
}

/* The customer's name as the server reads it now ("" when the read failed). */
static void read_name(char *out, size_t len)
{
  struct resp r;
  out[0] = '\0';
  if (api(&s, "GET", path, token, NULL, &r) && r.status == 200 && resp_str(&r, "name"))
    snprintf(out, len, "%s", resp_str(&r, "name"));
  resp_free(&r);
}

static bool rename_customer(sqlite3 *db, const char *id, const char *name)
{
  sqlite3_stmt *st = NULL;
  bool ok = sqlite3_prepare_v2(db, "UPDATE customers SET name = ?1 WHERE id = ?2", -1, &st,
                               NULL) == SQLITE_OK;
  ok = ok && sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) == SQLITE_OK &&
       sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC) == SQLITE_OK &&
       sqlite3_step(st) == SQLITE_DONE && sqlite3_changes(db) == 1;
  sqlite3_finalize(st);
  return ok;
}

/* PRAGMA wal_checkpoint(PASSIVE): whether every frame of the log is in the database now. */
static bool all_copied(sqlite3 *db, int *log, int *copied)
{
  sqlite3_stmt *st = NULL;
  bool done = false;
  if (sqlite3_prepare_v2(db, "PRAGMA wal_checkpoint(PASSIVE)", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    *log = sqlite3_column_int(st, 1);
    *copied = sqlite3_column_int(st, 2);
    done = sqlite3_column_int(st, 0) == 0 && *log == *copied;
  }
  sqlite3_finalize(st);
  return done;
}

int main(void)
{
  if (testdb_pg()) {
    printf("a kept SQLite read transaction: not a PostgreSQL test\n");
    return TESTDB_SKIP;
  }
  const char *args[] = {"--threads", "1", NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Byrå Läs AB", "5560360793", "info@byra-las.se", office, token);
  struct resp r;
  char id[FX_ID_LEN] = "";
  CHECK(api(&s, "POST", "/v1/customers", token,
            "{\"corporate_id\":\"556700-0012\",\"name\":\"Namn 0\",\"email\":\"a@b.se\"}", &r));
  CHECK_INT(r.status, 201);
  if (resp_str(&r, "id"))
    snprintf(id, sizeof id, "%s", resp_str(&r, "id"));
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/customers/%s", id);

  sqlite3 *db = NULL;
  CHECK(sqlite3_open(s.db, &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);

  pthread_t th[LOADERS];
  for (int i = 0; i < LOADERS; i++)
    pthread_create(&th[i], NULL, load, NULL);
  while (atomic_load(&loads) < 50)
    usleep(1000);
  int stale = 0;
  for (int k = 1; k <= ROUNDS; k++) {
    char want[32], got[64];
    snprintf(want, sizeof want, "Namn %d", k);
    CHECK(rename_customer(db, id, want));
    read_name(got, sizeof got);
    if (strcmp(got, want) != 0) {
      stale++;
      printf("round %d: read \"%s\" right after \"%s\" was committed\n", k, got, want);
    }
  }
  atomic_store(&stop, true);
  for (int i = 0; i < LOADERS; i++)
    pthread_join(th[i], NULL);
  printf("%d rounds under %ld reads of load: %d stale reads\n", ROUNDS, atomic_load(&loads),
         stale);
  CHECK_INT(stale, 0);

  /* the worker now waits; another process commits, and a checkpoint copies all of it */
  for (int k = 0; k < 20; k++) {
    char name[32];
    snprintf(name, sizeof name, "Vilande %d", k);
    CHECK(rename_customer(db, id, name));
  }
  int log = -1, copied = -1;
  bool done = false;
  for (int i = 0; i < 100 && !(done = all_copied(db, &log, &copied)); i++)
    usleep(20 * 1000);
  printf("checkpoint after the worker went idle: %d of %d frames copied\n", copied, log);
  CHECK_MSG(done, "a checkpoint copied %d of the log's %d frames: a reader still holds an "
                  "older snapshot", copied, log);
  sqlite3_close(db);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
