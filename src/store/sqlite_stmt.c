/* sqlite_stmt.c - the SQLite engine's statement operations (db.h's engine table): prepare,
 * bind by ":name", step, read columns, and the mapping of result codes to store statuses.
 *
 * A parameter's number is looked up by its name once per statement and name: SQLite's
 * sqlite3_bind_parameter_index measures the name and compares it with each parameter's in
 * turn, at every binding (the collaboration INSERT binds about 30; perf of the activation
 * load: about 3% of the writer thread). The store binds by string literals, so the address a
 * name came at finds its number, and a comparison with the name's text kept for that number
 * confirms it. */
#include "log.h"
#include "sqlite_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KNOWN_NAMES 48 /* parameters whose number is remembered; the rest are looked up */
#define KNOWN_LEN 24   /* and names shorter than this */

/* The engine's handle (h): the statement and the names its parameters were bound by. */
struct sq_stmt {
  sqlite3_stmt *st;
  int n_known;
  int next; /* where param() looks first: after the last one found (binds come in one order) */
  bool used; /* bound or stepped since the last reset: db_stmt resets every statement it hands
              * out, and most were reset by their last user already */
  struct {
    const char *name;     /* the address parameter i + 1 was bound by */
    char text[KNOWN_LEN]; /* that name's text (a copy: SQLite's own goes when it prepares the
                           * statement again) */
  } known[]; /* n_known of them: one per parameter, up to KNOWN_NAMES */
};

void *sq_prepare(struct store_conn *base, const char *sql)
{
  struct sq_conn *c = (struct sq_conn *)base;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
  if (rc != SQLITE_OK) {
    log_msg(LOG_ERROR, "db_prepare_failed", "%s: %.120s", sqlite3_errmsg(c->db), sql);
    sqlite3_finalize(st);
    return NULL;
  }
  if (!st) /* no statement in sql (empty, or a comment): as SQLite's own NULL */
    return NULL;
  int n = sqlite3_bind_parameter_count(st);
  n = n < KNOWN_NAMES ? n : KNOWN_NAMES;
  struct sq_stmt *s = calloc(1, sizeof *s + (size_t)n * sizeof s->known[0]);
  if (!s) {
    sqlite3_finalize(st);
    return NULL;
  }
  s->st = st;
  s->n_known = n;
  return s;
}

void sq_finalize(void *h)
{
  struct sq_stmt *s = h;
  if (!s)
    return;
  sqlite3_finalize(s->st);
  free(s);
}

void sq_reset(void *h)
{
  struct sq_stmt *s = h;
  if (!s->used)
    return;
  s->used = false;
  sqlite3_reset(s->st);
  sqlite3_clear_bindings(s->st); /* db_bind_text_kept's buffers are never read after a reset */
}

enum store_status sq_status(struct sq_conn *c, int rc, const char *what)
{
  switch (rc & 0xff) {
  case SQLITE_OK:
  case SQLITE_ROW:
  case SQLITE_DONE:
    return STORE_OK;
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return STORE_BUSY;
  case SQLITE_CONSTRAINT:
    return STORE_CONFLICT;
  default:
    if (what)
      log_msg(LOG_ERROR, "db_error", "%s: %s", what, c ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
    return STORE_ERROR;
  }
}

enum store_status sq_step(struct store_conn *base, void *h)
{
  struct sq_stmt *s = h;
  s->used = true;
  int rc = sqlite3_step(s->st);
  if (rc == SQLITE_ROW)
    return STORE_OK;
  return rc == SQLITE_DONE ? STORE_NOT_FOUND
                           : sq_status((struct sq_conn *)base, rc, sqlite3_sql(s->st));
}

/* Whether the NUL-terminated strings a and b are equal: names are a few bytes, where a loop
 * here is cheaper than a call of strcmp. */
static inline bool same_name(const char *a, const char *b)
{
  while (*a && *a == *b) {
    a++;
    b++;
  }
  return *a == *b;
}

/* The number of s's parameter name (0: none, logged), remembered by name's address and
 * confirmed by its text (a caller may bind from a buffer it reuses: tests/testdb.c). */
static int param(struct sq_stmt *s, const char *name)
{
  /* a statement's binds come in the same order at every run, so the search starts after the
   * last one found (the collaboration INSERT's 28 binds each scanned from the first: 2% of
   * the writer's instructions) */
  for (int k = 0, i = s->next; k < s->n_known; k++, i = i + 1 < s->n_known ? i + 1 : 0)
    if (s->known[i].name == name && same_name(s->known[i].text, name)) {
      s->next = i + 1 < s->n_known ? i + 1 : 0;
      return i + 1;
    }
  int i = sqlite3_bind_parameter_index(s->st, name);
  if (i == 0) {
    log_msg(LOG_ERROR, "db_bind_failed", "no parameter %s in %.80s", name, sqlite3_sql(s->st));
  } else if (i <= s->n_known && strlen(name) < KNOWN_LEN) {
    s->known[i - 1].name = name;
    memcpy(s->known[i - 1].text, name, strlen(name) + 1);
  }
  return i;
}

static void bind_text(void *h, const char *name, const char *value, sqlite3_destructor_type how)
{
  struct sq_stmt *s = h;
  s->used = true;
  int i = param(s, name);
  if (i && value)
    sqlite3_bind_text(s->st, i, value, -1, how);
  else if (i)
    sqlite3_bind_null(s->st, i);
}

void sq_bind_text(void *h, const char *name, const char *value)
{
  bind_text(h, name, value, SQLITE_TRANSIENT);
}

/* SQLITE_STATIC: read in place by the steps; sq_reset clears the binding with the statement. */
void sq_bind_text_kept(void *h, const char *name, const char *value)
{
  bind_text(h, name, value, SQLITE_STATIC);
}

void sq_bind_int(void *h, const char *name, int64_t value)
{
  struct sq_stmt *s = h;
  s->used = true;
  int i = param(s, name);
  if (i)
    sqlite3_bind_int64(s->st, i, value);
}

void sq_bind_null(void *h, const char *name) { sq_bind_text(h, name, NULL); }

const char *sq_col_str(void *h, int col)
{
  return (const char *)sqlite3_column_text(((struct sq_stmt *)h)->st, col);
}

int64_t sq_col_int64(void *h, int col)
{
  return sqlite3_column_int64(((struct sq_stmt *)h)->st, col);
}

bool sq_col_null(void *h, int col)
{
  return sqlite3_column_type(((struct sq_stmt *)h)->st, col) == SQLITE_NULL;
}
int sq_changes(struct store_conn *c) { return sqlite3_changes(((struct sq_conn *)c)->db); }
