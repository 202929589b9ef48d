/* tasks.c - an office's tasks (engagements) per customer: adding one and changing one. */
#include "service/register.h"
#include "store_identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct task_tx {
  const struct task_in *in;
  struct task_out *out;
};

/* Applies name, assignee_id and status from the input; the assignee must be a user of the
 * office (a refusal naming assignee_id otherwise). */
static enum store_status apply_fields(struct store_conn *c, struct task_tx *x)
{
  const struct task_in *in = x->in;
  struct task *t = &x->out->t;
  if (in->name)
    snprintf(t->name, sizeof t->name, "%s", in->name);
  if (in->status)
    snprintf(t->status, sizeof t->status, "%s", in->status);
  if (in->assignee_given && !in->assignee_id)
    t->assignee_id[0] = '\0';
  if (in->assignee_id) {
    struct office_user u;
    enum store_status st = store_office_user_get(c, in->caller->office_id, in->assignee_id, &u);
    if (st == STORE_NOT_FOUND)
      return refuse_field(&x->out->refusal, "assignee_id", "is not a user of your office");
    if (st != STORE_OK)
      return st;
    memcpy(t->assignee_id, u.id, sizeof u.id);
  }
  return STORE_OK;
}

static enum store_status create_tx(struct store_conn *c, void *arg)
{
  struct task_tx *x = arg;
  const struct task_in *in = x->in;
  struct task *t = &x->out->t;
  refusal_clear(&x->out->refusal);
  struct customer *cu = malloc(sizeof *cu);
  if (!cu)
    return STORE_ERROR;
  enum store_status st = store_customer_get(c, in->caller->office_id, in->customer_id, cu);
  free(cu);
  if (st == STORE_NOT_FOUND)
    return refuse(&x->out->refusal, ERR_NOT_FOUND, "No such customer in your register");
  if (st != STORE_OK)
    return st;
  memset(t, 0, sizeof *t);
  snprintf(t->office_id, sizeof t->office_id, "%s", in->caller->office_id);
  snprintf(t->customer_id, sizeof t->customer_id, "%s", in->customer_id);
  snprintf(t->status, sizeof t->status, "open");
  if ((st = apply_fields(c, x)) != STORE_OK || (st = store_task_create(c, t)) != STORE_OK)
    return st;
  return in->created.fn ? in->created.fn(c, t, in->created.arg) : STORE_OK;
}

static enum store_status update_tx(struct store_conn *c, void *arg)
{
  struct task_tx *x = arg;
  const struct task_in *in = x->in;
  struct task *t = &x->out->t;
  refusal_clear(&x->out->refusal);
  enum store_status st = store_task_get(c, in->caller->office_id, in->id, t);
  if (st == STORE_NOT_FOUND)
    return refuse(&x->out->refusal, ERR_NOT_FOUND, "No such task in your office");
  if (st != STORE_OK)
    return st;
  if ((st = refuse_unless_match(&x->out->refusal, in->if_match, "task", t->version)) != STORE_OK ||
      (st = apply_fields(c, x)) != STORE_OK)
    return st;
  return store_task_update(c, t, t->version);
}

enum store_status task_create_within(struct store_conn *c, const struct task_in *in,
                                     struct task_out *out)
{
  struct task_tx x = {.in = in, .out = out};
  return create_tx(c, &x);
}

enum store_status task_create(const struct app *app, const struct task_in *in, struct task_out *out)
{
  struct task_tx x = {.in = in, .out = out};
  return refusal_write(app->store, create_tx, &x, &out->refusal);
}

enum store_status task_update(const struct app *app, const struct task_in *in, struct task_out *out)
{
  struct task_tx x = {.in = in, .out = out};
  return refusal_write(app->store, update_tx, &x, &out->refusal);
}
