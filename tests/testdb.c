/* testdb.c - see testdb.h. */
#include "testdb.h"

#include "db.h"
#include "store.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

bool testdb_pg(void)
{
  const char *pg = getenv("ADVISORD_TEST_PG");
  return pg && *pg;
}

/* The base URL with its database ("/postgres?") replaced by name. */
static void url_for(const char *name, char *url, size_t len)
{
  const char *base = getenv("ADVISORD_TEST_PG");
  const char *at = strstr(base, "/postgres?");
  if (!at) {
    fprintf(stderr, "testdb: ADVISORD_TEST_PG must name the database postgres: %s\n", base);
    exit(2);
  }
  snprintf(url, len, "%.*s/%s?%s", (int)(at - base), base, name, at + 10);
}

static bool admin_sql(const char *sql)
{
  PGconn *pg = PQconnectdb(getenv("ADVISORD_TEST_PG"));
  PGresult *r = PQstatus(pg) == CONNECTION_OK ? PQexec(pg, sql) : NULL;
  bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok)
    fprintf(stderr, "testdb: %s: %s\n", sql, PQerrorMessage(pg));
  PQclear(r);
  PQfinish(pg);
  return ok;
}

void testdb_new(char *url, size_t len, const char *sqlite_path)
{
  if (!testdb_pg()) {
    snprintf(url, len, "%s", sqlite_path);
    return;
  }
  static unsigned n;
  char name[64], sql[128];
  snprintf(name, sizeof name, "t%ld_%u", (long)getpid(), n++);
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
  if (!admin_sql(sql))
    exit(2);
  url_for(name, url, len);
}

struct store *testdb_store_temp(char *dir, char *url, size_t url_len)
{
  if (!mkdtemp(dir)) {
    fprintf(stderr, "testdb: cannot make a folder from %s\n", dir);
    exit(2);
  }
  char file[300], why[256];
  snprintf(file, sizeof file, "%s/t.db", dir);
  testdb_new(url, url_len, file);
  struct store *st = store_open(url, true, why, sizeof why);
  if (!st) {
    fprintf(stderr, "testdb: cannot open %s: %s\n", url, why);
    exit(2);
  }
  return st;
}

bool testdb_store_temp_end(struct store *st, const char *dir, const char *url)
{
  store_close(st);
  testdb_drop(url);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd) == 0;
}

void testdb_drop(const char *url)
{
  const char *slash = strstr(url, "@/");
  if (!testdb_pg() || !slash || strncmp(url, "postgresql://", 13) != 0)
    return;
  char sql[160];
  snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %.*s WITH (FORCE)",
           (int)strcspn(slash + 2, "?"), slash + 2);
  admin_sql(sql);
}

/* sql with its "?" placeholders named ":p0", ":p1", ... (malloc'd; caller frees). */
static char *named(const char *sql)
{
  char *out = malloc(strlen(sql) * 4 + 1), *o = out;
  int n = 0;
  char quote = 0;
  for (const char *p = sql; out && *p; p++) {
    if (quote)
      quote = *p == quote ? 0 : quote;
    else if (*p == '\'' || *p == '"')
      quote = *p;
    else if (*p == '?') {
      o += sprintf(o, ":p%d", n++);
      continue;
    }
    *o++ = *p;
  }
  if (out)
    *o = 0;
  return out;
}

static int rows_on(struct store *st, const char *sql, const char *const *params, int ncols,
                   void (*fn)(const char *const *cols, void *arg), void *arg)
{
  char *text = named(sql);
  struct store_conn *c = store_conn(st);
  struct db_stmt *s = text && c ? db_stmt(c, text) : NULL;
  int rows = s ? 0 : -1;
  for (int i = 0; s && params && params[i]; i++) {
    char name[16];
    snprintf(name, sizeof name, ":p%d", i);
    db_bind_text(s, name, params[i]);
  }
  enum store_status rc;
  while (s && (rc = db_step_row(c, s)) == STORE_OK) {
    const char *cols[16];
    for (int i = 0; i < ncols && i < 16; i++)
      cols[i] = db_col_str(s, i);
    if (fn)
      fn(cols, arg);
    rows++;
  }
  if (s && rc != STORE_NOT_FOUND)
    rows = -1;
  db_reset(s);
  if (c)
    db_conn_forget_stmts(c); /* text's address was the statement's key */
  free(text);
  return rows;
}

int testdb_rows(const char *url, const char *sql, const char *const *params, int ncols,
                void (*fn)(const char *const *cols, void *arg), void *arg)
{
  char why[256];
  struct store *st = store_open(url, false, why, sizeof why);
  if (!st) {
    fprintf(stderr, "testdb: %s\n", why);
    return -1;
  }
  int rows = rows_on(st, sql, params, ncols, fn, arg);
  store_close(st);
  return rows;
}

static void first_int(const char *const *cols, void *arg)
{
  long long *v = arg;
  if (*v == -1)
    *v = cols[0] ? strtoll(cols[0], NULL, 10) : 0;
}

long long testdb_int(const char *url, const char *sql, const char *param)
{
  const char *params[] = {param, NULL};
  long long v = -1;
  testdb_rows(url, sql, params, 1, first_int, &v);
  return v;
}

long long testdb_int_on(struct store *st, const char *sql, const char *param)
{
  const char *params[] = {param, NULL};
  long long v = -1;
  rows_on(st, sql, params, 1, first_int, &v);
  return v;
}

bool testdb_exec(const char *url, const char *sql, const char *param)
{
  const char *params[] = {param, NULL};
  return testdb_rows(url, sql, params, 0, NULL, NULL) >= 0;
}

bool test_file_contains(const char *path, const char *needle)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return false;
  size_t nl = strlen(needle), cap = 1 << 16, have = 0;
  char *buf = malloc(cap + nl);
  bool found = false;
  size_t got;
  while (buf && !found && (got = fread(buf + have, 1, cap, f)) > 0) {
    have += got;
    found = memmem(buf, have, needle, nl) != NULL;
    size_t keep = have < nl ? have : nl; /* a match may straddle two reads */
    memmove(buf, buf + have - keep, keep);
    have = keep;
  }
  free(buf);
  fclose(f);
  return found;
}

bool testdb_contains(const char *url, const char *needle)
{
  const char *file = store_url_file(url);
  if (file) {
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", file);
    return test_file_contains(file, needle) || test_file_contains(wal, needle);
  }
  char dump[64], cmd[1024];
  snprintf(dump, sizeof dump, "/tmp/advisord-dump-%ld.sql", (long)getpid());
  snprintf(cmd, sizeof cmd, "pg_dump --data-only '%s' > %s", url, dump);
  if (system(cmd) != 0) {
    fprintf(stderr, "testdb: pg_dump failed\n");
    unlink(dump);
    return true; /* cannot tell: counts as found, so that the check fails */
  }
  bool found = test_file_contains(dump, needle);
  unlink(dump);
  return found;
}

bool testdb_exec_other(const char *url, const char *sql, const char *param)
{
  /* the program's own path (under valgrind, /proc/self/exe is valgrind's tool: its readlink
   * gives the program's) */
  char self[4096];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len <= 0)
    return false;
  self[len] = '\0';
  pid_t pid = fork();
  if (pid == 0) {
    execl(self, self, "--other", url, sql, param, (char *)NULL);
    _exit(1);
  }
  int status = 0;
  return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
}

int testdb_other_main(int argc, char **argv)
{
  if (argc < 4 || strcmp(argv[1], "--other") != 0)
    return -1;
  return testdb_exec(argv[2], argv[3], argc > 4 ? argv[4] : NULL) ? 0 : 1;
}
