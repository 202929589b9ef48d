/* collab_common.c - shared parts of the collaboration handlers: who the caller is to the rules,
 * what they may see, how a collaboration and an event are rendered, ETag/If-Match, the
 * invitation link, events, e-mails, lapsed expiries and the company's subscription. */
#include "app.h"
#include "collab_api.h"
#include "domain/dates.h"
#include "log.h"
#include "resource.h"
#include "secret.h"
#include "store_identity.h"
#include "store_outbox.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum collab_actor collab_actor_of(const struct principal *p)
{
  switch (p->kind) {
  case PRINCIPAL_OFFICE_USER:
    return p->role == OFFICE_ROLE_FULL ? COLLAB_ACTOR_OFFICE_FULL : COLLAB_ACTOR_OFFICE_LIMITED;
  case PRINCIPAL_CUSTOMER_ADMIN:
    return COLLAB_ACTOR_CUSTOMER_ADMIN;
  case PRINCIPAL_SUPPORT:
    return COLLAB_ACTOR_SUPPORT;
  default:
    return COLLAB_ACTOR_ADMIN;
  }
}

bool collab_visible_to(const struct collab *co, const struct principal *p)
{
  switch (p->kind) {
  case PRINCIPAL_OFFICE_USER:
    return strcmp(co->office_id, p->office_id) == 0;
  case PRINCIPAL_CUSTOMER_ADMIN:
    return strcmp(co->company_id, p->company_id) == 0;
  case PRINCIPAL_SUPPORT:
  case PRINCIPAL_ADMIN:
    return true;
  default:
    return false;
  }
}

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

json_t *collab_json(const struct collab *co, const struct collab_mail_state *mail, int64_t now_ms)
{
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
      str_or_null(co->customer_id), "customer_name", str_or_null(co->customer_name), "company",
      company, "task_id", str_or_null(co->task_id), "variant", co->variant, "invoice_recipient",
      co->invoice_recipient, "agreement_period_months", co->agreement_period_months,
      "agreement_continues", co->agreement_continues, "starts_on", str_or_null(co->starts_on),
      "renews_on", str_or_null(co->renews_on), "initiated_by",
      collab_initiator_str(co->initiated_by), "way", collab_way_str(co->way), "state",
      collab_state_str(st), "language", co->language);
  json_object_set_new(o, "expires_at", json_string(expires));
  json_object_set_new(o, "administrator_id", str_or_null(co->administrator_id));
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
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:{s:s}, s:{s:s, s:s}, s:s, s:s, s:o}",
                   "collaboration_id", co->id, "state", collab_state_str(st), "initiated_by",
                   collab_initiator_str(co->initiated_by), "way", collab_way_str(co->way),
                   "variant", co->variant, "invoice_recipient", co->invoice_recipient,
                   "agreement_period_months", co->agreement_period_months, "office", "name",
                   co->office_name, "company", "name", co->company_name, "corporate_id",
                   co->corporate_id, "language", co->language, "expires_at", expires,
                   "answers", answers);
}

json_t *collab_event_json(const struct collab_event_rec *e)
{
  json_error_t jerr;
  json_t *details = json_loads(e->details, 0, &jerr);
  if (!json_is_object(details)) {
    json_decref(details);
    details = json_object();
  }
  return json_pack("{s:I, s:s, s:s, s:{s:s, s:o}, s:s, s:o, s:s, s:o, s:o}", "seq",
                   (json_int_t)e->seq, "collaboration_id", e->collaboration_id, "at", e->at,
                   "actor", "kind", e->actor_kind, "id", str_or_null(e->actor_id), "event",
                   e->event, "from", str_or_null(e->from_state), "to", e->to_state, "reason",
                   str_or_null(e->reason), "details", details);
}

enum MHD_Result collab_reply(struct request *req, unsigned status, const struct collab *co)
{
  struct store_conn *c = store_conn(req->app->store);
  if (!c)
    return api_store_failure(req, STORE_ERROR, "collaboration");
  struct collab_mail_state mail;
  enum store_status st = store_collab_invitation_mail(c, co->id, &mail);
  if (st != STORE_OK && st != STORE_NOT_FOUND)
    return api_store_failure(req, st, "collaboration");
  char etag[32];
  api_etag(co->version, etag, sizeof etag);
  if (status == 201) {
    char loc[80];
    snprintf(loc, sizeof loc, "/v1/collaborations/%s", co->id);
    http_add_header(req, "Location", loc);
  }
  return reply_json_etag(req, status, collab_json(co, st == STORE_OK ? &mail : NULL,
                                                  util_now_ms()),
                         etag);
}

void collab_token_hash(const char *token, char *hash)
{
  util_sha256_hex(token, hash);
}

bool collab_new_link(struct request *req, struct collab *co, char *hash)
{
  char nonce[COLLAB_NONCE_LEN], token[SECRET_TOKEN_LEN];
  if (!util_random_token(nonce, sizeof nonce, 32))
    return false;
  secret_token(&req->app->secret, "invitation", nonce, token);
  memcpy(co->token_nonce, nonce, sizeof co->token_nonce);
  collab_token_hash(token, hash);
  return true;
}

enum store_status collab_record(struct store_conn *c, const struct collab *co,
                                const char *actor_kind, const char *actor_id, const char *event,
                                enum collab_state from, enum collab_state to, const char *reason,
                                json_t *details, const char *at)
{
  struct collab_event_rec *e = calloc(1, sizeof *e);
  if (!e) {
    json_decref(details);
    return STORE_ERROR;
  }
  snprintf(e->collaboration_id, sizeof e->collaboration_id, "%s", co->id);
  snprintf(e->actor_kind, sizeof e->actor_kind, "%s", actor_kind);
  snprintf(e->actor_id, sizeof e->actor_id, "%s", actor_id ? actor_id : "");
  snprintf(e->event, sizeof e->event, "%s", event);
  snprintf(e->from_state, sizeof e->from_state, "%s",
           from == COLLAB_NONE ? "" : collab_state_str(from));
  snprintf(e->to_state, sizeof e->to_state, "%s", collab_state_str(to));
  snprintf(e->reason, sizeof e->reason, "%s", reason ? reason : "");
  if (at)
    snprintf(e->at, sizeof e->at, "%s", at);
  enum store_status st = STORE_ERROR;
  char *text = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(details);
  if (text && strlen(text) >= sizeof e->details) {
    log_msg(LOG_ERROR, "collab_event_details", "details of %s too long", event);
    goto cleanup;
  }
  snprintf(e->details, sizeof e->details, "%s", text ? text : "{}");
  st = store_collab_event_add(c, e);
cleanup:
  free(text);
  free(e);
  return st;
}

enum store_status collab_mail(struct store_conn *c, const struct collab *co, const char *tmpl,
                              const char *recipient, json_t *data)
{
  char *text = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(data);
  if (!text)
    return STORE_ERROR;
  struct outbox_message m = {.recipient = recipient,
                             .template_name = tmpl,
                             .language = co->language,
                             .data_json = text,
                             .collaboration_id = co->id};
  enum store_status st = store_outbox_enqueue(c, &m, NULL);
  free(text);
  return st;
}

const char *collab_customer_name(const struct collab *co)
{
  return co->customer_name[0] ? co->customer_name : co->company_name;
}

enum store_status collab_invitee_admin(struct store_conn *c, struct collab *co,
                                      struct customer_admin *ad)
{
  if (co->administrator_id[0])
    return store_customer_admin_get(c, co->administrator_id, ad);
  enum store_status st = store_customer_admin_main_contact(c, co->company_id, ad);
  if (st == STORE_OK)
    snprintf(co->administrator_id, sizeof co->administrator_id, "%s", ad->id);
  return st;
}

const char *collab_link_holder(const struct collab *co)
{
  const char *id = co->way == COLLAB_WAY_CUSTOMER_INVITE ? co->office_id : co->administrator_id;
  return id[0] ? id : NULL;
}

enum store_status collab_mail_invitation(struct store_conn *c, struct collab *co)
{
  enum store_status st;
  char expires[32];
  date_iso_ms(co->expires_at_ms, expires, sizeof expires);
  if (co->way == COLLAB_WAY_CUSTOMER_INVITE) {
    struct office of;
    if ((st = store_office_get(c, co->office_id, &of)) != STORE_OK)
      return st == STORE_NOT_FOUND ? STORE_ERROR : st;
    return collab_mail(c, co, "invitation_office", of.email,
                       json_pack("{s:s, s:s, s:s, s:s, s:s}", "company_name", co->company_name,
                                 "corporate_id", co->corporate_id, "collaboration_id", co->id,
                                 "token_nonce", co->token_nonce, "expires_at", expires));
  }
  /* ways 1-3: only ever to a customer administrator on the portal, never to an address the
   * office keeps in its own register */
  struct customer_admin ad;
  if ((st = collab_invitee_admin(c, co, &ad)) != STORE_OK)
    return st;
  json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "office_name", co->office_name,
                           "customer_name", collab_customer_name(co), "variant", co->variant,
                           "collaboration_id", co->id, "token_nonce", co->token_nonce,
                           "expires_at", expires);
  if (co->way != COLLAB_WAY_NEW_CUSTOMER)
    return collab_mail(c, co, "invitation_customer", ad.email, data);
  json_object_set_new(data, "admin_name", json_string(ad.name));
  return collab_mail(c, co, "activation_new_admin", ad.email, data);
}

enum store_status collab_settle_expiry(struct store_conn *c, struct collab *co, int64_t now_ms)
{
  if (collab_effective_state(co->state, co->expires_at_ms, now_ms) == co->state)
    return STORE_OK;
  enum collab_state from = co->state;
  co->state = collab_effective_state(co->state, co->expires_at_ms, now_ms);
  enum store_status st = store_collab_update(c, co, NULL);
  if (st != STORE_OK)
    return st;
  char at[32];
  date_iso_ms(co->expires_at_ms, at, sizeof at);
  return collab_record(c, co, collab_actor_str(COLLAB_ACTOR_SYSTEM), NULL,
                       collab_event_str(COLLAB_EV_EXPIRE), from, co->state,
                       "nobody answered the invitation before it expired", NULL, at);
}

enum store_status collab_sync_subscription(struct store_conn *c, const struct collab *co)
{
  struct company *cp = malloc(sizeof *cp);
  if (!cp)
    return STORE_ERROR;
  enum store_status st = store_company_get(c, co->company_id, cp);
  if (st != STORE_OK)
    goto cleanup;
  int64_t version = cp->version;
  snprintf(cp->relation, sizeof cp->relation, "subscriber");
  cp->has_subscription = true;
  snprintf(cp->sub.variant, sizeof cp->sub.variant, "%s", co->variant);
  snprintf(cp->sub.invoice_recipient, sizeof cp->sub.invoice_recipient, "%s",
           co->invoice_recipient);
  cp->sub.agreement_period_months = co->agreement_period_months;
  snprintf(cp->sub.starts_on, sizeof cp->sub.starts_on, "%s", co->starts_on);
  snprintf(cp->sub.renews_on, sizeof cp->sub.renews_on, "%s", co->renews_on);
  st = store_company_update(c, cp, version);
cleanup:
  free(cp);
  return st;
}
