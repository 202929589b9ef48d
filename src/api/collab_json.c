/* collab_json.c - collaborations as the API serves them: a collaboration (what each viewer
 * may see of it), an invitation as its link shows it, an event, and the replies made of a use
 * case's outcome. */
#include "collab_api.h"
#include "domain/dates.h"
#include "resource.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *str_or_null(const char *s)
{
  return s && s[0] ? json_string(s) : json_null();
}

static json_t *mail_json(const struct collab_mail_state *m)
{
  if (!m)
    return json_null();
  return json_pack("{s:s, s:s, s:s, s:i, s:o, s:s, s:o}", "id", m->outbox_id, "template",
                   m->template_name, "status", m->status, "attempts", m->attempts, "last_error",
                   str_or_null(m->last_error), "created_at", m->created_at, "sent_at",
                   str_or_null(m->sent_at));
}

json_t *collab_json(const struct collab *co, const struct collab_mail_state *mail, int64_t now_ms,
                    const struct principal *viewer)
{
  /* the office's own name for its customer, and the contact it gave, are the office's alone */
  bool office = viewer && viewer->kind == PRINCIPAL_OFFICE_USER;
  char expires[32], reminded[32] = "";
  date_iso_ms(co->expires_at_ms, expires, sizeof expires);
  if (co->last_reminder_ms)
    date_iso_ms(co->last_reminder_ms, reminded, sizeof reminded);
  enum collab_state st = collab_effective_state(co->state, co->expires_at_ms, now_ms);
  json_t *company = json_pack("{s:s, s:s, s:s}", "id", co->company_id, "corporate_id",
                              co->corporate_id, "name", co->company_name);
  json_t *o = json_pack(
      "{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:i, s:b, s:o, s:o, s:s, s:s, s:s, s:s}",
      "id", co->id, "office_id", co->office_id, "office_name", co->office_name, "customer_id",
      str_or_null(co->customer_id), "customer_name",
      office ? str_or_null(co->customer_name) : json_null(), "company",
      company, "task_id", str_or_null(co->task_id), "variant", co->variant, "invoice_recipient",
      co->invoice_recipient, "agreement_period_months", co->agreement_period_months,
      "agreement_continues", co->agreement_continues, "starts_on", str_or_null(co->starts_on),
      "renews_on", str_or_null(co->renews_on), "initiated_by",
      collab_initiator_str(co->initiated_by), "way", collab_way_str(co->way), "state",
      collab_state_str(st), "language", co->language);
  json_object_set_new(o, "expires_at", json_string(expires));
  json_object_set_new(o, "administrator_id", str_or_null(co->administrator_id));
  if (office && co->way == COLLAB_WAY_NEW_CUSTOMER && co->administrator_id[0])
    json_object_set_new(o, "administrator",
                        json_pack("{s:s, s:s, s:s, s:o, s:b}", "id", co->administrator_id, "name",
                                  co->admin_name, "email", co->admin_email, "phone",
                                  str_or_null(co->admin_phone), "confirmed",
                                  co->admin_confirmed));
  /* a customer's open invitation, to the office: the terms it accepts (sent back with accept) */
  if (office && co->way == COLLAB_WAY_CUSTOMER_INVITE && st == COLLAB_INVITED)
    json_object_set_new(o, "terms_version", json_string(COLLAB_TERMS_VERSION));
  json_object_set_new(o, "keep_service",
                      co->keep_service < 0 ? json_null() : json_boolean(co->keep_service));
  json_object_set_new(o, "service_decision_pending", json_boolean(co->service_decision_pending));
  json_object_set_new(o, "renewal_requested_at", str_or_null(co->renewal_requested_at));
  json_object_set_new(o, "reminders",
                      json_pack("{s:i, s:o}", "count", co->reminder_count, "last_sent_at",
                                str_or_null(reminded)));
  json_object_set_new(o, "invitation_email", mail_json(mail));
  json_object_set_new(o, "created_at", json_string(co->created_at));
  json_object_set_new(o, "updated_at", json_string(co->updated_at));
  json_object_set_new(o, "version", json_integer(co->version));
  return o;
}

json_t *collab_invitation_json(const struct collab *co, int64_t now_ms)
{
  char expires[32];
  date_iso_ms(co->expires_at_ms, expires, sizeof expires);
  enum collab_state st = collab_effective_state(co->state, co->expires_at_ms, now_ms);
  json_t *answers = json_array();
  static const struct {
    enum collab_event ev;
    const char *path;
  } paths[] = {{COLLAB_EV_APPROVE, "approve"},
               {COLLAB_EV_ACCEPT, "accept"},
               {COLLAB_EV_DECLINE, "decline"},
               {COLLAB_EV_REQUEST_RENEWAL, "renewal-requests"}};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    if (collab_transition(st, paths[i].ev, COLLAB_ACTOR_LINK, co->initiated_by).refusal ==
        COLLAB_ALLOWED)
      json_array_append_new(answers, json_string(paths[i].path));
  /* the office's corporate ID is left out: in way 4 the office must confirm it */
  json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:{s:s}, s:{s:s, s:s}, s:s, s:s, s:o}",
                   "collaboration_id", co->id, "state", collab_state_str(st), "initiated_by",
                   collab_initiator_str(co->initiated_by), "way", collab_way_str(co->way),
                   "variant", co->variant, "invoice_recipient", co->invoice_recipient,
                   "agreement_period_months", co->agreement_period_months, "office", "name",
                   co->office_name, "company", "name", co->company_name, "corporate_id",
                   co->corporate_id, "language", co->language, "expires_at", expires,
                   "answers", answers);
  if (o && co->way == COLLAB_WAY_CUSTOMER_INVITE) /* the terms the office accepts */
    json_object_set_new(o, "terms_version", json_string(COLLAB_TERMS_VERSION));
  return o;
}

json_t *collab_event_json(const struct collab_event_rec *e)
{
  json_error_t jerr;
  json_t *details = json_loads(e->details, 0, &jerr);
  if (!json_is_object(details)) {
    json_decref(details);
    details = json_object();
  }
  return json_pack("{s:I, s:s, s:s, s:{s:s, s:o, s:o, s:o}, s:s, s:o, s:s, s:o, s:o}", "seq",
                   (json_int_t)e->seq, "collaboration_id", e->collaboration_id, "at", e->at,
                   "actor", "kind", e->actor_kind, "id", str_or_null(e->actor_id), "name",
                   str_or_null(e->actor_name), "role", str_or_null(e->actor_role), "event",
                   e->event, "from", str_or_null(e->from_state), "to", e->to_state, "reason",
                   str_or_null(e->reason), "details", details);
}

enum MHD_Result collab_reply(struct request *req, unsigned status,
                             const struct collab_outcome *out)
{
  char etag[32];
  etag_of(out->co.version, etag, sizeof etag);
  if (status == 201) {
    char loc[80];
    snprintf(loc, sizeof loc, "/v1/collaborations/%s", out->co.id);
    http_add_header(req, "Location", loc);
  }
  return reply_json_etag(req, status,
                         collab_json(&out->co, out->has_mail ? &out->mail : NULL, util_now_ms(),
                                     &req->principal),
                         etag);
}

enum MHD_Result collab_reply_outcome(struct request *req, enum store_status st,
                                     struct collab_outcome *out, bool link_view)
{
  if (st != STORE_OK) {
    collab_outcome_clear(out);
    return api_store_failure(req, st, "collaboration");
  }
  if (refused(&out->refusal))
    return api_reply_refusal(req, &out->refusal);
  if (link_view)
    return reply_json(req, 200, collab_invitation_json(&out->co, util_now_ms()));
  return collab_reply(req, 200, out);
}
