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

const char *collab_body_str(struct request *req, const char *name)
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

void collab_take_reason(struct collab_op *op)
{
  const char *reason = collab_body_str(op->req, "reason");
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
  /* way 3: the administrator the office named confirms itself by approving through its link;
   * when another administrator of the company answered, the unconfirmed one goes */
  if (co->way == COLLAB_WAY_NEW_CUSTOMER && co->administrator_id[0] && !co->admin_confirmed) {
    if (op->actor != COLLAB_ACTOR_LINK || strcmp(op->actor_id, co->administrator_id) != 0) {
      collab_release_admin(co, op->drop_admin);
    } else {
      if ((st = store_customer_admin_set_confirmed(c, co->administrator_id, true)) != STORE_OK)
        return st;
      co->admin_confirmed = true;
    }
  }
  return STORE_OK; /* the office is told once the service is in place (collab_provision) */
}

/* ---- accept (way 4): the office confirms its corporate ID and e-mail ---- */

static const struct field_spec accept_fields[] = {
    {.name = "corporate_id", .type = FIELD_STRING, .required = true, .min_len = 1,
     .max_len = 20},
    {.name = "email", .type = FIELD_STRING, .required = true, .min_len = 3, .max_len = 254},
    {.name = "terms_version", .type = FIELD_STRING, .required = true, .min_len = 1,
     .max_len = 32},
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
  bool id_ok = corporate_id_normalize(collab_body_str(op->req, "corporate_id"), given, NULL) !=
                   CORPORATE_ID_INVALID &&
               strcmp(given, of.corporate_id) == 0;
  bool email_ok = strcasecmp(collab_body_str(op->req, "email"), of.email) == 0;
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
  const char *terms = collab_body_str(op->req, "terms_version");
  if (strcmp(terms, COLLAB_TERMS_VERSION) != 0) {
    co->state = op->from;
    collab_op_refuse(op, ERR_UNPROCESSABLE,
                     "The terms and conditions in force are version %s, not %s; read them and "
                     "accept that version",
                     COLLAB_TERMS_VERSION, terms);
    op->extra = json_pack("{s:s}", "terms_version", COLLAB_TERMS_VERSION);
    return STORE_OK;
  }
  set_actor_record(op, co);
  op->consume_link = true;
  op->details = json_pack("{s:[s,s], s:s}", "verified", "corporate_id", "email",
                          "terms_version_accepted", terms);
  struct customer *cu = malloc(sizeof *cu);
  if (!cu)
    return STORE_ERROR;
  st = store_customer_get_by_company(c, co->office_id, co->company_id, cu);
  if (st == STORE_OK)
    snprintf(co->customer_id, sizeof co->customer_id, "%s", cu->id);
  free(cu);
  if (st != STORE_OK && st != STORE_NOT_FOUND)
    return st;
  json_t *facts = json_pack("{s:s}", "terms_version", terms);
  st = collab_op_tell(op, c, co, NOTIFY_OFFICE_ACCEPTED, facts);
  json_decref(facts);
  return st;
}

/* ---- activate (way 4): the office connects a task ---- */

static const struct field_spec activate_fields[] = {
    {.name = "task_id", .type = FIELD_STRING, .required = true, .min_len = 36, .max_len = 36},
    {0},
};

static enum store_status activate_apply(struct collab_op *op, struct store_conn *c,
                                        struct collab *co)
{
  enum store_status st = collab_take_task(op, c, co, collab_body_str(op->req, "task_id"));
  if (st != STORE_OK || op->err != ERR_NONE)
    return st;
  const char *subscription;
  if ((st = collab_set_agreement_dates(c, co)) != STORE_OK ||
      (st = subscription_on_activation(c, co, &subscription)) != STORE_OK)
    return st;
  op->details = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "task_id", co->task_id,
                          "customer_id", co->customer_id, "starts_on", co->starts_on,
                          "renews_on", co->renews_on, "variant", co->variant, "subscription",
                          subscription);
  return STORE_OK;
}

/* Way 4: active once the office connected a task; the customer's administrators are told. */
static enum store_status activated_after(struct collab_op *op, struct store_conn *c,
                                         struct collab *co)
{
  return collab_op_tell(op, c, co, NOTIFY_ACTIVATED, NULL);
}

/* ---- decline, withdraw ---- */

/* Decline and withdraw: the other side is told; the links die, and in way 3 the
 * administrator the office named goes too when nobody confirmed it. */
static enum store_status close_link_apply(struct collab_op *op, struct store_conn *c,
                                          struct collab *co)
{
  collab_take_reason(op);
  op->consume_link = true;
  enum store_status st = collab_op_tell(
      op, c, co, op->ev == COLLAB_EV_DECLINE ? NOTIFY_DECLINED : NOTIFY_WITHDRAWN, NULL);
  collab_release_admin(co, op->drop_admin);
  return st;
}

/* ---- reminders: a new link, a fresh expiry, the e-mail again; limited in rate ---- */

/* A new link for every recipient (the old ones die), a fresh expiry, the e-mails again; at most
 * once per --reminder-interval. */
enum store_status collab_resend(struct collab_op *op, struct store_conn *c, struct collab *co,
                                enum notify_event ev, json_t *extra)
{
  const struct config *cfg = op->req->app->cfg;
  /* limited in rate: counted from the last sending again, or for a reminder from the
   * invitation itself (the first correction of a mistyped address goes at once) */
  int64_t wait_ms = cfg->reminder_interval * 1000, sent_ms = co->last_reminder_ms;
  if (!sent_ms && (ev != NOTIFY_REMINDER || !date_parse_iso_ms(co->created_at, &sent_ms)))
    sent_ms = 0;
  if (sent_ms && op->now_ms - sent_ms < wait_ms) {
    op->retry_after = (long)((sent_ms + wait_ms - op->now_ms + 999) / 1000);
    collab_op_refuse(op, ERR_RATE_LIMITED,
                     "The invitation was %s less than %ld seconds ago; it can be sent again "
                     "(reminder or corrected administrator) in %ld seconds",
                     co->last_reminder_ms ? "last sent again" : "sent", cfg->reminder_interval,
                     op->retry_after);
    return STORE_OK;
  }
  co->last_reminder_ms = op->now_ms;
  struct customer_admin ad;
  enum store_status st =
      co->way == COLLAB_WAY_CUSTOMER_INVITE ? STORE_OK : collab_invitee_admin(c, co, &ad);
  if (st == STORE_NOT_FOUND) {
    collab_op_refuse(op, ERR_CUSTOMER_ADMIN_REQUIRED,
                     "%s (%s) has no administrator on the customer portal to send the invitation "
                     "to; support can add one",
                     co->company_name, co->corporate_id);
    return STORE_OK;
  }
  if (st != STORE_OK || (st = store_collab_links_drop(c, co->id)) != STORE_OK)
    return st;
  co->accept_attempts = 0;
  co->expires_at_ms = op->now_ms + (int64_t)cfg->invitation_ttl * 1000;
  return collab_op_tell(op, c, co, ev, extra);
}

static enum store_status remind_apply(struct collab_op *op, struct store_conn *c,
                                      struct collab *co)
{
  co->reminder_count++;
  op->details = json_pack("{s:i}", "reminder", co->reminder_count);
  return collab_resend(op, c, co, NOTIFY_REMINDER, op->details);
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
  collab_take_reason(op);
  util_now_iso8601(co->renewal_requested_at, sizeof co->renewal_requested_at);
  op->consume_link = true;
  return collab_op_tell(op, c, co, NOTIFY_RENEWAL_REQUESTED, NULL);
}

/* ---- running them ---- */

enum MHD_Result collab_action_run(struct request *req, const struct field_spec *fields,
                                  enum collab_event ev, collab_apply_fn apply,
                                  collab_apply_fn after, bool by_link)
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

enum MHD_Result api_collab_approve(struct request *req)
{
  return collab_action_run(req, no_fields, COLLAB_EV_APPROVE, approve_apply, collab_provision, false);
}
enum MHD_Result api_collab_decline(struct request *req)
{
  return collab_action_run(req, reason_fields, COLLAB_EV_DECLINE, close_link_apply, NULL, false);
}
enum MHD_Result api_collab_withdraw(struct request *req)
{
  return collab_action_run(req, reason_fields, COLLAB_EV_WITHDRAW, close_link_apply, NULL, false);
}
enum MHD_Result api_collab_remind(struct request *req)
{
  return collab_action_run(req, no_fields, COLLAB_EV_REMIND, remind_apply, NULL, false);
}
enum MHD_Result api_collab_accept(struct request *req)
{
  return collab_action_run(req, accept_fields, COLLAB_EV_ACCEPT, accept_apply, NULL, false);
}
enum MHD_Result api_collab_activate(struct request *req)
{
  return collab_action_run(req, activate_fields, COLLAB_EV_CONNECT_TASK, activate_apply, activated_after,
             false);
}
enum MHD_Result api_collab_renew(struct request *req)
{
  return collab_action_run(req, reason_fields, COLLAB_EV_REQUEST_RENEWAL, renew_apply, NULL, false);
}

enum MHD_Result api_invitation_approve(struct request *req)
{
  return collab_action_run(req, no_fields, COLLAB_EV_APPROVE, approve_apply, collab_provision, true);
}
enum MHD_Result api_invitation_decline(struct request *req)
{
  return collab_action_run(req, reason_fields, COLLAB_EV_DECLINE, close_link_apply, NULL, true);
}
enum MHD_Result api_invitation_accept(struct request *req)
{
  return collab_action_run(req, accept_fields, COLLAB_EV_ACCEPT, accept_apply, NULL, true);
}
enum MHD_Result api_invitation_renew(struct request *req)
{
  return collab_action_run(req, reason_fields, COLLAB_EV_REQUEST_RENEWAL, renew_apply, NULL, true);
}
