/* collab_office_start.c - an office activates a collaboration with its customer, in the way
 * the company's relation decides (ways 1-3), in one transaction that writes the collaboration,
 * its first event and its invitation e-mails (collab_start.c). */
#include "collab_internal.h"
#include "domain/dates.h"
#include "json_text.h"
#include "util.h"
#include "store_identity.h"
#include "store_register.h"
#include "store_variants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- an office activates (ways 1-3) ---- */

static bool note_task(const struct task *t, void *arg)
{
  (void)t;
  *(bool *)arg = true;
  return false;
}

static enum store_status check_task(struct store_conn *c, struct start *s,
                                    const struct customer *cu, const char *task_id)
{
  if (!task_id) {
    bool any = false;
    struct task_filter f = {
        .office_id = cu->office_id, .customer_id = cu->id, .status = "open", .limit = 1};
    enum store_status st = store_tasks_list(c, &f, note_task, &any);
    if (st != STORE_OK)
      return st;
    if (any)
      refuse(&s->rf, ERR_TASK_REQUIRED,
             "A collaboration is activated through a task: choose one of the open tasks "
             "of %s in task_id",
             cu->name);
    else
      refuse(&s->rf, ERR_TASK_REQUIRED,
             "%s has no open task; create one (POST /v1/customers/%s/tasks) and activate "
             "the collaboration through it",
             cu->name, cu->id);
    return STORE_OK;
  }
  struct task t;
  enum store_status st = store_task_get(c, cu->office_id, task_id, &t);
  if (st == STORE_NOT_FOUND || (st == STORE_OK && strcmp(t.customer_id, cu->id) != 0))
    refuse(&s->rf, ERR_TASK_REQUIRED, "%s has no task %s", cu->name, task_id);
  else if (st == STORE_OK && strcmp(t.status, "open") != 0)
    refuse(&s->rf, ERR_TASK_REQUIRED,
           "Task %s is %s; a collaboration needs an open task of the customer", task_id, t.status);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

/* Decides the terms with the domain's plan; false after refusing s. */
static bool plan_terms(struct start *s, const struct company *cp, const struct variant *current,
                       struct collab_activation *plan)
{
  const struct collab_start_in *in = s->in;
  struct collab_activation_request rq = {
      .relation = RELATION_NONE,
      .current = current,
      .sub_invoice_recipient = cp->has_subscription ? cp->sub.invoice_recipient : NULL,
      .sub_period_months = cp->has_subscription ? cp->sub.agreement_period_months : 0,
      .requested = s->has_requested ? &s->requested : NULL,
      .invoice_recipient = in->invoice_recipient,
      .period_months = in->period_months,
      .has_administrator = in->administrator.name != NULL,
      .full_rights = in->caller->role == OFFICE_ROLE_FULL,
  };
  company_relation_parse(cp->relation, &rq.relation);
  struct collab_field_error errors[COLLAB_MAX_FIELD_ERRORS];
  size_t n = 0;
  switch (collab_activation_plan(&rq, plan, errors, &n)) {
  case COLLAB_ACTIVATION_OK:
    return true;
  case COLLAB_ACTIVATION_INVALID:
    for (size_t i = 0; i < n; i++)
      refuse_field(&s->rf, errors[i].field, errors[i].message);
    snprintf(s->rf.detail, sizeof s->rf.detail,
             "Invalid fields for a company whose relation to the vendor is %s: %s%s", cp->relation,
             n ? errors[0].field : "", n > 1 ? " and more" : "");
    return false;
  case COLLAB_ACTIVATION_DOWNGRADE:
    refuse(&s->rf, ERR_DOWNGRADE_REQUIRES_SUPPORT,
           "%s subscribes to %s; proposing %s is a downgrade: the customer may lose "
           "accounting data and the company will be reset. An office cannot do this; "
           "contact support",
           cp->name, current->code, s->requested.code);
    refusal_extra(&s->rf, json_pack("{s:s, s:s, s:s, s:s}", "from", current->code, "to",
                                    s->requested.code, "kind", "downgrade", "contact", "support"));
    return false;
  case COLLAB_ACTIVATION_NEEDS_FULL_RIGHTS:
    refuse(&s->rf, ERR_FORBIDDEN,
           "Choosing the variant, invoice recipient or agreement period needs an office "
           "user with full rights; a limited user can activate a subscriber in its "
           "current variant only");
    return false;
  }
  return false;
}

/* A scheduled start (in->starts_on) into co->starts_on, when collab_start_day_ok allows it
 * (the renewal: a continuing agreement's is the subscription's). Today is no schedule: it
 * starts on approval. False after refusing s. */
static bool plan_start(struct start *s, const struct company *cp,
                       const struct collab_activation *plan, struct collab *co)
{
  const char *on = s->in->starts_on;
  if (!on)
    return true;
  int64_t now = util_now_ms();
  char msg[240], today[DATE_LEN];
  if (collab_start_day_ok(on,
                          plan->agreement_continues && cp->has_subscription ? cp->sub.renews_on
                                                                             : NULL,
                          plan->period_months, now, msg, sizeof msg)) {
    date_local_of_ms(now, today, sizeof today);
    if (strcmp(on, today) > 0) /* today: no schedule, it starts on approval */
      util_text_copy(co->starts_on, sizeof co->starts_on, on);
    return true;
  }
  refuse_field(&s->rf, "starts_on", msg);
  snprintf(s->rf.detail, sizeof s->rf.detail, "Invalid starts_on: %s", msg);
  return false;
}

/* Way 3: the administrator named in the request becomes co->administrator_id. An
 * administrator of the company with that e-mail (from an earlier invitation that was withdrawn,
 * declined or expired) is reused as it is; otherwise one is created, not confirmed (so not the
 * main contact until it approves). *created tells which; when created, the company's confirmed
 * administrators are in listed[0..*n) (store_customer_admin_name_new; listed may be NULL). */
static enum store_status take_administrator(struct store_conn *c, const char *company_id,
                                            const struct collab_admin_in *ad, struct collab *co,
                                            struct customer_admin *admin, bool *created,
                                            struct customer_admin *listed, size_t max, size_t *n)
{
  const char *email = ad->email;
  /* not confirmed, so not the main contact, until it approves through its link (or goes with
   * the invitation); the address is compared in any case of its ASCII letters, and the one
   * reused keeps its address and name as first typed */
  enum store_status st = store_customer_admin_name_new(c, company_id, ad->name, email,
                                                       ad->phone, admin, listed, max, n);
  *created = st == STORE_OK;
  if (st == STORE_CONFLICT) { /* the address exists, or another constraint failed */
    st = store_customer_admin_get_by_email(c, company_id, email, admin);
    if (st == STORE_NOT_FOUND) /* not the address: no refusal the caller could explain */
      st = STORE_ERROR;
  }
  if (st == STORE_OK)
    util_text_copy(co->administrator_id, sizeof co->administrator_id, admin->id);
  return st;
}

/* Way 3 while another office's way-3 invitation to the company is open: approving through
 * its link makes the one named there the company's administrator, who sees every
 * collaboration of the company. So this activation must name that same person (the same
 * e-mail: take_administrator then reuses it), else it is refused; which office and whom it
 * names are that office's register data and are not told. */
static enum store_status check_one_admin_to_be(struct store_conn *c, struct start *s,
                                               const struct company *cp, const struct collab *co)
{
  bool other = false;
  enum store_status st =
      store_collab_other_new_admin(c, cp->id, co->office_id, co->administrator_id, &other);
  if (st == STORE_OK && other)
    refuse(&s->rf, ERR_ADMINISTRATOR_NAMED, COLLAB_ADMIN_NAMED_DETAIL, cp->name,
           cp->corporate_id);
  return st;
}

/* The names a read of co would join in (collab_sql.h), from the rows this transaction read
 * and wrote: the customer cu (the office's one register entry of the company) with its
 * company, the administrator ad (co->administrator_id) and the office's row. So
 * collab_insert_invitation need not read co back after its insert. */
static enum store_status known_names(struct store_conn *c, struct start *s,
                                     const struct customer *cu, const struct customer_admin *ad)
{
  struct collab *co = &s->co;
  struct office of;
  enum store_status st = store_office_get(c, co->office_id, &of);
  if (st != STORE_OK)
    return st == STORE_NOT_FOUND ? STORE_ERROR : st;
  util_text_copy(co->office_name, sizeof co->office_name, of.name);
  util_text_copy(co->corporate_id, sizeof co->corporate_id, cu->company.corporate_id);
  util_text_copy(co->company_name, sizeof co->company_name, cu->company.name);
  util_text_copy(co->customer_name, sizeof co->customer_name, cu->name);
  util_text_copy(co->admin_name, sizeof co->admin_name, ad->name);
  util_text_copy(co->admin_email, sizeof co->admin_email, ad->email);
  util_text_copy(co->admin_phone, sizeof co->admin_phone, ad->phone);
  co->admin_confirmed = ad->confirmed;
  s->names_known = true;
  s->invitee = *ad;
  s->has_invitee = true;
  return STORE_OK;
}

enum store_status collab_office_start_tx(struct store_conn *c, struct start *s)
{
  collab_start_reset(s);
  const struct principal *p = s->in->caller;
  struct customer *cu = malloc(sizeof *cu);
  struct customer_admin *listed = NULL; /* s->admins while this attempt runs */
  if (!cu)
    return STORE_ERROR;
  enum store_status st = collab_start_variant(c, s);
  if (st != STORE_OK || refused(&s->rf))
    goto cleanup;
  st = store_customer_get_no_open(c, p->office_id, s->in->customer_id, cu);
  if (st == STORE_NOT_FOUND) {
    refuse(&s->rf, ERR_NOT_FOUND, "No customer %s in your register", s->in->customer_id);
    st = STORE_OK;
    goto cleanup;
  }
  /* a batch's row: the batch counted against the cap when it was uploaded */
  if (st != STORE_OK || (!s->in->in_batch && (st = collab_check_creation_cap(c, s)) != STORE_OK) ||
      refused(&s->rf))
    goto cleanup;
  const struct company *cp = &cu->company;
  if ((st = check_task(c, s, cu, s->in->task_id)) != STORE_OK || refused(&s->rf))
    goto cleanup;
  if ((st = collab_check_none_open(c, s, p->office_id, cp->id)) != STORE_OK || refused(&s->rf))
    goto cleanup;
  struct variant current;
  if (cp->has_subscription && (st = store_variant_get(c, cp->sub.variant, &current)) != STORE_OK)
    goto cleanup;
  /* the plan compares the variant asked for with the subscription's by their features */
  if (cp->has_subscription && s->has_requested &&
      (st = store_variant_load_features(c, &s->requested)) != STORE_OK)
    goto cleanup;
  struct collab_activation plan;
  if (!plan_terms(s, cp, cp->has_subscription ? &current : NULL, &plan))
    goto cleanup;
  struct collab *co = &s->co;
  collab_fill_common(s, co, p->office_id, cp->id);
  struct customer_admin admin; /* the invitee: co->administrator_id */
  if (!plan.creates_administrator) {
    /* ways 1-2: the invitation and its link go to the company's main contact on the portal,
     * the one who can approve; never to an address the office keeps in its register */
    st = collab_invitee_admin(c, co, &admin);
    if (st == STORE_NOT_FOUND) {
      refuse(&s->rf, ERR_CUSTOMER_ADMIN_REQUIRED,
             "%s (%s) has no administrator on the customer portal who can approve the "
             "collaboration; support can add one (the first becomes the main contact, who "
             "gets the invitation)",
             cp->name, cp->corporate_id);
      st = STORE_OK;
    }
    if (st != STORE_OK || refused(&s->rf))
      goto cleanup;
  }
  util_text_copy(co->customer_id, sizeof co->customer_id, cu->id);
  util_text_copy(co->task_id, sizeof co->task_id, s->in->task_id);
  util_text_copy(co->variant, sizeof co->variant, plan.variant);
  util_text_copy(co->invoice_recipient, sizeof co->invoice_recipient, plan.invoice_recipient);
  co->agreement_period_months = plan.period_months;
  co->agreement_continues = plan.agreement_continues;
  co->initiated_by = COLLAB_BY_OFFICE;
  co->way = plan.way;
  if (!plan_start(s, cp, &plan, co))
    goto cleanup;
  bool created_admin = false;
  /* the company's confirmed administrators, told of the invitation, read with the lookup of
   * the address (one search of the company's administrators on SQLite) */
  if (plan.creates_administrator &&
      (listed = malloc(STORE_MAX_ADMINS * sizeof *listed)) == NULL) {
    st = STORE_ERROR;
    goto cleanup;
  }
  size_t n_listed = 0;
  if (plan.creates_administrator &&
      (st = take_administrator(c, cp->id, &s->in->administrator, co, &admin, &created_admin,
                               listed, STORE_MAX_ADMINS, &n_listed)) != STORE_OK)
    goto cleanup;
  if (created_admin) {
    s->admins = listed;
    s->n_admins = n_listed;
  }
  if (plan.creates_administrator &&
      ((st = check_one_admin_to_be(c, s, cp, co)) != STORE_OK || refused(&s->rf)))
    goto cleanup;
  if ((st = known_names(c, s, cu, &admin)) != STORE_OK)
    goto cleanup;
  /* the event's details, their members in the order of their names (JSON_SORT_KEYS) */
  struct json_text w = {0};
  json_text_open(&w, NULL, '{');
  if (plan.creates_administrator) {
    json_text_bool(&w, "administrator_created", created_admin);
    json_text_str(&w, "administrator_id", co->administrator_id);
  }
  json_text_bool(&w, "agreement_continues", plan.agreement_continues);
  json_text_int(&w, "agreement_period_months", co->agreement_period_months);
  json_text_str(&w, "invoice_recipient", co->invoice_recipient);
  if (co->starts_on[0])
    json_text_str(&w, "starts_on", co->starts_on);
  json_text_str(&w, "task_id", co->task_id);
  json_text_bool(&w, "upgrade", plan.upgrade);
  json_text_str(&w, "variant", co->variant);
  json_text_str(&w, "way", collab_way_str(co->way));
  json_text_close(&w, '}');
  char *details = json_text_take(&w, NULL);
  st = collab_insert_invitation(c, s, details);
cleanup:
  free(cu);
  free(listed);
  s->admins = NULL; /* the attempt's own */
  s->n_admins = 0;
  if (st == STORE_OK && refused(&s->rf))
    return STORE_ABORT; /* nothing of a refused start is kept */
  return st;
}

static enum store_status activate_tx(struct store_conn *c, void *arg)
{
  return collab_office_start_tx(c, arg);
}

void collab_office_activates(const struct app *app, const struct collab_start_in *in,
                             struct collab_outcome *out, collab_started_fn done, void *arg)
{
  collab_run_start(app, in, activate_tx, out, done, arg);
}
