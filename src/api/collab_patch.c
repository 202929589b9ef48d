/* collab_patch.c - PATCH /v1/collaborations/{id} (If-Match required): the task (any office
 * user), the invoice recipient and agreement period (full rights), the variant (full rights;
 * the variant rule applies). Each change is checked by the state machine and recorded as its
 * own event, all in one transaction. */
#include "app.h"
#include "collab_api.h"
#include "domain/contact.h"
#include "handlers.h"
#include "resource.h"
#include "store_identity.h"
#include "util.h"
#include "validate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const recipients[] = {"office", "customer", NULL};
static const char *const periods[] = {"3", "12", NULL};

static const struct field_spec admin_fields[] = COLLAB_ADMIN_FIELDS;

static const struct field_spec patch_fields[] = {
    {.name = "task_id", .type = FIELD_STRING, .min_len = 36, .max_len = 36},
    {.name = "invoice_recipient", .type = FIELD_ENUM, .allowed = recipients},
    {.name = "agreement_period_months", .type = FIELD_INT, .allowed = periods},
    {.name = "variant", .type = FIELD_STRING, .min_len = 1, .max_len = 32},
    {.name = "administrator", .type = FIELD_OBJECT, .fields = admin_fields},
    {0},
};

static enum store_status record(struct collab_op *op, struct store_conn *c, struct collab *co,
                                enum collab_event ev, json_t *details)
{
  return collab_record(c, co, op->actor_kind, op->actor_id, collab_event_str(ev), op->from,
                       co->state, NULL, details, NULL);
}

static enum store_status change_task(struct collab_op *op, struct store_conn *c,
                                     struct collab *co, const char *task_id, bool *changed)
{
  if (!task_id || strcmp(task_id, co->task_id) == 0)
    return STORE_OK;
  if (!collab_op_allows(op, COLLAB_EV_CHANGE_TASK))
    return STORE_OK;
  char before[COLLAB_ID_LEN];
  snprintf(before, sizeof before, "%s", co->task_id);
  enum store_status st = collab_take_task(op, c, co, task_id);
  if (st != STORE_OK || op->err != ERR_NONE)
    return st;
  *changed = true;
  return record(op, c, co, COLLAB_EV_CHANGE_TASK,
                json_pack("{s:{s:o, s:s}}", "task_id", "from",
                          before[0] ? json_string(before) : json_null(), "to", co->task_id));
}

static enum store_status change_terms(struct collab_op *op, struct store_conn *c,
                                      struct collab *co, bool *changed)
{
  const char *recipient = json_str_member(op->req->json, "invoice_recipient");
  int period = (int)json_int_member(op->req->json, "agreement_period_months", 0);
  bool new_recipient = recipient && strcmp(recipient, co->invoice_recipient) != 0;
  bool new_period = period && period != co->agreement_period_months;
  if (!new_recipient && !new_period)
    return STORE_OK;
  if (!collab_op_allows(op, COLLAB_EV_CHANGE_TERMS))
    return STORE_OK;
  if (co->agreement_continues) {
    collab_op_refuse(op, ERR_CONFLICT,
                     "The company's existing agreement continues until it renews%s%s: its "
                     "agreement period and invoice recipient cannot be changed before then",
                     co->renews_on[0] ? " on " : "", co->renews_on);
    op->extra = json_pack("{s:b, s:o}", "agreement_continues", 1, "renews_on",
                          co->renews_on[0] ? json_string(co->renews_on) : json_null());
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
                        json_pack("{s:i, s:i}", "from", co->agreement_period_months, "to",
                                  period));
    co->agreement_period_months = period;
    /* a new period is a new agreement period, starting today; one that has not started yet
     * gets its dates when the collaboration becomes active */
    if (co->starts_on[0]) {
      if (!collab_start_agreement_today(co)) {
        json_decref(details);
        return STORE_ERROR;
      }
      json_object_set_new(details, "starts_on", json_string(co->starts_on));
      json_object_set_new(details, "renews_on", json_string(co->renews_on));
    }
  }
  *changed = true;
  json_t *facts = json_pack("{s:s}", "changed",
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

/* Way 3, while nobody has answered: the office corrects the administrator it named. The
 * administrator nobody confirmed is corrected in place (or another of the company's is named),
 * the old links die and the invitation goes out again to the corrected address. */
static enum store_status change_administrator(struct collab_op *op, struct store_conn *c,
                                              struct collab *co, bool *changed)
{
  json_t *ad = json_object_get(op->req->json, "administrator");
  if (!ad)
    return STORE_OK;
  if (co->way != COLLAB_WAY_NEW_CUSTOMER) {
    collab_op_refuse(op, ERR_NOT_THIS_WAY,
                     "Only an administrator the office named for a company new to the service "
                     "can be corrected; this invitation goes to the company's own "
                     "administrators");
    return STORE_OK;
  }
  if (!collab_op_allows(op, COLLAB_EV_CHANGE_ADMINISTRATOR))
    return STORE_OK;
  const char *name = json_str_member(ad, "name"), *email = json_str_member(ad, "email"),
             *phone = json_str_member(ad, "phone");
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
    collab_op_refuse(op, ERR_CONFLICT,
                     "%s %s; name another person to change it", co->admin_name,
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
    st = store_customer_admin_create(c, co->company_id, name, email, phone, false, &created);
    if (st == STORE_OK)
      st = store_customer_admin_set_confirmed(c, created.id, false);
    snprintf(co->administrator_id, sizeof co->administrator_id, "%s", created.id);
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
  if ((st = collab_resend(op, c, co, NOTIFY_INVITATION, NULL)) != STORE_OK || op->err != ERR_NONE)
    return st;
  return record(op, c, co, COLLAB_EV_CHANGE_ADMINISTRATOR,
                json_pack("{s:{s:s, s:s}}", "administrator", "from", before, "to",
                          co->administrator_id));
}

static enum store_status change_variant(struct collab_op *op, struct store_conn *c,
                                        struct collab *co, bool *changed)
{
  const char *variant = json_str_member(op->req->json, "variant");
  if (!variant || strcmp(variant, co->variant) == 0)
    return STORE_OK;
  if (!collab_op_allows(op, COLLAB_EV_CHANGE_VARIANT))
    return STORE_OK;
  enum store_status st = collab_change_variant(op, c, co, variant, false);
  if (st != STORE_OK || op->err != ERR_NONE)
    return st;
  *changed = true;
  json_t *details = op->details;
  op->details = NULL;
  return record(op, c, co, COLLAB_EV_CHANGE_VARIANT, details);
}

static enum store_status patch_apply(struct collab_op *op, struct store_conn *c,
                                     struct collab *co)
{
  op->record_main_event = false;
  bool changed = false;
  enum store_status st =
      change_task(op, c, co, json_str_member(op->req->json, "task_id"), &changed);
  if (st == STORE_OK && op->err == ERR_NONE)
    st = change_administrator(op, c, co, &changed);
  if (st == STORE_OK && op->err == ERR_NONE)
    st = change_terms(op, c, co, &changed);
  if (st == STORE_OK && op->err == ERR_NONE)
    st = change_variant(op, c, co, &changed);
  if (st == STORE_OK && op->err == ERR_NONE && !changed)
    op->unchanged = true;
  return st;
}

enum MHD_Result api_collab_patch(struct request *req)
{
  enum MHD_Result r;
  if (!validate_body(req, patch_fields, &r))
    return r;
  if (json_object_size(req->json) == 0)
    return reply_validation(req, json_pack("[{s:s, s:s}]", "field", "body", "message",
                                           "name at least one of task_id, invoice_recipient, "
                                           "agreement_period_months, variant, administrator"));
  const char *id = http_param(req, "id");
  if (!util_is_uuid(id))
    return reply_problem(req, ERR_BAD_PATH_PARAM, "The collaboration id must be a UUID");
  if (api_require_if_match(req, &r))
    return r;
  struct collab_op *op = calloc(1, sizeof *op);
  if (!op)
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  op->req = req;
  op->id = id;
  op->actor = collab_actor_of(&req->principal);
  op->actor_kind = collab_actor_str(op->actor);
  op->actor_id = req->principal.id;
  op->check_if_match = true;
  /* the state machine's first check: the most permissive change asked for */
  json_t *b = req->json;
  op->ev = json_object_get(b, "administrator")       ? COLLAB_EV_CHANGE_ADMINISTRATOR
           : json_object_get(b, "task_id")           ? COLLAB_EV_CHANGE_TASK
           : json_object_get(b, "invoice_recipient") ? COLLAB_EV_CHANGE_TERMS
           : json_object_get(b, "agreement_period_months") ? COLLAB_EV_CHANGE_TERMS
           : json_object_get(b, "variant")                 ? COLLAB_EV_CHANGE_VARIANT
                                                           : COLLAB_EV_CHANGE_TASK;
  op->apply = patch_apply;
  r = collab_op_run(op);
  free(op);
  return r;
}
