/* companies.c - the vendor's company records: creating one and changing one (support and
 * administrators). */
#include "domain/corporate_id.h"
#include "domain/variant.h"
#include "service/register.h"
#include "store_collab.h"
#include "store_variants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct company_tx {
  const struct company_in *in;
  struct company_out *out;
};

/* Applies name, relation and subscription from the input and checks that they agree: a
 * subscriber has a subscription, no one else has one (changing the relation away from
 * subscriber drops it). Refusals name the field. */
static enum store_status apply_fields(struct store_conn *c, struct company_tx *x)
{
  const struct company_in *in = x->in;
  struct company *co = &x->out->co;
  struct refusal *rf = &x->out->refusal;
  const struct company_sub_in *sub = &in->subscription;
  if (in->name)
    snprintf(co->name, sizeof co->name, "%s", in->name);
  if (in->relation)
    snprintf(co->relation, sizeof co->relation, "%s", in->relation);
  bool subscriber = strcmp(co->relation, "subscriber") == 0;
  if (sub->variant) {
    if (!subscriber)
      return refuse_field(rf, "subscription", "is only for relation subscriber");
    struct variant var;
    enum store_status st = store_variant_get(c, sub->variant, &var);
    if (st == STORE_NOT_FOUND)
      return refuse_field(rf, "subscription.variant", VARIANT_UNKNOWN);
    if (st != STORE_OK)
      return st;
    if (strcmp(sub->starts_on, sub->renews_on) >= 0)
      return refuse_field(rf, "subscription.renews_on", "must be after starts_on");
    co->has_subscription = true;
    snprintf(co->sub.variant, sizeof co->sub.variant, "%s", var.code);
    snprintf(co->sub.invoice_recipient, sizeof co->sub.invoice_recipient, "%s",
             sub->invoice_recipient);
    co->sub.agreement_period_months = sub->period_months ? sub->period_months : 12;
    snprintf(co->sub.starts_on, sizeof co->sub.starts_on, "%s", sub->starts_on);
    snprintf(co->sub.renews_on, sizeof co->sub.renews_on, "%s", sub->renews_on);
  } else if (in->subscription_given || !subscriber) {
    co->has_subscription = false;
    memset(&co->sub, 0, sizeof co->sub);
  }
  if (subscriber && !co->has_subscription)
    return refuse_field(rf, "subscription", "is required for relation subscriber");
  return STORE_OK;
}

static enum store_status create_tx(struct store_conn *c, void *arg)
{
  struct company_tx *x = arg;
  struct company *co = &x->out->co;
  refusal_clear(&x->out->refusal);
  memset(co, 0, sizeof *co);
  corporate_id_normalize(x->in->corporate_id, co->corporate_id, NULL);
  enum store_status st = apply_fields(c, x);
  if (st != STORE_OK)
    return st;
  st = store_company_create(c, co);
  if (st == STORE_CONFLICT)
    return refuse(&x->out->refusal, ERR_DUPLICATE, "A company with corporate ID %s exists already",
                  co->corporate_id);
  if (st != STORE_OK || !x->in->created.fn)
    return st;
  return x->in->created.fn(c, co, x->in->created.arg);
}

/* While a collaboration with an office is open (invited, approved or active), the company's
 * subscription changes only through a collaboration, where the variant rule applies and every
 * party is told: a change of the relation or the subscription is refused then. */
static enum store_status check_no_open_collaboration(struct store_conn *c, struct company_tx *x)
{
  if (!x->in->relation && !x->in->subscription_given)
    return STORE_OK;
  char (*ids)[COLLAB_ID_LEN] = malloc(COLLAB_MAX_OPEN_PER_COMPANY * sizeof *ids);
  size_t n = 0;
  const struct company *co = &x->out->co;
  enum store_status st = ids ? store_collab_open_of_company(c, co->id, ids, &n) : STORE_ERROR;
  if (st == STORE_OK && n > 0)
    st = refuse(&x->out->refusal, ERR_CONFLICT,
                "%s has an open collaboration with an accounting office (%s): change its "
                "variant, payer or period through a collaboration (variant-changes or PATCH), "
                "where the variant rule applies and every party is told",
                co->name, ids[0]);
  free(ids);
  return st;
}

static enum store_status update_tx(struct store_conn *c, void *arg)
{
  struct company_tx *x = arg;
  const struct company_in *in = x->in;
  struct company *co = &x->out->co;
  refusal_clear(&x->out->refusal);
  enum store_status st = store_company_get_by_corporate_id(c, in->corporate_id, co);
  if (st == STORE_NOT_FOUND)
    return refuse(&x->out->refusal, ERR_NOT_FOUND, "No company with corporate ID %s",
                  in->corporate_id);
  if (st != STORE_OK)
    return st;
  if ((st = refuse_unless_match(&x->out->refusal, in->if_match, "company", co->version)) !=
          STORE_OK ||
      (st = check_no_open_collaboration(c, x)) != STORE_OK || (st = apply_fields(c, x)) != STORE_OK)
    return st;
  return store_company_update(c, co, co->version);
}

enum store_status company_create(const struct app *app, const struct company_in *in,
                                 struct company_out *out)
{
  struct company_tx x = {.in = in, .out = out};
  return refusal_write(app->store, create_tx, &x, &out->refusal);
}

enum store_status company_update(const struct app *app, const struct company_in *in,
                                 struct company_out *out)
{
  struct company_tx x = {.in = in, .out = out};
  return refusal_write(app->store, update_tx, &x, &out->refusal);
}
