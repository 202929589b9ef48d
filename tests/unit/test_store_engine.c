/* The store engine's conformance suite (in the spirit of GNU Taler's test_exchangedb): what
 * every engine behind db.h must do the same way, run on SQLite by ctest and on PostgreSQL by
 * scripts/test.sh's second pass (ADVISORD_TEST_PG). Column readers (NULL, 64-bit integers,
 * booleans, UTF-8); a statement handed out again from its start with no binding, however its
 * last user left it; a named parameter used twice and bound NULL; RETURNING; changes; a unique
 * violation is STORE_CONFLICT and leaves the transaction usable; a refusal rolls back all of
 * the transaction; concurrent read-modify-writes lose no update (serializable, retried); the
 * outbox claim from several threads never hands out one row twice; a lookup by bytes that are
 * not UTF-8 finds nothing; store_snapshot runs its function once, SQLite's in one read
 * transaction; both engines' migrations reach the same schema version. */
#include "db.h"
#include "store_outbox.h"
#include "testdb.h"
#include "testlib.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define THREADS 6
#define INCREMENTS 40
#define MAILS 120

static struct store *st;

static long long one_int(const char *sql)
{
  struct store_conn *c = store_conn(st);
  struct db_stmt *s = db_stmt(c, sql);
  long long v = s && db_step_row(c, s) == STORE_OK ? db_col_int64(s, 0) : -1;
  db_reset(s);
  return v;
}

static void readers(void)
{
  struct store_conn *c = store_conn(st);
  struct db_stmt *s = db_stmt(c, "SELECT NULL, 1099511627776, 1 = 1, 1 = 0, 'Byrå Öst AB', "
                                 "CAST(:p AS TEXT)");
  CHECK(s != NULL);
  if (!s)
    return;
  db_bind_text(s, ":p", "x");
  CHECK_INT(db_step_row(c, s), STORE_OK);
  CHECK(db_col_null(s, 0));
  CHECK(db_col_str(s, 0) == NULL);
  CHECK_INT(db_col_int64(s, 0), 0);
  CHECK_INT(db_col_int64(s, 1), 1099511627776LL);
  CHECK(!db_col_null(s, 1));
  CHECK_INT(db_col_int(s, 2), 1);
  CHECK_INT(db_col_int(s, 3), 0);
  char buf[32];
  db_col_text(s, 4, buf, sizeof buf);
  CHECK_STR(buf, "Byrå Öst AB");
  CHECK_STR(db_col_str(s, 5), "x");
  CHECK_INT(db_step_row(c, s), STORE_NOT_FOUND);
}

/* A statement's text with three parameters: :a/:b/:c, "none" for :c unbound. */
static const char *three_params(struct store_conn *c, struct db_stmt *s)
{
  static char got[64];
  got[0] = '\0';
  if (s && db_step_row(c, s) == STORE_OK)
    db_col_text(s, 0, got, sizeof got);
  return got;
}

/* db_stmt hands a statement out from its start with no binding, however its last user left
 * it: reset, stepped to a row and left, or bound and never stepped; binds in any order find
 * their parameters (the engine looks after the last one found first). */
static void statement_reuse(void)
{
  struct store_conn *c = store_conn(st);
  const char *sql = "SELECT CAST(:a AS TEXT) || '/' || CAST(:b AS TEXT) || '/' || "
                    "coalesce(CAST(:c AS TEXT), 'none')";
  struct db_stmt *s = db_stmt(c, sql);
  db_bind_text(s, ":a", "1");
  db_bind_text(s, ":b", "2");
  db_bind_text(s, ":c", "3");
  CHECK_STR(three_params(c, s), "1/2/3"); /* left on its row */
  s = db_stmt(c, sql);
  db_bind_text(s, ":c", "z");
  db_bind_text(s, ":a", "x");
  db_bind_text(s, ":b", "y");
  CHECK_STR(three_params(c, s), "x/y/z");
  db_reset(s);
  s = db_stmt(c, sql);
  db_bind_text(s, ":b", "q");
  db_bind_text(s, ":a", "p");
  CHECK_STR(three_params(c, s), "p/q/none");
  db_reset(s);
  s = db_stmt(c, sql);
  db_bind_text(s, ":c", "left"); /* bound, never stepped nor reset */
  s = db_stmt(c, sql);
  db_bind_text(s, ":a", "1");
  db_bind_text(s, ":b", "2");
  CHECK_STR(three_params(c, s), "1/2/none");
  db_reset(s);
}

struct tx_args {
  int step;
  enum store_status dup, after;
};

/* Inserts 1, then 1 again (a unique violation), then 2: the transaction goes on. */
static enum store_status conflict_tx(struct store_conn *c, void *arg)
{
  struct tx_args *a = arg;
  struct db_stmt *ins = db_stmt(c, "INSERT INTO conf_t (k, v, n) VALUES (:k, :v, 0)");
  db_bind_int(ins, ":k", 1);
  db_bind_text(ins, ":v", "one");
  enum store_status s = db_exec_stmt(c, ins);
  if (s != STORE_OK)
    return s;
  ins = db_stmt(c, "INSERT INTO conf_t (k, v, n) VALUES (:k, :v, 0)");
  db_bind_int(ins, ":k", 1);
  db_bind_text(ins, ":v", "again");
  a->dup = db_exec_stmt(c, ins);
  ins = db_stmt(c, "INSERT INTO conf_t (k, v, n) VALUES (:k, :v, 0)");
  db_bind_int(ins, ":k", 2);
  db_bind_null(ins, ":v");
  return a->after = db_exec_stmt(c, ins);
}

/* Changes both rows, then refuses: nothing of it may stay. */
static enum store_status abort_tx(struct store_conn *c, void *arg)
{
  struct tx_args *a = arg;
  enum store_status s = db_exec_stmt(c, db_stmt(c, "UPDATE conf_t SET n = 99"));
  a->step = db_changes(c);
  return s == STORE_OK ? STORE_ABORT : s;
}

static enum store_status returning_tx(struct store_conn *c, void *arg)
{
  long long *k = arg;
  struct db_stmt *s = db_stmt(c, "INSERT INTO conf_t (k, v, n) VALUES (:k, :v, 7) RETURNING k, n");
  db_bind_int(s, ":k", 3);
  db_bind_text(s, ":v", "three");
  enum store_status r = db_step_row(c, s);
  if (r == STORE_OK)
    *k = db_col_int64(s, 0) * 100 + db_col_int64(s, 1);
  db_reset(s);
  return r;
}

static void transactions(void)
{
  struct tx_args a = {0};
  CHECK_INT(store_write(st, conflict_tx, &a), STORE_OK);
  CHECK_INT(a.dup, STORE_CONFLICT);
  CHECK_INT(a.after, STORE_OK);
  CHECK_INT(one_int("SELECT count(*) FROM conf_t"), 2);
  CHECK_INT(one_int("SELECT count(*) FROM conf_t WHERE v = 'again'"), 0);
  CHECK_INT(store_write(st, abort_tx, &a), STORE_ABORT);
  CHECK_INT(a.step, 2);
  CHECK_INT(one_int("SELECT count(*) FROM conf_t WHERE n = 99"), 0);
  long long got = 0;
  CHECK_INT(store_write(st, returning_tx, &got), STORE_OK);
  CHECK_INT(got, 307);
  /* a parameter used twice, bound NULL and then a value */
  struct store_conn *c = store_conn(st);
  const char *sql = "SELECT count(*) FROM conf_t WHERE :v IS NULL OR v = :v";
  struct db_stmt *s = db_stmt(c, sql);
  db_bind_text(s, ":v", NULL);
  CHECK(db_step_row(c, s) == STORE_OK && db_col_int(s, 0) == 3);
  s = db_stmt(c, sql);
  db_bind_text(s, ":v", "three");
  CHECK(db_step_row(c, s) == STORE_OK && db_col_int(s, 0) == 1);
  db_reset(s);
  /* a lookup or update by text that is not UTF-8 (a client's bytes) matches nothing, and is
   * no error */
  s = db_stmt(c, "SELECT k FROM conf_t WHERE v = :v");
  db_bind_text(s, ":v", "\xff\xfe");
  CHECK_INT(db_step_row(c, s), STORE_NOT_FOUND);
  s = db_stmt(c, "UPDATE conf_t SET n = 5 WHERE v = :v");
  db_bind_text(s, ":v", "\xc3");
  CHECK_INT(db_exec_stmt(c, s), STORE_OK);
  CHECK_INT(db_changes(c), 0);
  /* a value bound in place (db_bind_text_kept) is what its step writes; the reset drops the
   * binding, so a later use of the statement never reads the buffer again */
  char kept[16];
  snprintf(kept, sizeof kept, "kept-%d", 4);
  const char *ins = "INSERT INTO conf_t (k, v, n) VALUES (:k, :v, 0)";
  s = db_stmt(c, ins);
  db_bind_int(s, ":k", 4);
  db_bind_text_kept(s, ":v", kept);
  CHECK_INT(db_exec_stmt(c, s), STORE_OK);
  snprintf(kept, sizeof kept, "changed");
  s = db_stmt(c, ins); /* :v not bound again: after the reset it must be NULL, not "changed" */
  db_bind_int(s, ":k", 5);
  CHECK_INT(db_exec_stmt(c, s), STORE_OK);
  CHECK_INT(one_int("SELECT count(*) FROM conf_t WHERE k = 4 AND v = 'kept-4'"), 1);
  CHECK_INT(one_int("SELECT count(*) FROM conf_t WHERE k = 5 AND v IS NULL"), 1);
  CHECK_INT(one_int("SELECT count(*) FROM conf_t WHERE v = 'changed'"), 0);
}

/* Reads the counter, then writes what it read plus one: a lost update if two interleave. */
static enum store_status increment_tx(struct store_conn *c, void *arg)
{
  struct db_stmt *s = db_stmt(c, "SELECT n FROM conf_t WHERE k = 1");
  enum store_status r = db_step_row(c, s);
  if (r != STORE_OK)
    return r;
  int64_t n = db_col_int64(s, 0);
  db_reset(s);
  s = db_stmt(c, "UPDATE conf_t SET n = :n WHERE k = 1");
  db_bind_int(s, ":n", n + 1);
  return db_exec_stmt(c, s);
}

static void *incrementer(void *arg)
{
  int *ok = arg;
  for (int i = 0; i < INCREMENTS; i++)
    *ok += store_write(st, increment_tx, NULL) == STORE_OK;
  store_conn_release(st);
  return NULL;
}

static void no_lost_update(void)
{
  CHECK(db_exec(store_conn(st), "UPDATE conf_t SET n = 0 WHERE k = 1") == STORE_OK);
  pthread_t th[THREADS];
  int ok[THREADS] = {0}, all = 0;
  for (int i = 0; i < THREADS; i++)
    pthread_create(&th[i], NULL, incrementer, &ok[i]);
  for (int i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    all += ok[i];
  }
  long long n = one_int("SELECT n FROM conf_t WHERE k = 1");
  printf("%s: %d of %d read-modify-writes acknowledged, counter %lld\n", store_engine_name(st),
         all, THREADS * INCREMENTS, n);
  CHECK(all > THREADS * INCREMENTS / 2);
  CHECK_INT(n, all); /* every acknowledged increment, and only those */
}

struct claimer {
  char (*ids)[40];
  int n;
};

static enum store_status claim_tx(struct store_conn *c, void *arg)
{
  struct outbox_row *r = arg;
  outbox_row_clear(r); /* a transaction run again (a lost race) claims afresh */
  return store_outbox_claim(c, util_now_ms(), 60000, r, NULL);
}

static void *claimer(void *arg)
{
  struct claimer *k = arg;
  struct outbox_row r = {0};
  enum store_status s;
  while ((s = store_write(st, claim_tx, &r)) == STORE_OK || s == STORE_BUSY)
    if (s == STORE_OK) {
      snprintf(k->ids[k->n++], 40, "%s", r.id);
      outbox_row_clear(&r);
    }
  store_conn_release(st);
  return NULL;
}

static enum store_status enqueue_tx(struct store_conn *c, void *arg)
{
  char id[40];
  for (int i = 0; i < MAILS; i++) {
    struct outbox_message m = {"a@example.se", "office_accepted", "sv", "{}", NULL};
    enum store_status s = store_outbox_enqueue(c, &m, id);
    if (s != STORE_OK)
      return s;
  }
  return STORE_OK;
}

static void claims_once(void)
{
  CHECK_INT(store_write(st, enqueue_tx, NULL), STORE_OK);
  static char ids[THREADS][MAILS][40];
  struct claimer k[THREADS];
  pthread_t th[THREADS];
  for (int i = 0; i < THREADS; i++) {
    k[i] = (struct claimer){ids[i], 0};
    pthread_create(&th[i], NULL, claimer, &k[i]);
  }
  int total = 0, twice = 0;
  for (int i = 0; i < THREADS; i++) {
    pthread_join(th[i], NULL);
    total += k[i].n;
  }
  for (int i = 0; i < THREADS; i++)
    for (int a = 0; a < k[i].n; a++)
      for (int j = i; j < THREADS; j++)
        for (int b = j == i ? a + 1 : 0; b < k[j].n; b++)
          twice += strcmp(ids[i][a], ids[j][b]) == 0;
  printf("%s: %d e-mails claimed by %d threads, %d twice\n", store_engine_name(st), total,
         THREADS, twice);
  CHECK_INT(total, MAILS);
  CHECK_INT(twice, 0);
}

/* ---- store_snapshot ---- */

struct snap {
  int calls;
  long long first, nested, after_write;
  enum store_status read;
};

static enum store_status count_tx(struct store_conn *c, void *arg)
{
  (void)c;
  *(long long *)arg = one_int("SELECT n FROM conf_t WHERE k = 2");
  return STORE_OK;
}

static enum store_status set_tx(struct store_conn *c, void *arg)
{
  struct db_stmt *s = db_stmt(c, "UPDATE conf_t SET n = :n WHERE k = 2");
  db_bind_int(s, ":n", *(long long *)arg);
  return db_exec_stmt(c, s);
}

static void *writer_thread(void *arg)
{
  long long n = 42;
  *(enum store_status *)arg = store_write(st, set_tx, &n);
  store_conn_release(st);
  return NULL;
}

/* Reads, lets another thread commit a change, reads again (in a nested store_read too). */
static void snapshot_fn(void *arg)
{
  struct snap *x = arg;
  x->calls++;
  x->first = one_int("SELECT n FROM conf_t WHERE k = 2");
  pthread_t th;
  enum store_status w = STORE_ERROR;
  pthread_create(&th, NULL, writer_thread, &w);
  pthread_join(th, NULL);
  CHECK_INT(w, STORE_OK);
  x->after_write = one_int("SELECT n FROM conf_t WHERE k = 2");
  x->read = store_read(st, count_tx, &x->nested);
}

static void snapshots(void)
{
  long long zero = 0;
  CHECK_INT(store_write(st, set_tx, &zero), STORE_OK);
  struct snap x = {0};
  store_snapshot(st, snapshot_fn, &x);
  CHECK_INT(x.calls, 1);
  CHECK_INT(x.first, 0);
  CHECK_INT(x.read, STORE_OK);
  /* SQLite: one read transaction, which does not see the commit made meanwhile; PostgreSQL:
   * each statement on its own (no transaction: it would cost round trips), which does */
  long long seen = strcmp(store_engine_name(st), "sqlite") == 0 ? 0 : 42;
  CHECK_INT(x.after_write, seen);
  CHECK_INT(x.nested, seen);
  /* the connection is out of the snapshot: reads and writes go on as before */
  CHECK_INT(one_int("SELECT n FROM conf_t WHERE k = 2"), 42);
  long long n = 0;
  CHECK_INT(store_read(st, count_tx, &n), STORE_OK);
  CHECK_INT(n, 42);
  CHECK_INT(store_write(st, set_tx, &zero), STORE_OK);
  CHECK_INT(one_int("SELECT n FROM conf_t WHERE k = 2"), 0);
}

int main(void)
{
  char dir[] = "/tmp/advisord-engine-XXXXXX", url[400];
  st = testdb_store_temp(dir, url, sizeof url);
  /* each engine's migrations end at the version this binary knows */
  CHECK_INT(store_schema_version(st), store_schema_version_known());
  CHECK(db_exec(store_conn(st), "CREATE TABLE conf_t (k INTEGER PRIMARY KEY, v TEXT, "
                                "n BIGINT NOT NULL)") == STORE_OK);
  readers();
  statement_reuse();
  transactions();
  no_lost_update();
  claims_once();
  snapshots();
  CHECK(testdb_store_temp_end(st, dir, url));
  return TEST_REPORT();
}
