/* customers.c - an office's customer register: adding a customer (and the company, when it is
 * new to the vendor), changing and removing one. */
#include "domain/corporate_id.h"
#include "domain/etag.h"
#include "service/register.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct customer_tx {
  const struct customer_in *in;
  struct customer_out *out;
};

/* Sets the customer's fields the input names (name, email, notes). */
static void apply_fields(struct customer *cu, const struct customer_in *in)
{
  if (in->name)
    snprintf(cu->name, sizeof cu->name, "%s", in->name);
  if (in->email)
    snprintf(cu->email, sizeof cu->email, "%s", in->email);
  if (in->notes_given) {
    cu->has_notes = in->notes != NULL;
    snprintf(cu->notes, sizeof cu->notes, "%s", in->notes ? in->notes : "");
  }
}

static enum store_status create_tx(struct store_conn *c, void *arg)
{
  struct customer_tx *x = arg;
  const struct customer_in *in = x->in;
  struct customer *cu = &x->out->cu;
  refusal_clear(&x->out->refusal);
  char cid[CORPORATE_ID_LEN];
  corporate_id_normalize(in->corporate_id, cid, NULL);
  struct company co;
  enum store_status st = store_company_get_by_corporate_id(c, cid, &co);
  if (st == STORE_NOT_FOUND) { /* unknown to the vendor: a company with no relation */
    memset(&co, 0, sizeof co);
    memcpy(co.corporate_id, cid, sizeof cid);
    /* the company's own name when the office gives it (customer-facing texts show it);
     * otherwise the office's name for it is the only one known */
    snprintf(co.name, sizeof co.name, "%s", in->company_name ? in->company_name : in->name);
    snprintf(co.relation, sizeof co.relation, "none");
    st = store_company_create(c, &co);
  }
  if (st != STORE_OK)
    return st;
  memset(cu, 0, sizeof *cu);
  snprintf(cu->office_id, sizeof cu->office_id, "%s", in->caller->office_id);
  memcpy(cu->company_id, co.id, sizeof co.id);
  apply_fields(cu, in);
  st = store_customer_create(c, cu);
  if (st == STORE_CONFLICT)
    return refuse(&x->out->refusal, ERR_DUPLICATE,
                  "Your register already has a customer with corporate ID %s", cid);
  if (st != STORE_OK || !in->created.fn)
    return st;
  return in->created.fn(c, cu, in->created.arg);
}

/* The customer the input names, with If-Match checked; STORE_ABORT after refusing. */
static enum store_status load(struct store_conn *c, struct customer_tx *x)
{
  refusal_clear(&x->out->refusal);
  const struct customer_in *in = x->in;
  enum store_status st = store_customer_get(c, in->caller->office_id, in->id, &x->out->cu);
  if (st == STORE_NOT_FOUND)
    return refuse(&x->out->refusal, ERR_NOT_FOUND, "No such customer in your register");
  if (st != STORE_OK)
    return st;
  return refuse_unless_match(&x->out->refusal, in->if_match, "customer", x->out->cu.version);
}

static enum store_status update_tx(struct store_conn *c, void *arg)
{
  struct customer_tx *x = arg;
  enum store_status st = load(c, x);
  if (st != STORE_OK)
    return st;
  apply_fields(&x->out->cu, x->in);
  return store_customer_update(c, &x->out->cu, x->out->cu.version);
}

static enum store_status delete_tx(struct store_conn *c, void *arg)
{
  struct customer_tx *x = arg;
  struct refusal *rf = &x->out->refusal;
  refusal_clear(rf);
  const struct customer_in *in = x->in;
  struct customer *cu = &x->out->cu;
  enum store_status st = store_customer_get(c, in->caller->office_id, in->id, cu);
  if (st == STORE_NOT_FOUND)
    return refuse(rf, ERR_NOT_FOUND, "No such customer in your register");
  if (st != STORE_OK)
    return st;
  if (etag_if_match(in->if_match, cu->version) == IF_MATCH_FAILED)
    return refuse(rf, ERR_PRECONDITION_FAILED,
                  "The customer has changed: its current ETag is \"%lld\"", (long long)cu->version);
  if (cu->has_open_collaboration)
    return refuse(rf, ERR_OPEN_COLLABORATION,
                  "The customer has an open collaboration; end or withdraw it first");
  st = store_customer_delete(c, in->caller->office_id, in->id);
  if (st == STORE_CONFLICT)
    return refuse(rf, ERR_CONFLICT, "The customer has collaboration history that refers to it");
  return st;
}

static enum store_status run(const struct app *app, store_tx_fn tx, const struct customer_in *in,
                             struct customer_out *out)
{
  struct customer_tx x = {.in = in, .out = out};
  return refusal_write(app->store, tx, &x, &out->refusal);
}

enum store_status customer_create_within(struct store_conn *c, const struct customer_in *in,
                                         struct customer_out *out)
{
  struct customer_tx x = {.in = in, .out = out};
  return create_tx(c, &x);
}

enum store_status customer_create(const struct app *app, const struct customer_in *in,
                                  struct customer_out *out)
{
  return run(app, create_tx, in, out);
}

enum store_status customer_update(const struct app *app, const struct customer_in *in,
                                  struct customer_out *out)
{
  return run(app, update_tx, in, out);
}

enum store_status customer_delete(const struct app *app, const struct customer_in *in,
                                  struct customer_out *out)
{
  return run(app, delete_tx, in, out);
}
