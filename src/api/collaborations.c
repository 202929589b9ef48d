/* collaborations.c - POST /v1/customers/{id}/collaborations: an office activates, in the way the
 * company's relation decides (ways 1-3), in one transaction that writes the collaboration, its
 * first event and its invitation e-mails (collab_start.c). */
#include "app.h"
#include "collab_api.h"
#include "collab_start.h"
#include "domain/contact.h"
#include "domain/corporate_id.h"
#include "domain/dates.h"
#include "handlers.h"
#include "mailer.h"
#include "resource.h"
#include "store_identity.h"
#include "store_register.h"
#include "store_variants.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const recipients[] = {"office", "customer", NULL};

static const struct field_spec admin_fields[] = COLLAB_ADMIN_FIELDS;

static const struct field_spec activate_fields[] = {
    {.name = "task_id", .type = FIELD_STRING, .min_len = 36, .max_len = 36},
    {.name = "variant", .type = FIELD_STRING, .min_len = 1, .max_len = 32},
    {.name = "invoice_recipient", .type = FIELD_ENUM, .allowed = recipients},
    {.name = "agreement_period_months", .type = FIELD_INT, .allowed = collab_periods},
    {.name = "administrator", .type = FIELD_OBJECT, .fields = admin_fields},
    {.name = "language", .type = FIELD_ENUM, .allowed = collab_languages},
    {0},
};

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
    struct task_filter f = {.office_id = cu->office_id, .customer_id = cu->id, .status = "open",
                            .limit = 1};
    enum store_status st = store_tasks_list(c, &f, note_task, &any);
    if (st != STORE_OK)
      return st;
    if (any)
      collab_start_refuse(s, ERR_TASK_REQUIRED, NULL,
                   "A collaboration is activated through a task: choose one of the open tasks "
                   "of %s in task_id",
                   cu->name);
    else
      collab_start_refuse(s, ERR_TASK_REQUIRED, NULL,
                   "%s has no open task; create one (POST /v1/customers/%s/tasks) and activate "
                   "the collaboration through it",
                   cu->name, cu->id);
    return STORE_OK;
  }
  struct task t;
  enum store_status st = store_task_get(c, cu->office_id, task_id, &t);
  if (st == STORE_NOT_FOUND || (st == STORE_OK && strcmp(t.customer_id, cu->id) != 0))
    collab_start_refuse(s, ERR_TASK_REQUIRED, NULL, "%s has no task %s", cu->name, task_id);
  else if (st == STORE_OK && strcmp(t.status, "open") != 0)
    collab_start_refuse(s, ERR_TASK_REQUIRED, NULL,
                 "Task %s is %s; a collaboration needs an open task of the customer", task_id,
                 t.status);
  return st == STORE_NOT_FOUND ? STORE_OK : st;
}

static json_t *field_errors(const struct collab_field_error *e, size_t n)
{
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, json_pack("{s:s, s:s}", "field", e[i].field, "message",
                                       e[i].message));
  return a;
}

/* Decides the terms with the domain's plan; false after refusing s. */
static bool plan_terms(struct start *s, const struct company *cp, const struct variant *current,
                       struct collab_activation *plan)
{
  json_t *body = s->req->json;
  struct collab_activation_request rq = {
      .relation = RELATION_NONE,
      .current = current,
      .sub_invoice_recipient = cp->has_subscription ? cp->sub.invoice_recipient : NULL,
      .sub_period_months = cp->has_subscription ? cp->sub.agreement_period_months : 0,
      .requested = s->has_requested ? &s->requested : NULL,
      .invoice_recipient = json_str_member(body, "invoice_recipient"),
      .period_months = (int)json_int_member(body, "agreement_period_months", 0),
      .has_administrator = json_object_get(body, "administrator") != NULL,
      .full_rights = s->req->principal.role == OFFICE_ROLE_FULL,
  };
  company_relation_parse(cp->relation, &rq.relation);
  struct collab_field_error errors[COLLAB_MAX_FIELD_ERRORS];
  size_t n = 0;
  switch (collab_activation_plan(&rq, plan, errors, &n)) {
  case COLLAB_ACTIVATION_OK:
    return true;
  case COLLAB_ACTIVATION_INVALID:
    collab_start_refuse(s, ERR_VALIDATION, json_pack("{s:o}", "errors", field_errors(errors, n)),
                 "Invalid fields for a company whose relation to the vendor is %s: %s%s",
                 cp->relation, n ? errors[0].field : "", n > 1 ? " and more" : "");
    return false;
  case COLLAB_ACTIVATION_DOWNGRADE:
    collab_start_refuse(s, ERR_DOWNGRADE_REQUIRES_SUPPORT,
                 json_pack("{s:s, s:s, s:s, s:s}", "from", current->code, "to",
                           s->requested.code, "kind", "downgrade", "contact", "support"),
                 "%s subscribes to %s; proposing %s is a downgrade: the customer may lose "
                 "accounting data and the company will be reset. An office cannot do this; "
                 "contact support",
                 cp->name, current->code, s->requested.code);
    return false;
  case COLLAB_ACTIVATION_NEEDS_FULL_RIGHTS:
    collab_start_refuse(s, ERR_FORBIDDEN, NULL,
                 "Choosing the variant, invoice recipient or agreement period needs an office "
                 "user with full rights; a limited user can activate a subscriber in its "
                 "current variant only");
    return false;
  }
  return false;
}

/* Way 3: the administrator named in the request becomes co->administrator_id. An
 * administrator of the company with that e-mail (from an earlier invitation that was withdrawn,
 * declined or expired) is reused as it is; otherwise one is created, the main contact when the
 * company has none. *created tells which. */
static enum store_status take_administrator(struct store_conn *c, const char *company_id,
                                            json_t *ad, struct collab *co, bool *created)
{
  struct customer_admin admin;
  const char *email = json_str_member(ad, "email");
  enum store_status st = store_customer_admin_get_by_email(c, company_id, email, &admin);
  *created = st == STORE_NOT_FOUND;
  if (*created) {
    /* not the main contact before it confirms (approving through its link) */
    st = store_customer_admin_create(c, company_id, json_str_member(ad, "name"), email,
                                     json_str_member(ad, "phone"), false, &admin);
    /* nobody confirmed it yet: it approves through its link, or goes with the invitation */
    if (st == STORE_OK)
      st = store_customer_admin_set_confirmed(c, admin.id, false);
  }
  if (st == STORE_OK)
    snprintf(co->administrator_id, sizeof co->administrator_id, "%s", admin.id);
  return st;
}

static enum store_status activate_tx(struct store_conn *c, void *arg)
{
  struct start *s = arg;
  collab_start_reset(s);
  const struct principal *p = &s->req->principal;
  struct customer *cu = malloc(sizeof *cu);
  if (!cu)
    return STORE_ERROR;
  enum store_status st = store_customer_get(c, p->office_id, s->customer_id, cu);
  if (st == STORE_NOT_FOUND) {
    collab_start_refuse(s, ERR_NOT_FOUND, NULL, "No customer %s in your register", s->customer_id);
    st = STORE_OK;
    goto cleanup;
  }
  if (st != STORE_OK || (st = collab_check_creation_cap(c, s)) != STORE_OK || s->err != ERR_NONE)
    goto cleanup;
  const struct company *cp = &cu->company;
  if ((st = check_task(c, s, cu, json_str_member(s->req->json, "task_id"))) != STORE_OK ||
      s->err != ERR_NONE)
    goto cleanup;
  if ((st = collab_check_none_open(c, s, p->office_id, cp->id)) != STORE_OK || s->err != ERR_NONE)
    goto cleanup;
  struct variant current;
  if (cp->has_subscription && (st = store_variant_get(c, cp->sub.variant, &current)) != STORE_OK)
    goto cleanup;
  struct collab_activation plan;
  if (!plan_terms(s, cp, cp->has_subscription ? &current : NULL, &plan))
    goto cleanup;
  struct collab *co = &s->co;
  collab_fill_common(s, co, p->office_id, cp->id);
  if (!plan.creates_administrator) {
    /* ways 1-2: the invitation and its link go to the company's main contact on the portal,
     * the one who can approve; never to an address the office keeps in its register */
    struct customer_admin main_contact;
    st = collab_invitee_admin(c, co, &main_contact);
    if (st == STORE_NOT_FOUND) {
      collab_start_refuse(s, ERR_CUSTOMER_ADMIN_REQUIRED, NULL,
                   "%s (%s) has no administrator on the customer portal who can approve the "
                   "collaboration; support can add one (the first becomes the main contact, who "
                   "gets the invitation)",
                   cp->name, cp->corporate_id);
      st = STORE_OK;
    }
    if (st != STORE_OK || s->err != ERR_NONE)
      goto cleanup;
  }
  snprintf(co->customer_id, sizeof co->customer_id, "%s", cu->id);
  snprintf(co->task_id, sizeof co->task_id, "%s", json_str_member(s->req->json, "task_id"));
  snprintf(co->variant, sizeof co->variant, "%s", plan.variant);
  snprintf(co->invoice_recipient, sizeof co->invoice_recipient, "%s", plan.invoice_recipient);
  co->agreement_period_months = plan.period_months;
  co->agreement_continues = plan.agreement_continues;
  co->initiated_by = COLLAB_BY_OFFICE;
  co->way = plan.way;
  bool created_admin = false;
  if (plan.creates_administrator &&
      (st = take_administrator(c, cp->id, json_object_get(s->req->json, "administrator"), co,
                               &created_admin)) != STORE_OK)
    goto cleanup;
  json_t *details = json_pack("{s:s, s:s, s:s, s:i, s:b, s:b, s:s}", "way", collab_way_str(co->way),
                              "variant", co->variant, "invoice_recipient", co->invoice_recipient,
                              "agreement_period_months", co->agreement_period_months,
                              "upgrade", plan.upgrade, "agreement_continues",
                              plan.agreement_continues, "task_id", co->task_id);
  if (plan.creates_administrator) {
    json_object_set_new(details, "administrator_id", json_string(co->administrator_id));
    json_object_set_new(details, "administrator_created", json_boolean(created_admin));
  }
  st = collab_insert_invitation(c, s, details);
cleanup:
  free(cu);
  if (st == STORE_OK && s->err != ERR_NONE)
    return STORE_ABORT; /* nothing of a refused start is kept */
  return st;
}

enum MHD_Result api_collab_create(struct request *req)
{
  enum MHD_Result r;
  if (!validate_body(req, activate_fields, &r))
    return r;
  const char *customer_id = http_param(req, "id");
  if (!util_is_uuid(customer_id))
    return reply_problem(req, ERR_BAD_PATH_PARAM, "The customer id must be a UUID");
  struct start *s = calloc(1, sizeof *s);
  if (!s)
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  s->req = req;
  s->customer_id = customer_id;
  if (!collab_load_requested(req, s, &r)) {
    free(s);
    return r;
  }
  return collab_run_start(s, activate_tx);
}

