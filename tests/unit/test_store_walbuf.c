/* The writer's VFS (src/store/sqlite_walbuf.c), which gathers a commit's WAL frames and writes
 * them at once: a connection through it ("w") writes, a connection with SQLite's default VFS
 * ("r", as the server's readers and checkpointer) reads after each commit.
 * - small, 200 KiB (past one write of the default VFS) and 6 MiB (past the gathered maximum)
 *   transactions: r sees every row and its bytes right after w's COMMIT returned;
 * - w's cache held to 8 pages, so a large transaction spills frames into the WAL before it
 *   commits, writes some pages again in place (and SQLite rewrites the checksums after them),
 *   or rolls back after spilling, and r then commits where those frames would have gone: r
 *   sees exactly the committed rows, integrity_check ok (w's frames of the rolled-back
 *   transaction must not reach the file over r's: the rollback's own reads write them while
 *   w still holds the lock here, and sq_walbuf_drop drops any left after it);
 * - a RESTART checkpoint (as the writer runs between batches), so the log starts again from
 *   offset 0: the commits after it are seen too;
 * - another connection (as the CLI's process, which writes while the server runs) commits
 *   between two of w's transactions, so the log grew past where w last wrote it, then w
 *   commits a transaction of one frame: its header lands past w's idea of the log's end, its
 *   page at w's new end; r sees the change, also after sq_walbuf_drop (it once dropped that
 *   page: the commit frame's page was gathered without its header and never written);
 * - kill -9 right after COMMIT returned (a child process writes and kills itself): the row is
 *   in the database opened again, as an acknowledged write must be.
 * - on databases of their own: a transaction that spilled frames and whose COMMIT failed (a
 *   deferred foreign key), fixed and committed again (the spilled frames must stay gathered);
 *   auto_vacuum=FULL with a cache of 10 pages, rows deleted (the COMMIT moves pages before it
 *   writes its frames, and must spill none of them kept by address).
 * w commits as the server's writer does (commit(): its pages gathered by address,
 * sq_walbuf_by_ref), except in padded_commits; a COMMIT that fails (a foreign key deferred to
 * it) leaves nothing gathered that a later commit would write. */
#include "sqlite_engine.h"
#include "testlib.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_MAIN_DEFS

static char path[128];

static sqlite3 *open_db(const char *vfs)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);
  CHECK_MSG(rc == SQLITE_OK, "open: %s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  sqlite3_busy_timeout(db, 5000);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
  return db;
}

static void exec(sqlite3 *db, const char *sql)
{
  char *err = NULL;
  int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
  CHECK_MSG(rc == SQLITE_OK, "%s: %s", sql, err ? err : sqlite3_errstr(rc));
  sqlite3_free(err);
}

/* w's COMMIT as the server's writer runs it (sqlite_tx.c); rc: what it must return. */
static void commit_as(sqlite3 *w, int rc)
{
  sq_walbuf_by_ref(w, true);
  CHECK_INT(sqlite3_exec(w, "COMMIT", NULL, NULL, NULL), rc);
  sq_walbuf_by_ref(w, false);
}

static void commit(sqlite3 *w)
{
  commit_as(w, SQLITE_OK);
}

static long long one_int(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *s = NULL;
  long long v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

/* Inserts rows k = from .. from + n - 1 with a blob of size bytes each, in w's open transaction. */
static void insert(sqlite3 *w, int from, int n, int size)
{
  sqlite3_stmt *s = NULL;
  CHECK(sqlite3_prepare_v2(w, "INSERT INTO t (k, b) VALUES (?, randomblob(?))", -1, &s,
                           NULL) == SQLITE_OK);
  for (int i = 0; i < n; i++) {
    sqlite3_bind_int(s, 1, from + i);
    sqlite3_bind_int(s, 2, size);
    CHECK_INT(sqlite3_step(s), SQLITE_DONE);
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
}

/* r sees rows 0 .. n - 1, each with its bytes (the checksums of the blob, as w computed them),
 * and the database is sound. */
static void check_seen(sqlite3 *w, sqlite3 *r, int n, const char *when)
{
  CHECK_MSG(one_int(r, "SELECT count(*) FROM t") == n, "%s: r sees %lld rows, not %d", when,
            one_int(r, "SELECT count(*) FROM t"), n);
  const char *sum = "SELECT sum(length(b)) + sum(unicode(substr(b, 7, 1))) FROM t";
  CHECK_MSG(one_int(r, sum) == one_int(w, sum), "%s: r reads other bytes than w", when);
  sqlite3_stmt *s = NULL;
  const unsigned char *ok = NULL;
  if (sqlite3_prepare_v2(r, "PRAGMA integrity_check", -1, &s, NULL) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW)
    ok = sqlite3_column_text(s, 0);
  CHECK_MSG(ok && strcmp((const char *)ok, "ok") == 0, "%s: %s", when, ok ? (char *)ok : "?");
  sqlite3_finalize(s);
}

static void commits_seen(sqlite3 *w, sqlite3 *r, int *rows)
{
  static const struct { int n, size; const char *what; } tx[] = {
      {1, 10, "one small row"}, {50, 4000, "200 KiB"}, {1500, 4000, "6 MiB"}, {3, 100, "small"}};
  for (size_t i = 0; i < sizeof tx / sizeof tx[0]; i++) {
    exec(w, "BEGIN IMMEDIATE");
    insert(w, *rows, tx[i].n, tx[i].size);
    commit(w);
    *rows += tx[i].n;
    check_seen(w, r, *rows, tx[i].what);
  }
}

static void spills(sqlite3 *w, sqlite3 *r, int *rows)
{
  exec(w, "PRAGMA cache_size=8");
  exec(w, "BEGIN IMMEDIATE");
  insert(w, *rows, 400, 3000); /* far past 8 pages: frames spilled before the commit */
  exec(w, "UPDATE t SET b = randomblob(2900) WHERE k % 3 = 0"); /* pages written again */
  commit(w);
  *rows += 400;
  check_seen(w, r, *rows, "spilled, then written again");
  exec(w, "BEGIN IMMEDIATE");
  insert(w, *rows, 300, 3000);
  exec(w, "ROLLBACK");
  sq_walbuf_drop(w); /* as the writer does after each transaction (sqlite_tx.c) */
  check_seen(w, r, *rows, "spilled, then rolled back");
  /* another connection writes the log where the rolled-back frames would have gone */
  exec(r, "BEGIN IMMEDIATE");
  insert(r, *rows, 40, 1000);
  exec(r, "COMMIT");
  *rows += 40;
  exec(w, "BEGIN IMMEDIATE");
  insert(w, *rows, 5, 3000);
  commit(w);
  sq_walbuf_drop(w);
  *rows += 5;
  check_seen(w, r, *rows, "after the rollback and another connection's commit");
  CHECK_INT(one_int(r, "SELECT count(*) FROM t WHERE length(b) = 1000"), 40);
  exec(w, "PRAGMA cache_size=2000");
}

/* A COMMIT that fails with a deferred foreign key after its pages changed (the transaction
 * stays open; SQLite writes no frame for it), rolled back, then a commit of other rows. */
static void failed_commit(sqlite3 *w, sqlite3 *r, int *rows)
{
  exec(w, "PRAGMA foreign_keys=ON");
  exec(w, "BEGIN IMMEDIATE");
  insert(w, *rows, 30, 3000);
  exec(w, "INSERT INTO c (p) VALUES (12345)"); /* no such parent: checked at the COMMIT */
  commit_as(w, SQLITE_CONSTRAINT);
  exec(w, "ROLLBACK");
  sq_walbuf_drop(w);
  check_seen(w, r, *rows, "a failed commit rolled back");
  exec(w, "BEGIN IMMEDIATE");
  insert(w, *rows, 10, 3000);
  commit(w);
  *rows += 10;
  check_seen(w, r, *rows, "a commit after a failed one");
  exec(w, "PRAGMA foreign_keys=OFF");
}

/* Opens w (through the VFS) and r on a new database file name in dir, with t and c as main()
 * makes them; auto_vacuum: PRAGMA auto_vacuum=FULL first (before the first table), and an
 * index on t's blobs. */
static void fresh_db(const char *dir, const char *name, bool auto_vacuum, sqlite3 **w,
                     sqlite3 **r)
{
  char main_path[sizeof path];
  memcpy(main_path, path, sizeof path);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  CHECK(sqlite3_open_v2(path, w, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, sq_walbuf_vfs()) ==
        SQLITE_OK);
  if (auto_vacuum)
    exec(*w, "PRAGMA auto_vacuum=FULL");
  exec(*w, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL");
  *r = open_db(NULL);
  exec(*w, "CREATE TABLE t (k INTEGER PRIMARY KEY, b BLOB NOT NULL)");
  if (auto_vacuum) /* more pages to move */
    exec(*w, "CREATE INDEX tb ON t (b)");
  exec(*w, "CREATE TABLE c (p INTEGER REFERENCES t (k) DEFERRABLE INITIALLY DEFERRED)");
  CHECK_INT(one_int(*r, "PRAGMA auto_vacuum"), auto_vacuum ? 1 : 0);
  memcpy(path, main_path, sizeof path);
}

/* A transaction that spilled frames before its COMMIT (w's cache held to 8 pages, a new table
 * so that the last frames are still gathered), whose COMMIT fails on a deferred foreign key,
 * is fixed and committed again: the frames spilled before the failed COMMIT are SQLite's (in
 * its WAL index), and the second COMMIT's frames refer to them; turning by-address off after
 * the failure must not drop them (it once did: "database disk image is malformed"). */
static void failed_commit_after_spill(const char *dir)
{
  sqlite3 *w, *r;
  fresh_db(dir, "fk.db", false, &w, &r);
  exec(w, "PRAGMA foreign_keys=ON; PRAGMA cache_size=8");
  exec(w, "BEGIN IMMEDIATE");
  exec(w, "INSERT INTO c (p) VALUES (99999)"); /* no such parent yet */
  exec(w, "WITH RECURSIVE s (x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM s WHERE x < 299) "
          "INSERT INTO t (k, b) SELECT x, randomblob(3000) FROM s"); /* far past 8 pages */
  commit_as(w, SQLITE_CONSTRAINT);
  exec(w, "DELETE FROM c WHERE p = 99999"); /* fixed, in the same transaction */
  commit(w);
  sq_walbuf_drop(w);
  check_seen(w, r, 300, "a spilled transaction committed after a failed COMMIT");
  sqlite3_close(r);
  sqlite3_close(w);
}

/* auto_vacuum=FULL (an operator may turn it on with the CLI): the COMMIT itself moves pages
 * (autoVacuumCommit) before it writes its frames, and with a small cache it spilled some of
 * them inside the COMMIT, kept by address and changed again before they were written (it
 * once made "database disk image is malformed"): rows deleted and committed as the writer
 * does, with a cache of 10 pages, then r finds the database sound. */
static void auto_vacuum_commit(const char *dir)
{
  sqlite3 *w, *r;
  fresh_db(dir, "av.db", true, &w, &r);
  exec(w, "BEGIN IMMEDIATE");
  insert(w, 0, 4000, 1500);
  commit(w);
  sq_walbuf_drop(w);
  exec(w, "PRAGMA cache_size=10");
  static const char *const del[] = {
      "DELETE FROM t WHERE k % 2 = 0", "DELETE FROM t WHERE k % 3 = 0",
      "DELETE FROM t WHERE k % 5 = 0", "DELETE FROM t WHERE k < 2000"};
  for (size_t i = 0; i < sizeof del / sizeof del[0]; i++) {
    exec(w, "BEGIN IMMEDIATE");
    exec(w, del[i]);
    commit(w);
    sq_walbuf_drop(w);
    check_seen(w, r, (int)one_int(w, "SELECT count(*) FROM t"), del[i]);
  }
  sqlite3_close(r);
  sqlite3_close(w);
}

static void restart(sqlite3 *w, sqlite3 *r, int *rows)
{
  CHECK_INT(sqlite3_wal_checkpoint_v2(w, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL),
            SQLITE_OK);
  for (int i = 0; i < 3; i++) {
    exec(w, "BEGIN IMMEDIATE");
    insert(w, *rows, 20, 500);
    commit(w);
    *rows += 20;
    check_seen(w, r, *rows, "after a restart of the log");
  }
}

static void one_frame_after_another_writer(sqlite3 *w, sqlite3 *r, int *rows)
{
  for (int i = 1; i <= 3; i++) {
    exec(r, "BEGIN IMMEDIATE");
    insert(r, *rows, 2, 1000);
    exec(r, "COMMIT");
    *rows += 2;
    exec(w, "UPDATE u SET v = v + 1"); /* one page changed: one frame, the commit frame */
    sq_walbuf_drop(w);                 /* as the writer does after each transaction */
    CHECK_MSG(one_int(r, "SELECT v FROM u") == i, "r reads v = %lld, not %d",
              one_int(r, "SELECT v FROM u"), i);
    check_seen(w, r, *rows, "a one-frame commit after another connection's");
  }
}


/* synchronous=FULL on a file without powersafe overwrite (URI psow=0): SQLite pads a commit
 * with copies of its commit frame up to the next sector and writes the frame that crosses the
 * sector in two pieces around an fsync; the reader must find every padding frame whole. */
static void padded_commits(void)
{
  char uri[200];
  snprintf(uri, sizeof uri, "file:%s?psow=0", path);
  sqlite3 *w = NULL;
  CHECK(sqlite3_open_v2(uri, &w, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, sq_walbuf_vfs()) ==
        SQLITE_OK);
  sqlite3 *r = open_db(NULL);
  exec(w, "PRAGMA synchronous=FULL; CREATE TABLE p (k INTEGER PRIMARY KEY, v INTEGER, b BLOB);"
          "INSERT INTO p (v) VALUES (0)");
  sq_walbuf_drop(w);
  /* the log starts again at offset 0 from w, which then knows where it ends */
  CHECK(sqlite3_wal_checkpoint_v2(w, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) == SQLITE_OK);
  int bad = 0;
  for (int i = 1; i <= 60; i++) {
    char sql[200];
    snprintf(sql, sizeof sql, "INSERT INTO p (v, b) VALUES (%d, zeroblob(%d)); "
             "UPDATE p SET v = %d WHERE k = 1", i, (i * 977) % 3000, i);
    exec(w, sql);
    sq_walbuf_drop(w);
    bad += one_int(r, "SELECT v FROM p WHERE k = 1") != i;
  }
  CHECK_INT(bad, 0);
  sqlite3_close(r);
  sqlite3_close(w);
}

/* A child writes one row and kills itself as soon as COMMIT returned. */
static void killed_after_commit(int *rows)
{
  pid_t pid = fork();
  if (pid == 0) {
    sqlite3 *w = NULL;
    if (sqlite3_open_v2(path, &w, SQLITE_OPEN_READWRITE, sq_walbuf_vfs()) != SQLITE_OK)
      _exit(2);
    sqlite3_exec(w, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    sqlite3_exec(w, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    insert(w, *rows, 30, 2000);
    sq_walbuf_by_ref(w, true);
    if (sqlite3_exec(w, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
      _exit(3);
    raise(SIGKILL);
    _exit(4);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "the child ended otherwise");
  *rows += 30;
  sqlite3 *r = open_db(NULL);
  CHECK_INT(one_int(r, "SELECT count(*) FROM t"), *rows);
  CHECK_INT(one_int(r, "SELECT count(*) FROM t WHERE length(b) = 2000"), 30);
  sqlite3_close(r);
}

int main(void)
{
  char dir[] = "/tmp/advisord-walbuf-XXXXXX";
  if (!mkdtemp(dir))
    return 2;
  snprintf(path, sizeof path, "%s/t.db", dir);
  CHECK(sq_walbuf_vfs() != NULL);
  sqlite3 *w = open_db(sq_walbuf_vfs()), *r = open_db(NULL);
  exec(w, "CREATE TABLE t (k INTEGER PRIMARY KEY, b BLOB NOT NULL)");
  exec(w, "CREATE TABLE u (v INTEGER NOT NULL); INSERT INTO u VALUES (0)");
  exec(w, "CREATE TABLE c (p INTEGER REFERENCES t (k) DEFERRABLE INITIALLY DEFERRED)");
  int rows = 0;
  commits_seen(w, r, &rows);
  spills(w, r, &rows);
  failed_commit(w, r, &rows);
  restart(w, r, &rows);
  one_frame_after_another_writer(w, r, &rows);
  padded_commits();
  failed_commit_after_spill(dir);
  auto_vacuum_commit(dir);
  sqlite3_close(r);
  sqlite3_close(w);
  killed_after_commit(&rows);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  return TEST_REPORT();
}
