/* test_db_lock.c - another process holds the database's write lock (BEGIN IMMEDIATE, as a
 * backup tool, the admin CLI or a second advisord may) while clients keep writing to a server
 * with two worker threads. /healthz and /readyz still answer at once (no worker may be held by
 * the waiting writes, and health touches no lock); each write gives up within a few seconds
 * with 503 and Retry-After; once the lock is let go, writes succeed again. */
#include "fixtures.h"
#include "harness.h"
#include "testlib.h"

#include <pthread.h>
#include <sqlite3.h>

#include "testdb.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define WRITERS 4

static struct server s;
static char office[FX_ID_LEN], token[FX_TOKEN_LEN];
static const char *const corporate_ids[WRITERS] = {"556700-0012", "556700-0020", "556700-0038",
                                                   "556700-0046"};

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct writer {
  int i;
  long status;
  bool retry_after;
  int64_t ms;
};

static void *write_customer(void *arg)
{
  struct writer *w = arg;
  char body[160];
  snprintf(body, sizeof body, "{\"corporate_id\":\"%s\",\"name\":\"Låst %d AB\",\"email\":\"a@b.se\"}",
           corporate_ids[w->i], w->i);
  struct resp r;
  int64_t t0 = now_ms();
  if (api(&s, "POST", "/v1/customers", token, body, &r)) {
    w->status = r.status;
    char v[16];
    w->retry_after = resp_header(&r, "retry-after", v, sizeof v);
  }
  resp_free(&r);
  w->ms = now_ms() - t0;
  return NULL;
}

/* Times one GET; returns its status (0: no answer). */
static long timed_get(const char *path, int64_t *ms)
{
  struct resp r;
  int64_t t0 = now_ms();
  long status = api(&s, "GET", path, NULL, NULL, &r) ? r.status : 0;
  *ms = now_ms() - t0;
  resp_free(&r);
  return status;
}

int main(void)
{
  if (testdb_pg()) {
    printf("SQLite's write lock held by another process: not a PostgreSQL test\n");
    return TESTDB_SKIP;
  }
  const char *args[] = {"--threads", "2", NULL};
  server_start(&s, args, NULL);
  fx_office(&s, "Byrå Lås AB", "5560360793", "info@byra-las.se", office, token);

  sqlite3 *db = NULL;
  CHECK(sqlite3_open(s.db, &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  CHECK(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);

  pthread_t th[WRITERS];
  struct writer w[WRITERS];
  for (int i = 0; i < WRITERS; i++) {
    w[i] = (struct writer){.i = i};
    pthread_create(&th[i], NULL, write_customer, &w[i]);
  }
  usleep(300 * 1000); /* the writes are waiting for the lock now */
  for (int k = 0; k < 3; k++) {
    int64_t ms;
    long st = timed_get("/healthz", &ms);
    printf("healthz while %d writes wait: %ld in %lld ms\n", WRITERS, st, (long long)ms);
    CHECK_INT(st, 200);
    CHECK_MSG(ms < 1000, "/healthz took %lld ms with the database locked", (long long)ms);
    st = timed_get("/readyz", &ms);
    printf("readyz while %d writes wait: %ld in %lld ms\n", WRITERS, st, (long long)ms);
    CHECK_INT(st, 200);
    CHECK_MSG(ms < 1000, "/readyz took %lld ms with the database locked", (long long)ms);
  }
  for (int i = 0; i < WRITERS; i++) {
    pthread_join(th[i], NULL);
    printf("write %d: %ld after %lld ms\n", i, w[i].status, (long long)w[i].ms);
    CHECK_INT(w[i].status, 503);
    CHECK(w[i].retry_after);
    CHECK_MSG(w[i].ms < 10000, "write %d waited %lld ms", i, (long long)w[i].ms);
  }

  CHECK(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK);
  sqlite3_close(db);
  for (int i = 0; i < WRITERS; i++) {
    write_customer(&w[i]);
    CHECK_INT(w[i].status, 201);
  }
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
