/* Group commit (src/store/sqlite_tx.c): writes from many threads share transactions, and each
 * one still behaves as a transaction of its own. Eight threads run 400 writes each, at once:
 * - a write inserts its row and adds one to a shared counter; the counter must end equal to the
 *   number of writes that returned STORE_OK (no write lost or counted twice);
 * - every fifth write returns STORE_ABORT after writing, and every seventh fails on a duplicate
 *   key after writing (STORE_CONFLICT): none of their rows and none of their additions remain,
 *   while the writes batched with them do;
 * - each write carries 64 KiB, about 200 MiB of WAL frames in all: the WAL file must stay far
 *   below that (the checkpointer, and the restart between batches, sqlite_ckpt.c).
 * And a write still sees the writes committed before it started (read your own acknowledged
 * write): each thread reads back its previous row inside the next write.
 * Half the threads queue their writes with store_write_async (as a suspended POST does) and
 * wait for its done call: the same batches then mix both kinds, refusals included, and each
 * done gets its own write's status. Last, 300 async writes are queued without waiting and the
 * store is closed at once: the close waits for them, and each done is called once. Before
 * that, with one lock waiter allowed (store_set_lock_waiters), a waiting write queued behind
 * 150 slow async writes still waits its full turn: async writes hold no thread, so they do
 * not count as waiters (it would get STORE_BUSY after 0.1 s). */
#include "db.h"
#include "testdb.h"
#include "testlib.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define THREADS 8
#define WRITES 400
#define PAYLOAD 65536

static struct store *st;

struct job {
  int thread, i;
  bool saw_previous;
  struct waiter *w; /* an async write's */
};

static bool refused_by_abort(int i) { return i % 5 == 4; }
static bool refused_by_conflict(int i) { return i % 7 == 6 && !refused_by_abort(i); }

static enum store_status write_row(struct store_conn *c, void *arg)
{
  struct job *j = arg;
  static char payload[PAYLOAD + 1];
  if (!payload[0])
    memset(payload, 'x', PAYLOAD); /* the same bytes from every thread: a benign race */
  if (j->i > 0) {
    struct db_stmt *s = db_stmt(c, "SELECT count(*) FROM t WHERE k = :k");
    int prev = j->i - 1;
    while (prev > 0 && (refused_by_abort(prev) || refused_by_conflict(prev)))
      prev--;
    db_bind_int(s, ":k", j->thread * 10000 + prev);
    j->saw_previous = db_step_row(c, s) == STORE_OK && db_col_int(s, 0) == 1;
    db_reset(s);
  }
  struct db_stmt *ins = db_stmt(c, "INSERT INTO t (k, v) VALUES (:k, :v)");
  db_bind_int(ins, ":k", j->thread * 10000 + j->i);
  db_bind_text(ins, ":v", payload);
  enum store_status s = db_exec_stmt(c, ins);
  if (s == STORE_OK)
    s = db_exec_stmt(c, db_stmt(c, "UPDATE counter SET n = n + 1"));
  if (s != STORE_OK)
    return s;
  if (refused_by_abort(j->i))
    return STORE_ABORT;
  if (refused_by_conflict(j->i)) { /* the row of write 0 of this thread exists already */
    struct db_stmt *dup = db_stmt(c, "INSERT INTO t (k, v) VALUES (:k, 'dup')");
    db_bind_int(dup, ":k", j->thread * 10000);
    return db_exec_stmt(c, dup);
  }
  return STORE_OK;
}

struct result {
  int ok, refused, unexpected, saw_previous;
};

/* An async write's wait (odd threads): done hands over the status. */
struct waiter {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool done;
  enum store_status status;
};

static void on_done(enum store_status status, void *arg)
{
  struct waiter *w = ((struct job *)arg)->w;
  pthread_mutex_lock(&w->mu);
  w->done = true;
  w->status = status;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
}

static enum store_status write_async_and_wait(struct job *j)
{
  struct waiter w = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
  j->w = &w;
  store_write_async(st, write_row, j, on_done);
  pthread_mutex_lock(&w.mu);
  while (!w.done)
    pthread_cond_wait(&w.cv, &w.mu);
  pthread_mutex_unlock(&w.mu);
  return w.status;
}

static void *writer(void *arg)
{
  int thread = (int)(intptr_t)arg;
  struct result *r = calloc(1, sizeof *r);
  for (int i = 0; i < WRITES; i++) {
    struct job j = {thread, i, false, NULL};
    enum store_status s = thread % 2 ? write_async_and_wait(&j) : store_write(st, write_row, &j);
    bool refuse = refused_by_abort(i) || refused_by_conflict(i);
    if (s == STORE_OK && !refuse)
      r->ok++;
    else if ((s == STORE_ABORT && refused_by_abort(i)) ||
             (s == STORE_CONFLICT && refused_by_conflict(i)))
      r->refused++;
    else
      r->unexpected++;
    r->saw_previous += i > 0 && j.saw_previous;
  }
  return r;
}

#define BURST 300
static atomic_int burst_done, burst_ok;

static enum store_status burst_row(struct store_conn *c, void *arg)
{
  struct db_stmt *ins = db_stmt(c, "INSERT INTO burst (k) VALUES (:k)");
  db_bind_int(ins, ":k", (int)(intptr_t)arg);
  return db_exec_stmt(c, ins);
}

static void on_burst_done(enum store_status status, void *arg)
{
  (void)arg;
  atomic_fetch_add(&burst_done, 1);
  if (status == STORE_OK)
    atomic_fetch_add(&burst_ok, 1);
}

static enum store_status slow_row(struct store_conn *c, void *arg)
{
  usleep(2000);
  return burst_row(c, arg);
}

static enum store_status plain_row(struct store_conn *c, void *arg)
{
  (void)arg;
  return db_exec(c, "INSERT INTO burst (k) VALUES (-1)");
}

static long long one_int(struct store_conn *c, const char *sql)
{
  struct db_stmt *s = db_stmt(c, sql);
  long long v = db_step_row(c, s) == STORE_OK ? db_col_int64(s, 0) : -1;
  db_reset(s);
  return v;
}

int main(void)
{
  if (testdb_pg()) {
    printf("SQLite's group commit and WAL: not a PostgreSQL test\n");
    return TESTDB_SKIP;
  }
  char dir[] = "/tmp/advisord-gc-XXXXXX", path[64], wal[80], why[200];
  if (!mkdtemp(dir))
    return 1;
  snprintf(path, sizeof path, "%s/db.sqlite", dir);
  snprintf(wal, sizeof wal, "%s-wal", path);
  st = store_open(path, true, why, sizeof why);
  CHECK_MSG(st != NULL, "%s", why);
  if (!st)
    return TEST_REPORT();
  struct store_conn *c = store_conn(st);
  CHECK(db_exec(c, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)") == STORE_OK);
  CHECK(db_exec(c, "CREATE TABLE counter (n INTEGER NOT NULL); INSERT INTO counter VALUES (0)") ==
        STORE_OK);

  pthread_t th[THREADS];
  for (int i = 0; i < THREADS; i++)
    pthread_create(&th[i], NULL, writer, (void *)(intptr_t)i);
  struct result all = {0};
  for (int i = 0; i < THREADS; i++) {
    struct result *r;
    pthread_join(th[i], (void **)&r);
    all.ok += r->ok;
    all.refused += r->refused;
    all.unexpected += r->unexpected;
    all.saw_previous += r->saw_previous;
    free(r);
  }
  int refused_each = 0;
  for (int i = 0; i < WRITES; i++)
    refused_each += refused_by_abort(i) || refused_by_conflict(i);
  CHECK_INT(all.unexpected, 0);
  CHECK_INT(all.ok, THREADS * (WRITES - refused_each));
  CHECK_INT(all.refused, THREADS * refused_each);
  CHECK_INT(all.saw_previous, THREADS * (WRITES - 1));
  CHECK_INT(one_int(c, "SELECT count(*) FROM t"), all.ok);
  CHECK_INT(one_int(c, "SELECT n FROM counter"), all.ok);
  CHECK_INT(one_int(c, "SELECT count(*) FROM t WHERE v = 'dup'"), 0);

  struct stat sb;
  CHECK(stat(wal, &sb) == 0);
  long long written = (long long)THREADS * WRITES * PAYLOAD;
  fprintf(stderr, "payload written %lld MiB, WAL file %lld MiB\n", written >> 20,
          (long long)sb.st_size >> 20);
  CHECK_MSG(sb.st_size < written / 2, "the WAL grew to %lld bytes", (long long)sb.st_size);

  CHECK(db_exec(c, "CREATE TABLE burst (k INTEGER PRIMARY KEY)") == STORE_OK);
  store_set_lock_waiters(st, 1);
  for (int i = 0; i < 150; i++)
    store_write_async(st, slow_row, (void *)(intptr_t)(BURST + i), on_burst_done);
  CHECK_INT(store_write(st, plain_row, NULL), STORE_OK);
  for (int i = 0; i < 500 && atomic_load(&burst_done) < 150; i++)
    usleep(10 * 1000); /* their done calls follow the batch's commit */
  CHECK_INT(atomic_load(&burst_done), 150);
  CHECK(db_exec(c, "DELETE FROM burst") == STORE_OK);
  atomic_store(&burst_done, 0);
  atomic_store(&burst_ok, 0);
  for (int i = 0; i < BURST; i++)
    store_write_async(st, burst_row, (void *)(intptr_t)i, on_burst_done);
  store_close(st);
  CHECK_INT(atomic_load(&burst_done), BURST);
  CHECK_INT(atomic_load(&burst_ok), BURST);
  st = store_open(path, true, why, sizeof why);
  CHECK_MSG(st != NULL, "%s", why);
  if (st) {
    CHECK_INT(one_int(store_conn(st), "SELECT count(*) FROM burst"), BURST);
    store_close(st);
  }
  unlink(path);
  unlink(wal);
  snprintf(wal, sizeof wal, "%s-shm", path);
  unlink(wal);
  rmdir(dir);
  return TEST_REPORT();
}
