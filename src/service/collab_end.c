/* collab_end.c - ending a collaboration (either party) and the service decision after it:
 * the customer decides whether the company keeps the service on its own (and pays for it) or
 * deactivates it; while another office works with the company its subscription stays. */
#include "collab_internal.h"
#include "store_identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- end: either party; the customer decides whether the company keeps the service ---- */

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

static enum store_status end_apply(struct collab_op *op, struct store_conn *c, struct collab *co)
{
  struct customer_admin main_contact;
  enum store_status st = store_customer_admin_main_contact(c, co->company_id, &main_contact);
  if (st == STORE_NOT_FOUND) {
    refuse(&op->rf, ERR_MAIN_CONTACT_REQUIRED,
           "%s (%s) has no main contact; ending a collaboration needs one", co->company_name,
           co->corporate_id);
    return STORE_OK;
  }
  if (st != STORE_OK)
    return st;
  collab_take_reason(op);
  bool by_customer = op->actor == COLLAB_ACTOR_CUSTOMER_ADMIN;
  co->keep_service = by_customer ? op->in->keep_service == 1 : -1;
  /* only an active collaboration had the service in use; the customer decides about it now
   * when it ends it, later when the office does */
  co->service_decision_pending = !by_customer && op->from == COLLAB_ACTIVE;
  op->details =
      json_pack("{s:s, s:o, s:b}", "ended_by", by_customer ? "customer" : "office", "keep_service",
                by_customer ? json_boolean(co->keep_service) : json_null(),
                "service_decision_pending", co->service_decision_pending);
  json_t *facts = json_object();
  if (by_customer && op->from == COLLAB_ACTIVE) {
    json_object_set_new(facts, "service_kept", json_boolean(co->keep_service));
    st = apply_service_decision(c, co, co->keep_service, op->details);
  } else if (co->service_decision_pending) {
    json_object_set_new(facts, "decision_pending", json_true());
    json_object_set_new(op->details, "subscription", json_string("unchanged"));
  }
  if (st == STORE_OK)
    st = collab_op_tell(op, c, co, NOTIFY_ENDED, facts);
  json_decref(facts);
  return st;
}

/* ---- service decision: after the office ended it, the customer keeps or drops the service */

static enum store_status decide_apply(struct collab_op *op, struct store_conn *c, struct collab *co)
{
  if (!co->service_decision_pending) {
    refuse(&op->rf, ERR_CONFLICT,
           "There is no decision about the service pending for this collaboration: %s",
           co->keep_service >= 0
               ? "it was already made"
               : "only the office's ending of an active collaboration leaves one");
    return STORE_OK;
  }
  collab_take_reason(op);
  co->keep_service = op->in->keep_service == 1;
  co->service_decision_pending = false;
  op->details = json_pack("{s:b}", "keep_service", co->keep_service);
  enum store_status st = apply_service_decision(c, co, co->keep_service, op->details);
  json_t *facts = json_pack("{s:b}", "service_kept", co->keep_service);
  if (st == STORE_OK)
    st = collab_op_tell(op, c, co, NOTIFY_SERVICE_DECIDED, facts);
  json_decref(facts);
  return st;
}

enum store_status collab_end(const struct app *app, const struct collab_action_in *in,
                             struct collab_outcome *out)
{
  return collab_op_exec(app, in, COLLAB_EV_END, end_apply, NULL, out);
}

enum store_status collab_decide_service(const struct app *app, const struct collab_action_in *in,
                                        struct collab_outcome *out)
{
  return collab_op_exec(app, in, COLLAB_EV_DECIDE_SERVICE, decide_apply, NULL, out);
}
