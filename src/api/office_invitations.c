/* office_invitations.c - POST /v1/office-invitations: a customer administrator invites an
 * office (way 4), in one transaction that writes the collaboration, its first event and the
 * invitation e-mail to the office (collab_start.c). */
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

/* ---- a customer administrator invites an office (way 4) ---- */

static const struct field_spec office_invite_fields[] = {
    {.name = "office_corporate_id", .type = FIELD_STRING, .required = true, .min_len = 10,
     .max_len = 13, .check = corporate_id_check},
    {.name = "variant", .type = FIELD_STRING, .min_len = 1, .max_len = 32},
    {.name = "agreement_period_months", .type = FIELD_INT, .allowed = collab_periods},
    {.name = "language", .type = FIELD_ENUM, .allowed = collab_languages},
    {0},
};

/* Way 4's terms: the customer pays; a subscriber keeps its agreement (payer included) and may
 * only go up. */
static bool invite_terms(struct store_conn *c, struct start *s, const struct company *cp,
                         struct collab *co, enum store_status *st)
{
  int period = (int)json_int_member(s->req->json, "agreement_period_months", 0);
  snprintf(co->invoice_recipient, sizeof co->invoice_recipient, "%s",
           cp->has_subscription ? cp->sub.invoice_recipient : "customer");
  if (!cp->has_subscription) {
    if (!s->has_requested) {
      collab_start_refuse(s, ERR_VALIDATION,
                   json_pack("{s:[{s:s, s:s}]}", "errors", "field", "variant", "message",
                             "required: the company has no subscription, so choose the variant"),
                   "Invalid field: variant");
      return false;
    }
    snprintf(co->variant, sizeof co->variant, "%s", s->requested.code);
    co->agreement_period_months = period ? period : 12;
    return true;
  }
  if (period && period != cp->sub.agreement_period_months) {
    collab_start_refuse(s, ERR_VALIDATION,
                 json_pack("{s:[{s:s, s:s}]}", "errors", "field", "agreement_period_months",
                           "message", "the company's existing agreement continues; leave the "
                                      "period out"),
                 "Invalid field: agreement_period_months");
    return false;
  }
  co->agreement_period_months = cp->sub.agreement_period_months;
  co->agreement_continues = true;
  snprintf(co->variant, sizeof co->variant, "%s", cp->sub.variant);
  if (!s->has_requested)
    return true;
  struct variant current;
  if ((*st = store_variant_get(c, cp->sub.variant, &current)) != STORE_OK)
    return false;
  struct variant_change ch;
  variant_compare(&current, &s->requested, &ch);
  if (ch.kind == VARIANT_DOWNGRADE) {
    collab_start_refuse(s, ERR_DOWNGRADE_REQUIRES_SUPPORT,
                 json_pack("{s:s, s:s, s:s, s:s}", "from", current.code, "to", s->requested.code,
                           "kind", "downgrade", "contact", "support"),
                 "The company subscribes to %s; %s is a downgrade that may lose accounting data "
                 "and resets the company; contact support",
                 current.code, s->requested.code);
    return false;
  }
  snprintf(co->variant, sizeof co->variant, "%s", s->requested.code);
  return true;
}

static enum store_status office_invite_tx(struct store_conn *c, void *arg)
{
  struct start *s = arg;
  collab_start_reset(s);
  const struct principal *p = &s->req->principal;
  struct company *cp = malloc(sizeof *cp);
  struct customer *cu = malloc(sizeof *cu);
  enum store_status st = STORE_ERROR;
  if (!cp || !cu)
    goto cleanup;
  if ((st = collab_check_creation_cap(c, s)) != STORE_OK || s->err != ERR_NONE)
    goto cleanup;
  if ((st = store_company_get(c, p->company_id, cp)) != STORE_OK)
    goto cleanup;
  struct office of;
  st = store_office_get_by_corporate_id(c, s->office_cid, &of);
  if (st == STORE_NOT_FOUND) {
    collab_start_refuse(s, ERR_UNPROCESSABLE, NULL,
                 "No accounting office with corporate ID %s works with the service",
                 s->office_cid);
    st = STORE_OK;
    goto cleanup;
  }
  if (st != STORE_OK)
    goto cleanup;
  if ((st = collab_check_none_open(c, s, of.id, cp->id)) != STORE_OK || s->err != ERR_NONE)
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
  st = collab_insert_invitation(c, s,
                         json_pack("{s:s, s:s, s:s, s:i, s:b}", "way", collab_way_str(co->way),
                                   "variant", co->variant, "invoice_recipient",
                                   co->invoice_recipient, "agreement_period_months",
                                   co->agreement_period_months, "agreement_continues",
                                   co->agreement_continues));
cleanup:
  free(cp);
  free(cu);
  if (st == STORE_OK && s->err != ERR_NONE)
    return STORE_ABORT;
  return st;
}

enum MHD_Result api_office_invitation_create(struct request *req)
{
  enum MHD_Result r;
  if (!validate_body(req, office_invite_fields, &r))
    return r;
  struct start *s = calloc(1, sizeof *s);
  if (!s)
    return reply_problem(req, ERR_INTERNAL, "Out of memory");
  char cid[CORPORATE_ID_LEN];
  corporate_id_normalize(json_str_member(req->json, "office_corporate_id"), cid, NULL);
  s->req = req;
  s->office_cid = cid;
  if (!collab_load_requested(req, s, &r)) {
    free(s);
    return r;
  }
  return collab_run_start(s, office_invite_tx);
}

