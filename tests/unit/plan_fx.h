/* plan_fx.h - SQLite query plans of the statements a store call runs, for the plan tests
 * (header-only): a trace (on_trace, installed with sqlite3_trace_v2(db, SQLITE_TRACE_STMT,
 * on_trace, &captured)) notes the SQL of each statement run; plan_scans explains one. */
#ifndef ADVISORD_TEST_PLAN_FX_H
#define ADVISORD_TEST_PLAN_FX_H

#include "testlib.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define MAX_SQL 8
struct captured {
  const char *sql[MAX_SQL]; /* sqlite3_sql() of the statements run, owned by their statements */
  int n;
};

static inline int on_trace(unsigned type, void *ctx, void *p, void *x)
{
  (void)x;
  struct captured *cap = ctx;
  if (type != SQLITE_TRACE_STMT)
    return 0;
  const char *sql = sqlite3_sql((sqlite3_stmt *)p);
  if (!sql || strncmp(sql, "EXPLAIN", 7) == 0)
    return 0;
  for (int i = 0; i < cap->n; i++)
    if (cap->sql[i] == sql)
      return 0;
  if (cap->n < MAX_SQL)
    cap->sql[cap->n++] = sql;
  return 0;
}

/* Appends sql's plan to plan (one step a line); true when a step scans or sorts. */
static inline bool plan_scans(sqlite3 *db, const char *sql, char *plan, size_t len)
{
  char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
  sqlite3_stmt *s = NULL;
  int rc = sqlite3_prepare_v2(db, q, -1, &s, NULL);
  sqlite3_free(q);
  CHECK_MSG(rc == SQLITE_OK, "cannot explain: %s", sqlite3_errmsg(db));
  bool bad = false;
  while (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    const char *d = (const char *)sqlite3_column_text(s, 3);
    if (!d)
      continue;
    bool scan = (strncmp(d, "SCAN ", 5) == 0 && strcmp(d, "SCAN CONSTANT ROW") != 0) ||
                strstr(d, "TEMP B-TREE") != NULL;
    bad = bad || scan;
    size_t used = strlen(plan);
    snprintf(plan + used, len - used, "    %s%s\n", d, scan ? "   <-- scans or sorts" : "");
  }
  sqlite3_finalize(s);
  return bad;
}

#endif
