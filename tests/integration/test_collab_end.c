/* Integration tests of ending a collaboration, by either party: the customer decides about the
 * service at once or later (only it, once; who pays then), the main contact is told and is
 * needed; with two offices serving one company the subscription stays while the other's
 * collaboration is active. Each step's events and outbox rows are checked. */
#include "exits_fx.h"

TEST_MAIN_DEFS

/* The company's relation and, when it subscribes, who pays ("" when none) into relation and
 * payer (>= 16 bytes). */
static void company_terms(struct server *s, const char *cid, const char *token, char *relation,
                          char *payer)
{
  char path[80];
  snprintf(path, sizeof path, "/v1/companies/%s", cid);
  struct resp r;
  CHECK(api(s, "GET", path, token, NULL, &r));
  CHECK_INT(r.status, 200);
  const char *rel = resp_str(&r, "relation"), *pay = resp_str(&r, "subscription.invoice_recipient");
  snprintf(relation, 16, "%s", rel ? rel : "");
  snprintf(payer, 16, "%s", pay ? pay : "");
  resp_free(&r);
}

static void test_end(struct server *s)
{
  struct invite in;
  invite_account(s, "556100-0091", "Avslutad AB", "e@avslutad.se", &in);
  struct resp r;
  CHECK(cx_action(s, in.id, "approve", in.tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  /* the customer must say whether it keeps the service; the office may not say it */
  CHECK(cx_action(s, in.id, "end", in.tok_cadmin, "{}", &r));
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "keep_service"));
  resp_free(&r);
  CHECK(cx_action(s, in.id, "end", tok_office, "{\"keep_service\":true}", &r));
  CHECK_INT(r.status, 400);
  resp_free(&r);
  CHECK(cx_action(s, in.id, "end", tok_limited, NULL, &r));
  CHECK_INT(r.status, 403);
  resp_free(&r);
  CHECK(cx_action(s, in.id, "end", in.tok_cadmin,
                  "{\"keep_service\":false,\"reason\":\"Vi byter byrå\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "ended");
  CHECK(r.body && strstr(r.body, "\"keep_service\":false") &&
        strstr(r.body, "\"service_decision_pending\":false"));
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "approve:invited>approved",
                         "provision:approved>active", "end:active>ended", NULL};
  cx_check_events(s, in.id, tok_office, steps);
  /* the company deactivated the service: back to a portal account */
  CHECK(api(s, "GET", "/v1/companies/556100-0091", in.tok_cadmin, NULL, &r));
  CHECK_STR(resp_str(&r, "relation"), "account");
  resp_free(&r);
  expect_illegal(s, in.id, "end", tok_office, NULL, "ended");
  /* the customer decided at once: nothing left to decide */
  CHECK(cx_action(s, in.id, "service-decision", in.tok_cadmin, "{\"keep_service\":true}", &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "conflict");
  resp_free(&r);

  /* the office ends: the company's subscription stays exactly as it is (the office still pays)
   * until the customer decides, and the customer's main contact is told */
  struct invite kept;
  invite_account_paid(s, "556100-0109", "Behåller AB", "b@behaller.se", "office", &kept);
  CHECK(cx_action(s, kept.id, "approve", kept.tok_cadmin, NULL, &r));
  resp_free(&r);
  expect_illegal(s, kept.id, "service-decision", kept.tok_cadmin, "{\"keep_service\":true}",
                 "active");
  CHECK(cx_action(s, kept.id, "end", tok_office, "{\"reason\":\"uppdraget avslutat\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "ended");
  CHECK(r.body && strstr(r.body, "\"service_decision_pending\":true") &&
        strstr(r.body, "\"keep_service\":null"));
  resp_free(&r);
  char relation[16], payer[16];
  company_terms(s, "556100-0109", kept.tok_cadmin, relation, payer);
  CHECK_STR(relation, "subscriber");
  CHECK_STR(payer, "office");
  struct cx_mail m[8];
  int n = cx_mails(s, kept.id, m, 8);
  CHECK(n >= 1);
  if (n >= 1) {
    CHECK_STR(m[n - 1].template_name, "collaboration_ended");
    CHECK_STR(m[n - 1].recipient, "b@behaller.se");
    CHECK_STR(json_string_value(json_object_get(m[n - 1].data, "office_name")), "Byrå Ett AB");
    CHECK(json_is_true(json_object_get(m[n - 1].data, "decision_pending")));
    CHECK(!json_object_get(m[n - 1].data, "customer_name")); /* the office's name is its own */
  }
  cx_mails_free(m, n);
  /* only the customer decides, once */
  CHECK(cx_action(s, kept.id, "service-decision", tok_office, "{\"keep_service\":true}", &r));
  CHECK_INT(r.status, 403);
  resp_free(&r);
  CHECK(cx_action(s, kept.id, "service-decision", kept.tok_cadmin, "{}", &r));
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "keep_service"));
  resp_free(&r);
  CHECK(cx_action(s, kept.id, "service-decision", kept.tok_cadmin,
                  "{\"keep_service\":true,\"reason\":\"vi fortsätter själva\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK(r.body && strstr(r.body, "\"service_decision_pending\":false") &&
        strstr(r.body, "\"keep_service\":true"));
  resp_free(&r);
  company_terms(s, "556100-0109", kept.tok_cadmin, relation, payer);
  CHECK_STR(relation, "subscriber");
  CHECK_STR(payer, "customer"); /* kept on its own: it pays from now on */
  CHECK(cx_action(s, kept.id, "service-decision", kept.tok_cadmin, "{\"keep_service\":false}",
                  &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "conflict");
  resp_free(&r);
  const char *kept_steps[] = {"invite:>invited", "approve:invited>approved",
                              "provision:approved>active", "end:active>ended",
                              "service_decision:ended>ended", NULL};
  cx_check_events(s, kept.id, tok_office, kept_steps);

  /* the office ends, the customer deactivates the service */
  struct invite dropped;
  invite_account_paid(s, "556100-0133", "Avaktiverar AB", "d@avaktiverar.se", "office",
                      &dropped);
  CHECK(cx_action(s, dropped.id, "approve", dropped.tok_cadmin, NULL, &r));
  resp_free(&r);
  CHECK(cx_action(s, dropped.id, "end", tok_office, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK(cx_action(s, dropped.id, "service-decision", dropped.tok_cadmin,
                  "{\"keep_service\":false}", &r));
  CHECK_INT(r.status, 200);
  CHECK(r.body && strstr(r.body, "\"keep_service\":false"));
  resp_free(&r);
  company_terms(s, "556100-0133", dropped.tok_cadmin, relation, payer);
  CHECK_STR(relation, "account");
  CHECK_STR(payer, "");

  /* ending needs the company to have a main contact (here support has taken the mark away) */
  struct invite orphan;
  invite_account(s, "556100-0117", "Utan Kontakt AB", "u@utan.se", &orphan);
  char path[160];
  snprintf(path, sizeof path, "/v1/invitations/%s/approve", orphan.link);
  CHECK(api(s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK(cx_exec(s, "UPDATE customer_admins SET is_main_contact = 0 WHERE email = ?",
                "u@utan.se"));
  CHECK(cx_action(s, orphan.id, "end", tok_office, NULL, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "main_contact_required");
  resp_free(&r);
  char state[16];
  cx_state(s, orphan.id, tok_office, state, sizeof state);
  CHECK_STR(state, "active");
}

/* Two offices serve one company: ending one office's collaboration leaves the company's
 * subscription alone while the other's is active; ending the last one applies the decision. */
static void test_end_two_offices(struct server *s)
{
  struct invite first;
  invite_account_paid(s, "556100-0141", "Delad AB", "x@delad.se", "office", &first);
  struct resp r;
  CHECK(cx_action(s, first.id, "approve", first.tok_cadmin, NULL, &r));
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  char office2[FX_ID_LEN], tok_office2[FX_TOKEN_LEN], customer2[FX_ID_LEN], task2[FX_ID_LEN],
      path[160], second[FX_ID_LEN];
  fx_office(s, "Byrå Två AB", "556016-0680", "info@byra-tva.se", office2, tok_office2);
  cx_customer(s, tok_office2, "556100-0141", "Delad", "delad@example.se", customer2);
  cx_task(s, tok_office2, customer2, "Bokslut", task2);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer2);
  CHECK(cx_post(s, path, tok_office2, &r, "{\"task_id\":\"%s\"}", task2));
  CHECK_INT(r.status, 201);
  CHECK_STR(resp_str(&r, "way"), "subscriber");
  snprintf(second, sizeof second, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  CHECK(cx_action(s, second, "approve", first.tok_cadmin, NULL, &r));
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  /* the customer leaves the first office and would drop the service: the second office's
   * collaboration still uses it */
  CHECK(cx_action(s, first.id, "end", first.tok_cadmin, "{\"keep_service\":false}", &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  char relation[16], payer[16];
  company_terms(s, "556100-0141", first.tok_cadmin, relation, payer);
  CHECK_STR(relation, "subscriber");
  CHECK_STR(payer, "office");
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", first.id);
  CHECK(api(s, "GET", path, tok_office, NULL, &r));
  json_t *end = json_array_get(json_object_get(r.json, "items"), 3);
  json_t *details = json_object_get(end, "details");
  CHECK_STR(json_string_value(json_object_get(details, "subscription")), "unchanged");
  CHECK(json_object_get(details, "active_collaboration_id") == NULL); /* another office's */
  CHECK(r.body && !strstr(r.body, second));
  resp_free(&r);
  /* the office ends the last one; the customer then drops the service */
  CHECK(cx_action(s, second, "end", tok_office2, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK(cx_action(s, second, "service-decision", first.tok_cadmin, "{\"keep_service\":false}",
                  &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  company_terms(s, "556100-0141", first.tok_cadmin, relation, payer);
  CHECK_STR(relation, "account");
}

int main(void)
{
  struct server s;
  ex_start(&s);
  test_end(&s);
  test_end_two_offices(&s);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
