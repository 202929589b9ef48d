/* audit.c - the audit use case (see service/audit.h). */
#include "service/audit.h"
#include "app.h"

#include "store_audit.h"

#include <stdio.h>
#include <string.h>

enum store_status audit_record(struct store_conn *c, const struct principal *actor,
                               const char *action, const char *subject_kind,
                               const char *subject_id, const char *subject_label,
                               const char *detail)
{
  struct audit_event e;
  memset(&e, 0, sizeof e);
  if (actor->kind == PRINCIPAL_OFFICE_USER)
    snprintf(e.office_id, sizeof e.office_id, "%s", actor->office_id);
  else if (actor->kind == PRINCIPAL_CUSTOMER_ADMIN)
    snprintf(e.company_id, sizeof e.company_id, "%s", actor->company_id);
  snprintf(e.actor_kind, sizeof e.actor_kind, "%s", store_principal_kind_str(actor->kind));
  snprintf(e.actor_id, sizeof e.actor_id, "%s", actor->id);
  snprintf(e.actor_email, sizeof e.actor_email, "%s", actor->email);
  snprintf(e.action, sizeof e.action, "%s", action);
  snprintf(e.subject_kind, sizeof e.subject_kind, "%s", subject_kind ? subject_kind : "");
  snprintf(e.subject_id, sizeof e.subject_id, "%s", subject_id ? subject_id : "");
  snprintf(e.subject_label, sizeof e.subject_label, "%s", subject_label ? subject_label : "");
  snprintf(e.detail, sizeof e.detail, "%s", detail ? detail : "");
  return store_audit_add(c, &e);
}

enum store_status audit_page(const struct app *app, const struct principal *caller,
                             long long before, int limit,
                             bool (*fn)(const struct audit_event *e, void *arg), void *arg)
{
  struct store_conn *c = store_conn(app->store);
  if (!c)
    return STORE_ERROR;
  return store_audit_list(c, caller->kind == PRINCIPAL_OFFICE_USER ? caller->office_id : NULL,
                          caller->kind == PRINCIPAL_CUSTOMER_ADMIN ? caller->company_id : NULL,
                          before, limit, fn, arg);
}
