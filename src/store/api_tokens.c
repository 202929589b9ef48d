/* api_tokens.c - SQL for the API tokens people make (see store_tokens.h). */
#include "db.h"
#include "store_tokens.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* The columns read by read_token, and the scope: tokens of an office's users or of a
 * company's administrators. */
#define API_TOKEN_COLS                                                                       \
  "t.id, t.name, coalesce(t.prefix, ''), t.created_at, coalesce(t.last_used_ms, 0), "       \
  "coalesce(t.expires_at, ''), t.principal_id, coalesce(u.email, a.email, '') "
#define API_TOKEN_SCOPE                                                                      \
  "FROM tokens t "                                                                           \
  "LEFT JOIN office_users u ON t.principal_kind = 'office_user' AND u.id = t.principal_id "  \
  "LEFT JOIN customer_admins a ON t.principal_kind = 'customer_admin' "                      \
  "  AND a.id = t.principal_id "                                                             \
  "WHERE t.name IS NOT NULL AND t.revoked_at IS NULL "                                       \
  "AND ((:office IS NOT NULL AND u.office_id = :office) "                                    \
  "  OR (:company IS NOT NULL AND a.company_id = :company)) "

/* A page of the scope's tokens: those of the people (table: office_users or customer_admins,
 * kind their principal_kind) of the office or company (col = :scope), on that table's index of
 * col and tokens_by_principal; the scope's tokens are sorted (not all tokens). The columns
 * are API_TOKEN_COLS'. test_store_plans checks the plans. */
#define API_TOKEN_LIST(table, kind, col)                                                      \
  "SELECT t.id, t.name, coalesce(t.prefix, ''), t.created_at, coalesce(t.last_used_ms, 0), "  \
  "coalesce(t.expires_at, ''), t.principal_id, p.email FROM " table " p "                     \
  "JOIN tokens t ON t.principal_id = p.id AND t.principal_kind = '" kind "' "                 \
  "WHERE p." col " = :scope AND t.name IS NOT NULL AND t.revoked_at IS NULL "                 \
  "AND (:after_created IS NULL OR t.created_at > :after_created "                             \
  "  OR (t.created_at = :after_created AND t.id > :after_id)) "                               \
  "ORDER BY t.created_at, t.id LIMIT :limit"

static void read_token(struct db_stmt *s, struct api_token *t)
{
  memset(t, 0, sizeof *t);
  db_col_text(s, 0, t->id, sizeof t->id);
  db_col_text(s, 1, t->name, sizeof t->name);
  db_col_text(s, 2, t->prefix, sizeof t->prefix);
  db_col_text(s, 3, t->created_at, sizeof t->created_at);
  t->last_used_ms = db_col_int64(s, 4);
  db_col_text(s, 5, t->expires_at, sizeof t->expires_at);
  db_col_text(s, 6, t->created_by_id, sizeof t->created_by_id);
  db_col_text(s, 7, t->created_by_email, sizeof t->created_by_email);
}

enum store_status store_api_token_issue(struct store_conn *c, enum principal_kind kind,
                                        const char *principal_id, const char *name,
                                        const char *expires_at, char *token_out,
                                        struct api_token *out)
{
  memset(out, 0, sizeof *out);
  enum store_status st = store_token_issue(c, kind, principal_id, expires_at, token_out, out->id);
  if (st != STORE_OK)
    return st;
  snprintf(out->prefix, sizeof out->prefix, "%.12s", token_out);
  struct db_stmt *s = db_stmt(c, "UPDATE tokens SET name = :name, prefix = :prefix "
                               "WHERE id = :id RETURNING created_at");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":name", name);
  db_bind_text(s, ":prefix", out->prefix);
  db_bind_text(s, ":id", out->id);
  st = db_step_row(c, s);
  if (st == STORE_OK)
    db_col_text(s, 0, out->created_at, sizeof out->created_at);
  db_reset(s);
  if (st != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_ERROR : st;
  snprintf(out->name, sizeof out->name, "%s", name);
  snprintf(out->expires_at, sizeof out->expires_at, "%s", expires_at ? expires_at : "");
  snprintf(out->created_by_id, sizeof out->created_by_id, "%s", principal_id);
  return STORE_OK;
}

enum store_status store_token_touch(struct store_conn *c, const char *id, int64_t now_ms)
{
  struct db_stmt *s = db_stmt(c, "UPDATE tokens SET last_used_ms = :now WHERE id = :id "
                               "AND (last_used_ms IS NULL OR last_used_ms < :now)");
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":now", now_ms);
  db_bind_text(s, ":id", id);
  return db_exec_stmt(c, s);
}

enum store_status store_api_tokens_list(struct store_conn *c, const char *office_id,
                                        const char *company_id, const char *after_created,
                                        const char *after_id, int limit,
                                        bool (*fn)(const struct api_token *t, void *arg),
                                        void *arg)
{
  /* from the office's users or the company's administrators to their tokens: reads only the
   * scope's tokens (API_TOKEN_SCOPE's OR of both scopes read every token), sorted */
  if (!office_id && !company_id)
    return STORE_OK;
  struct db_stmt *s = db_stmt(c, office_id ? API_TOKEN_LIST("office_users", "office_user",
                                                           "office_id")
                                           : API_TOKEN_LIST("customer_admins", "customer_admin",
                                                            "company_id"));
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":scope", office_id ? office_id : company_id);
  db_bind_text(s, ":after_created", after_created);
  db_bind_text(s, ":after_id", after_id ? after_id : "");
  db_bind_int(s, ":limit", limit);
  struct api_token t;
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    read_token(s, &t);
    if (!fn(&t, arg))
      break;
  }
  db_reset(s);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

enum store_status store_api_token_get(struct store_conn *c, const char *office_id,
                                      const char *company_id, const char *id,
                                      struct api_token *out)
{
  struct db_stmt *s = db_stmt(c, "SELECT " API_TOKEN_COLS API_TOKEN_SCOPE "AND t.id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":office", office_id);
  db_bind_text(s, ":company", company_id);
  db_bind_text(s, ":id", id);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    read_token(s, out);
  db_reset(s);
  return st;
}

enum store_status store_api_token_revoke(struct store_conn *c, const char *office_id,
                                         const char *company_id, const char *id,
                                         struct api_token *out)
{
  enum store_status st = store_api_token_get(c, office_id, company_id, id, out);
  return st == STORE_OK ? store_token_revoke(c, out->id) : st;
}
