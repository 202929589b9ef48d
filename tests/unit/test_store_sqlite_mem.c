/* SQLite's allocator (src/store/sqlite_mem.c), installed by the SQLite engine before SQLite's
 * first use, through SQLite's own memory calls:
 * - a small block's size is its class's (a multiple of 32 bytes), a large one's at least what
 *   was asked; every block is 8-byte aligned;
 * - realloc keeps the bytes, within a class, from one class to another and to a large block
 *   and back;
 * - a block freed and asked for again on the same thread comes back (the thread's cache), and
 *   blocks freed by other threads than the one that allocated them (8,000 of 1 to 1,500
 *   bytes, four threads) are intact until then (each carries its own pattern);
 * - a database works through it (a table written and read back). The store is SQLite's
 *   whatever ADVISORD_TEST_PG says: the allocator is the SQLite engine's.
 * In AddressSanitizer builds and under valgrind SQLite keeps its own allocator
 * (sq_mem_installed): then only the database is checked. */
#include "sqlite_engine.h"
#include "testlib.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

#define ROUNDS 2000
#define BLOCKS 64

static void sizes(void)
{
  void *p = sqlite3_malloc(100);
  CHECK(p != NULL);
  CHECK_INT(sqlite3_msize(p), 128);
  CHECK(((uintptr_t)p & 7) == 0);
  memset(p, 'a', 100);
  p = sqlite3_realloc(p, 120); /* the same class: the same block */
  CHECK_INT(sqlite3_msize(p), 128);
  p = sqlite3_realloc(p, 700);
  CHECK_INT(sqlite3_msize(p), 704);
  int same = 1;
  for (int i = 0; i < 100; i++)
    same &= ((char *)p)[i] == 'a';
  CHECK(same);
  memset(p, 'b', 700);
  p = sqlite3_realloc(p, 5000); /* large */
  CHECK(sqlite3_msize(p) >= 5000);
  same = 1;
  for (int i = 0; i < 700; i++)
    same &= ((char *)p)[i] == 'b';
  CHECK(same);
  p = sqlite3_realloc(p, 60); /* fits: kept */
  CHECK(sqlite3_msize(p) >= 60);
  sqlite3_free(p);
  void *q = sqlite3_malloc(33);
  sqlite3_free(q);
  void *r = sqlite3_malloc(64); /* 33 and 64 share a class: the block freed comes back */
  CHECK(q == r);
  sqlite3_free(r);
  sqlite3_free(NULL);
}

static void *blocks[BLOCKS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int bad;

/* Swaps its blocks with the shared ones, checking each block's pattern before freeing it. */
static void *churn(void *arg)
{
  unsigned seed = (unsigned)(uintptr_t)arg;
  for (int round = 0; round < ROUNDS; round++) {
    seed = seed * 1103515245u + 12345u;
    int size = 1 + (int)(seed >> 8) % 1500;
    unsigned char *mine = sqlite3_malloc(size + 4);
    if (!mine) {
      pthread_mutex_lock(&mu);
      bad++;
      pthread_mutex_unlock(&mu);
      continue;
    }
    memcpy(mine, &size, 4);
    memset(mine + 4, size & 0xff, (size_t)size);
    pthread_mutex_lock(&mu);
    unsigned char *old = blocks[round % BLOCKS];
    blocks[round % BLOCKS] = mine;
    if (old) {
      int n;
      memcpy(&n, old, 4);
      for (int i = 0; i < n; i++)
        bad += old[4 + i] != (n & 0xff);
      bad += sqlite3_msize(old) < (sqlite3_uint64)n + 4;
    }
    pthread_mutex_unlock(&mu);
    sqlite3_free(old);
  }
  return NULL;
}

static void threads(void)
{
  pthread_t th[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&th[i], NULL, churn, (void *)(uintptr_t)(i + 1));
  for (int i = 0; i < 4; i++)
    pthread_join(th[i], NULL);
  for (int i = 0; i < BLOCKS; i++)
    sqlite3_free(blocks[i]);
  CHECK_INT(bad, 0);
}

int main(void)
{
  char dir[] = "/tmp/advisord-sqlmem-XXXXXX", path[400], why[200];
  CHECK(mkdtemp(dir) != NULL);
  snprintf(path, sizeof path, "sqlite:%s/m.db", dir);
  struct store *st = store_open(path, true, why, sizeof why); /* installs the allocator */
  CHECK_MSG(st != NULL, "%s", why);
  if (!st)
    return TEST_REPORT();
  if (sq_mem_installed()) {
    sizes();
    threads();
  } else {
    printf("SQLite's own allocator (AddressSanitizer or valgrind): only the database checked\n");
  }
  struct store_conn *c = store_conn(st);
  CHECK(db_exec(c, "CREATE TABLE m (k INTEGER PRIMARY KEY, v TEXT)") == STORE_OK);
  CHECK(db_exec(c, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                   "WHERE i < 5000) INSERT INTO m SELECT i, printf('%0*d', i % 900, i) "
                   "FROM n") == STORE_OK);
  struct db_stmt *s = db_stmt(c, "SELECT count(*) FROM m");
  CHECK(s && db_step_row(c, s) == STORE_OK);
  if (s) {
    CHECK_INT(db_col_int64(s, 0), 5000);
    db_reset(s);
  }
  store_close(st);
  char cmd[500];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return TEST_REPORT();
}
