/* collab_invite_office.c - a customer administrator invites an office (way 4), in one
 * transaction that writes the collaboration, its first event and the invitation e-mail to the
 * office (collab_start.c). */
#include "collab_internal.h"
#include "json_text.h"
#include "domain/corporate_id.h"
#include "store_identity.h"
#include "store_register.h"
#include "store_variants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Way 4's terms: the customer pays; a subscriber keeps its agreement (payer included) and may
 * only go up. */
static bool invite_terms(struct store_conn *c, struct start *s, const struct company *cp,
                         struct collab *co, enum store_status *st)
{
  int period = s->in->period_months;
  snprintf(co->invoice_recipient, sizeof co->invoice_recipient, "%s",
           cp->has_subscription ? cp->sub.invoice_recipient : "customer");
  if (!cp->has_subscription) {
    if (!s->has_requested) {
      refuse_field(&s->rf, "variant",
                   "required: the company has no subscription, so choose the variant");
      return false;
    }
    snprintf(co->variant, sizeof co->variant, "%s", s->requested.code);
    co->agreement_period_months = period ? period : 12;
    return true;
  }
  if (period && period != cp->sub.agreement_period_months) {
    refuse_field(&s->rf, "agreement_period_months",
                 "the company's existing agreement continues; leave the period out");
    return false;
  }
  co->agreement_period_months = cp->sub.agreement_period_months;
  co->agreement_continues = true;
  snprintf(co->variant, sizeof co->variant, "%s", cp->sub.variant);
  if (!s->has_requested)
    return true;
  struct variant current;
  if ((*st = store_variant_get(c, cp->sub.variant, &current)) != STORE_OK ||
      (*st = store_variant_load_features(c, &s->requested)) != STORE_OK)
    return false;
  struct variant_change ch;
  variant_compare(&current, &s->requested, &ch);
  if (ch.kind == VARIANT_DOWNGRADE) {
    refuse(&s->rf, ERR_DOWNGRADE_REQUIRES_SUPPORT,
           "The company subscribes to %s; %s is a downgrade that may lose accounting data "
           "and resets the company; contact support",
           current.code, s->requested.code);
    refusal_extra(&s->rf, json_pack("{s:s, s:s, s:s, s:s}", "from", current.code, "to",
                                    s->requested.code, "kind", "downgrade", "contact", "support"));
    return false;
  }
  snprintf(co->variant, sizeof co->variant, "%s", s->requested.code);
  return true;
}

static enum store_status office_invite_tx(struct store_conn *c, void *arg)
{
  struct start *s = arg;
  collab_start_reset(s);
  const struct principal *p = s->in->caller;
  char office_cid[CORPORATE_ID_LEN];
  corporate_id_normalize(s->in->office_corporate_id, office_cid, NULL);
  struct company *cp = malloc(sizeof *cp);
  struct customer *cu = malloc(sizeof *cu);
  enum store_status st = STORE_ERROR;
  if (!cp || !cu)
    goto cleanup;
  if ((st = collab_start_variant(c, s)) != STORE_OK || refused(&s->rf))
    goto cleanup;
  if ((st = collab_check_creation_cap(c, s)) != STORE_OK || refused(&s->rf))
    goto cleanup;
  if ((st = store_company_get(c, p->company_id, cp)) != STORE_OK)
    goto cleanup;
  struct office of;
  st = store_office_get_by_corporate_id(c, office_cid, &of);
  if (st == STORE_NOT_FOUND) {
    refuse(&s->rf, ERR_UNPROCESSABLE,
           "No accounting office with corporate ID %s works with the service", office_cid);
    st = STORE_OK;
    goto cleanup;
  }
  if (st != STORE_OK)
    goto cleanup;
  if ((st = collab_check_none_open(c, s, of.id, cp->id)) != STORE_OK || refused(&s->rf))
    goto cleanup;
  struct collab *co = &s->co;
  collab_fill_common(s, co, of.id, cp->id);
  co->initiated_by = COLLAB_BY_CUSTOMER;
  co->way = COLLAB_WAY_CUSTOMER_INVITE;
  st = STORE_OK;
  if (!invite_terms(c, s, cp, co, &st))
    goto cleanup;
  st = store_customer_get_by_company(c, of.id, cp->id, cu);
  if (st == STORE_OK)
    snprintf(co->customer_id, sizeof co->customer_id, "%s", cu->id);
  else if (st != STORE_NOT_FOUND)
    goto cleanup;
  /* the event's details, their members in the order of their names (JSON_SORT_KEYS) */
  struct json_text w = {0};
  json_text_open(&w, NULL, '{');
  json_text_bool(&w, "agreement_continues", co->agreement_continues);
  json_text_int(&w, "agreement_period_months", co->agreement_period_months);
  json_text_str(&w, "invoice_recipient", co->invoice_recipient);
  json_text_str(&w, "variant", co->variant);
  json_text_str(&w, "way", collab_way_str(co->way));
  json_text_close(&w, '}');
  st = collab_insert_invitation(c, s, json_text_take(&w, NULL));
cleanup:
  free(cp);
  free(cu);
  if (st == STORE_OK && refused(&s->rf))
    return STORE_ABORT;
  return st;
}

void collab_invite_office(const struct app *app, const struct collab_start_in *in,
                          struct collab_outcome *out, collab_started_fn done, void *arg)
{
  collab_run_start(app, in, office_invite_tx, out, done, arg);
}
