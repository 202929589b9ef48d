/* idempotency.c - SQL for Idempotency-Key records (reserve, finish, release, purge). */
#include "db.h"
#include "store_idempotency.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

struct begin_args {
  const char *principal_id, *key, *fingerprint;
  enum idem_outcome *outcome;
  struct idem_saved *saved;
};

static enum store_status reserve(struct store_conn *c, const struct begin_args *a, int64_t now,
                                 bool replace)
{
  struct db_stmt *s = replace
      ? db_stmt(c, "UPDATE idempotency_keys SET fingerprint = :fp, state = 'in_flight', "
                   "status = NULL, response = NULL, location = NULL, etag = NULL, "
                   "created_ms = :now WHERE principal_id = :pid AND key = :key")
      : db_stmt(c, "INSERT INTO idempotency_keys (principal_id, key, fingerprint, state, "
                   "created_ms) VALUES (:pid, :key, :fp, 'in_flight', :now)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":pid", a->principal_id);
  db_bind_text(s, ":key", a->key);
  db_bind_text(s, ":fp", a->fingerprint);
  db_bind_int(s, ":now", now);
  *a->outcome = IDEM_NEW;
  return db_exec_stmt(c, s);
}

static enum store_status begin_tx(struct store_conn *c, void *arg)
{
  struct begin_args *a = arg;
  int64_t now = util_now_ms();
  struct db_stmt *purge = db_stmt(c, "DELETE FROM idempotency_keys WHERE created_ms < :cutoff");
  if (!purge)
    return STORE_ERROR;
  db_bind_int(purge, ":cutoff", now - IDEM_KEEP_MS);
  enum store_status st = db_exec_stmt(c, purge);
  if (st != STORE_OK)
    return st;
  struct db_stmt *s = db_stmt(c, "SELECT fingerprint, state, status, response, location, etag, "
                               "created_ms FROM idempotency_keys "
                               "WHERE principal_id = :pid AND key = :key");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":pid", a->principal_id);
  db_bind_text(s, ":key", a->key);
  st = db_step_row(c, s);
  if (st == STORE_NOT_FOUND)
    return reserve(c, a, now, false);
  if (st != STORE_OK)
    return st;
  char fp[65], state[16];
  db_col_text(s, 0, fp, sizeof fp);
  db_col_text(s, 1, state, sizeof state);
  bool done = strcmp(state, "done") == 0;
  int64_t created = db_col_int64(s, 6);
  if (done && util_const_eq(fp, a->fingerprint)) {
    free(a->saved->response);
    a->saved->status = (unsigned)db_col_int(s, 2);
    const char *body = db_col_str(s, 3);
    a->saved->response = strdup(body ? body : "{}");
    db_col_text(s, 4, a->saved->location, sizeof a->saved->location);
    db_col_text(s, 5, a->saved->etag, sizeof a->saved->etag);
    db_reset(s);
    *a->outcome = IDEM_REPLAY;
    return a->saved->response ? STORE_OK : STORE_ERROR;
  }
  db_reset(s);
  if (!done && now - created > IDEM_STALE_MS) /* the first request never finished */
    return reserve(c, a, now, true);
  *a->outcome = done ? IDEM_MISMATCH : (util_const_eq(fp, a->fingerprint) ? IDEM_IN_FLIGHT
                                                                          : IDEM_MISMATCH);
  return STORE_OK;
}

enum store_status store_idem_begin(struct store *st, const char *principal_id, const char *key,
                                   const char *fingerprint, enum idem_outcome *outcome,
                                   struct idem_saved *saved)
{
  struct begin_args a = {principal_id, key, fingerprint, outcome, saved};
  return store_write(st, begin_tx, &a);
}

enum store_status store_idem_finish(struct store_conn *c, const char *principal_id,
                                    const char *key, unsigned status, const char *response,
                                    const char *location, const char *etag)
{
  struct db_stmt *s = db_stmt(c, "UPDATE idempotency_keys SET state = 'done', status = :status, "
                               "response = :body, location = :loc, etag = :etag "
                               "WHERE principal_id = :pid AND key = :key");
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":status", status);
  db_bind_text(s, ":body", response);
  db_bind_text(s, ":loc", location);
  db_bind_text(s, ":etag", etag);
  db_bind_text(s, ":pid", principal_id);
  db_bind_text(s, ":key", key);
  return db_exec_stmt(c, s);
}

struct release_args {
  const char *principal_id, *key;
};

static enum store_status release_tx(struct store_conn *c, void *arg)
{
  struct release_args *a = arg;
  struct db_stmt *s = db_stmt(c, "DELETE FROM idempotency_keys WHERE principal_id = :pid "
                               "AND key = :key AND state = 'in_flight'");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":pid", a->principal_id);
  db_bind_text(s, ":key", a->key);
  return db_exec_stmt(c, s);
}

enum store_status store_idem_release(struct store *st, const char *principal_id,
                                     const char *key)
{
  struct release_args a = {principal_id, key};
  return store_write(st, release_tx, &a);
}
