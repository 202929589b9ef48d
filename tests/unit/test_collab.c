/* Unit tests of the collaboration rules: every state x every event x every kind of principal,
 * for both initiators, against an expected table written out here from DOMAIN.md; the four
 * ways in; the variant rule for every actor and pair; expiry. (Agreement dates: test_dates.c.) */
#include "domain/collab.h"
#include "testlib.h"

#include <stdarg.h>

TEST_MAIN_DEFS

/* States: N none, I invited, P approved, A active, D declined, C cancelled, X expired,
 * E ended. Actors: F office user (full), L office user (limited), C customer admin,
 * S support, A admin, Y system, K invitation link. */
static const char state_letters[] = "NIPADCXE";
static const char actor_letters[] = "FLCSAYK";

struct expect {
  enum collab_initiator by;
  enum collab_event ev;
  const char *states;   /* from which states it is allowed */
  const char *actors;   /* who may */
  const char *to;       /* the letter of the next state, "=" for the same */
  const char *wrongway; /* for events that do not exist in this way: who gets "wrong way" */
};

#define O COLLAB_BY_OFFICE
#define U COLLAB_BY_CUSTOMER

static const struct expect table[] = {
    /* the office invites (ways 1-3) */
    {O, COLLAB_EV_INVITE, "N", "FL", "I", NULL},
    {O, COLLAB_EV_APPROVE, "I", "CK", "P", NULL},
    {O, COLLAB_EV_ACCEPT, "", "", "", "CK"},
    {O, COLLAB_EV_PROVISION, "P", "Y", "A", NULL},
    {O, COLLAB_EV_CONNECT_TASK, "", "", "", "FL"},
    {O, COLLAB_EV_DECLINE, "I", "CK", "D", NULL},
    {O, COLLAB_EV_WITHDRAW, "I", "FL", "C", NULL},
    {O, COLLAB_EV_EXPIRE, "I", "Y", "X", NULL},
    {O, COLLAB_EV_END, "PA", "FC", "E", NULL},
    {O, COLLAB_EV_REMIND, "I", "FL", "=", NULL},
    {O, COLLAB_EV_REQUEST_RENEWAL, "X", "CK", "=", NULL},
    {O, COLLAB_EV_CHANGE_VARIANT, "A", "FS", "=", NULL},
    {O, COLLAB_EV_CHANGE_TASK, "IPA", "FL", "=", NULL},
    {O, COLLAB_EV_CHANGE_TERMS, "A", "F", "=", NULL},
    {O, COLLAB_EV_DECIDE_SERVICE, "E", "C", "=", NULL},
    {O, COLLAB_EV_CHANGE_ADMINISTRATOR, "I", "FL", "=", NULL},
    {O, COLLAB_EV_COMPANY_CHANGE, "IPA", "Y", "=", NULL},
    /* the customer invites the office (way 4) */
    {U, COLLAB_EV_INVITE, "N", "C", "I", NULL},
    {U, COLLAB_EV_APPROVE, "", "", "", "FK"},
    {U, COLLAB_EV_ACCEPT, "I", "FK", "P", NULL},
    {U, COLLAB_EV_PROVISION, "", "", "", "Y"},
    {U, COLLAB_EV_CONNECT_TASK, "P", "FL", "A", NULL},
    {U, COLLAB_EV_DECLINE, "I", "FK", "D", NULL},
    {U, COLLAB_EV_WITHDRAW, "I", "C", "C", NULL},
    {U, COLLAB_EV_EXPIRE, "I", "Y", "X", NULL},
    {U, COLLAB_EV_END, "PA", "FC", "E", NULL},
    {U, COLLAB_EV_REMIND, "I", "C", "=", NULL},
    {U, COLLAB_EV_REQUEST_RENEWAL, "X", "FK", "=", NULL},
    {U, COLLAB_EV_CHANGE_VARIANT, "A", "FS", "=", NULL},
    {U, COLLAB_EV_CHANGE_TASK, "A", "FL", "=", NULL},
    {U, COLLAB_EV_CHANGE_TERMS, "A", "F", "=", NULL},
    {U, COLLAB_EV_DECIDE_SERVICE, "E", "C", "=", NULL},
    {U, COLLAB_EV_CHANGE_ADMINISTRATOR, "", "", "", "FL"},
    {U, COLLAB_EV_COMPANY_CHANGE, "IPA", "Y", "=", NULL},
};

static const struct expect *find(enum collab_initiator by, enum collab_event ev)
{
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i].by == by && table[i].ev == ev)
      return &table[i];
  return NULL;
}

static bool has(const char *set, char c)
{
  return set && c && strchr(set, c) != NULL;
}

static void test_every_state_event_actor(void)
{
  int allowed = 0, combos = 0;
  for (int by = O; by <= U; by++)
    for (int ev = 0; ev < COLLAB_EVENT__COUNT; ev++) {
      const struct expect *e = find((enum collab_initiator)by, (enum collab_event)ev);
      CHECK_MSG(e != NULL, "no expectation for event %s", collab_event_str(ev));
      if (!e)
        continue;
      for (int s = 0; s < COLLAB_STATE__COUNT; s++)
        for (int a = 0; a < COLLAB_ACTOR__COUNT; a++) {
          combos++;
          struct collab_verdict v = collab_transition((enum collab_state)s, (enum collab_event)ev,
                                                      (enum collab_actor)a,
                                                      (enum collab_initiator)by);
          char sl = state_letters[s], al = actor_letters[a];
          enum collab_refusal want;
          if (has(e->actors, al))
            want = has(e->states, sl) ? COLLAB_ALLOWED : COLLAB_REFUSED_STATE;
          else
            want = has(e->wrongway, al) ? COLLAB_REFUSED_WAY : COLLAB_REFUSED_ACTOR;
          CHECK_MSG(v.refusal == want, "%s: %s in %s by %c: refusal %d, want %d",
                    by == O ? "office-initiated" : "customer-initiated", collab_event_str(ev),
                    collab_state_str(s), al, v.refusal, want);
          if (want == COLLAB_ALLOWED) {
            allowed++;
            int to = e->to[0] == '=' ? s : (int)(strchr(state_letters, e->to[0]) - state_letters);
            CHECK_MSG((int)v.to == to, "%s in %s by %c: to %s, want %s", collab_event_str(ev),
                      collab_state_str(s), al, collab_state_str(v.to), collab_state_str(to));
          } else {
            CHECK_MSG((int)v.to == s, "a refusal keeps the state (%s in %s)",
                      collab_event_str(ev), collab_state_str(s));
            const char *why = collab_refusal_reason(v.refusal, (enum collab_event)ev,
                                                    (enum collab_actor)a,
                                                    (enum collab_initiator)by);
            CHECK(why && strlen(why) > 10);
          }
        }
    }
  CHECK_INT(combos, 2 * COLLAB_STATE__COUNT * COLLAB_EVENT__COUNT * COLLAB_ACTOR__COUNT);
  fprintf(stderr, "state machine: %d combinations, %d allowed\n", combos, allowed);
  /* terminal states admit nothing but a renewal request after expiry and the customer's
   * decision about the service after an end; neither leaves the state */
  for (int by = O; by <= U; by++)
    for (int ev = 0; ev < COLLAB_EVENT__COUNT; ev++)
      for (int a = 0; a < COLLAB_ACTOR__COUNT; a++) {
        enum collab_state terminal[] = {COLLAB_DECLINED, COLLAB_CANCELLED, COLLAB_ENDED};
        for (int t = 0; t < 3; t++) {
          struct collab_verdict v = collab_transition(terminal[t], (enum collab_event)ev,
                                                      (enum collab_actor)a,
                                                      (enum collab_initiator)by);
          bool decision = terminal[t] == COLLAB_ENDED && ev == COLLAB_EV_DECIDE_SERVICE &&
                          a == COLLAB_ACTOR_CUSTOMER_ADMIN;
          CHECK((v.refusal == COLLAB_ALLOWED) == decision);
          CHECK(v.to == terminal[t]);
        }
      }
}

static void test_refusal_reasons(void)
{
  const char *w = collab_refusal_reason(COLLAB_REFUSED_ACTOR, COLLAB_EV_END,
                                        COLLAB_ACTOR_OFFICE_LIMITED, O);
  CHECK(strstr(w, "full rights") != NULL);
  w = collab_refusal_reason(COLLAB_REFUSED_ACTOR, COLLAB_EV_APPROVE, COLLAB_ACTOR_OFFICE_FULL, O);
  CHECK(strstr(w, "customer") != NULL);
  w = collab_refusal_reason(COLLAB_REFUSED_WAY, COLLAB_EV_APPROVE, COLLAB_ACTOR_OFFICE_FULL, U);
  CHECK(strstr(w, "accept") != NULL);
  w = collab_refusal_reason(COLLAB_REFUSED_ACTOR, COLLAB_EV_DECIDE_SERVICE,
                            COLLAB_ACTOR_OFFICE_FULL, O);
  CHECK(strstr(w, "administrators decide") != NULL);
  char buf[80];
  collab_event_from_states(COLLAB_EV_DECIDE_SERVICE, buf, sizeof buf);
  CHECK_STR(buf, "ended");
  collab_event_from_states(COLLAB_EV_END, buf, sizeof buf);
  CHECK_STR(buf, "approved or active");
  collab_event_from_states(COLLAB_EV_CHANGE_TERMS, buf, sizeof buf);
  CHECK_STR(buf, "active");
  collab_event_from_states(COLLAB_EV_CHANGE_TASK, buf, sizeof buf);
  CHECK_STR(buf, "invited, approved or active");
  collab_event_from_states(COLLAB_EV_APPROVE, buf, sizeof buf);
  CHECK_STR(buf, "invited");
}

static void test_names(void)
{
  for (int s = 1; s < COLLAB_STATE__COUNT; s++) {
    enum collab_state back;
    CHECK(collab_state_parse(collab_state_str(s), &back) && (int)back == s);
  }
  enum collab_state st;
  CHECK(!collab_state_parse("none", &st));
  CHECK(!collab_state_parse("Invited", &st));
  CHECK(!collab_state_parse(NULL, &st));
  for (int ev = 0; ev < COLLAB_EVENT__COUNT; ev++) {
    enum collab_event back;
    CHECK(collab_event_parse(collab_event_str(ev), &back) && (int)back == ev);
  }
  for (int w = 0; w < 4; w++) {
    enum collab_way back;
    CHECK(collab_way_parse(collab_way_str(w), &back) && (int)back == w);
  }
  for (int r = 0; r < 3; r++) {
    enum company_relation back;
    CHECK(company_relation_parse(company_relation_str(r), &back) && (int)back == r);
  }
  enum collab_initiator i;
  CHECK(collab_initiator_parse("customer", &i) && i == U);
  CHECK(collab_initiator_parse("office", &i) && i == O);
  CHECK(!collab_initiator_parse("support", &i));
  CHECK_STR(collab_actor_str(COLLAB_ACTOR_OFFICE_LIMITED), "office_user");
  CHECK_STR(collab_actor_str(COLLAB_ACTOR_LINK), "invitation_link");
  CHECK(collab_state_is_open(COLLAB_INVITED) && collab_state_is_open(COLLAB_APPROVED) &&
        collab_state_is_open(COLLAB_ACTIVE));
  CHECK(!collab_state_is_open(COLLAB_EXPIRED) && !collab_state_is_open(COLLAB_ENDED) &&
        !collab_state_is_open(COLLAB_DECLINED) && !collab_state_is_open(COLLAB_CANCELLED) &&
        !collab_state_is_open(COLLAB_NONE));
}

static void test_expiry(void)
{
  for (int s = 0; s < COLLAB_STATE__COUNT; s++) {
    /* before expiry nothing changes; at and after it only an invitation reads as expired */
    CHECK((int)collab_effective_state(s, 1000, 999) == s);
    enum collab_state want = s == COLLAB_INVITED ? COLLAB_EXPIRED : (enum collab_state)s;
    CHECK(collab_effective_state(s, 1000, 1000) == want);
    CHECK(collab_effective_state(s, 1000, 5000) == want);
    CHECK((int)collab_effective_state(s, 0, 5000) == s);
  }
}

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
  test_every_state_event_actor();
  test_refusal_reasons();
  test_names();
  test_expiry();
  test_subscriber_way();
  test_account_and_new_customer_ways();
  test_variant_rule();
  return TEST_REPORT();
}
