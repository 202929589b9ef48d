/* collab_actions.c - POST /v1/collaborations/{id}/{approve,decline,withdraw,reminders,accept,
 * activate,end,renewal-requests,variant-changes} and the same answers through an invitation
 * link, POST /v1/invitations/{token}/{approve,decline,accept,renewal-requests}. Each action is
 * one collab_op: the state machine decides, the apply step below does the action's own part. */
#include "app.h"
#include "collab_api.h"
#include "domain/corporate_id.h"
#include "domain/dates.h"
#include "handlers.h"
#include "store_identity.h"
#include "store_register.h"
#include "store_variants.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct field_spec no_fields[] = {{0}};

static const struct field_spec reason_fields[] = {
    {.name = "reason", .type = FIELD_STRING, .max_len = 500},
    {0},
};

static const char *body_str(struct request *req, const char *name)
{
  return req->json ? json_str_member(req->json, name) : NULL;
}

/* Who approved (or accepted): the caller, or through the link the one it was sent to. */
static void set_actor_record(struct collab_op *op, struct collab *co)
{
  snprintf(co->approved_by_kind, sizeof co->approved_by_kind, "%s", op->actor_kind);
  snprintf(co->approved_by_id, sizeof co->approved_by_id, "%s",
           op->actor_id ? op->actor_id : "");
}

static void take_reason(struct collab_op *op)
{
  const char *reason = body_str(op->req, "reason");
  if (reason)
    snprintf(op->reason, sizeof op->reason, "%s", reason);
}

/* ---- approve (ways 1-3): approved, then straight on to active ---- */

static enum store_status approve_apply(struct collab_op *op, struct store_conn *c,
                                       struct collab *co)
{
  /* it goes on to active through its task: that must still be open and the customer's */
  enum store_status st = collab_check_task(op, c, co);
  if (st != STORE_OK || op->err != ERR_NONE)
    return st;
  set_actor_record(op, co);
  op->consume_link = true;
  struct office of;
  if ((st = store_office_get(c, co->office_id, &of)) != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_ERROR : st;
  return collab_mail(c, co, "approved_office", of.email,
                     json_pack("{s:s, s:s}", "customer_name", collab_customer_name(co),
                               "collaboration_id", co->id));
}

/* ---- accept (way 4): the office confirms its corporate ID and e-mail ---- */

static const struct field_spec accept_fields[] = {
    {.name = "corporate_id", .type = FIELD_STRING, .required = true, .min_len = 1,
     .max_len = 20},
    {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3, .max_len = 254},
    {0},
};

static enum store_status accept_apply(struct collab_op *op, struct store_conn *c,
                                      struct collab *co)
{
  if (co->accept_attempts >= COLLAB_MAX_ACCEPT_ATTEMPTS) {
    collab_op_refuse(op, ERR_ATTEMPTS_EXHAUSTED,
                     "This invitation was answered with a wrong corporate ID or e-mail %d times; "
                     "ask the customer to send it again",
                     co->accept_attempts);
    return STORE_OK;
  }
  struct office of;
  enum store_status st = store_office_get(c, co->office_id, &of);
  if (st != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_ERROR : st;
  char given[CORPORATE_ID_LEN];
  bool id_ok = corporate_id_normalize(body_str(op->req, "corporate_id"), given, NULL) !=
                   CORPORATE_ID_INVALID &&
               strcmp(given, of.corporate_id) == 0;
  bool email_ok = strcasecmp(body_str(op->req, "email"), of.email) == 0;
  if (!id_ok || !email_ok) {
    co->state = op->from;
    co->accept_attempts++;
    int left = COLLAB_MAX_ACCEPT_ATTEMPTS - co->accept_attempts;
    if (left < 0)
      left = 0;
    op->commit_refusal = true;
    op->consume_link = left == 0; /* the link dies with the last attempt */
    /* one answer whichever is wrong: it must not help guess the other */
    collab_op_refuse(op, ERR_IDENTITY_MISMATCH,
                     "The corporate ID and e-mail address do not match this invitation; %d "
                     "attempt%s left",
                     left, left == 1 ? "" : "s");
    op->extra = json_pack("{s:i}", "attempts_left", left);
    return STORE_OK;
  }
  set_actor_record(op, co);
  op->consume_link = true;
  op->details = json_pack("{s:[s,s]}", "verified", "corporate_id", "email");
  struct customer *cu = malloc(sizeof *cu);
  if (!cu)
    return STORE_ERROR;
  st = store_customer_get_by_company(c, co->office_id, co->company_id, cu);
  if (st == STORE_OK)
    snprintf(co->customer_id, sizeof co->customer_id, "%s", cu->id);
  free(cu);
  if (st != STORE_OK && st != STORE_NOT_FOUND)
    return st;
  struct customer_admin inviter;
  st = store_customer_admin_get(c, co->inviter_id, &inviter);
  if (st != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_ERROR : st;
  return collab_mail(c, co, "office_accepted", inviter.email,
                     json_pack("{s:s, s:s}", "office_name", co->office_name, "collaboration_id",
                               co->id));
}

/* ---- activate (way 4): the office connects a task ---- */

static const struct field_spec activate_fields[] = {
    {.name = "task_id", .type = FIELD_STRING, .required = true, .min_len = 36, .max_len = 36},
    {0},
};

static enum store_status activate_apply(struct collab_op *op, struct store_conn *c,
                                        struct collab *co)
{
  enum store_status st = collab_take_task(op, c, co, body_str(op->req, "task_id"));
  if (st != STORE_OK || op->err != ERR_NONE)
    return st;
  if ((st = collab_set_agreement_dates(c, co)) != STORE_OK)
    return st;
  op->details = json_pack("{s:s, s:s, s:s, s:s}", "task_id", co->task_id, "customer_id",
                          co->customer_id, "starts_on", co->starts_on, "renews_on",
                          co->renews_on);
  return STORE_OK;
}

static enum store_status sync_after(struct collab_op *op, struct store_conn *c,
                                    struct collab *co)
{
  (void)op;
  return co->state == COLLAB_ACTIVE ? collab_sync_subscription(c, co) : STORE_OK;
}

/* ---- decline, withdraw ---- */

static enum store_status close_link_apply(struct collab_op *op, struct store_conn *c,
                                          struct collab *co)
{
  (void)c;
  (void)co;
  take_reason(op);
  op->consume_link = true;
  return STORE_OK;
}

/* ---- reminders: a new link, a fresh expiry, the e-mail again; limited in rate ---- */

static enum store_status resend(struct collab_op *op, struct store_conn *c, struct collab *co)
{
  const struct config *cfg = op->req->app->cfg;
  if (!collab_new_link(op->req, co, op->new_hash))
    return STORE_ERROR;
  co->accept_attempts = 0;
  co->expires_at_ms = op->now_ms + (int64_t)cfg->invitation_ttl * 1000;
  enum store_status st = collab_mail_invitation(c, co);
  if (st == STORE_NOT_FOUND) {
    collab_op_refuse(op, ERR_CUSTOMER_ADMIN_REQUIRED,
                     "%s (%s) has no administrator on the customer portal to send the invitation "
                     "to; support can add one",
                     co->company_name, co->corporate_id);
    return STORE_OK;
  }
  return st;
}

static enum store_status remind_apply(struct collab_op *op, struct store_conn *c,
                                      struct collab *co)
{
  int64_t wait_ms = op->req->app->cfg->reminder_interval * 1000;
  /* counted from the last reminder, or from the invitation itself before the first one */
  int64_t sent_ms = co->last_reminder_ms;
  if (!sent_ms && !date_parse_iso_ms(co->created_at, &sent_ms))
    sent_ms = 0;
  if (sent_ms && op->now_ms - sent_ms < wait_ms) {
    op->retry_after = (long)((sent_ms + wait_ms - op->now_ms + 999) / 1000);
    collab_op_refuse(op, ERR_RATE_LIMITED,
                     "The invitation was %s less than %ld seconds ago; the next reminder is "
                     "possible in %ld seconds",
                     co->last_reminder_ms ? "last sent again" : "sent",
                     op->req->app->cfg->reminder_interval, op->retry_after);
    return STORE_OK;
  }
  co->reminder_count++;
  co->last_reminder_ms = op->now_ms;
  enum store_status st = resend(op, c, co);
  op->details = json_pack("{s:i}", "reminder", co->reminder_count);
  return st;
}

/* ---- renewal request: the invitee asks for a new invitation after expiry ---- */

/* The expired invitation stays expired: the request is recorded and the inviter is asked by
 * e-mail to invite again (with a new collaboration). Once per collaboration. */
static enum store_status renew_apply(struct collab_op *op, struct store_conn *c,
                                     struct collab *co)
{
  if (co->renewal_requested_at[0]) {
    collab_op_refuse(op, ERR_CONFLICT,
                     "A new invitation was already requested at %s; it is up to the %s to invite "
                     "again",
                     co->renewal_requested_at,
                     co->initiated_by == COLLAB_BY_OFFICE ? "office" : "customer");
    return STORE_OK;
  }
  take_reason(op);
  util_now_iso8601(co->renewal_requested_at, sizeof co->renewal_requested_at);
  op->consume_link = true;
  enum store_status st;
  if (co->initiated_by == COLLAB_BY_CUSTOMER) {
    struct customer_admin inviter;
    if ((st = store_customer_admin_get(c, co->inviter_id, &inviter)) != STORE_OK)
      return st == STORE_NOT_FOUND ? STORE_ERROR : st;
    return collab_mail(c, co, "renewal_requested", inviter.email,
                       json_pack("{s:s, s:s}", "invitee_name", co->office_name,
                                 "collaboration_id", co->id));
  }
  struct office of;
  if ((st = store_office_get(c, co->office_id, &of)) != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_ERROR : st;
  return collab_mail(c, co, "renewal_requested", of.email,
                     json_pack("{s:s, s:s}", "invitee_name", collab_customer_name(co),
                               "collaboration_id", co->id));
}

/* ---- end: either party; the customer decides whether the company keeps the service ---- */

static const struct field_spec end_fields[] = {
    {.name = "keep_service", .type = FIELD_BOOL},
    {.name = "reason", .type = FIELD_STRING, .max_len = 500},
    {0},
};

/* Carries out the customer's decision about the service of an ended collaboration that was
 * active: keep it (the company pays from now on) or deactivate it (back to a portal account).
 * While another collaboration of the company is active, its subscription stays as it is. The
 * outcome goes into details. Never switches the payer on its own: only a decision does. */
static enum store_status apply_service_decision(struct store_conn *c, const struct collab *co,
                                                bool keep, json_t *details)
{
  /* The other active collaboration is always another office's (one open per office and
   * company): this history is read by this office, so it is not named. */
  char other[COLLAB_ID_LEN];
  enum store_status st = store_collab_other_active(c, co->company_id, co->id, other);
  if (st == STORE_OK) {
    json_object_set_new(details, "subscription", json_string("unchanged"));
    return STORE_OK;
  }
  if (st != STORE_NOT_FOUND)
    return st;
  struct company *cp = malloc(sizeof *cp);
  if (!cp)
    return STORE_ERROR;
  const char *outcome = "unchanged";
  st = store_company_get(c, co->company_id, cp);
  if (st == STORE_OK && cp->has_subscription) {
    if (!keep) {
      snprintf(cp->relation, sizeof cp->relation, "account");
      cp->has_subscription = false;
      memset(&cp->sub, 0, sizeof cp->sub);
      outcome = "deactivated";
    } else if (strcmp(cp->sub.invoice_recipient, "customer") != 0) {
      snprintf(cp->sub.invoice_recipient, sizeof cp->sub.invoice_recipient, "customer");
      outcome = "customer_pays";
    }
    if (strcmp(outcome, "unchanged") != 0)
      st = store_company_update(c, cp, cp->version);
  }
  free(cp);
  json_object_set_new(details, "subscription", json_string(outcome));
  return st;
}

static enum store_status end_apply(struct collab_op *op, struct store_conn *c,
                                   struct collab *co)
{
  struct customer_admin main_contact;
  enum store_status st = store_customer_admin_main_contact(c, co->company_id, &main_contact);
  if (st == STORE_NOT_FOUND) {
    collab_op_refuse(op, ERR_MAIN_CONTACT_REQUIRED,
                     "%s (%s) has no main contact; ending a collaboration needs one",
                     co->company_name, co->corporate_id);
    return STORE_OK;
  }
  if (st != STORE_OK)
    return st;
  take_reason(op);
  bool by_customer = op->actor == COLLAB_ACTOR_CUSTOMER_ADMIN;
  json_t *keep = json_object_get(op->req->json, "keep_service");
  co->keep_service = by_customer ? json_is_true(keep) : -1;
  /* only an active collaboration had the service in use; the customer decides about it now
   * when it ends it, later when the office does */
  co->service_decision_pending = !by_customer && op->from == COLLAB_ACTIVE;
  op->details = json_pack("{s:s, s:o, s:b}", "ended_by", by_customer ? "customer" : "office",
                          "keep_service", by_customer ? json_boolean(co->keep_service) : json_null(),
                          "service_decision_pending", co->service_decision_pending);
  if (by_customer && op->from == COLLAB_ACTIVE)
    return apply_service_decision(c, co, co->keep_service, op->details);
  if (!co->service_decision_pending)
    return STORE_OK;
  json_object_set_new(op->details, "subscription", json_string("unchanged"));
  return collab_mail(c, co, "collaboration_ended", main_contact.email,
                     json_pack("{s:s, s:s}", "office_name", co->office_name, "collaboration_id",
                               co->id));
}

/* ---- service decision: after the office ended it, the customer keeps or drops the service */

static const struct field_spec decision_fields[] = {
    {.name = "keep_service", .type = FIELD_BOOL, .required = true},
    {.name = "reason", .type = FIELD_STRING, .max_len = 500},
    {0},
};

static enum store_status decide_apply(struct collab_op *op, struct store_conn *c,
                                      struct collab *co)
{
  if (!co->service_decision_pending) {
    collab_op_refuse(op, ERR_CONFLICT,
                     "There is no decision about the service pending for this collaboration: %s",
                     co->keep_service >= 0
                         ? "it was already made"
                         : "only the office's ending of an active collaboration leaves one");
    return STORE_OK;
  }
  take_reason(op);
  co->keep_service = json_is_true(json_object_get(op->req->json, "keep_service"));
  co->service_decision_pending = false;
  op->details = json_pack("{s:b}", "keep_service", co->keep_service);
  return apply_service_decision(c, co, co->keep_service, op->details);
}

/* ---- variant change: upgrade at once; a downgrade only by support, confirmed ---- */

static const struct field_spec variant_fields[] = {
    {.name = "variant", .type = FIELD_STRING, .required = true, .min_len = 1, .max_len = 32},
    {.name = "confirm_company_reset", .type = FIELD_BOOL},
    {.name = "reason", .type = FIELD_STRING, .max_len = 500},
    {0},
};

static json_t *feature_list(const char *const *items, size_t n)
{
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, json_string(items[i]));
  return a;
}

/* Applies a variant change of co to `to` by op's actor, or refuses op. Shared with PATCH. */
enum store_status collab_change_variant(struct collab_op *op, struct store_conn *c,
                                        struct collab *co, const char *to_code, bool confirm)
{
  struct variant from, to;
  enum store_status st = store_variant_get(c, co->variant, &from);
  if (st == STORE_OK)
    st = store_variant_get(c, to_code, &to);
  if (st == STORE_NOT_FOUND) {
    collab_op_refuse(op, ERR_VALIDATION, "Invalid field: variant");
    op->extra = json_pack("{s:[{s:s, s:s}]}", "errors", "field", "variant", "message",
                          API_UNKNOWN_VARIANT);
    return STORE_OK;
  }
  if (st != STORE_OK)
    return st;
  struct variant_change ch;
  variant_compare(&from, &to, &ch);
  json_t *lost = feature_list(ch.lost, ch.n_lost), *gained = feature_list(ch.gained, ch.n_gained);
  switch (collab_variant_change(&ch, op->actor, confirm)) {
  case COLLAB_VARIANT_NOT_ALLOWED:
    collab_op_refuse(op, ERR_FORBIDDEN, "Only an office user with full rights or support may "
                                        "change the variant");
    break;
  case COLLAB_VARIANT_SAME:
    collab_op_refuse(op, ERR_CONFLICT, "The collaboration is already in %s", to.code);
    break;
  case COLLAB_VARIANT_NEEDS_SUPPORT:
    collab_op_refuse(op, ERR_DOWNGRADE_REQUIRES_SUPPORT,
                     "Changing from %s to %s is a downgrade: the customer may lose accounting "
                     "data and the company will be reset. An office cannot do this; contact "
                     "support, who can carry it out once the reset is confirmed",
                     from.code, to.code);
    op->extra = json_pack("{s:s, s:s, s:s, s:O, s:b, s:s}", "from", from.code, "to", to.code,
                          "kind", "downgrade", "lost_features", lost, "company_reset", 1,
                          "contact", "support");
    break;
  case COLLAB_VARIANT_NEEDS_CONFIRM:
    collab_op_refuse(op, ERR_RESET_CONFIRMATION_REQUIRED,
                     "Changing from %s to %s is a downgrade that resets the company and may "
                     "lose accounting data; send \"confirm_company_reset\": true to carry it out",
                     from.code, to.code);
    op->extra = json_pack("{s:s, s:s, s:s, s:O}", "from", from.code, "to", to.code, "kind",
                          "downgrade", "lost_features", lost);
    break;
  case COLLAB_VARIANT_UPGRADE:
    op->details = json_pack("{s:s, s:s, s:s, s:O}", "from", from.code, "to", to.code, "kind",
                            "upgrade", "gained_features", gained);
    snprintf(co->variant, sizeof co->variant, "%s", to.code);
    break;
  case COLLAB_VARIANT_DOWNGRADE_RESET:
    op->details = json_pack("{s:s, s:s, s:s, s:O, s:b}", "from", from.code, "to", to.code,
                            "kind", "downgrade", "lost_features", lost, "company_reset", 1);
    snprintf(co->variant, sizeof co->variant, "%s", to.code);
    if (!op->reason[0])
      snprintf(op->reason, sizeof op->reason, "downgrade by support; company reset confirmed");
    break;
  }
  json_decref(lost);
  json_decref(gained);
  return STORE_OK;
}

static enum store_status variant_apply(struct collab_op *op, struct store_conn *c,
                                       struct collab *co)
{
  take_reason(op);
  json_t *confirm = json_object_get(op->req->json, "confirm_company_reset");
  return collab_change_variant(op, c, co, body_str(op->req, "variant"), json_is_true(confirm));
}

/* ---- running them ---- */

static enum MHD_Result run(struct request *req, const struct field_spec *fields,
                           enum collab_event ev, collab_apply_fn apply, collab_apply_fn after,
                           bool by_link)
{
  enum MHD_Result r;
  if (!validate_body(req, fields, &r))
    return r;
  struct collab_op *op = calloc(1, sizeof *op);
  if (!op)
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  char hash[COLLAB_TOKEN_HASH_LEN];
  op->req = req;
  op->ev = ev;
  op->apply = apply;
  op->after = after;
  if (by_link) {
    collab_token_hash(http_param(req, "token"), hash);
    op->token_hash = hash;
    op->link_view = true;
    op->actor = COLLAB_ACTOR_LINK;
    op->actor_kind = collab_actor_str(COLLAB_ACTOR_LINK);
  } else {
    op->id = http_param(req, "id");
    if (!util_is_uuid(op->id)) {
      free(op);
      return reply_problem(req, ERR_BAD_PATH_PARAM, "The collaboration id must be a UUID");
    }
    op->actor = collab_actor_of(&req->principal);
    op->actor_kind = collab_actor_str(op->actor);
    op->actor_id = req->principal.id;
    op->check_if_match = true;
  }
  r = collab_op_run(op);
  free(op);
  return r;
}

/* The customer decides about the service; the office may not send keep_service. */
static bool end_body_fits_actor(struct request *req, enum MHD_Result *r)
{
  bool customer = req->principal.kind == PRINCIPAL_CUSTOMER_ADMIN;
  bool given = req->json && json_object_get(req->json, "keep_service") != NULL;
  if (customer == given)
    return true;
  const char *msg = customer ? "required: whether the company keeps using the service on its "
                               "own (and pays for it) after the collaboration ends"
                             : "only the customer decides whether the company keeps the service";
  *r = reply_validation(req, json_pack("[{s:s, s:s}]", "field", "keep_service", "message", msg));
  return false;
}

enum MHD_Result api_collab_approve(struct request *req)
{
  return run(req, no_fields, COLLAB_EV_APPROVE, approve_apply, collab_provision, false);
}
enum MHD_Result api_collab_decline(struct request *req)
{
  return run(req, reason_fields, COLLAB_EV_DECLINE, close_link_apply, NULL, false);
}
enum MHD_Result api_collab_withdraw(struct request *req)
{
  return run(req, reason_fields, COLLAB_EV_WITHDRAW, close_link_apply, NULL, false);
}
enum MHD_Result api_collab_remind(struct request *req)
{
  return run(req, no_fields, COLLAB_EV_REMIND, remind_apply, NULL, false);
}
enum MHD_Result api_collab_accept(struct request *req)
{
  return run(req, accept_fields, COLLAB_EV_ACCEPT, accept_apply, NULL, false);
}
enum MHD_Result api_collab_activate(struct request *req)
{
  return run(req, activate_fields, COLLAB_EV_CONNECT_TASK, activate_apply, sync_after, false);
}
enum MHD_Result api_collab_end(struct request *req)
{
  enum MHD_Result r;
  if (!validate_body(req, end_fields, &r) || !end_body_fits_actor(req, &r))
    return r;
  return run(req, end_fields, COLLAB_EV_END, end_apply, NULL, false);
}
enum MHD_Result api_collab_decide_service(struct request *req)
{
  return run(req, decision_fields, COLLAB_EV_DECIDE_SERVICE, decide_apply, NULL, false);
}
enum MHD_Result api_collab_renew(struct request *req)
{
  return run(req, reason_fields, COLLAB_EV_REQUEST_RENEWAL, renew_apply, NULL, false);
}
enum MHD_Result api_collab_change_variant(struct request *req)
{
  return run(req, variant_fields, COLLAB_EV_CHANGE_VARIANT, variant_apply, sync_after, false);
}

enum MHD_Result api_invitation_approve(struct request *req)
{
  return run(req, no_fields, COLLAB_EV_APPROVE, approve_apply, collab_provision, true);
}
enum MHD_Result api_invitation_decline(struct request *req)
{
  return run(req, reason_fields, COLLAB_EV_DECLINE, close_link_apply, NULL, true);
}
enum MHD_Result api_invitation_accept(struct request *req)
{
  return run(req, accept_fields, COLLAB_EV_ACCEPT, accept_apply, NULL, true);
}
enum MHD_Result api_invitation_renew(struct request *req)
{
  return run(req, reason_fields, COLLAB_EV_REQUEST_RENEWAL, renew_apply, NULL, true);
}
