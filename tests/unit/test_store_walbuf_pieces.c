/* The writer's VFS (src/store/sqlite_walbuf.c), its WAL file's xWrite driven directly with
 * frames of the test's own, for what SQLite never makes happen today but the VFS promises
 * (test_store_walbuf drives it through SQLite):
 * - the WAL header (32 bytes) and a frame's header (24) written during a COMMIT are copied, not
 *   kept by address: SQLite writes the WAL header from a stack array, so the test changes its
 *   buffers after each write returned, before the commit frame's page writes what is gathered;
 *   the file must hold the bytes as they were written;
 * - a COMMIT that fails after it gathered a frame header next to the copies of frames spilled
 *   before it drops only its own bytes: the copied piece it grew is cut back to its length at
 *   the mark, so the next COMMIT's frames land right after the spilled frames, each at its
 *   offset (a piece left 24 bytes longer moved them and wrote bytes never gathered).
 * The database's own log is empty (a TRUNCATE checkpoint) while the test writes into the WAL
 * file, so SQLite never reads these frames; the database is thrown away. */
#include "sqlite_engine.h"
#include "testlib.h"

#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define PAGE 4096
#define FH 24 /* a frame's header */

static sqlite3_file *wal; /* the writer's WAL file, SQLite's (not owned) */

static void put(const void *p, int n, sqlite3_int64 off)
{
  CHECK_INT(wal->pMethods->xWrite(wal, p, n, off), SQLITE_OK);
}

/* A frame at off: its header (a commit frame's when commit) and a page of byte b. The buffers
 * are overwritten after each write returned, as SQLite reuses its own. */
static void frame(sqlite3_int64 off, bool commit, unsigned char b)
{
  unsigned char hdr[FH] = {0}, page[PAGE];
  hdr[0] = b;
  hdr[7] = commit; /* the database's size after the commit: not 0 in a commit frame */
  put(hdr, FH, off);
  memset(hdr, 0xEE, sizeof hdr);
  memset(page, b, sizeof page);
  put(page, PAGE, off + FH);
  memset(page, 0xEE, sizeof page);
}

/* The file at off holds the frame that frame(off, commit, b) wrote. */
static void frame_is(int fd, sqlite3_int64 off, bool commit, unsigned char b, const char *what)
{
  unsigned char got[FH + PAGE], want[FH + PAGE] = {0};
  want[0] = b;
  want[7] = commit;
  memset(want + FH, b, PAGE);
  CHECK_MSG(pread(fd, got, sizeof got, off) == (ssize_t)sizeof got, "%s: short read", what);
  CHECK_MSG(memcmp(got, want, sizeof got) == 0, "%s: other bytes in the file at %lld", what,
            (long long)off);
}

int main(void)
{
  char dir[] = "/tmp/advisord-walbuf-pieces-XXXXXX", path[128], wal_path[140];
  if (!mkdtemp(dir))
    return 2;
  snprintf(path, sizeof path, "%s/t.db", dir);
  snprintf(wal_path, sizeof wal_path, "%s-wal", path);
  CHECK(sq_walbuf_vfs() != NULL);
  sqlite3 *db = NULL;
  CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, sq_walbuf_vfs()) ==
        SQLITE_OK);
  CHECK(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1);"
                         "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) == SQLITE_OK);
  CHECK(sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal) == SQLITE_OK);
  CHECK(wal && wal->pMethods);
  int fd = open(wal_path, O_RDONLY | O_CLOEXEC);
  CHECK(fd >= 0);
  if (!wal || !wal->pMethods || fd < 0)
    return TEST_REPORT(); /* nothing to drive */

  /* a COMMIT: the log's header, then one commit frame (its page writes what is gathered) */
  unsigned char hdr[32];
  for (int i = 0; i < 32; i++)
    hdr[i] = (unsigned char)(0xA0 + i);
  sq_walbuf_by_ref(db, true);
  put(hdr, sizeof hdr, 0);
  unsigned char want[32];
  memcpy(want, hdr, sizeof hdr);
  memset(hdr, 0xEE, sizeof hdr);
  frame(32, true, 0x11);
  sq_walbuf_by_ref(db, false);
  unsigned char got[32];
  CHECK(pread(fd, got, sizeof got, 0) == (ssize_t)sizeof got);
  CHECK_MSG(memcmp(got, want, sizeof got) == 0, "the WAL header was written from its buffer "
                                               "after it changed (kept by address)");
  frame_is(fd, 32, true, 0x11, "the first commit frame");

  /* a frame spilled before the COMMIT (copied), a COMMIT that fails after its first frame, and
   * the next COMMIT's frame where that one would have gone */
  const sqlite3_int64 f1 = 32 + FH + PAGE, f2 = f1 + FH + PAGE;
  frame(f1, false, 0x22);
  sq_walbuf_by_ref(db, true);
  frame(f2, false, 0x33);
  sq_walbuf_by_ref(db, false); /* the COMMIT failed */
  sq_walbuf_by_ref(db, true);
  frame(f2, true, 0x44);
  sq_walbuf_by_ref(db, false);
  frame_is(fd, f1, false, 0x22, "the frame spilled before the failed COMMIT");
  frame_is(fd, f2, true, 0x44, "the next COMMIT's frame");
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  CHECK_INT(st.st_size, f2 + FH + PAGE);

  close(fd);
  sqlite3_close(db);
  char cmd[200];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  return TEST_REPORT();
}
