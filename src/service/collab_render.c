/* collab_render.c - a collaboration and a history event as the API shows them to a viewer:
 * the replies of api/ and the payloads of webhooks (which must show an endpoint's owner exactly
 * what the API would show it) are made here. */
#include "service/collab_render.h"
#include "domain/dates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *collab_str_or_null(const char *s)
{
  return s && s[0] ? json_string(s) : json_null();
}

static json_t *mail_json(const struct collab_mail_state *m)
{
  if (!m)
    return json_null();
  return json_pack("{s:s, s:s, s:s, s:i, s:o, s:s, s:o}", "id", m->outbox_id, "template",
                   m->template_name, "status", m->status, "attempts", m->attempts, "last_error",
                   collab_str_or_null(m->last_error), "created_at", m->created_at, "sent_at",
                   collab_str_or_null(m->sent_at));
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
      collab_str_or_null(co->customer_id), "customer_name",
      office ? collab_str_or_null(co->customer_name) : json_null(), "company",
      company, "task_id", collab_str_or_null(co->task_id), "variant", co->variant, "invoice_recipient",
      co->invoice_recipient, "agreement_period_months", co->agreement_period_months,
      "agreement_continues", co->agreement_continues, "starts_on", collab_str_or_null(co->starts_on),
      "renews_on", collab_str_or_null(co->renews_on), "initiated_by",
      collab_initiator_str(co->initiated_by), "way", collab_way_str(co->way), "state",
      collab_state_str(st), "language", co->language);
  json_object_set_new(o, "expires_at", json_string(expires));
  json_object_set_new(o, "administrator_id", collab_str_or_null(co->administrator_id));
  if (office && co->way == COLLAB_WAY_NEW_CUSTOMER && co->administrator_id[0])
    json_object_set_new(o, "administrator",
                        json_pack("{s:s, s:s, s:s, s:o, s:b}", "id", co->administrator_id, "name",
                                  co->admin_name, "email", co->admin_email, "phone",
                                  collab_str_or_null(co->admin_phone), "confirmed",
                                  co->admin_confirmed));
  /* a customer's open invitation, to the office: the terms it accepts (sent back with accept) */
  if (office && co->way == COLLAB_WAY_CUSTOMER_INVITE && st == COLLAB_INVITED)
    json_object_set_new(o, "terms_version", json_string(COLLAB_TERMS_VERSION));
  json_object_set_new(o, "keep_service",
                      co->keep_service < 0 ? json_null() : json_boolean(co->keep_service));
  json_object_set_new(o, "service_decision_pending", json_boolean(co->service_decision_pending));
  json_object_set_new(o, "renewal_requested_at", collab_str_or_null(co->renewal_requested_at));
  json_object_set_new(o, "reminders",
                      json_pack("{s:i, s:o}", "count", co->reminder_count, "last_sent_at",
                                collab_str_or_null(reminded)));
  json_object_set_new(o, "invitation_email", mail_json(mail));
  json_object_set_new(o, "created_at", json_string(co->created_at));
  json_object_set_new(o, "updated_at", json_string(co->updated_at));
  json_object_set_new(o, "version", json_integer(co->version));
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
                   "actor", "kind", e->actor_kind, "id", collab_str_or_null(e->actor_id), "name",
                   collab_str_or_null(e->actor_name), "role", collab_str_or_null(e->actor_role), "event",
                   e->event, "from", collab_str_or_null(e->from_state), "to", e->to_state, "reason",
                   collab_str_or_null(e->reason), "details", details);
}

