/* Unit tests of the collaboration rules for the ways in and the variant rule: the activation plan
 * of a subscriber (same, upgrade and downgrade over every pair of variants), of an account
 * company and of a company with no relation (the terms and fields each needs, named when
 * missing), the way for each relation, and the variant rule for every actor and pair. (The
 * state machine: test_collab.c.) */
#include "domain/collab.h"
#include "testlib.h"

#include <stdarg.h>

TEST_MAIN_DEFS

static struct variant make(const char *code, int n, ...)
{
  struct variant v = {0};
  snprintf(v.code, sizeof v.code, "%s", code);
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++)
    snprintf(v.features[v.n_features++], sizeof v.features[0], "%s", va_arg(ap, const char *));
  va_end(ap);
  return v;
}

static struct variant vs[5];

static void make_variants(void)
{
  vs[0] = make("start", 2, "bookkeeping.basic", "invoicing.basic");
  vs[1] = make("bokforing", 3, "bookkeeping.basic", "invoicing.basic", "bookkeeping.full");
  vs[2] = make("fakturering", 3, "bookkeeping.basic", "invoicing.basic", "invoicing.full");
  vs[3] = make("smart", 4, "bookkeeping.basic", "invoicing.basic", "bookkeeping.full",
               "invoicing.full");
  vs[4] = make("pro", 7, "bookkeeping.basic", "invoicing.basic", "bookkeeping.full",
               "invoicing.full", "supplier_invoices", "approval_flow", "multi_user");
}

static bool has_error(const struct collab_field_error *e, size_t n, const char *field)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(e[i].field, field) == 0)
      return strlen(e[i].message) > 10;
  return false;
}

static void test_subscriber_way(void)
{
  /* same / upgrade / downgrade over every pair, as the variant rule says */
  const char *kind[5] = {"SUUUU", "DSDUU", "DDSUU", "DDDSU", "DDDDS"};
  for (int f = 0; f < 5; f++)
    for (int t = -1; t < 5; t++) {
      struct collab_activation_request rq = {.relation = RELATION_SUBSCRIBER,
                                             .current = &vs[f],
                                             .sub_invoice_recipient = "customer",
                                             .sub_period_months = 12,
                                             .requested = t < 0 ? NULL : &vs[t],
                                             .full_rights = true};
      struct collab_activation out;
      struct collab_field_error errs[COLLAB_MAX_FIELD_ERRORS];
      size_t n;
      enum collab_activation_result r = collab_activation_plan(&rq, &out, errs, &n);
      char k = t < 0 ? 'S' : kind[f][t];
      if (k == 'D') {
        CHECK_MSG(r == COLLAB_ACTIVATION_DOWNGRADE, "%s -> %s", vs[f].code, vs[t].code);
        continue;
      }
      CHECK(r == COLLAB_ACTIVATION_OK);
      CHECK(out.way == COLLAB_WAY_SUBSCRIBER);
      CHECK_STR(out.variant, t < 0 ? vs[f].code : vs[t].code);
      CHECK(out.upgrade == (k == 'U'));
      CHECK_STR(out.invoice_recipient, "customer");
      CHECK_INT(out.period_months, 12);
      CHECK(out.agreement_continues);
      CHECK(!out.creates_administrator);
      /* a limited user may propose the current variant, not an upgrade */
      rq.full_rights = false;
      r = collab_activation_plan(&rq, &out, errs, &n);
      CHECK(r == (k == 'U' ? COLLAB_ACTIVATION_NEEDS_FULL_RIGHTS : COLLAB_ACTIVATION_OK));
    }
  /* the office may not change who pays, the period, or name an administrator */
  struct collab_activation_request rq = {.relation = RELATION_SUBSCRIBER, .current = &vs[1],
                                         .sub_invoice_recipient = "customer",
                                         .sub_period_months = 12, .invoice_recipient = "office",
                                         .period_months = 3, .has_administrator = true,
                                         .full_rights = true};
  struct collab_activation out;
  struct collab_field_error errs[COLLAB_MAX_FIELD_ERRORS];
  size_t n;
  CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_INVALID);
  CHECK_INT(n, 3);
  CHECK(has_error(errs, n, "invoice_recipient"));
  CHECK(has_error(errs, n, "agreement_period_months"));
  CHECK(has_error(errs, n, "administrator"));
  /* restating the same terms is fine */
  rq.invoice_recipient = "customer";
  rq.period_months = 12;
  rq.has_administrator = false;
  CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_OK);
  /* the payer is the subscription's: where the office pays, it goes on paying */
  rq.sub_invoice_recipient = "office";
  rq.invoice_recipient = NULL;
  rq.period_months = 0;
  CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_OK);
  CHECK_STR(out.invoice_recipient, "office");
  CHECK(out.agreement_continues);
  rq.invoice_recipient = "office";
  CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_OK);
  CHECK_STR(out.invoice_recipient, "office");
  rq.invoice_recipient = "customer";
  CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_INVALID);
  CHECK(n == 1 && has_error(errs, n, "invoice_recipient"));
  CHECK(strstr(errs[0].message, "\"office\"") != NULL); /* names the current payer */
  rq.sub_invoice_recipient = "customer";
  rq.invoice_recipient = "office";
  CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_INVALID);
  CHECK(n == 1 && strstr(errs[0].message, "\"customer\"") != NULL);
  rq.invoice_recipient = NULL;
  rq.sub_invoice_recipient = NULL; /* a subscription without a payer on record */
  CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_INVALID);
  CHECK(has_error(errs, n, "company.subscription"));
  rq.sub_invoice_recipient = "customer";
  rq.current = NULL;
  CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_INVALID);
  CHECK(has_error(errs, n, "company.subscription"));
}

static void test_account_and_new_customer_ways(void)
{
  for (int rel = RELATION_NONE; rel <= RELATION_ACCOUNT; rel++) {
    bool none = rel == RELATION_NONE;
    struct collab_activation out;
    struct collab_field_error errs[COLLAB_MAX_FIELD_ERRORS];
    size_t n;
    /* nothing given: every required field is named */
    struct collab_activation_request rq = {.relation = (enum company_relation)rel,
                                           .full_rights = true};
    CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_INVALID);
    CHECK_INT(n, none ? 4 : 3);
    CHECK(has_error(errs, n, "variant"));
    CHECK(has_error(errs, n, "invoice_recipient"));
    CHECK(has_error(errs, n, "agreement_period_months"));
    CHECK(has_error(errs, n, "administrator") == none);
    /* bad values */
    rq.requested = &vs[3];
    rq.invoice_recipient = "bank";
    rq.period_months = 6;
    rq.has_administrator = none;
    CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_INVALID);
    CHECK_INT(n, 2);
    /* an account gets no new administrator */
    rq.invoice_recipient = "office";
    rq.period_months = 3;
    rq.has_administrator = !none;
    CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_INVALID);
    CHECK(n == 1 && has_error(errs, n, "administrator"));
    /* every variant, both payers, both periods */
    rq.has_administrator = none;
    const char *payers[] = {"office", "customer"};
    int periods[] = {3, 12};
    for (int v = 0; v < 5; v++)
      for (int p = 0; p < 2; p++)
        for (int m = 0; m < 2; m++) {
          rq.requested = &vs[v];
          rq.invoice_recipient = payers[p];
          rq.period_months = periods[m];
          CHECK(collab_activation_plan(&rq, &out, errs, &n) == COLLAB_ACTIVATION_OK);
          CHECK(out.way == (none ? COLLAB_WAY_NEW_CUSTOMER : COLLAB_WAY_ACCOUNT));
          CHECK_STR(out.variant, vs[v].code);
          CHECK_STR(out.invoice_recipient, payers[p]);
          CHECK_INT(out.period_months, periods[m]);
          CHECK(out.creates_administrator == none);
          CHECK(!out.agreement_continues && !out.upgrade);
          /* choosing these terms needs full rights */
          rq.full_rights = false;
          CHECK(collab_activation_plan(&rq, &out, errs, &n) ==
                COLLAB_ACTIVATION_NEEDS_FULL_RIGHTS);
          rq.full_rights = true;
        }
  }
  CHECK(collab_way_for_relation(RELATION_SUBSCRIBER) == COLLAB_WAY_SUBSCRIBER);
  CHECK(collab_way_for_relation(RELATION_ACCOUNT) == COLLAB_WAY_ACCOUNT);
  CHECK(collab_way_for_relation(RELATION_NONE) == COLLAB_WAY_NEW_CUSTOMER);
}

static void test_variant_rule(void)
{
  const char *kind[5] = {"SUUUU", "DSDUU", "DDSUU", "DDDSU", "DDDDS"};
  for (int f = 0; f < 5; f++)
    for (int t = 0; t < 5; t++) {
      struct variant_change ch;
      variant_compare(&vs[f], &vs[t], &ch);
      char k = kind[f][t];
      for (int a = 0; a < COLLAB_ACTOR__COUNT; a++)
        for (int confirm = 0; confirm < 2; confirm++) {
          enum collab_variant_verdict got =
              collab_variant_change(&ch, (enum collab_actor)a, confirm);
          enum collab_variant_verdict want;
          if (a != COLLAB_ACTOR_OFFICE_FULL && a != COLLAB_ACTOR_SUPPORT)
            want = COLLAB_VARIANT_NOT_ALLOWED;
          else if (k == 'S')
            want = COLLAB_VARIANT_SAME;
          else if (k == 'U')
            want = COLLAB_VARIANT_UPGRADE;
          else if (a == COLLAB_ACTOR_OFFICE_FULL)
            want = COLLAB_VARIANT_NEEDS_SUPPORT;
          else
            want = confirm ? COLLAB_VARIANT_DOWNGRADE_RESET : COLLAB_VARIANT_NEEDS_CONFIRM;
          CHECK_MSG(got == want, "%s -> %s by %s (confirm %d): %d, want %d", vs[f].code,
                    vs[t].code, collab_actor_str(a), confirm, got, want);
        }
    }
}


int main(void)
{
  make_variants();
  test_subscriber_way();
  test_account_and_new_customer_ways();
  test_variant_rule();
  return TEST_REPORT();
}
