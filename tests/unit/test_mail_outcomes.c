/* Unit test of the mailer's queued outcomes (src/mail/outcomes.c) when their write fails
 * without running: another connection holds SQLite's write lock longer than a queued write
 * waits, so the store reports the write failed before its callback ran. The outcomes it was
 * queued for must go to the retries, later ones must get a write of their own, and
 * outcomes_finish must return (it waited forever before the fix). */
#include "outcomes.h"
#include "store.h"
#include "testlib.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

TEST_MAIN_DEFS

static struct mail_outcomes outcomes;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static bool finished;

static void *finish(void *arg)
{
  (void)arg;
  outcomes_finish(&outcomes);
  pthread_mutex_lock(&mu);
  finished = true;
  pthread_cond_signal(&done_cond);
  pthread_mutex_unlock(&mu);
  return NULL;
}

int main(void)
{
  char dir[] = "/tmp/advisord-outcomes-XXXXXX";
  if (!mkdtemp(dir))
    return 2;
  char path[256], url[300], why[256];
  snprintf(path, sizeof path, "%s/db", dir);
  snprintf(url, sizeof url, "sqlite:%s", path);
  struct store *store = store_open(url, true, why, sizeof why);
  CHECK_MSG(store != NULL, "store_open: %s", why);
  if (!store)
    return TEST_REPORT();
  store_start_threads(store);
  sqlite3 *other;
  CHECK(sqlite3_open(path, &other) == SQLITE_OK);
  CHECK(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);

  outcomes_init(&outcomes, store);
  struct finish_arg f = {.id = "00000000-0000-7000-8000-000000000001",
                         .decision = MAIL_MARK_SENT, .error = ""};
  outcomes_record(&outcomes, &f);
  sleep(4); /* longer than a queued write waits for the lock */
  CHECK(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL) == SQLITE_OK);
  pthread_mutex_lock(&outcomes.mu);
  CHECK_MSG(!outcomes.queued && !outcomes.pending, "the failed write left queued=%d pending=%p",
            outcomes.queued, (void *)outcomes.pending);
  pthread_mutex_unlock(&outcomes.mu);

  f.id = "00000000-0000-7000-8000-000000000002"; /* a write of its own, not a join */
  outcomes_record(&outcomes, &f);
  pthread_t t;
  CHECK(pthread_create(&t, NULL, finish, NULL) == 0);
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += 20;
  pthread_mutex_lock(&mu);
  while (!finished && pthread_cond_timedwait(&done_cond, &mu, &until) == 0)
    ;
  bool ok = finished;
  pthread_mutex_unlock(&mu);
  CHECK_MSG(ok, "outcomes_finish did not return within 20 s");
  if (!ok)
    return TEST_REPORT(); /* the thread still waits: do not tear down under it */
  pthread_join(t, NULL);
  sqlite3_close(other);
  store_close(store);
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return TEST_REPORT();
}
