/* batch_row.c - one row of a batch inside the caller's write transaction, exactly as a single
 * activation: the customer added to the register when the office has none for the company
 * (customer_create_within), the task made when the customer has no open task of that name
 * (task_create_within), then the activation by the same use case as POST
 * /v1/customers/{id}/collaborations (collab_office_start_tx). A refusal names the column that
 * caused it. */
#include "batch_internal.h"
#include "domain/corporate_id.h"
#include "service/register.h"
#include "store_variants.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *cell(json_t *cells, const char *name)
{
  return json_string_value(json_object_get(cells, name));
}

/* The row's column for a field an activation refused ("administrator.email" ...). */
static void column_of_field(const char *field, const struct batch_work *w, char *out,
                            size_t len)
{
  if (strncmp(field, "administrator", 13) == 0)
    snprintf(out, len, "administrator_%s", field[13] == '.' ? field + 14 : "name");
  else if (strcmp(field, "task_id") == 0)
    snprintf(out, len, "%s", cell(w->cells, "task_id") ? "task_id" : "task");
  else if (strncmp(field, "company", 7) == 0)
    snprintf(out, len, "corporate_id");
  else
    snprintf(out, len, "%s", field);
}

void batch_work_refusal(struct batch_work *w, const struct refusal *rf)
{
  json_t *first = json_array_get(rf->errors, 0);
  if (first) {
    const char *field = json_string_value(json_object_get(first, "field"));
    column_of_field(field ? field : "", w, w->problem_column, sizeof w->problem_column);
    snprintf(w->problem, sizeof w->problem, "%s: %s", w->problem_column,
             json_string_value(json_object_get(first, "message")));
    util_utf8_cut_end(w->problem);
    return;
  }
  const char *col = "corporate_id"; /* the company's state: open collaboration, no admin ... */
  if (rf->code == ERR_DOWNGRADE_REQUIRES_SUPPORT || rf->code == ERR_FORBIDDEN)
    col = "variant";
  else if (rf->code == ERR_TASK_REQUIRED)
    col = cell(w->cells, "task_id") ? "task_id" : "task";
  else if (rf->code == ERR_ADMINISTRATOR_NAMED) /* another office's names another person */
    col = "administrator_email";
  snprintf(w->problem_column, sizeof w->problem_column, "%s", col);
  snprintf(w->problem, sizeof w->problem, "%s", rf->detail);
  util_utf8_cut_end(w->problem);
}

/* Refuses the row in the words of rf (a refusal of a step), and rolls back. */
static enum store_status refused_by(struct batch_work *w, struct refusal *rf)
{
  batch_work_refusal(w, rf);
  w->refused = true;
  refusal_clear(rf);
  return STORE_ABORT;
}

/* The office's customer for the row's company, added when missing, into cu. */
static enum store_status take_customer(struct store_conn *c, struct batch_work *w,
                                       struct customer *cu)
{
  char cid[CORPORATE_ID_LEN];
  corporate_id_normalize(cell(w->cells, "corporate_id"), cid, NULL);
  struct company *co = malloc(sizeof *co);
  if (!co)
    return STORE_ERROR;
  enum store_status st = store_company_get_by_corporate_id(c, cid, co);
  if (st == STORE_OK)
    st = store_customer_get_by_company(c, w->caller->office_id, co->id, cu);
  free(co);
  if (st != STORE_NOT_FOUND)
    return st;
  struct customer_in in = {.caller = w->caller,
                           .corporate_id = cid,
                           .name = cell(w->cells, "name"),
                           .company_name = cell(w->cells, "company_name"),
                           .email = cell(w->cells, "email")};
  struct customer_out *out = calloc(1, sizeof *out);
  if (!out)
    return STORE_ERROR;
  st = customer_create_within(c, &in, out);
  if (st == STORE_OK) {
    *cu = out->cu;
    w->customer_added = true;
  } else if (refused(&out->refusal)) {
    st = refused_by(w, &out->refusal);
  }
  free(out);
  return st;
}

/* The task the row names: its task_id as given, or the customer's oldest open task with the
 * name in task (found by the store), made when there is none; into task_id (>= STORE_ID_LEN). */
static enum store_status take_task(struct store_conn *c, struct batch_work *w,
                                   const struct customer *cu, char *task_id)
{
  const char *given = cell(w->cells, "task_id"), *name = cell(w->cells, "task");
  if (given || !name) { /* the activation checks it (a missing one: task_required) */
    snprintf(task_id, STORE_ID_LEN, "%s", given ? given : "");
    return STORE_OK;
  }
  enum store_status st = store_batch_open_task(c, cu->office_id, cu->id, name, task_id);
  if (st != STORE_NOT_FOUND)
    return st;
  struct task_in in = {.caller = w->caller, .customer_id = cu->id, .name = name};
  struct task_out *out = calloc(1, sizeof *out);
  if (!out)
    return STORE_ERROR;
  st = task_create_within(c, &in, out);
  if (st == STORE_OK) {
    snprintf(task_id, STORE_ID_LEN, "%s", out->t.id);
    w->task_added = true;
  } else if (refused(&out->refusal)) {
    st = refused_by(w, &out->refusal);
  }
  free(out);
  return st;
}

/* The change the proposed variant makes to the company's current one. */
static enum store_status judge_change(struct store_conn *c, struct batch_work *w,
                                      const struct company *cp)
{
  w->change = "new";
  if (!cp->has_subscription)
    return STORE_OK;
  struct variant *v = malloc(2 * sizeof *v);
  if (!v)
    return STORE_ERROR;
  enum store_status st = store_variant_get(c, cp->sub.variant, &v[0]);
  if (st == STORE_OK)
    st = store_variant_get(c, w->s.co.variant, &v[1]);
  if (st == STORE_OK) {
    struct variant_change ch;
    variant_compare(&v[0], &v[1], &ch);
    w->change = variant_change_kind_str(ch.kind);
  }
  free(v);
  return st;
}

enum store_status batch_work_row(struct store_conn *c, struct batch_work *w)
{
  w->refused = w->customer_added = w->task_added = false;
  w->problem_column[0] = w->problem[0] = '\0';
  struct customer *cu = malloc(sizeof *cu);
  if (!cu)
    return STORE_ERROR;
  char task_id[STORE_ID_LEN];
  enum store_status st = take_customer(c, w, cu);
  if (st == STORE_OK)
    st = take_task(c, w, cu, task_id);
  if (st != STORE_OK) {
    free(cu);
    return st;
  }
  const char *period = cell(w->cells, "agreement_period_months");
  struct collab_start_in in = {
      .caller = w->caller,
      .customer_id = cu->id,
      .task_id = task_id[0] ? task_id : NULL,
      .variant = cell(w->cells, "variant"),
      .invoice_recipient = cell(w->cells, "invoice_recipient"),
      .language = cell(w->cells, "language"),
      .starts_on = cell(w->cells, "starts_on"),
      .period_months = period ? atoi(period) : 0,
      .administrator = {cell(w->cells, "administrator_name"),
                        cell(w->cells, "administrator_email"),
                        cell(w->cells, "administrator_phone")},
      .in_batch = true,
  };
  w->s.app = w->app;
  w->s.in = &in;
  st = collab_office_start_tx(c, &w->s);
  if (refused(&w->s.rf))
    st = refused_by(w, &w->s.rf);
  else if (st == STORE_OK)
    st = judge_change(c, w, &cu->company);
  w->s.in = NULL;
  free(cu);
  return st;
}
