/* collab_flow.c - steps that several collaboration actions share: the agreement's dates, the
 * provisioning that follows a customer's approval (ways 1-3), and taking a task of the office
 * (activation in way 4, a later change of task). */
#include "collab_internal.h"
#include "domain/dates.h"
#include "store_identity.h"
#include "store_register.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum store_status collab_set_agreement_dates(struct store_conn *c, struct collab *co)
{
  if (co->agreement_continues) {
    struct company *cp = malloc(sizeof *cp);
    if (!cp)
      return STORE_ERROR;
    enum store_status st = store_company_get(c, co->company_id, cp);
    if (st == STORE_OK && cp->has_subscription) {
      snprintf(co->starts_on, sizeof co->starts_on, "%s", cp->sub.starts_on);
      snprintf(co->renews_on, sizeof co->renews_on, "%s", cp->sub.renews_on);
    }
    free(cp);
    if (st != STORE_OK)
      return st;
    if (co->starts_on[0] && co->renews_on[0])
      return STORE_OK;
    co->agreement_continues = false; /* the subscription is gone: a new agreement starts */
  }
  return collab_start_agreement_at(co, util_now_ms()) ? STORE_OK : STORE_ERROR;
}

bool collab_start_agreement_at(struct collab *co, int64_t now_ms)
{
  date_local_of_ms(now_ms, co->starts_on, sizeof co->starts_on);
  return date_add_months(co->starts_on, co->agreement_period_months, co->renews_on,
                         sizeof co->renews_on);
}

bool collab_start_day_ok(const char *on, const char *sub_renews_on, int period_months,
                         int64_t now_ms, char *msg, size_t len)
{
  char today[DATE_LEN], limit[DATE_LEN] = "";
  date_local_of_ms(now_ms, today, sizeof today);
  if (sub_renews_on)
    snprintf(limit, sizeof limit, "%s", sub_renews_on);
  else if (!date_add_months(today, period_months, limit, sizeof limit))
    limit[0] = '\0';
  if (strcmp(on, today) < 0)
    snprintf(msg, len, "%s is in the past: a collaboration can start today (%s, Swedish time) "
             "or later", on, today);
  else if (limit[0] && strcmp(on, limit) > 0)
    snprintf(msg, len, "%s is after the agreement's renewal on %s: choose a day from %s to %s",
             on, limit, today, limit);
  else
    return true;
  return false;
}

bool collab_start_waits(const struct collab *co, int64_t now_ms)
{
  if (co->state != COLLAB_APPROVED || !co->starts_on[0])
    return false;
  char today[DATE_LEN];
  date_local_of_ms(now_ms, today, sizeof today);
  return strcmp(co->starts_on, today) > 0;
}

/* approved -> active by the system: the agreement's dates (from the scheduled day when there
 * is one), the company's subscription, the new version and the provision event. */
static enum store_status start_service(struct store_conn *c, struct collab *co, const char *why)
{
  enum collab_state from = co->state;
  struct collab_verdict v =
      collab_transition(from, COLLAB_EV_PROVISION, COLLAB_ACTOR_SYSTEM, co->initiated_by);
  if (v.refusal != COLLAB_ALLOWED)
    return STORE_ERROR; /* the approval's rule guarantees approved and an office's invitation */
  char scheduled[DATE_LEN];
  snprintf(scheduled, sizeof scheduled, "%s", co->starts_on);
  co->starts_on[0] = '\0';
  co->state = v.to;
  const char *subscription;
  enum store_status st = collab_set_agreement_dates(c, co);
  if (st == STORE_OK && scheduled[0] && !co->agreement_continues) {
    snprintf(co->starts_on, sizeof co->starts_on, "%s", scheduled);
    if (!date_add_months(scheduled, co->agreement_period_months, co->renews_on,
                         sizeof co->renews_on))
      st = STORE_ERROR;
  }
  if (st == STORE_OK)
    st = subscription_on_activation(c, co, &subscription);
  if (st == STORE_OK)
    st = store_collab_update(c, co, false);
  if (st != STORE_OK)
    return st;
  json_t *details =
      json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:b, s:s}", "variant", co->variant,
                "invoice_recipient", co->invoice_recipient, "agreement_period_months",
                co->agreement_period_months, "starts_on", co->starts_on, "renews_on", co->renews_on,
                /* a continuing agreement is charged only when it renews */
                "charged_from", co->agreement_continues ? co->renews_on : co->starts_on,
                "agreement_continues", co->agreement_continues, "subscription", subscription);
  if (scheduled[0])
    json_object_set_new(details, "scheduled_start", json_string(scheduled));
  return collab_record(c, co, collab_actor_str(COLLAB_ACTOR_SYSTEM), NULL,
                       collab_event_str(COLLAB_EV_PROVISION), from, co->state, why, details,
                       NULL);
}

enum store_status collab_provision(struct collab_op *op, struct store_conn *c, struct collab *co)
{
  enum store_status st;
  if (collab_start_waits(co, op->now_ms)) {
    /* it stays approved until its day: the office is told it was approved, and when */
    json_t *facts = json_pack("{s:s}", "starts_later_on", co->starts_on);
    st = collab_op_tell(op, c, co, NOTIFY_APPROVED, facts);
    json_decref(facts);
    return st;
  }
  st = start_service(c, co, "the service is in place and the task was connected at activation");
  if (st != STORE_OK)
    return st;
  /* told with the agreement's dates: the office who approved, the administrators that it is
   * active */
  if ((st = collab_op_tell(op, c, co, NOTIFY_APPROVED, NULL)) != STORE_OK)
    return st;
  return collab_op_tell(op, c, co, NOTIFY_ACTIVATED, NULL);
}

enum store_status collab_start_scheduled(struct store_conn *c, struct collab *co,
                                         const struct secret *secret, int64_t now_ms)
{
  if (co->state != COLLAB_APPROVED || !co->starts_on[0] || collab_start_waits(co, now_ms))
    return STORE_OK;
  enum store_status st = start_service(c, co, "the scheduled start came: the service is in place");
  struct notify_req rq = {.ev = NOTIFY_ACTIVATED, .secret = secret};
  if (st == STORE_OK)
    st = notify_collab(c, co, &rq);
  rq.ev = NOTIFY_STARTED;
  return st == STORE_OK ? notify_collab(c, co, &rq) : st;
}

enum store_status collab_check_task(struct collab_op *op, struct store_conn *c,
                                    const struct collab *co)
{
  struct task t;
  enum store_status st =
      co->task_id[0] ? store_task_get(c, co->office_id, co->task_id, &t) : STORE_NOT_FOUND;
  if (st == STORE_NOT_FOUND)
    refuse(&op->rf, ERR_TASK_REQUIRED,
           "The collaboration has no task of the office any more; the office must "
           "connect an open task of the customer (PATCH task_id) before it can go on");
  else if (st == STORE_OK && strcmp(t.status, "open") != 0)
    refuse(&op->rf, ERR_TASK_REQUIRED,
           "The office's task %s for this collaboration is %s; the office must connect "
           "an open task of the customer (PATCH task_id) before it can go on",
           t.id, t.status);
  else if (st == STORE_OK && strcmp(t.customer_id, co->customer_id) != 0)
    refuse(&op->rf, ERR_TASK_REQUIRED,
           "The office's task %s for this collaboration belongs to another customer; "
           "the office must connect an open task of this customer (PATCH task_id)",
           t.id);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

enum store_status collab_take_task(struct collab_op *op, struct store_conn *c, struct collab *co,
                                   const char *task_id)
{
  struct task t;
  enum store_status st = store_task_get(c, co->office_id, task_id, &t);
  if (st == STORE_NOT_FOUND) {
    refuse(&op->rf, ERR_TASK_REQUIRED, "Your office has no task %s", task_id);
    return STORE_OK;
  }
  if (st != STORE_OK)
    return st;
  if (strcmp(t.status, "open") != 0) {
    refuse(&op->rf, ERR_TASK_REQUIRED, "Task %s is %s; a collaboration needs an open task", task_id,
           t.status);
    return STORE_OK;
  }
  struct customer *cu = malloc(sizeof *cu);
  if (!cu)
    return STORE_ERROR;
  st = store_customer_get_no_open(c, co->office_id, t.customer_id, cu);
  if (st == STORE_OK && strcmp(cu->company_id, co->company_id) != 0)
    refuse(&op->rf, ERR_TASK_REQUIRED,
           "Task %s belongs to your customer %s, not to %s (%s); add %s to your "
           "register if needed and use one of its tasks",
           task_id, cu->name, co->company_name, co->corporate_id, co->corporate_id);
  else if (st == STORE_OK) {
    snprintf(co->task_id, sizeof co->task_id, "%s", t.id);
    snprintf(co->customer_id, sizeof co->customer_id, "%s", cu->id);
    snprintf(co->customer_name, sizeof co->customer_name, "%s", cu->name);
  }
  free(cu);
  return st == STORE_NOT_FOUND ? STORE_ERROR : st;
}
