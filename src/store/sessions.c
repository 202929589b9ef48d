/* sessions.c - SQL for sign-in links and browser sessions (see store_session.h). */
#include "principal_sql.h"
#include "sign_in_sql.h"
#include "db.h"
#include "store_session.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

enum store_status store_sign_in_accounts(struct store_conn *c, const char *email,
                                         struct sign_in_account *out, size_t max, size_t *n)
{
  *n = 0;
  /* one index search per table, the same accounts on both engines (sign_in_sql.h) */
  struct db_stmt *s = db_stmt(c, db_dialect(c) == DB_PG ? SIGN_IN_ACCOUNTS_PG
                                                        : SIGN_IN_ACCOUNTS_SQLITE);
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":email", email);
  enum store_status st;
  while (*n < max && (st = db_step_row(c, s)) == STORE_OK) {
    struct sign_in_account *a = &out[*n];
    char kind[24];
    memset(a, 0, sizeof *a);
    db_col_text(s, 0, kind, sizeof kind);
    a->kind = store_principal_kind_parse(kind);
    db_col_text(s, 1, a->id, sizeof a->id);
    db_col_text(s, 2, a->email, sizeof a->email);
    db_col_text(s, 3, a->account_name, sizeof a->account_name);
    (*n)++;
  }
  db_reset(s);
  return *n == max || st == STORE_NOT_FOUND ? STORE_OK : st;
}

enum store_status store_sign_in_link_add(struct store_conn *c, enum principal_kind kind,
                                         const char *principal_id, const char *token_hash,
                                         int64_t expires_ms)
{
  char now[STORE_TIME_LEN];
  util_now_iso8601(now, sizeof now);
  struct db_stmt *s = db_stmt(c, "INSERT INTO sign_in_links (token_hash, principal_kind, "
                               "principal_id, expires_ms, created_at) VALUES (:hash, :kind, "
                               ":pid, :exp, :now)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":hash", token_hash);
  db_bind_text(s, ":kind", store_principal_kind_str(kind));
  db_bind_text(s, ":pid", principal_id);
  db_bind_int(s, ":exp", expires_ms);
  db_bind_text(s, ":now", now);
  return db_exec_stmt(c, s);
}

enum store_status store_sign_in_link_use(struct store_conn *c, const char *token_hash,
                                         int64_t now_ms, enum sign_in_link_state *state,
                                         enum principal_kind *kind, char *principal_id)
{
  struct db_stmt *s = db_stmt(c, "SELECT principal_kind, principal_id, expires_ms, "
                               "used_ms IS NOT NULL FROM sign_in_links WHERE token_hash = :hash");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":hash", token_hash);
  enum store_status st = db_step_row(c, s);
  if (st != STORE_OK)
    return st;
  char k[24];
  db_col_text(s, 0, k, sizeof k);
  db_col_text(s, 1, principal_id, STORE_ID_LEN);
  int64_t expires_ms = db_col_int64(s, 2);
  bool used = db_col_int(s, 3) != 0;
  db_reset(s);
  *kind = store_principal_kind_parse(k);
  *state = used ? SIGN_IN_LINK_USED : expires_ms <= now_ms ? SIGN_IN_LINK_EXPIRED : SIGN_IN_LINK_OK;
  if (*state != SIGN_IN_LINK_OK)
    return STORE_OK;
  /* The claim itself: only one request can turn used_ms from NULL. */
  s = db_stmt(c, "UPDATE sign_in_links SET used_ms = :now WHERE token_hash = :hash "
                 "AND used_ms IS NULL");
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":now", now_ms);
  db_bind_text(s, ":hash", token_hash);
  st = db_exec_stmt(c, s);
  if (st == STORE_OK && db_changes(c) == 0)
    *state = SIGN_IN_LINK_USED;
  return st;
}

enum store_status store_session_create(struct store_conn *c, const struct session *se,
                                       const char *secret_hash)
{
  struct db_stmt *s = db_stmt(c, "INSERT INTO sessions (id, secret_hash, principal_kind, "
                               "principal_id, created_at, last_seen_ms, expires_ms, user_agent) "
                               "VALUES (:id, :hash, :kind, :pid, :created, :seen, :exp, :ua)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", se->id);
  db_bind_text(s, ":hash", secret_hash);
  db_bind_text(s, ":kind", store_principal_kind_str(se->kind));
  db_bind_text(s, ":pid", se->principal_id);
  db_bind_text(s, ":created", se->created_at);
  db_bind_int(s, ":seen", se->last_seen_ms);
  db_bind_int(s, ":exp", se->expires_ms);
  db_bind_text(s, ":ua", se->user_agent[0] ? se->user_agent : NULL);
  return db_exec_stmt(c, s);
}

#define SESSION_LIVE                                                                         \
  "WHERE t.secret_hash = :hash AND t.ended_at IS NULL AND t.expires_ms > :now "              \
  "AND t.last_seen_ms + :idle > :now"

enum store_status store_session_authenticate(struct store_conn *c, const char *secret_hash,
                                             int64_t now_ms, int64_t idle_ms,
                                             struct principal *out)
{
  /* SQLite: the session's row, then its principal (as store_token_authenticate does) */
  bool joined = db_dialect(c) == DB_PG;
  struct db_stmt *s = db_stmt(
      c, joined ? "SELECT t.id, t.secret_hash, t.last_seen_ms, " PRINCIPAL_SQL_COLS
                  " FROM sessions t " PRINCIPAL_SQL_JOINS SESSION_LIVE
                : "SELECT t.id, t.secret_hash, t.last_seen_ms, t.principal_kind, "
                  "t.principal_id FROM sessions t " SESSION_LIVE);
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":hash", secret_hash);
  db_bind_int(s, ":now", now_ms);
  db_bind_int(s, ":idle", idle_ms);
  enum store_status st = db_step_row(c, s);
  if (st != STORE_OK)
    return st;
  char stored[65], session_id[STORE_ID_LEN];
  memset(out, 0, sizeof *out);
  db_col_text(s, 0, session_id, sizeof session_id);
  db_col_text(s, 1, stored, sizeof stored);
  int64_t last_seen_ms = db_col_int64(s, 2);
  st = db_principal_of_row(c, s, 3, out);
  if (st != STORE_OK && st != STORE_NOT_FOUND)
    return st;
  bool exists = st == STORE_OK;
  if (!exists || !util_const_eq(stored, secret_hash)) {
    memset(out, 0, sizeof *out);
    return STORE_NOT_FOUND;
  }
  memcpy(out->session_id, session_id, sizeof session_id);
  out->credential_used_ms = last_seen_ms;
  return STORE_OK;
}

enum store_status store_session_touch(struct store_conn *c, const char *id, int64_t now_ms)
{
  struct db_stmt *s = db_stmt(c, "UPDATE sessions SET last_seen_ms = :now WHERE id = :id "
                               "AND last_seen_ms < :now");
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":now", now_ms);
  db_bind_text(s, ":id", id);
  return db_exec_stmt(c, s);
}

enum store_status store_sessions_of(struct store_conn *c, const char *principal_id,
                                    int64_t now_ms, int64_t idle_ms,
                                    bool (*fn)(const struct session *s, void *arg), void *arg)
{
  struct db_stmt *s = db_stmt(
      c, "SELECT id, principal_kind, created_at, last_seen_ms, expires_ms, "
         "coalesce(user_agent, '') FROM sessions WHERE principal_id = :pid "
         "AND ended_at IS NULL AND expires_ms > :now AND last_seen_ms + :idle > :now "
         "ORDER BY created_at DESC, id DESC");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":pid", principal_id);
  db_bind_int(s, ":now", now_ms);
  db_bind_int(s, ":idle", idle_ms);
  enum store_status st;
  struct session se;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    char kind[24];
    memset(&se, 0, sizeof se);
    db_col_text(s, 0, se.id, sizeof se.id);
    db_col_text(s, 1, kind, sizeof kind);
    se.kind = store_principal_kind_parse(kind);
    snprintf(se.principal_id, sizeof se.principal_id, "%s", principal_id);
    db_col_text(s, 2, se.created_at, sizeof se.created_at);
    se.last_seen_ms = db_col_int64(s, 3);
    se.expires_ms = db_col_int64(s, 4);
    db_col_text(s, 5, se.user_agent, sizeof se.user_agent);
    if (!fn(&se, arg))
      break;
  }
  db_reset(s);
  return st == STORE_NOT_FOUND || st == STORE_OK ? STORE_OK : st;
}

enum store_status store_session_end(struct store_conn *c, const char *principal_id,
                                    const char *id)
{
  char now[STORE_TIME_LEN];
  util_now_iso8601(now, sizeof now);
  struct db_stmt *s = db_stmt(c, "UPDATE sessions SET ended_at = :now WHERE id = :id "
                               "AND principal_id = :pid AND ended_at IS NULL");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":now", now);
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":pid", principal_id);
  enum store_status st = db_exec_stmt(c, s);
  if (st == STORE_OK && db_changes(c) == 0)
    return STORE_NOT_FOUND;
  return st;
}

enum store_status store_sessions_end_all(struct store_conn *c, const char *principal_id,
                                         int *n)
{
  char now[STORE_TIME_LEN];
  util_now_iso8601(now, sizeof now);
  struct db_stmt *s = db_stmt(c, "UPDATE sessions SET ended_at = :now WHERE principal_id = :pid "
                               "AND ended_at IS NULL");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":now", now);
  db_bind_text(s, ":pid", principal_id);
  enum store_status st = db_exec_stmt(c, s);
  if (n)
    *n = st == STORE_OK ? db_changes(c) : 0;
  return st;
}

enum store_status store_sign_in_purge(struct store_conn *c, int64_t before_ms, int64_t idle_ms,
                                      int *n)
{
  char before[STORE_TIME_LEN];
  util_time_iso8601((time_t)(before_ms / 1000), before, sizeof before);
  int gone = 0;
  struct db_stmt *s = db_stmt(c, SIGN_IN_PURGE_LINKS_SQL);
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":before", before_ms);
  enum store_status st = db_exec_stmt(c, s);
  gone += st == STORE_OK ? db_changes(c) : 0;
  if (st == STORE_OK && (s = db_stmt(c, SIGN_IN_PURGE_SESSIONS_SQL)) == NULL)
    return STORE_ERROR;
  if (st == STORE_OK) {
    db_bind_int(s, ":before", before_ms);
    db_bind_int(s, ":idle", idle_ms);
    db_bind_text(s, ":before_iso", before);
    st = db_exec_stmt(c, s);
    gone += st == STORE_OK ? db_changes(c) : 0;
  }
  if (n)
    *n = gone;
  return st;
}
