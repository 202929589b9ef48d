/* The rules of a read transaction kept from one snapshot to the next (src/store/sqlite_hold.c),
 * on one connection, step by step. A snapshot's function notes whether a read transaction was
 * already open when it began (a kept one, used again) and, after the snapshot, whether one is
 * still open (kept):
 * - only on a thread whose waits run its idle hook (thread_idle_mark): elsewhere none is kept;
 * - kept, and used by the next snapshot while nothing is committed;
 * - not used after another process committed (the next snapshot reads the new row);
 * - not kept while a checkpoint runs (sq_ckpt_begin / sq_ckpt_end), and one kept before it is
 *   let go at the next snapshot; the same once a lock was waited for (sq_readers_let_go);
 * - ended by the thread's idle hook, and by any use of the connection outside a snapshot.
 * SQLite only (PostgreSQL keeps none). */
#include "db.h"
#include "sqlite_engine.h"
#include "store_identity.h"
#include "testdb.h"
#include "testlib.h"
#include "thread_idle.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

TEST_MAIN_DEFS

static char url[400];
static struct store *st;

struct seen {
  struct sq_conn *c;
  bool open_at_start; /* a read transaction was open as the snapshot's function began */
  long offices;
};

static void count_offices(void *arg)
{
  struct seen *s = arg;
  struct store_conn *c = store_conn(st);
  s->c = (struct sq_conn *)c;
  s->open_at_start = sqlite3_txn_state(s->c->db, "main") == SQLITE_TXN_READ;
  struct db_stmt *q = db_stmt(c, "SELECT count(*) FROM offices");
  s->offices = q && db_step_row(c, q) == STORE_OK ? (long)db_col_int64(q, 0) : -1;
  db_reset(q);
}

/* One snapshot: whether it used a kept transaction (*reused), and whether one is kept after it;
 * the offices it counted into *offices (may be NULL). */
static bool snap(bool *reused, long *offices)
{
  struct seen s = {0};
  store_snapshot(st, count_offices, &s);
  *reused = s.open_at_start;
  if (offices)
    *offices = s.offices;
  return s.c && s.c->held && sqlite3_txn_state(s.c->db, "main") == SQLITE_TXN_READ;
}

static void *unmarked_thread(void *arg)
{
  bool *kept = arg, reused;
  *kept = snap(&reused, NULL) || snap(&reused, NULL);
  store_conn_release(st);
  return NULL;
}

int main(int argc, char **argv)
{
  int other = testdb_other_main(argc, argv);
  if (other >= 0)
    return other;
  if (testdb_pg()) {
    printf("read transactions kept between snapshots: SQLite only\n");
    return TESTDB_SKIP;
  }
  char dir[] = "/tmp/advisord-readheld-XXXXXX";
  st = testdb_store_temp(dir, url, sizeof url);
  struct sq_store *sq = (struct sq_store *)st;
  struct office office;
  CHECK_INT(store_office_create(store_conn(st), "5560360793", "A", "a@a.se", &office),
            STORE_OK);
  bool reused;
  long n;

  /* a thread whose waits run no idle hook keeps none */
  bool kept_elsewhere = true;
  pthread_t t;
  CHECK(pthread_create(&t, NULL, unmarked_thread, &kept_elsewhere) == 0);
  pthread_join(t, NULL);
  CHECK(!kept_elsewhere);
  CHECK(!snap(&reused, NULL));

  thread_idle_mark();
  CHECK(snap(&reused, &n));
  CHECK(!reused);
  CHECK_INT(n, 1);
  CHECK(thread_idle_pending());
  CHECK(snap(&reused, &n)); /* nothing committed: used again, and kept */
  CHECK(reused);

  /* another process commits: the next snapshot begins anew and sees it */
  CHECK(testdb_exec_other(url, "INSERT INTO offices (id, corporate_id, name, email, created_at) "
                               "VALUES ('o2', :p0, 'B', 'b@b.se', '2026-01-01T00:00:00Z')",
                          "5560360794"));
  CHECK(snap(&reused, &n));
  CHECK(!reused);
  CHECK_INT(n, 2);
  CHECK(snap(&reused, NULL));
  CHECK(reused);

  /* a checkpoint runs: the kept one is let go, none is kept until it ends */
  sq_ckpt_begin(sq);
  CHECK(!snap(&reused, NULL));
  CHECK(!reused);
  CHECK(!snap(&reused, NULL));
  CHECK(!reused);
  sq_ckpt_end(sq);
  CHECK(snap(&reused, NULL));
  CHECK(!reused);
  CHECK(snap(&reused, NULL));
  CHECK(reused);

  /* a lock was waited for: let go at the next snapshot, which keeps its own */
  sq_readers_let_go(sq);
  CHECK(snap(&reused, NULL));
  CHECK(!reused);
  CHECK(snap(&reused, NULL));
  CHECK(reused);

  /* the idle hook ends it */
  thread_idle_run();
  CHECK(!thread_idle_pending());
  CHECK(snap(&reused, NULL));
  CHECK(!reused);

  /* so does the connection's use outside a snapshot */
  struct sq_conn *c = (struct sq_conn *)store_conn(st);
  CHECK(!c->held);
  CHECK(sqlite3_txn_state(c->db, "main") == SQLITE_TXN_NONE);
  CHECK(!thread_idle_pending());
  CHECK(snap(&reused, NULL));
  CHECK(!reused);

  thread_idle_run();
  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
