/* collab_patch.c - changing a collaboration (PATCH, If-Match required): the task (any office
 * user), the invoice recipient and agreement period (full rights), the variant (full rights;
 * the variant rule applies), the scheduled start (full rights). Each change is checked by the state machine and recorded as its
 * own event, all in one transaction. */
#include "collab_internal.h"
#include "domain/dates.h"
#include "service/collab_render.h"
#include "store_identity.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum store_status record(struct collab_op *op, struct store_conn *c, struct collab *co,
                                enum collab_event ev, json_t *details)
{
  return collab_record(c, co, op->actor_kind, op->actor_id, collab_event_str(ev), op->from,
                       co->state, NULL, details, NULL);
}

static enum store_status change_task(struct collab_op *op, struct store_conn *c, struct collab *co,
                                     const char *task_id, bool *changed)
{
  if (!task_id || strcmp(task_id, co->task_id) == 0)
    return STORE_OK;
  if (!collab_op_allows(op, COLLAB_EV_CHANGE_TASK))
    return STORE_OK;
  char before[COLLAB_ID_LEN];
  snprintf(before, sizeof before, "%s", co->task_id);
  enum store_status st = collab_take_task(op, c, co, task_id);
  if (st != STORE_OK || refused(&op->rf))
    return st;
  *changed = true;
  return record(op, c, co, COLLAB_EV_CHANGE_TASK,
                json_pack("{s:{s:o, s:s}}", "task_id", "from",
                          before[0] ? json_string(before) : json_null(), "to", co->task_id));
}

static enum store_status change_terms(struct collab_op *op, struct store_conn *c, struct collab *co,
                                      bool *changed)
{
  const char *recipient = op->in->invoice_recipient;
  int period = op->in->period_months;
  bool new_recipient = recipient && strcmp(recipient, co->invoice_recipient) != 0;
  bool new_period = period && period != co->agreement_period_months;
  if (!new_recipient && !new_period)
    return STORE_OK;
  if (!collab_op_allows(op, COLLAB_EV_CHANGE_TERMS))
    return STORE_OK;
  if (co->agreement_continues) {
    refuse(&op->rf, ERR_CONFLICT,
           "The company's existing agreement continues until it renews%s%s: its "
           "agreement period and invoice recipient cannot be changed before then",
           co->renews_on[0] ? " on " : "", co->renews_on);
    refusal_extra(&op->rf, json_pack("{s:b, s:o}", "agreement_continues", 1, "renews_on",
                                     co->renews_on[0] ? json_string(co->renews_on) : json_null()));
    return STORE_OK;
  }
  json_t *details = json_object();
  if (new_recipient) {
    json_object_set_new(details, "invoice_recipient",
                        json_pack("{s:s, s:s}", "from", co->invoice_recipient, "to", recipient));
    snprintf(co->invoice_recipient, sizeof co->invoice_recipient, "%s", recipient);
  }
  if (new_period) {
    json_object_set_new(details, "agreement_period_months",
                        json_pack("{s:i, s:i}", "from", co->agreement_period_months, "to", period));
    co->agreement_period_months = period;
    /* a new period is a new agreement period, starting today; one that has not started yet
     * gets its dates when the collaboration becomes active */
    if (co->starts_on[0] && co->state == COLLAB_ACTIVE) { /* not a scheduled start */
      if (!collab_start_agreement_at(co, util_now_ms())) {
        json_decref(details);
        return STORE_ERROR;
      }
      json_object_set_new(details, "starts_on", json_string(co->starts_on));
      json_object_set_new(details, "renews_on", json_string(co->renews_on));
    }
  }
  *changed = true;
  json_t *facts =
      json_pack("{s:s}", "changed",
                new_recipient && new_period ? "invoice_recipient,agreement_period_months"
                : new_recipient             ? "invoice_recipient"
                                            : "agreement_period_months");
  /* the terms are the company's subscription: every other party's collaboration records it */
  enum store_status st = subscription_terms_changed(c, co, op->actor_kind);
  if (st == STORE_OK)
    st = collab_op_tell(op, c, co, NOTIFY_TERMS_CHANGED, facts);
  json_decref(facts);
  if (st != STORE_OK) {
    json_decref(details);
    return st;
  }
  return record(op, c, co, COLLAB_EV_CHANGE_TERMS, details);
}

/* The office moves or clears (in->starts_on_given with starts_on NULL) the scheduled start of
 * its invitation or approved collaboration, until it starts; cleared, or moved to today, an
 * approved one starts with the next sweep (and reads as active at once). */
static enum store_status change_start(struct collab_op *op, struct store_conn *c,
                                      struct collab *co, bool *changed)
{
  const char *on = op->in->starts_on;
  if (!op->in->starts_on_given || (on ? strcmp(on, co->starts_on) == 0 : !co->starts_on[0]))
    return STORE_OK;
  /* who may: the office, as for the task, and only a user with full rights: the date is when
   * the company's service changes, a term like the agreement period (DOMAIN.md) */
  if (!collab_op_allows(op, COLLAB_EV_CHANGE_TASK))
    return STORE_OK;
  if (op->actor == COLLAB_ACTOR_OFFICE_LIMITED) {
    refuse(&op->rf, ERR_FORBIDDEN, "Moving or clearing the start date needs an office user "
                                   "with full rights; a limited user can change the task");
    return STORE_OK;
  }
  if (co->initiated_by != COLLAB_BY_OFFICE ||
      (op->from != COLLAB_INVITED && op->from != COLLAB_APPROVED) ||
      (op->from == COLLAB_APPROVED && !collab_start_waits(co, op->now_ms))) {
    refuse(&op->rf, ERR_CONFLICT,
           "Only the start of an office's invitation, or of an approved collaboration that "
           "has not started yet, can be moved or cleared; this one is %s",
           collab_state_str(op->from == COLLAB_APPROVED ? COLLAB_ACTIVE : op->from));
    return STORE_OK;
  }
  char msg[240], today[DATE_LEN];
  date_local_of_ms(op->now_ms, today, sizeof today);
  if (on) {
    struct company *cp = malloc(sizeof *cp);
    if (!cp)
      return STORE_ERROR;
    enum store_status st = store_company_get(c, co->company_id, cp);
    bool ok = st == STORE_OK &&
              collab_start_day_ok(on,
                                  co->agreement_continues && cp->has_subscription
                                      ? cp->sub.renews_on
                                      : NULL,
                                  co->agreement_period_months, op->now_ms, msg, sizeof msg);
    free(cp);
    if (st != STORE_OK)
      return st == STORE_NOT_FOUND ? STORE_ERROR : st;
    if (!ok) {
      refuse_field(&op->rf, "starts_on", msg);
      snprintf(op->rf.detail, sizeof op->rf.detail, "Invalid starts_on: %s", msg);
      return STORE_OK;
    }
  }
  char before[DATE_LEN];
  snprintf(before, sizeof before, "%s", co->starts_on);
  /* an invitation without a date starts on approval; an approved one, today */
  const char *to = on && strcmp(on, today) > 0 ? on : op->from == COLLAB_APPROVED ? today : "";
  snprintf(co->starts_on, sizeof co->starts_on, "%s", to);
  *changed = true;
  return record(op, c, co, COLLAB_EV_CHANGE_TERMS,
                json_pack("{s:{s:o, s:o}}", "starts_on", "from", collab_str_or_null(before),
                          "to", collab_str_or_null(co->starts_on)));
}

/* Way 3, while nobody has answered: the office corrects the administrator it named. The
 * administrator nobody confirmed is corrected in place (or another of the company's is named),
 * the old links die and the invitation goes out again to the corrected address. */
static enum store_status change_administrator(struct collab_op *op, struct store_conn *c,
                                              struct collab *co, bool *changed)
{
  const struct collab_admin_in *ad = &op->in->administrator;
  if (!ad->name)
    return STORE_OK;
  if (co->way != COLLAB_WAY_NEW_CUSTOMER) {
    refuse(&op->rf, ERR_NOT_THIS_WAY,
           "Only an administrator the office named for a company new to the service "
           "can be corrected; this invitation goes to the company's own "
           "administrators");
    return STORE_OK;
  }
  if (!collab_op_allows(op, COLLAB_EV_CHANGE_ADMINISTRATOR))
    return STORE_OK;
  const char *name = ad->name, *email = ad->email, *phone = ad->phone;
  char before[COLLAB_ID_LEN];
  snprintf(before, sizeof before, "%s", co->administrator_id);
  /* the administrator named only here, nobody confirmed yet: corrected in place */
  bool shared = false;
  enum store_status st = STORE_OK;
  if (before[0] && !co->admin_confirmed)
    st = store_customer_admin_in_use(c, before, co->id, &shared);
  bool own = before[0] && !co->admin_confirmed && !shared;
  struct customer_admin found;
  if (st == STORE_OK)
    st = store_customer_admin_get_by_email(c, co->company_id, email, &found);
  if (st == STORE_OK && strcmp(found.id, before) == 0 && !own) {
    refuse(&op->rf, ERR_CONFLICT, "%s %s; name another person to change it", co->admin_name,
           co->admin_confirmed ? "already confirmed being the company's administrator"
                               : "is named by another invitation too");
    return STORE_OK;
  }
  if (st == STORE_OK && strcmp(found.id, before) != 0) { /* another of the company's */
    snprintf(co->administrator_id, sizeof co->administrator_id, "%s", found.id);
  } else if (st == STORE_OK || (st == STORE_NOT_FOUND && own)) {
    st = store_customer_admin_update_contact(c, before, name, email, phone);
  } else if (st == STORE_NOT_FOUND) {
    struct customer_admin created; /* not the main contact before it confirms */
    st = store_customer_admin_name(c, co->company_id, name, email, phone, &created);
    snprintf(co->administrator_id, sizeof co->administrator_id, "%s", created.id);
  }
  if (st == STORE_OK && strcmp(co->administrator_id, before) != 0) {
    /* the rule of a way-3 activation (collab_office_start.c) holds for a correction too: else
     * two steps (name the same person, then correct it) would get round it */
    bool other = false;
    st = store_collab_other_new_admin(c, co->company_id, co->office_id, co->administrator_id,
                                      &other);
    if (st == STORE_OK && other) /* rolls back what was written above */
      return refuse(&op->rf, ERR_ADMINISTRATOR_NAMED, COLLAB_ADMIN_NAMED_DETAIL,
                    co->company_name, co->corporate_id);
  }
  if (strcmp(co->administrator_id, before) != 0 && !co->admin_confirmed)
    snprintf(op->drop_admin, sizeof op->drop_admin, "%s", before);
  struct customer_admin now;
  if (st != STORE_OK || (st = store_customer_admin_get(c, co->administrator_id, &now)) != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_ERROR : st;
  *changed = true;
  snprintf(co->admin_name, sizeof co->admin_name, "%s", now.name);
  snprintf(co->admin_email, sizeof co->admin_email, "%s", now.email);
  snprintf(co->admin_phone, sizeof co->admin_phone, "%s", now.phone);
  co->admin_confirmed = now.confirmed;
  if ((st = collab_resend(op, c, co, NOTIFY_INVITATION, NULL)) != STORE_OK || refused(&op->rf))
    return st;
  return record(
      op, c, co, COLLAB_EV_CHANGE_ADMINISTRATOR,
      json_pack("{s:{s:s, s:s}}", "administrator", "from", before, "to", co->administrator_id));
}

static enum store_status change_variant(struct collab_op *op, struct store_conn *c,
                                        struct collab *co, bool *changed)
{
  const char *variant = op->in->variant;
  if (!variant || strcmp(variant, co->variant) == 0)
    return STORE_OK;
  if (!collab_op_allows(op, COLLAB_EV_CHANGE_VARIANT))
    return STORE_OK;
  enum store_status st = collab_apply_variant(op, c, co, variant, false);
  if (st != STORE_OK || refused(&op->rf))
    return st;
  *changed = true;
  json_t *details = op->details;
  op->details = NULL;
  return record(op, c, co, COLLAB_EV_CHANGE_VARIANT, details);
}

static enum store_status patch_apply(struct collab_op *op, struct store_conn *c, struct collab *co)
{
  op->record_main_event = false;
  bool changed = false;
  enum store_status st = change_task(op, c, co, op->in->task_id, &changed);
  if (st == STORE_OK && !refused(&op->rf))
    st = change_administrator(op, c, co, &changed);
  if (st == STORE_OK && !refused(&op->rf))
    st = change_terms(op, c, co, &changed);
  if (st == STORE_OK && !refused(&op->rf))
    st = change_variant(op, c, co, &changed);
  if (st == STORE_OK && !refused(&op->rf))
    st = change_start(op, c, co, &changed);
  if (st == STORE_OK && !refused(&op->rf) && !changed)
    op->unchanged = true;
  return st;
}

enum store_status collab_patch(const struct app *app, const struct collab_action_in *in,
                               struct collab_outcome *out)
{
  /* the state machine's first check: the most permissive change asked for */
  enum collab_event ev = in->administrator.name  ? COLLAB_EV_CHANGE_ADMINISTRATOR
                         : in->task_id           ? COLLAB_EV_CHANGE_TASK
                         : in->invoice_recipient ? COLLAB_EV_CHANGE_TERMS
                         : in->period_months     ? COLLAB_EV_CHANGE_TERMS
                         : in->variant           ? COLLAB_EV_CHANGE_VARIANT
                         : in->starts_on_given   ? COLLAB_EV_CHANGE_TASK
                                                 : COLLAB_EV_CHANGE_TASK;
  return collab_op_exec(app, in, ev, patch_apply, NULL, out);
}
