/* pg_stmt.c - the PostgreSQL engine's statements: the store's SQL with ":name" parameters is
 * rewritten to "$n" once and prepared on the connection (PQprepare) when it first runs, with
 * the parameter types its first bindings had (text or bigint; NULL: left to the server), so
 * that ":p IS NULL OR col = :p" prepares; values are bound as text; a step runs the statement on its first call and
 * then walks the result. Inside a transaction every write runs in a savepoint, so that a write
 * refused by a constraint (STORE_CONFLICT) leaves the transaction usable, as on SQLite. */
#include "log.h"
#include "pg_engine.h"
#include "util.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PARAMS 48
#define OID_INT8 20 /* pg_type.h, which only the server's headers carry */
#define OID_TEXT 25

struct pg_stmt {
  struct pg_conn *c;
  char name[16];
  bool write;                   /* not a SELECT: runs in a savepoint inside a transaction */
  bool insert;                  /* an INSERT */
  int n_params;
  char *names[MAX_PARAMS];      /* ":name" of $1.. (owned) */
  char *values[MAX_PARAMS];     /* bound text, NULL: SQL NULL (owned) */
  Oid types[MAX_PARAMS];        /* what the bindings were: OID_TEXT, OID_INT8, 0 (NULL) */
  char *text;                   /* the rewritten SQL until prepared (owned) */
  bool prepared;
  bool bad_text;                /* a bound value is not UTF-8 (the database's encoding) */
  PGresult *res;                /* NULL until the first step */
  int row;
};

/* Rewrites sql's ":name" parameters to "$n" into out (the same name gets the same number),
 * recording the names in s. String literals, quoted names and "::" casts are left alone.
 * False when there are too many parameters. */
static bool rewrite(struct pg_stmt *s, const char *sql, char *out, size_t len)
{
  size_t o = 0;
  char quote = 0;
  for (const char *p = sql; *p && o + 8 < len; p++) {
    if (quote) {
      quote = *p == quote ? 0 : quote;
    } else if (*p == '\'' || *p == '"') {
      quote = *p;
    } else if (*p == ':' && p[1] == ':') {
      out[o++] = *p++;
    } else if (*p == ':' && (isalpha((unsigned char)p[1]) || p[1] == '_')) {
      size_t n = 1;
      while (isalnum((unsigned char)p[n]) || p[n] == '_')
        n++;
      int i = 0;
      while (i < s->n_params && (strlen(s->names[i]) != n || strncmp(s->names[i], p, n) != 0))
        i++;
      if (i == s->n_params) {
        if (i == MAX_PARAMS || !(s->names[i] = strndup(p, n)))
          return false;
        s->n_params++;
      }
      o += (size_t)snprintf(out + o, len - o, "$%d", i + 1);
      p += n - 1;
      continue;
    }
    out[o++] = *p;
  }
  out[o] = 0;
  return true;
}

void pg_finalize(void *h)
{
  struct pg_stmt *s = h;
  if (!s)
    return;
  pg_reset(s);
  for (int i = 0; i < s->n_params; i++)
    free(s->names[i]);
  free(s->text);
  free(s);
}

void *pg_prepare(struct store_conn *base, const char *sql)
{
  struct pg_conn *c = (struct pg_conn *)base;
  struct pg_stmt *s = calloc(1, sizeof *s);
  size_t len = strlen(sql) * 2 + 64;
  char *text = malloc(len);
  if (!s || !text || !rewrite(s, sql, text, len)) {
    log_msg(LOG_ERROR, "db_prepare_failed", "out of memory or parameters: %.120s", sql);
    free(text);
    pg_finalize(s);
    return NULL;
  }
  s->c = c;
  s->text = text;
  while (isspace((unsigned char)*sql))
    sql++;
  s->write = strncasecmp(sql, "SELECT", 6) != 0;
  s->insert = strncasecmp(sql, "INSERT", 6) == 0;
  snprintf(s->name, sizeof s->name, "s%u", c->n_prepared++);
  return s;
}

/* Prepares s on its connection with the types of the current bindings. */
static enum store_status prepare_now(struct pg_conn *c, struct pg_stmt *s)
{
  PGresult *r = PQprepare(c->pg, s->name, s->text, s->n_params, s->types);
  enum store_status st = PQresultStatus(r) == PGRES_COMMAND_OK ? STORE_OK
                                                               : pg_status(c, r, s->text);
  PQclear(r);
  if (st == STORE_OK) {
    s->prepared = true;
    free(s->text);
    s->text = NULL;
  }
  return st;
}

void pg_reset(void *h)
{
  struct pg_stmt *s = h;
  PQclear(s->res);
  s->res = NULL;
  s->bad_text = false;
  for (int i = 0; i < s->n_params; i++) {
    free(s->values[i]);
    s->values[i] = NULL;
  }
}

static int param(struct pg_stmt *s, const char *name)
{
  for (int i = 0; i < s->n_params; i++)
    if (strcmp(s->names[i], name) == 0)
      return i;
  log_msg(LOG_ERROR, "db_bind_failed", "no parameter %s in statement %s", name, s->name);
  return -1;
}

void pg_bind_text(void *h, const char *name, const char *value)
{
  struct pg_stmt *s = h;
  int i = param(s, name);
  if (i < 0)
    return;
  free(s->values[i]);
  s->values[i] = value ? strdup(value) : NULL;
  /* PostgreSQL refuses text that is not UTF-8 (SQLite stores any bytes): no stored text can
   * equal such a value, so a statement bound to one matches no row (pg_step), as on SQLite */
  if (s->values[i] && util_utf8_sanitize(s->values[i]) > 0)
    s->bad_text = true;
  if (!s->prepared)
    s->types[i] = OID_TEXT;
}

void pg_bind_null(void *h, const char *name)
{
  struct pg_stmt *s = h;
  pg_bind_text(h, name, NULL);
  int i = param(s, name);
  if (i >= 0 && !s->prepared)
    s->types[i] = 0;
}

void pg_bind_int(void *h, const char *name, int64_t value)
{
  char buf[24];
  snprintf(buf, sizeof buf, "%" PRId64, value);
  pg_bind_text(h, name, buf);
  struct pg_stmt *s = h;
  int i = param(s, name);
  if (i >= 0 && !s->prepared)
    s->types[i] = OID_INT8;
}

/* Runs s (in a savepoint when it writes inside a transaction). */
static enum store_status run(struct pg_conn *c, struct pg_stmt *s)
{
  if (c->retry) /* the transaction is lost already: fail fast until the runner retries */
    return STORE_BUSY;
  bool sp = c->in_tx && s->write;
  if (!s->prepared) {
    enum store_status st = prepare_now(c, s);
    if (st != STORE_OK)
      return st;
  }
  if (sp && pg_exec(c, "SAVEPOINT w") != STORE_OK)
    return c->retry ? STORE_BUSY : STORE_ERROR;
  s->res = PQexecPrepared(c->pg, s->name, s->n_params, (const char *const *)s->values, NULL,
                          NULL, 0);
  ExecStatusType rs = PQresultStatus(s->res);
  if (rs == PGRES_TUPLES_OK || rs == PGRES_COMMAND_OK) {
    c->changes = atoi(PQcmdTuples(s->res));
    s->row = -1;
    return sp ? pg_exec(c, "RELEASE SAVEPOINT w") : STORE_OK;
  }
  enum store_status st = pg_status(c, s->res, s->name);
  PQclear(s->res);
  s->res = NULL;
  if (sp && !c->retry)
    pg_exec(c, "ROLLBACK TO SAVEPOINT w; RELEASE SAVEPOINT w");
  return st;
}

enum store_status pg_step(struct store_conn *base, void *h)
{
  struct pg_conn *c = (struct pg_conn *)base;
  struct pg_stmt *s = h;
  if (s->bad_text && s->insert) { /* SQLite would store the bytes; PostgreSQL cannot */
    log_msg(LOG_WARN, "db_refused", "statement %s: a value is not UTF-8", s->name);
    return STORE_CONFLICT;
  }
  if (s->bad_text) { /* a read, update or delete by such a value matches no row */
    c->changes = 0;
    return STORE_NOT_FOUND;
  }
  if (!s->res) {
    enum store_status st = run(c, s);
    if (st != STORE_OK)
      return st;
  }
  s->row++;
  return s->row < PQntuples(s->res) ? STORE_OK : STORE_NOT_FOUND;
}

const char *pg_col_str(void *h, int col)
{
  struct pg_stmt *s = h;
  return PQgetisnull(s->res, s->row, col) ? NULL : PQgetvalue(s->res, s->row, col);
}

int64_t pg_col_int64(void *h, int col)
{
  const char *v = pg_col_str(h, col);
  if (!v)
    return 0;
  if (v[0] == 't' || v[0] == 'f') /* a boolean expression */
    return v[0] == 't';
  return strtoll(v, NULL, 10);
}

bool pg_col_null(void *h, int col)
{
  struct pg_stmt *s = h;
  return PQgetisnull(s->res, s->row, col);
}

int pg_changes(struct store_conn *c) { return ((struct pg_conn *)c)->changes; }
