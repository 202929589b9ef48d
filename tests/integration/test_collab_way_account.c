/* Integration test of way 2, end to end over HTTP: a company with a portal account and no
 * subscription is invited (a task and the terms required, each named; a limited user may not
 * choose terms; the company needs an administrator), the token only in the e-mail, the link
 * answers without a login, and the collaboration ends in active. Each step's events and outbox
 * rows are checked, and the invitation links are rebuilt from the outbox with the server's secret. */
#include "testdb.h"
#include "ways_fx.h"

#include <unistd.h>

TEST_MAIN_DEFS

/* Way 2: a company with a portal account, no subscription. */
static void way_account(void)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN], customer[FX_ID_LEN],
      task[FX_ID_LEN], path[160];
  fx_company(&s, "556100-0018", "Konto AB", "account", company);
  cx_customer(&s, tok_office, "5561000018", "Konto (vår kund)", "kontakt@konto.se", customer);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  struct resp r;

  /* no task: a clear refusal naming the way to create one */
  CHECK(cx_post(&s, path, tok_office, &r, "{\"variant\":\"smart\",\"invoice_recipient\":"
                                          "\"office\",\"agreement_period_months\":12}"));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "task_required");
  CHECK(r.body && strstr(r.body, "no open task") != NULL);
  resp_free(&r);
  cx_task(&s, tok_office, customer, "Löpande bokföring 2027", task);

  /* the terms of way 2 are required, each named */
  CHECK(cx_post(&s, path, tok_office, &r, "{\"task_id\":\"%s\"}", task));
  CHECK_INT(r.status, 400);
  CHECK_STR(resp_str(&r, "code"), "validation_failed");
  CHECK(r.body && strstr(r.body, "\"variant\"") && strstr(r.body, "\"invoice_recipient\"") &&
        strstr(r.body, "\"agreement_period_months\""));
  resp_free(&r);
  /* a limited user may not choose terms */
  CHECK(cx_post(&s, path, tok_limited, &r,
                "{\"task_id\":\"%s\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
                "\"agreement_period_months\":12}",
                task));
  CHECK_INT(r.status, 403);
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations", NULL), 0);

  /* the invitation goes to the company's administrator on the portal, never to an address in
   * the office's own register: a company without one cannot be invited */
  CHECK(cx_post(&s, path, tok_office, &r,
                "{\"task_id\":\"%s\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
                "\"agreement_period_months\":12,\"language\":\"en\"}",
                task));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "customer_admin_required");
  CHECK(r.body && strstr(r.body, "no administrator on the customer portal") &&
        strstr(r.body, "support"));
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM collaborations", NULL), 0);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM outbox", NULL), 0);
  /* every administrator of the company gets the invitation, each with a link of its own */
  char cadmin2[FX_ID_LEN], tok_cadmin2[FX_TOKEN_LEN];
  fx_customer_admin(&s, "556100-0018", "Kim Konto", "kim@konto.se", cadmin, tok_cadmin);
  fx_customer_admin(&s, "556100-0018", "Klas Konto", "klas@konto.se", cadmin2, tok_cadmin2);

  CHECK(cx_post(&s, path, tok_office, &r,
                "{\"task_id\":\"%s\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
                "\"agreement_period_months\":12,\"language\":\"en\"}",
                task));
  CHECK_INT(r.status, 201);
  char id[FX_ID_LEN], etag[32], loc[128];
  snprintf(id, sizeof id, "%s", resp_str(&r, "id"));
  CHECK_STR(resp_str(&r, "state"), "invited");
  CHECK_STR(resp_str(&r, "way"), "account");
  CHECK_STR(resp_str(&r, "initiated_by"), "office");
  CHECK_STR(resp_str(&r, "invoice_recipient"), "office");
  CHECK_STR(resp_str(&r, "task_id"), task);
  CHECK_STR(resp_str(&r, "customer_id"), customer);
  CHECK_STR(resp_str(&r, "company.corporate_id"), "556100-0018");
  CHECK_STR(resp_str(&r, "invitation_email.template"), "invitation_customer");
  /* the answer's e-mail is the latest of the two invitations, as a read of it finds it */
  CHECK_STR(resp_str(&r, "invitation_email.status"), "pending");
  char mail_at[128];
  snprintf(mail_at, sizeof mail_at, "%s %s",
           resp_str(&r, "invitation_email.id") ? resp_str(&r, "invitation_email.id") : "",
           resp_str(&r, "invitation_email.created_at") ? resp_str(&r, "invitation_email.created_at")
                                                       : "");
  CHECK_INT(cx_count(&s,
                     "SELECT count(*) FROM outbox m WHERE m.id || ' ' || m.created_at = ? AND "
                     "m.rowid = (SELECT o.rowid FROM outbox o WHERE o.collaboration_id = "
                     "m.collaboration_id ORDER BY o.created_at DESC, o.rowid DESC LIMIT 1)",
                     mail_at),
            1);
  CHECK_STR(resp_str(&r, "administrator_id"), cadmin);
  CHECK(resp_header(&r, "etag", etag, sizeof etag) && strcmp(etag, "\"1\"") == 0);
  CHECK(resp_header(&r, "location", loc, sizeof loc) && strstr(loc, id));
  resp_free(&r);

  /* one open collaboration per office and customer */
  CHECK(cx_post(&s, path, tok_office, &r,
                "{\"task_id\":\"%s\",\"variant\":\"pro\",\"invoice_recipient\":\"customer\","
                "\"agreement_period_months\":3}",
                task));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "open_collaboration_exists");
  CHECK_STR(resp_str(&r, "collaboration_id"), id);
  resp_free(&r);

  struct cx_mail m[8];
  char cpath_[128];
  const char *invited[] = {"invitation_customer>kim@konto.se",
                           "invitation_customer>klas@konto.se", NULL};
  cx_check_mails(&s, id, invited);
  int n = cx_mails(&s, id, m, 8);
  CHECK_INT(n, 2);
  CHECK_STR(m[0].language, "en");
  cx_check_facts(&m[0], customer_keys);
  cx_check_facts(&m[1], customer_keys);
  CHECK(strcmp(json_string_value(json_object_get(m[0].data, "token_nonce")),
               json_string_value(json_object_get(m[1].data, "token_nonce"))) != 0);
  CHECK_STR(json_string_value(json_object_get(m[1].data, "recipient_name")), "Klas Konto");
  CHECK_STR(json_string_value(json_object_get(m[0].data, "variant")), "smart");
  /* the invitation's expiry as the collaboration shows it */
  snprintf(cpath_, sizeof cpath_, "/v1/collaborations/%s", id);
  CHECK(api(&s, "GET", cpath_, tok_office, NULL, &r));
  CHECK_STR(json_string_value(json_object_get(m[0].data, "expires_at")),
            resp_str(&r, "expires_at"));
  resp_free(&r);
  /* the company's own name, never the office's name for its customer */
  CHECK_STR(json_string_value(json_object_get(m[0].data, "company_name")), "Konto AB");
  char token[SECRET_LINK_TOKEN_LEN], token2[SECRET_LINK_TOKEN_LEN];
  cx_token(&s, &m[0], token);
  cx_token(&s, &m[1], token2);
  cx_mails_free(m, n);
  const char *steps1[] = {"invite:>invited", NULL};
  cx_check_events(&s, id, tok_office, steps1);
  /* the customer sees the same history */
  cx_check_events(&s, id, tok_cadmin, steps1);

  /* only the e-mail holds the token: the database has its hash and nonce, never the token */
  CHECK(!testdb_contains(s.db, token));
  /* the mailer delivers the invitation; the collaboration shows its delivery state */
  char cpath[128];
  snprintf(cpath, sizeof cpath, "/v1/collaborations/%s", id);
  bool sent = false;
  for (int i = 0; i < 100 && !sent; i++) {
    CHECK(api(&s, "GET", cpath, tok_office, NULL, &r));
    sent = resp_str(&r, "invitation_email.status") &&
           strcmp(resp_str(&r, "invitation_email.status"), "sent") == 0;
    resp_free(&r);
    if (!sent)
      usleep(50000);
  }
  CHECK(sent);

  /* the link shows the invitation without a login */
  snprintf(path, sizeof path, "/v1/invitations/%s", token);
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "invited");
  CHECK_STR(resp_str(&r, "office.name"), "Byrå Ett AB");
  CHECK(r.body && strstr(r.body, "\"answers\":[\"approve\",\"decline\"]"));
  resp_free(&r);

  /* the customer approves: approved, then straight on to active */
  CHECK(cx_action(&s, id, "approve", tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  char today[16], renews[16];
  cx_today_plus_months(0, today);
  cx_today_plus_months(12, renews);
  CHECK_STR(resp_str(&r, "starts_on"), today);
  CHECK_STR(resp_str(&r, "renews_on"), renews);
  resp_free(&r);
  const char *steps2[] = {"invite:>invited", "approve:invited>approved",
                          "provision:approved>active", NULL};
  cx_check_events(&s, id, tok_office, steps2);
  /* the history names the administrator who approved */
  char kind[FX_ID_LEN], who[FX_ID_LEN];
  cx_event_actor(&s, id, tok_office, 1, kind, who);
  CHECK_STR(kind, "customer_admin");
  CHECK_STR(who, cadmin);
  /* the office is told who approved; every administrator that the collaboration is active */
  const char *approved[] = {"invitation_customer>kim@konto.se",
                            "invitation_customer>klas@konto.se",
                            "approved_office>info@byra-ett.se",
                            "activated_customer>kim@konto.se",
                            "activated_customer>klas@konto.se", NULL};
  cx_check_mails(&s, id, approved);
  n = cx_mails(&s, id, m, 8);
  if (n == 5) {
    CHECK_STR(m[2].language, "en");
    const char *approved_keys[] = {"company_name", "collaboration_id", "variant", "actor_name",
                                   NULL};
    cx_check_facts(&m[2], approved_keys);
    CHECK_STR(json_string_value(json_object_get(m[2].data, "actor_name")),
              "Kim Konto (administrator)");
  }
  cx_mails_free(m, n);
  /* both links are used up */
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK_INT(r.status, 404);
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/invitations/%s", token2);
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK_INT(r.status, 404);
  resp_free(&r);
  /* the company now subscribes on the agreed terms */
  CHECK(api(&s, "GET", "/v1/companies/556100-0018", tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "relation"), "subscriber");
  CHECK_STR(resp_str(&r, "subscription.variant"), "smart");
  CHECK_STR(resp_str(&r, "subscription.invoice_recipient"), "office");
  resp_free(&r);
  /* approving again: illegal, naming the current state */
  CHECK(cx_action(&s, id, "approve", tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "illegal_transition");
  CHECK_STR(resp_str(&r, "state"), "active");
  CHECK(r.body && strstr(r.body, "is active"));
  resp_free(&r);
}

int main(void)
{
  ways_start();
  way_account();
  return ways_stop();
}
