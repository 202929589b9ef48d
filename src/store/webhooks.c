/* webhooks.c - SQL for webhook endpoints (see store_webhooks.h). */
#include "db.h"
#include "row_cache.h"
#include "store_webhooks.h"
#include "webhook_sql.h"

#include <stdlib.h>
#include <string.h>

#define HOOK_SCOPE                                                                           \
  "((:office IS NULL AND :company IS NULL) OR office_id = :office OR company_id = :company) "

/* Reads HOOK_COLS starting at column `at`. */
void store_webhook_read(struct db_stmt *s, int at, struct webhook *w)
{
  memset(w, 0, sizeof *w);
  db_col_text(s, at + 0, w->id, sizeof w->id);
  db_col_text(s, at + 1, w->office_id, sizeof w->office_id);
  db_col_text(s, at + 2, w->company_id, sizeof w->company_id);
  db_col_text(s, at + 3, w->created_by_kind, sizeof w->created_by_kind);
  db_col_text(s, at + 4, w->created_by_id, sizeof w->created_by_id);
  db_col_text(s, at + 5, w->owner_email, sizeof w->owner_email);
  db_col_text(s, at + 6, w->url, sizeof w->url);
  db_col_text(s, at + 7, w->events, sizeof w->events);
  db_col_text(s, at + 8, w->description, sizeof w->description);
  w->enabled = db_col_int(s, at + 9) != 0;
  db_col_text(s, at + 10, w->disabled_reason, sizeof w->disabled_reason);
  db_col_text(s, at + 11, w->secret_nonce, sizeof w->secret_nonce);
  db_col_text(s, at + 12, w->old_secret_nonce, sizeof w->old_secret_nonce);
  w->old_valid_until_ms = db_col_int64(s, at + 13);
  w->failing_since_ms = db_col_int64(s, at + 14);
  db_col_text(s, at + 15, w->created_at, sizeof w->created_at);
  db_col_text(s, at + 16, w->updated_at, sizeof w->updated_at);
  db_col_text(s, at + 17, w->language, sizeof w->language);
}

enum store_status store_webhook_add(struct store_conn *c, const struct webhook *w)
{
  struct db_stmt *s = db_stmt(
      c, "INSERT INTO webhooks (id, office_id, company_id, created_by_kind, created_by_id, "
         "owner_email, url, events, description, enabled, secret_nonce, created_at, updated_at, "
         "language) VALUES (:id, :office, :company, :kind, :by, :email, :url, :events, :desc, 1, "
         ":nonce, :at, :at, :lang)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", w->id);
  db_bind_text(s, ":office", db_opt_text(w->office_id));
  db_bind_text(s, ":company", db_opt_text(w->company_id));
  db_bind_text(s, ":kind", w->created_by_kind);
  db_bind_text(s, ":by", w->created_by_id);
  db_bind_text(s, ":email", w->owner_email);
  db_bind_text(s, ":url", w->url);
  db_bind_text(s, ":events", w->events);
  db_bind_text(s, ":desc", w->description);
  db_bind_text(s, ":nonce", w->secret_nonce);
  db_bind_text(s, ":at", w->created_at);
  db_bind_text(s, ":lang", w->language);
  return db_exec_stmt(c, s);
}

enum store_status store_webhook_get(struct store_conn *c, const char *office_id,
                                    const char *company_id, const char *id, struct webhook *out)
{
  struct db_stmt *s =
      db_stmt(c, "SELECT " HOOK_COLS "FROM webhooks WHERE id = :id AND " HOOK_SCOPE);
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":office", office_id);
  db_bind_text(s, ":company", company_id);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    store_webhook_read(s, 0, out);
  db_reset(s);
  return st;
}

enum store_status store_webhook_update(struct store_conn *c, const struct webhook *w)
{
  struct db_stmt *s = db_stmt(
      c, "UPDATE webhooks SET url = :url, events = :events, description = :desc, "
         "enabled = :enabled, disabled_reason = :reason, secret_nonce = :nonce, "
         "old_secret_nonce = :old, old_valid_until_ms = :until, failing_since_ms = :failing, "
         "updated_at = :at, language = :lang WHERE id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":url", w->url);
  db_bind_text(s, ":events", w->events);
  db_bind_text(s, ":desc", w->description);
  db_bind_int(s, ":enabled", w->enabled ? 1 : 0);
  db_bind_text(s, ":reason", w->disabled_reason);
  db_bind_text(s, ":nonce", w->secret_nonce);
  db_bind_text(s, ":old", db_opt_text(w->old_secret_nonce));
  if (w->old_valid_until_ms)
    db_bind_int(s, ":until", w->old_valid_until_ms);
  if (w->failing_since_ms)
    db_bind_int(s, ":failing", w->failing_since_ms);
  db_bind_text(s, ":at", w->updated_at);
  db_bind_text(s, ":lang", w->language);
  db_bind_text(s, ":id", w->id);
  enum store_status st = db_exec_stmt(c, s);
  return st == STORE_OK && db_changes(c) == 0 ? STORE_NOT_FOUND : st;
}

enum store_status store_webhook_delete(struct store_conn *c, const char *office_id,
                                       const char *company_id, const char *id)
{
  struct db_stmt *s = db_stmt(c, "DELETE FROM webhooks WHERE id = :id AND " HOOK_SCOPE);
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  db_bind_text(s, ":office", office_id);
  db_bind_text(s, ":company", company_id);
  enum store_status st = db_exec_stmt(c, s);
  return st == STORE_OK && db_changes(c) == 0 ? STORE_NOT_FOUND : st;
}

static enum store_status each(struct store_conn *c, struct db_stmt *s,
                              bool (*fn)(const struct webhook *w, void *arg), void *arg)
{
  struct webhook *w = malloc(sizeof *w);
  enum store_status st = w ? STORE_OK : STORE_ERROR;
  while (w && (st = db_step_row(c, s)) == STORE_OK) {
    store_webhook_read(s, 0, w);
    if (!fn(w, arg))
      break;
  }
  db_reset(s);
  free(w);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

/* A page of endpoints in (created_at, id) order after the cursor; scope: "" (all of them) or
 * "office_id = :scope AND " / "company_id = :scope AND ". test_store_plans checks the plans. */
#define HOOK_LIST(scope)                                                                      \
  "SELECT " HOOK_COLS "FROM webhooks WHERE " scope                                            \
  "(:after_created IS NULL OR created_at > :after_created "                                   \
  "  OR (created_at = :after_created AND id > :after_id)) ORDER BY created_at, id LIMIT :limit"

enum store_status store_webhooks_list(struct store_conn *c, const char *office_id,
                                      const char *company_id, const char *after_created,
                                      const char *after_id, int limit,
                                      bool (*fn)(const struct webhook *w, void *arg), void *arg)
{
  /* an office's or a company's on webhooks_by_office / _by_company, then sorted (at most
   * WEBHOOK_MAX_PER_OWNER of them); HOOK_SCOPE's OR read every endpoint of every owner */
  struct db_stmt *s = db_stmt(c, office_id    ? HOOK_LIST("office_id = :scope AND ")
                                 : company_id ? HOOK_LIST("company_id = :scope AND ")
                                              : HOOK_LIST(""));
  if (!s)
    return STORE_ERROR;
  if (office_id || company_id)
    db_bind_text(s, ":scope", office_id ? office_id : company_id);
  db_bind_text(s, ":after_created", after_created);
  db_bind_text(s, ":after_id", after_id ? after_id : "");
  db_bind_int(s, ":limit", limit);
  return each(c, s, fn, arg);
}

enum store_status store_webhooks_enabled_for(struct store_conn *c, const char *office_id,
                                             const char *company_id,
                                             bool (*fn)(const struct webhook *w, void *arg),
                                             void *arg)
{
  /* every collaboration event asks; most databases have no endpoint (row_cache.h) */
  int any = row_cache_any_webhook(c);
  if (any == -1 && c->cache) {
    struct db_stmt *e = db_stmt(c, "SELECT EXISTS (SELECT 1 FROM webhooks WHERE enabled = 1)");
    enum store_status st = e ? db_step_row(c, e) : STORE_ERROR;
    if (st != STORE_OK)
      return st;
    any = db_col_int(e, 0) != 0;
    db_reset(e);
    row_cache_keep_any_webhook(c, any);
  }
  if (any == 0)
    return STORE_OK;
  struct db_stmt *s = db_stmt(c, "SELECT " HOOK_COLS "FROM webhooks WHERE enabled = 1 "
                               "AND (office_id = :office OR company_id = :company) "
                               "ORDER BY created_at, id");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":office", office_id);
  db_bind_text(s, ":company", company_id);
  return each(c, s, fn, arg);
}
