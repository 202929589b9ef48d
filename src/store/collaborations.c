/* collaborations.c - SQL for the collaborations table: insert, read (with the names of the
 * office, company and register entry joined in), versioned update, lists and due expiries. */
#include "collab_sql.h"
#include "db.h"
#include "store_collab.h"
#include "util.h"

#include <string.h>

/* A row of COLLAB_SELECT (full) or of COLLAB_VIEW_SELECT (not full: the members the view
 * leaves out stay 0) into co; the number of columns read. */
static int read_row(struct db_stmt *s, struct collab *co, bool full)
{
  memset(co, 0, sizeof *co);
  int i = 0;
  db_col_text(s, i++, co->id, sizeof co->id);
  db_col_text(s, i++, co->office_id, sizeof co->office_id);
  db_col_text(s, i++, co->company_id, sizeof co->company_id);
  db_col_text(s, i++, co->customer_id, sizeof co->customer_id);
  db_col_text(s, i++, co->task_id, sizeof co->task_id);
  db_col_text(s, i++, co->variant, sizeof co->variant);
  db_col_text(s, i++, co->invoice_recipient, sizeof co->invoice_recipient);
  co->agreement_period_months = db_col_int(s, i++);
  co->agreement_continues = db_col_int(s, i++) != 0;
  db_col_text(s, i++, co->starts_on, sizeof co->starts_on);
  db_col_text(s, i++, co->renews_on, sizeof co->renews_on);
  char text[32];
  db_col_text(s, i++, text, sizeof text);
  collab_initiator_parse(text, &co->initiated_by);
  db_col_text(s, i++, text, sizeof text);
  collab_way_parse(text, &co->way);
  db_col_text(s, i++, text, sizeof text);
  collab_state_parse(text, &co->state);
  db_col_text(s, i++, co->language, sizeof co->language);
  if (full) {
    db_col_text(s, i++, co->inviter_kind, sizeof co->inviter_kind);
    db_col_text(s, i++, co->inviter_id, sizeof co->inviter_id);
  }
  db_col_text(s, i++, co->administrator_id, sizeof co->administrator_id);
  if (full) {
    db_col_text(s, i++, co->approved_by_kind, sizeof co->approved_by_kind);
    db_col_text(s, i++, co->approved_by_id, sizeof co->approved_by_id);
  }
  co->keep_service = db_col_null(s, i) ? -1 : db_col_int(s, i);
  i++;
  co->expires_at_ms = db_col_int64(s, i++);
  if (full) {
    db_col_text(s, i++, co->token_nonce, sizeof co->token_nonce);
    co->accept_attempts = db_col_int(s, i++);
  }
  co->reminder_count = db_col_int(s, i++);
  co->last_reminder_ms = db_col_int64(s, i++);
  co->version = db_col_int64(s, i++);
  db_col_text(s, i++, co->created_at, sizeof co->created_at);
  db_col_text(s, i++, co->updated_at, sizeof co->updated_at);
  co->service_decision_pending = db_col_int(s, i++) != 0;
  db_col_text(s, i++, co->renewal_requested_at, sizeof co->renewal_requested_at);
  db_col_text(s, i++, co->corporate_id, sizeof co->corporate_id);
  db_col_text(s, i++, co->company_name, sizeof co->company_name);
  db_col_text(s, i++, co->office_name, sizeof co->office_name);
  db_col_text(s, i++, co->customer_name, sizeof co->customer_name);
  db_col_text(s, i++, co->admin_name, sizeof co->admin_name);
  db_col_text(s, i++, co->admin_email, sizeof co->admin_email);
  db_col_text(s, i++, co->admin_phone, sizeof co->admin_phone);
  co->admin_confirmed = db_col_int(s, i++) != 0;
  return i;
}

int store_collab_read_row(struct db_stmt *s, struct collab *co)
{
  return read_row(s, co, true);
}

/* Binds the columns a change may set, which the INSERT and the UPDATE both write under the
 * same parameter names: the terms, the state and who approved, the link's expiry and nonce. */
static void bind_terms(struct db_stmt *s, const struct collab *co)
{
  db_bind_text_kept(s, ":customer", db_opt_text(co->customer_id));
  db_bind_text_kept(s, ":task", db_opt_text(co->task_id));
  db_bind_text_kept(s, ":variant", co->variant);
  db_bind_text_kept(s, ":recipient", co->invoice_recipient);
  db_bind_int(s, ":period", co->agreement_period_months);
  db_bind_int(s, ":continues", co->agreement_continues);
  db_bind_text_kept(s, ":starts", db_opt_text(co->starts_on));
  db_bind_text_kept(s, ":renews", db_opt_text(co->renews_on));
  db_bind_text_kept(s, ":state", collab_state_str(co->state));
  db_bind_text_kept(s, ":admin", db_opt_text(co->administrator_id));
  db_bind_text_kept(s, ":akind", db_opt_text(co->approved_by_kind));
  db_bind_text_kept(s, ":aid", db_opt_text(co->approved_by_id));
  if (co->keep_service < 0)
    db_bind_null(s, ":keep");
  else
    db_bind_int(s, ":keep", co->keep_service);
  db_bind_int(s, ":expires", co->expires_at_ms);
  db_bind_text_kept(s, ":nonce", co->token_nonce);
  db_bind_int(s, ":pending", co->service_decision_pending);
  db_bind_text_kept(s, ":renewal", db_opt_text(co->renewal_requested_at));
}

enum store_status store_collab_insert(struct store_conn *c, struct collab *co)
{
  struct db_stmt *s = db_stmt(
      c, "INSERT INTO collaborations (id, office_id, company_id, customer_id, task_id, variant, "
         "invoice_recipient, agreement_period_months, agreement_continues, starts_on, renews_on, "
         "initiated_by, way, state, language, inviter_kind, inviter_id, administrator_id, "
         "approved_by_kind, approved_by_id, keep_service, expires_at_ms, "
         "token_nonce, accept_attempts, reminder_count, last_reminder_ms, version, created_at, "
         "updated_at, service_decision_pending, renewal_requested_at) VALUES (:id, :office, "
         ":company, :customer, "
         ":task, :variant, :recipient, :period, :continues, :starts, :renews, :by, :way, :state, "
         ":lang, :ikind, :iid, :admin, :akind, :aid, :keep, :expires, :nonce, 0, 0, NULL, "
         "1, :now, :now, :pending, :renewal)");
  if (!s)
    return STORE_ERROR;
  char now[32];
  util_now_iso8601(now, sizeof now);
  db_bind_text_kept(s, ":id", co->id);
  db_bind_text_kept(s, ":office", co->office_id);
  db_bind_text_kept(s, ":company", co->company_id);
  bind_terms(s, co);
  db_bind_text_kept(s, ":by", collab_initiator_str(co->initiated_by));
  db_bind_text_kept(s, ":way", collab_way_str(co->way));
  db_bind_text_kept(s, ":lang", co->language);
  db_bind_text_kept(s, ":ikind", co->inviter_kind);
  db_bind_text_kept(s, ":iid", co->inviter_id);
  db_bind_text_kept(s, ":now", now);
  enum store_status st = db_exec_stmt(c, s);
  if (st == STORE_OK) {
    co->version = 1;
    co->accept_attempts = co->reminder_count = 0;
    co->last_reminder_ms = 0;
    memcpy(co->created_at, now, sizeof co->created_at);
    memcpy(co->updated_at, now, sizeof co->updated_at);
  }
  return st;
}

/* The three reads of one collaboration, as written: "where" follows COLLAB_COLUMNS. In a
 * PostgreSQL write transaction (c->lock_reads, engine-specific) the row is locked as it is
 * read, so that the writers of one collaboration queue there (see db.h). */
#define COLLAB_READ(c, where)                                                               \
  ((c)->lock_reads ? db_stmt((c), COLLAB_COLUMNS where " FOR UPDATE OF co")                 \
                   : db_stmt((c), COLLAB_COLUMNS where))

static enum store_status get_one(struct store_conn *c, struct db_stmt *s, struct collab *out)
{
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    store_collab_read_row(s, out);
  db_reset(s);
  return st;
}

enum store_status store_collab_get(struct store_conn *c, const char *id, struct collab *out)
{
  struct db_stmt *s = COLLAB_READ(c, "WHERE co.id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", id);
  return get_one(c, s, out);
}

enum store_status store_collab_get_with_mail(struct store_conn *c, const char *id,
                                             struct collab *out, struct collab_mail_state *mail,
                                             bool *has_mail)
{
  /* one statement, so one read lock of the database instead of two */
  struct db_stmt *s =
      db_dialect(c) == DB_SQLITE
          ? db_stmt(c, COLLAB_ONE_WITH_MAIL "WHERE co.id = :id " COLLAB_MAIL_ORDER " LIMIT 1")
          : db_stmt(c, COLLAB_WITH_MAIL "WHERE co.id = :id");
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":id", id); /* reset below, before id's caller goes on */
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK)
    *has_mail = store_collab_read_with_mail(s, out, mail);
  db_reset(s);
  return st;
}

bool store_collab_read_with_mail(struct db_stmt *s, struct collab *co,
                                 struct collab_mail_state *mail)
{
  int n = read_row(s, co, false);
  bool has = !db_col_null(s, n);
  if (has)
    store_collab_read_mail(s, n, mail);
  return has;
}

enum store_status store_collab_get_by_token_hash(struct store_conn *c, const char *token_hash,
                                                 struct collab *out)
{
  struct db_stmt *s = COLLAB_READ(c, "JOIN invitation_links il ON il.collaboration_id = co.id "
                                     "WHERE il.token_hash = :hash");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":hash", token_hash);
  return get_one(c, s, out);
}

enum store_status store_collab_open_id(struct store_conn *c, const char *office_id,
                                       const char *company_id, char *id)
{
  /* one index (collaborations_one_open): a read of the row (COLLAB_READ) opens every table of
   * its join even when no row matches */
  struct db_stmt *s = db_stmt(c, "SELECT id FROM collaborations WHERE office_id = :office "
                                 "AND company_id = :company AND " COLLAB_OPEN_STATE(""));
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":office", office_id);
  db_bind_text_kept(s, ":company", company_id);
  return db_first_text(c, s, id, COLLAB_ID_LEN);
}

enum store_status store_collab_other_new_admin(struct store_conn *c, const char *company_id,
                                               const char *office_id, const char *admin_id,
                                               bool *other)
{
  /* on collaborations_by_company (a company has a handful of collaborations), which the
   * order makes SQLite prefer to collaborations_due (state, expires_at_ms: every invitation of
   * every company; "+ 0" keeps the expiry off that index) */
  struct db_stmt *s = db_stmt(c, "SELECT 1 FROM collaborations WHERE company_id = :company "
                                 "AND state = 'invited' AND expires_at_ms + 0 > :now_ms "
                                 "AND way = 'new_customer' AND office_id <> :office "
                                 "AND administrator_id <> :admin ORDER BY created_at LIMIT 1");
  if (!s)
    return STORE_ERROR;
  db_bind_text_kept(s, ":company", company_id);
  db_bind_text_kept(s, ":office", office_id);
  db_bind_text_kept(s, ":admin", admin_id);
  db_bind_int(s, ":now_ms", util_now_ms());
  return db_exists(c, s, other);
}

enum store_status store_collab_created_since(struct store_conn *c, const char *inviter_id,
                                             const char *since, long *count, char *oldest)
{
  /* a batch's rows count as the batch (store_batches_created_since), not one by one */
  struct db_stmt *s = db_stmt(c, "SELECT count(*), min(created_at) FROM collaborations "
                               "WHERE inviter_id = :inviter AND created_at >= :since AND "
                               "NOT EXISTS (SELECT 1 FROM collab_batch_rows r WHERE "
                               "r.collaboration_id = collaborations.id)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":inviter", inviter_id);
  db_bind_text(s, ":since", since);
  enum store_status st = db_step_row(c, s);
  if (st == STORE_OK) {
    *count = (long)db_col_int64(s, 0);
    db_col_text(s, 1, oldest, 32);
  }
  db_reset(s);
  return st;
}

enum store_status store_collab_other_active(struct store_conn *c, const char *company_id,
                                            const char *except_id, char *id_out)
{
  struct db_stmt *s = db_stmt(c, "SELECT id FROM collaborations WHERE company_id = :company "
                               "AND state = 'active' AND id <> :except ORDER BY created_at LIMIT 1");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":company", company_id);
  db_bind_text(s, ":except", except_id);
  return db_first_text(c, s, id_out, COLLAB_ID_LEN);
}

enum store_status store_collab_update(struct store_conn *c, struct collab *co, bool drop_links)
{
  struct db_stmt *s = db_stmt(
      c, "UPDATE collaborations SET customer_id = :customer, task_id = :task, "
         "variant = :variant, invoice_recipient = :recipient, agreement_period_months = :period, "
         "agreement_continues = :continues, starts_on = :starts, renews_on = :renews, "
         "state = :state, administrator_id = :admin, approved_by_kind = :akind, "
         "approved_by_id = :aid, keep_service = :keep, expires_at_ms = :expires, "
         "token_nonce = :nonce, accept_attempts = :attempts, reminder_count = :reminders, "
         "service_decision_pending = :pending, renewal_requested_at = :renewal, "
         "last_reminder_ms = :reminded, "
         "version = version + 1, updated_at = :now WHERE id = :id AND version = :version");
  if (!s)
    return STORE_ERROR;
  char now[32];
  util_now_iso8601(now, sizeof now);
  bind_terms(s, co);
  db_bind_int(s, ":attempts", co->accept_attempts);
  db_bind_int(s, ":reminders", co->reminder_count);
  if (co->last_reminder_ms)
    db_bind_int(s, ":reminded", co->last_reminder_ms);
  else
    db_bind_null(s, ":reminded");
  db_bind_text(s, ":now", now);
  db_bind_text(s, ":id", co->id);
  db_bind_int(s, ":version", co->version);
  enum store_status st = db_exec_stmt(c, s);
  if (st != STORE_OK)
    return st;
  if (db_changes(c) == 0) {
    /* either gone or a racing write moved the version on */
    struct collab cur;
    enum store_status g = store_collab_get(c, co->id, &cur);
    return g == STORE_OK ? STORE_CONFLICT : g;
  }
  co->version++;
  memcpy(co->updated_at, now, sizeof co->updated_at);
  return drop_links ? store_collab_links_drop(c, co->id) : STORE_OK;
}

/* The ids the bound statement s selects (its first column), at most max, into ids[0..*n). */
static enum store_status read_ids(struct store_conn *c, struct db_stmt *s,
                                  char (*ids)[COLLAB_ID_LEN], size_t max, size_t *n)
{
  db_bind_int(s, ":max", (int64_t)max);
  *n = 0;
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK && *n < max)
    db_col_text(s, 0, ids[(*n)++], COLLAB_ID_LEN);
  db_reset(s);
  return st == STORE_NOT_FOUND || st == STORE_OK ? STORE_OK : st;
}

enum store_status store_collab_due_expiries(struct store_conn *c, int64_t now_ms,
                                            char (*ids)[COLLAB_ID_LEN], size_t max, size_t *n)
{
  struct db_stmt *s = db_stmt(c, "SELECT id FROM collaborations WHERE state = 'invited' AND "
                               "expires_at_ms <= :now ORDER BY expires_at_ms LIMIT :max");
  if (!s)
    return STORE_ERROR;
  db_bind_int(s, ":now", now_ms);
  return read_ids(c, s, ids, max, n);
}

enum store_status store_collab_due_starts(struct store_conn *c, const char *today,
                                          char (*ids)[COLLAB_ID_LEN], size_t max, size_t *n)
{
  struct db_stmt *s = db_stmt(c, "SELECT id FROM collaborations WHERE state = 'approved' AND "
                                 "starts_on IS NOT NULL AND starts_on <= :today "
                                 "ORDER BY starts_on, id LIMIT :max");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":today", today);
  return read_ids(c, s, ids, max, n);
}
