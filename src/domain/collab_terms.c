/* collab_terms.c - the terms of a collaboration (DOMAIN.md, "The four ways a collaboration
 * starts", "Variants", "Money"): what an office's activation needs in each way, the variant
 * change rule. (Agreement dates: domain/dates.h.) */
#include "domain/collab.h"

#include <string.h>

enum collab_way collab_way_for_relation(enum company_relation r)
{
  switch (r) {
  case RELATION_SUBSCRIBER:
    return COLLAB_WAY_SUBSCRIBER;
  case RELATION_ACCOUNT:
    return COLLAB_WAY_ACCOUNT;
  default:
    return COLLAB_WAY_NEW_CUSTOMER;
  }
}

static void add_error(struct collab_field_error *errors, size_t *n, const char *field,
                      const char *message)
{
  if (*n < COLLAB_MAX_FIELD_ERRORS)
    errors[(*n)++] = (struct collab_field_error){field, message};
}

static bool valid_recipient(const char *r)
{
  return r && (strcmp(r, "office") == 0 || strcmp(r, "customer") == 0);
}

/* Way 1: the proposal follows the subscription; only the variant may go up. The existing
 * agreement continues unchanged: period, dates and payer are the subscription's. */
static enum collab_activation_result plan_subscriber(const struct collab_activation_request *rq,
                                                     struct collab_activation *out,
                                                     struct collab_field_error *errors,
                                                     size_t *n)
{
  if (!rq->current || !valid_recipient(rq->sub_invoice_recipient)) {
    add_error(errors, n, "company.subscription",
              "the company is a subscriber but has no subscription (variant and invoice "
              "recipient) on record");
    return COLLAB_ACTIVATION_INVALID;
  }
  bool office_pays = strcmp(rq->sub_invoice_recipient, "office") == 0;
  if (rq->invoice_recipient && strcmp(rq->invoice_recipient, rq->sub_invoice_recipient) != 0)
    add_error(errors, n, "invoice_recipient",
              office_pays ? "the subscriber's existing agreement continues with \"office\" as "
                            "invoice recipient; leave it out or send \"office\""
                          : "the subscriber's existing agreement continues with \"customer\" as "
                            "invoice recipient; leave it out or send \"customer\"");
  if (rq->period_months && rq->period_months != rq->sub_period_months)
    add_error(errors, n, "agreement_period_months",
              "the subscriber's existing agreement continues; leave the period out");
  if (rq->has_administrator)
    add_error(errors, n, "administrator",
              "only a company with no relation to the vendor gets a new administrator");
  if (*n)
    return COLLAB_ACTIVATION_INVALID;
  out->variant = rq->current->code;
  out->invoice_recipient = office_pays ? "office" : "customer";
  out->period_months = rq->sub_period_months;
  out->agreement_continues = true;
  if (rq->requested) {
    struct variant_change ch;
    variant_compare(rq->current, rq->requested, &ch);
    if (ch.kind == VARIANT_DOWNGRADE)
      return COLLAB_ACTIVATION_DOWNGRADE;
    out->variant = rq->requested->code;
    out->upgrade = ch.kind == VARIANT_UPGRADE;
  }
  return COLLAB_ACTIVATION_OK;
}

/* Ways 2 and 3: the office chooses the terms; way 3 also names the new administrator. */
static enum collab_activation_result plan_new_terms(const struct collab_activation_request *rq,
                                                    struct collab_activation *out,
                                                    struct collab_field_error *errors,
                                                    size_t *n)
{
  bool none = rq->relation == RELATION_NONE;
  if (!rq->requested)
    add_error(errors, n, "variant",
              "required: the company has no subscription, so choose the variant");
  if (!valid_recipient(rq->invoice_recipient))
    add_error(errors, n, "invoice_recipient",
              "required: who pays for the service, \"office\" or \"customer\"");
  if (rq->period_months != 3 && rq->period_months != 12)
    add_error(errors, n, "agreement_period_months", "required: 3 or 12 months");
  if (none && !rq->has_administrator)
    add_error(errors, n, "administrator",
              "required: the company has no relation to the vendor, so give the name, e-mail "
              "and phone of the person who becomes its administrator");
  if (!none && rq->has_administrator)
    add_error(errors, n, "administrator",
              "the company already has a portal account; no administrator is created");
  if (*n)
    return COLLAB_ACTIVATION_INVALID;
  out->variant = rq->requested->code;
  out->invoice_recipient = rq->invoice_recipient;
  out->period_months = rq->period_months;
  out->creates_administrator = none;
  return COLLAB_ACTIVATION_OK;
}

enum collab_activation_result collab_activation_plan(const struct collab_activation_request *rq,
                                                     struct collab_activation *out,
                                                     struct collab_field_error *errors,
                                                     size_t *n_errors)
{
  memset(out, 0, sizeof *out);
  *n_errors = 0;
  out->way = collab_way_for_relation(rq->relation);
  enum collab_activation_result r = out->way == COLLAB_WAY_SUBSCRIBER
                                        ? plan_subscriber(rq, out, errors, n_errors)
                                        : plan_new_terms(rq, out, errors, n_errors);
  if (r == COLLAB_ACTIVATION_OK && !rq->full_rights &&
      (out->way != COLLAB_WAY_SUBSCRIBER || out->upgrade))
    return COLLAB_ACTIVATION_NEEDS_FULL_RIGHTS;
  return r;
}

enum collab_variant_verdict collab_variant_change(const struct variant_change *ch,
                                                  enum collab_actor actor,
                                                  bool confirm_company_reset)
{
  bool office = actor == COLLAB_ACTOR_OFFICE_FULL, support = actor == COLLAB_ACTOR_SUPPORT;
  if (!office && !support)
    return COLLAB_VARIANT_NOT_ALLOWED;
  switch (ch->kind) {
  case VARIANT_SAME:
    return COLLAB_VARIANT_SAME;
  case VARIANT_UPGRADE:
    return COLLAB_VARIANT_UPGRADE;
  case VARIANT_DOWNGRADE:
    if (office)
      return COLLAB_VARIANT_NEEDS_SUPPORT;
    return confirm_company_reset ? COLLAB_VARIANT_DOWNGRADE_RESET : COLLAB_VARIANT_NEEDS_CONFIRM;
  }
  return COLLAB_VARIANT_NOT_ALLOWED;
}
