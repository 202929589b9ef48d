/* collab_render.c - a collaboration and a history event as the API shows them to a viewer:
 * the replies of api/ and the payloads of webhooks (which must show an endpoint's owner exactly
 * what the API would show it) are made here. */
#include "service/collab_render.h"
#include "domain/dates.h"
#include "json_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *collab_str_or_null(const char *s)
{
  return s && s[0] ? json_string(s) : json_null();
}

static void mail_write(struct json_text *w, const struct collab_mail_state *m)
{
  if (!m) {
    json_text_lit_null(w, "invitation_email");
    return;
  }
  json_text_lit_open(w, "invitation_email", '{');
  json_text_lit_str(w, "id", m->outbox_id);
  json_text_lit_str(w, "template", m->template_name);
  json_text_lit_str(w, "status", m->status);
  json_text_lit_int(w, "attempts", m->attempts);
  json_text_lit_str_or_null(w, "last_error", m->last_error);
  json_text_lit_str(w, "created_at", m->created_at);
  json_text_lit_str_or_null(w, "sent_at", m->sent_at);
  json_text_close(w, '}');
}

void collab_json_write(struct json_text *w, const struct collab *co,
                       const struct collab_mail_state *mail, int64_t now_ms,
                       const struct principal *viewer)
{
  /* the office's own name for its customer, and the contact it gave, are the office's alone */
  bool office = viewer && viewer->kind == PRINCIPAL_OFFICE_USER;
  char expires[32], reminded[32] = "";
  date_iso_ms(co->expires_at_ms, expires, sizeof expires);
  if (co->last_reminder_ms)
    date_iso_ms(co->last_reminder_ms, reminded, sizeof reminded);
  enum collab_state st = collab_effective_state(co->state, co->expires_at_ms, now_ms);
  /* a scheduled start whose day came reads as active before the sweep has made it so */
  if (st == COLLAB_APPROVED && co->starts_on[0]) {
    char today[DATE_LEN];
    date_local_of_ms(now_ms, today, sizeof today);
    if (strcmp(co->starts_on, today) <= 0)
      st = COLLAB_ACTIVE;
  }
  json_text_open(w, NULL, '{');
  json_text_lit_str(w, "id", co->id);
  json_text_lit_str(w, "office_id", co->office_id);
  json_text_lit_str(w, "office_name", co->office_name);
  json_text_lit_str_or_null(w, "customer_id", co->customer_id);
  json_text_lit_str_or_null(w, "customer_name", office ? co->customer_name : NULL);
  json_text_lit_open(w, "company", '{');
  json_text_lit_str(w, "id", co->company_id);
  json_text_lit_str(w, "corporate_id", co->corporate_id);
  json_text_lit_str(w, "name", co->company_name);
  json_text_close(w, '}');
  json_text_lit_str_or_null(w, "task_id", co->task_id);
  json_text_lit_str(w, "variant", co->variant);
  json_text_lit_str(w, "invoice_recipient", co->invoice_recipient);
  json_text_lit_int(w, "agreement_period_months", co->agreement_period_months);
  json_text_lit_bool(w, "agreement_continues", co->agreement_continues);
  json_text_lit_str_or_null(w, "starts_on", co->starts_on);
  json_text_lit_str_or_null(w, "renews_on", co->renews_on);
  json_text_lit_str(w, "initiated_by", collab_initiator_str(co->initiated_by));
  json_text_lit_str(w, "way", collab_way_str(co->way));
  json_text_lit_str(w, "state", collab_state_str(st));
  json_text_lit_str(w, "language", co->language);
  json_text_lit_str(w, "expires_at", expires);
  json_text_lit_str_or_null(w, "administrator_id", co->administrator_id);
  if (office && co->way == COLLAB_WAY_NEW_CUSTOMER && co->administrator_id[0]) {
    json_text_lit_open(w, "administrator", '{');
    json_text_lit_str(w, "id", co->administrator_id);
    json_text_lit_str(w, "name", co->admin_name);
    json_text_lit_str(w, "email", co->admin_email);
    json_text_lit_str_or_null(w, "phone", co->admin_phone);
    json_text_lit_bool(w, "confirmed", co->admin_confirmed);
    json_text_close(w, '}');
  }
  /* a customer's open invitation, to the office: the terms it accepts (sent back with accept) */
  if (office && co->way == COLLAB_WAY_CUSTOMER_INVITE && st == COLLAB_INVITED)
    json_text_lit_str(w, "terms_version", COLLAB_TERMS_VERSION);
  if (co->keep_service < 0)
    json_text_lit_null(w, "keep_service");
  else
    json_text_lit_bool(w, "keep_service", co->keep_service);
  json_text_lit_bool(w, "service_decision_pending", co->service_decision_pending);
  json_text_lit_str_or_null(w, "renewal_requested_at", co->renewal_requested_at);
  json_text_lit_open(w, "reminders", '{');
  json_text_lit_int(w, "count", co->reminder_count);
  json_text_lit_str_or_null(w, "last_sent_at", reminded);
  json_text_close(w, '}');
  mail_write(w, mail);
  json_text_lit_str(w, "created_at", co->created_at);
  json_text_lit_str(w, "updated_at", co->updated_at);
  json_text_lit_int(w, "version", co->version);
  json_text_close(w, '}');
}

char *collab_json_text(const struct collab *co, const struct collab_mail_state *mail,
                       int64_t now_ms, const struct principal *viewer, size_t *len)
{
  struct json_text w = {0};
  collab_json_write(&w, co, mail, now_ms, viewer);
  return json_text_take(&w, len);
}

json_t *collab_json(const struct collab *co, const struct collab_mail_state *mail, int64_t now_ms,
                    const struct principal *viewer)
{
  size_t len;
  char *text = collab_json_text(co, mail, now_ms, viewer, &len);
  json_t *o = text ? json_loadb(text, len, 0, NULL) : NULL;
  free(text);
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

