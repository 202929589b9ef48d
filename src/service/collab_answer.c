/* collab_answer.c - the answers to an invitation and what follows them: the customer approves
 * (ways 1-3, then straight on to active), the office accepts a customer's invitation and
 * connects a task (way 4), the invitee declines, the inviter withdraws. Each is one collab_op:
 * the state machine decides, the apply step below does the action's own part. */
#include "collab_internal.h"
#include "domain/corporate_id.h"
#include "store_identity.h"
#include "store_register.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Who approved (or accepted): the caller, or through the link the one it was sent to. */
static void set_actor_record(struct collab_op *op, struct collab *co)
{
  snprintf(co->approved_by_kind, sizeof co->approved_by_kind, "%s", op->actor_kind);
  snprintf(co->approved_by_id, sizeof co->approved_by_id, "%s", op->actor_id ? op->actor_id : "");
}

/* ---- approve (ways 1-3): approved, then straight on to active ---- */

static enum store_status approve_apply(struct collab_op *op, struct store_conn *c,
                                       struct collab *co)
{
  /* it goes on to active through its task: that must still be open and the customer's */
  enum store_status st = collab_check_task(op, c, co);
  if (st != STORE_OK || refused(&op->rf))
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

static enum store_status accept_apply(struct collab_op *op, struct store_conn *c, struct collab *co)
{
  if (collab_accept_exhausted(co->accept_attempts)) {
    refuse(&op->rf, ERR_ATTEMPTS_EXHAUSTED,
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
  bool id_ok = corporate_id_normalize(op->in->corporate_id, given, NULL) != CORPORATE_ID_INVALID &&
               strcmp(given, of.corporate_id) == 0;
  bool email_ok = strcasecmp(op->in->email, of.email) == 0;
  if (!id_ok || !email_ok) {
    co->state = op->from;
    co->accept_attempts++;
    int left = collab_accept_attempts_left(co->accept_attempts);
    op->commit_refusal = true;
    op->consume_link = left == 0; /* the link dies with the last attempt */
    /* one answer whichever is wrong: it must not help guess the other */
    refuse(&op->rf, ERR_IDENTITY_MISMATCH,
           "The corporate ID and e-mail address do not match this invitation; %d "
           "attempt%s left",
           left, left == 1 ? "" : "s");
    refusal_extra(&op->rf, json_pack("{s:i}", "attempts_left", left));
    return STORE_OK;
  }
  const char *terms = op->in->terms_version;
  if (strcmp(terms, COLLAB_TERMS_VERSION) != 0) {
    co->state = op->from;
    refuse(&op->rf, ERR_UNPROCESSABLE,
           "The terms and conditions in force are version %s, not %s; read them and "
           "accept that version",
           COLLAB_TERMS_VERSION, terms);
    refusal_extra(&op->rf, json_pack("{s:s}", "terms_version", COLLAB_TERMS_VERSION));
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

static enum store_status activate_apply(struct collab_op *op, struct store_conn *c,
                                        struct collab *co)
{
  enum store_status st = collab_take_task(op, c, co, op->in->task_id);
  if (st != STORE_OK || refused(&op->rf))
    return st;
  const char *subscription;
  if ((st = collab_set_agreement_dates(c, co)) != STORE_OK ||
      (st = subscription_on_activation(c, co, &subscription)) != STORE_OK)
    return st;
  op->details = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "task_id", co->task_id, "customer_id",
                          co->customer_id, "starts_on", co->starts_on, "renews_on", co->renews_on,
                          "variant", co->variant, "subscription", subscription);
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

/* ---- the use cases ---- */

enum store_status collab_approve(const struct app *app, const struct collab_action_in *in,
                                 struct collab_outcome *out)
{
  return collab_op_exec(app, in, COLLAB_EV_APPROVE, approve_apply, collab_provision, out);
}

enum store_status collab_accept(const struct app *app, const struct collab_action_in *in,
                                struct collab_outcome *out)
{
  return collab_op_exec(app, in, COLLAB_EV_ACCEPT, accept_apply, NULL, out);
}

enum store_status collab_activate(const struct app *app, const struct collab_action_in *in,
                                  struct collab_outcome *out)
{
  return collab_op_exec(app, in, COLLAB_EV_CONNECT_TASK, activate_apply, activated_after, out);
}

enum store_status collab_decline(const struct app *app, const struct collab_action_in *in,
                                 struct collab_outcome *out)
{
  return collab_op_exec(app, in, COLLAB_EV_DECLINE, close_link_apply, NULL, out);
}

enum store_status collab_withdraw(const struct app *app, const struct collab_action_in *in,
                                  struct collab_outcome *out)
{
  return collab_op_exec(app, in, COLLAB_EV_WITHDRAW, close_link_apply, NULL, out);
}
