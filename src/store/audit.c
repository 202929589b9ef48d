/* audit.c - SQL for the audit log (see store_audit.h). */
#include "db.h"
#include "store_audit.h"
#include "util.h"

#include <stdint.h>
#include <string.h>

enum store_status store_audit_add(struct store_conn *c, struct audit_event *e)
{
  util_uuid(e->id);
  util_now_iso8601(e->at, sizeof e->at);
  struct db_stmt *s = db_stmt(
      c, "INSERT INTO audit_events (id, at, office_id, company_id, actor_kind, actor_id, "
         "actor_email, action, subject_kind, subject_id, subject_label, detail) VALUES (:id, "
         ":at, :office, :company, :akind, :aid, :aemail, :action, :skind, :sid, :slabel, "
         ":detail)");
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":id", e->id);
  db_bind_text(s, ":at", e->at);
  db_bind_text(s, ":office", db_opt_text(e->office_id));
  db_bind_text(s, ":company", db_opt_text(e->company_id));
  db_bind_text(s, ":akind", e->actor_kind);
  db_bind_text(s, ":aid", e->actor_id);
  db_bind_text(s, ":aemail", e->actor_email);
  db_bind_text(s, ":action", e->action);
  db_bind_text(s, ":skind", db_opt_text(e->subject_kind));
  db_bind_text(s, ":sid", db_opt_text(e->subject_id));
  db_bind_text(s, ":slabel", db_opt_text(e->subject_label));
  db_bind_text(s, ":detail", db_opt_text(e->detail));
  return db_exec_stmt(c, s);
}

/* A page of one scope's events (scope: "office_id" or "company_id"), newest first: on SQLite
 * audit_events_by_office and _by_company end in the rowid; on PostgreSQL migration 0107 makes
 * them (office_id, rowid) and (company_id, rowid). test_store_plans checks the plans. */
#define AUDIT_LIST(scope)                                                                     \
  "SELECT rowid, id, at, coalesce(office_id, ''), coalesce(company_id, ''), actor_kind, "     \
  "actor_id, actor_email, action, coalesce(subject_kind, ''), coalesce(subject_id, ''), "      \
  "coalesce(subject_label, ''), coalesce(detail, '') FROM audit_events WHERE " scope          \
  " = :scope AND rowid < :before ORDER BY rowid DESC LIMIT :limit"

enum store_status store_audit_list(struct store_conn *c, const char *office_id,
                                   const char *company_id, long long before_seq, int limit,
                                   bool (*fn)(const struct audit_event *e, void *arg),
                                   void *arg)
{
  /* one statement per scope, each one index search already in the order asked for (the
   * OR of both scopes sorted all of the office's events before the first was returned) */
  if (!office_id && !company_id)
    return STORE_OK;
  struct db_stmt *s = db_stmt(c, office_id ? AUDIT_LIST("office_id") : AUDIT_LIST("company_id"));
  if (!s)
    return STORE_ERROR;
  db_bind_text(s, ":scope", office_id ? office_id : company_id);
  db_bind_int(s, ":before", before_seq > 0 ? before_seq : INT64_MAX);
  db_bind_int(s, ":limit", limit);
  struct audit_event e;
  enum store_status st;
  while ((st = db_step_row(c, s)) == STORE_OK) {
    memset(&e, 0, sizeof e);
    e.seq = db_col_int64(s, 0);
    db_col_text(s, 1, e.id, sizeof e.id);
    db_col_text(s, 2, e.at, sizeof e.at);
    db_col_text(s, 3, e.office_id, sizeof e.office_id);
    db_col_text(s, 4, e.company_id, sizeof e.company_id);
    db_col_text(s, 5, e.actor_kind, sizeof e.actor_kind);
    db_col_text(s, 6, e.actor_id, sizeof e.actor_id);
    db_col_text(s, 7, e.actor_email, sizeof e.actor_email);
    db_col_text(s, 8, e.action, sizeof e.action);
    db_col_text(s, 9, e.subject_kind, sizeof e.subject_kind);
    db_col_text(s, 10, e.subject_id, sizeof e.subject_id);
    db_col_text(s, 11, e.subject_label, sizeof e.subject_label);
    db_col_text(s, 12, e.detail, sizeof e.detail);
    if (!fn(&e, arg))
      break;
  }
  db_reset(s);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}
