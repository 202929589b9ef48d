/* audit.c - GET /v1/audit-events: the audit log of the caller's office (users with full
 * rights) or company (its administrators), newest first, cursor-paginated. */
#include "app.h"
#include "domain/authz.h"
#include "handlers.h"
#include "resource.h"
#include "service/audit.h"
#include "store_audit.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>

static const struct field_spec list_query[] = {
    {.name = "cursor", .type = FIELD_STRING, .min_len = 1, .max_len = API_CURSOR_MAX},
    {.name = "limit", .type = FIELD_INT, .min = 1, .max = API_LIST_MAX_LIMIT},
    {0},
};

static json_t *or_null(const char *s) { return s[0] ? json_string(s) : json_null(); }

static json_t *event_json(const struct audit_event *e)
{
  json_t *subject = json_null();
  if (e->subject_kind[0])
    subject = json_pack("{s:s, s:s, s:o}", "kind", e->subject_kind, "id", e->subject_id,
                        "label", or_null(e->subject_label));
  return json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:o, s:o}", "id", e->id, "at", e->at,
                   "action", e->action, "actor", "kind", e->actor_kind, "id", e->actor_id,
                   "email", e->actor_email, "subject", subject, "detail", or_null(e->detail));
}

static bool list_row(const struct audit_event *e, void *arg)
{
  char seq[24];
  snprintf(seq, sizeof seq, "%lld", e->seq);
  return api_page_add(arg, event_json(e), seq, e->id);
}

static enum store_status list_fill(const char *const *after, struct api_page *p, void *arg)
{
  const struct request *req = arg;
  char *end = NULL;
  long long before = after[0] ? strtoll(after[0], &end, 10) : 0;
  if (after[0] && (before <= 0 || !end || *end))
    return STORE_ABORT;
  return audit_page(req->app, &req->principal, before, p->limit + 1, list_row, p);
}

enum MHD_Result api_audit_list(struct request *req)
{
  enum MHD_Result r;
  if (!authz_may(&req->principal, CAP_AUDIT_READ))
    return reply_problem(req, ERR_FORBIDDEN, "Only a user of the office with full rights (or "
                                             "a company's administrator) may read the audit "
                                             "log");
  if (!validate_query(req, list_query, &r))
    return r;
  return api_list_run(req, list_fill, req, "audit event");
}
