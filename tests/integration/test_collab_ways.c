/* Integration tests of the four ways a collaboration starts, end to end over HTTP, each ending
 * in active: subscriber (way 1), account (way 2), no relation (way 3, an administrator is
 * created), the customer inviting the office (way 4). Each step's events and outbox rows are
 * checked, and the invitation links are rebuilt from the outbox with the server's secret. */
#include "testdb.h"
#include "collab_fx.h"

#include <unistd.h>

TEST_MAIN_DEFS

static struct server s;
static char office[FX_ID_LEN], tok_office[FX_TOKEN_LEN];
static char limited[FX_ID_LEN], tok_limited[FX_TOKEN_LEN];

/* what every invitation to the customer states */
static const char *const customer_keys[] = {
    "office_name", "company_name",      "corporate_id",           "variant",        "variant_name",
    "invoice_recipient", "agreement_period_months", "collaboration_id", "token_nonce",
    "expires_at", "recipient_name", NULL};

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
  char token[SECRET_TOKEN_LEN], token2[SECRET_TOKEN_LEN];
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

/* Way 1: a subscriber; the proposal follows its subscription; a lower variant is refused. */
static void way_subscriber(void)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN], customer[FX_ID_LEN],
      task[FX_ID_LEN], path[160];
  fx_subscriber(&s, "556100-0026", "Prenumerant AB", "bokforing", "customer", "12",
                "2031-03-31", company);
  fx_customer_admin(&s, "556100-0026", "Pia Prenumerant", "pia@prenumerant.se", cadmin,
                    tok_cadmin);
  cx_customer(&s, tok_office, "556100-0026", "Prenumeranten", "info@prenumerant.se", customer);
  cx_task(&s, tok_limited, customer, "Bokslut 2027", task);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  struct resp r;
  /* lower than bokforing: a downgrade, only support can do that */
  CHECK(cx_post(&s, path, tok_office, &r, "{\"task_id\":\"%s\",\"variant\":\"start\"}", task));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "downgrade_requires_support");
  CHECK(r.body && strstr(r.body, "support") && strstr(r.body, "reset"));
  resp_free(&r);
  /* the existing agreement continues: the office may not change who pays or the period */
  CHECK(cx_post(&s, path, tok_office, &r,
                "{\"task_id\":\"%s\",\"invoice_recipient\":\"office\","
                "\"agreement_period_months\":3}",
                task));
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "invoice_recipient") && strstr(r.body, "agreement_period"));
  resp_free(&r);
  /* a limited user activates in the current variant: only a task is chosen */
  CHECK(cx_post(&s, path, tok_limited, &r, "{\"task_id\":\"%s\"}", task));
  CHECK_INT(r.status, 201);
  char id[FX_ID_LEN];
  snprintf(id, sizeof id, "%s", resp_str(&r, "id"));
  CHECK_STR(resp_str(&r, "way"), "subscriber");
  CHECK_STR(resp_str(&r, "variant"), "bokforing");
  CHECK_STR(resp_str(&r, "invoice_recipient"), "customer");
  CHECK(r.body && strstr(r.body, "\"agreement_continues\":true"));
  resp_free(&r);
  struct cx_mail m[8];
  int n = cx_mails(&s, id, m, 8);
  CHECK_INT(n, 1);
  CHECK_STR(m[0].template_name, "invitation_customer");
  CHECK_STR(m[0].recipient, "pia@prenumerant.se");
  CHECK_STR(m[0].language, "sv");
  cx_check_facts(&m[0], customer_keys);
  char token[SECRET_TOKEN_LEN];
  cx_token(&s, &m[0], token);
  cx_mails_free(m, n);
  /* approved through the link: no login */
  snprintf(path, sizeof path, "/v1/invitations/%s/approve", token);
  CHECK(api(&s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  CHECK(api(&s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 404); /* single use */
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  CHECK(api(&s, "GET", path, tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  /* the agreement continues: its dates, nothing charged until it renews */
  CHECK_STR(resp_str(&r, "renews_on"), "2031-03-31");
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "approve:invited>approved",
                         "provision:approved>active", NULL};
  cx_check_events(&s, id, tok_cadmin, steps);
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  CHECK(r.body && strstr(r.body, "\"charged_from\":\"2031-03-31\"") &&
        strstr(r.body, "\"kind\":\"invitation_link\""));
  resp_free(&r);
  /* the link reached only the administrator it was sent to, who is recorded as approving */
  char kind[FX_ID_LEN], who[FX_ID_LEN];
  cx_event_actor(&s, id, tok_office, 1, kind, who);
  CHECK_STR(kind, "invitation_link");
  CHECK_STR(who, cadmin);
  /* the office (its address and the user who invited) and the administrator are told */
  const char *mails[] = {"invitation_customer>pia@prenumerant.se",
                         "approved_office>info@byra-ett.se",
                         "approved_office>limited@byra-ett.se",
                         "activated_customer>pia@prenumerant.se", NULL};
  cx_check_mails(&s, id, mails);
  /* the customer is told that nothing new is charged before the agreement renews */
  n = cx_mails(&s, id, m, 8);
  for (int i = 0; i < n; i++)
    if (strcmp(m[i].template_name, "approved_office") != 0)
      CHECK_STR(json_string_value(json_object_get(m[i].data, "no_charge_until")), "2031-03-31");
  cx_mails_free(m, n);
}

/* Way 1 where the office already pays: the existing agreement continues unchanged, payer
 * included; naming another payer is refused with the current one. Way 4 keeps it too. */
static void subscriber_keeps_payer(void)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN], customer[FX_ID_LEN],
      task[FX_ID_LEN], path[160], id[FX_ID_LEN];
  fx_subscriber(&s, "556100-0067", "Byråbetalt AB", "smart", "office", "12", "2031-01-31", company);
  fx_customer_admin(&s, "556100-0067", "Bo Betalt", "bo@byrabetalt.se", cadmin, tok_cadmin);
  cx_customer(&s, tok_office, "556100-0067", "Byråbetalt", "info@byrabetalt.se", customer);
  cx_task(&s, tok_office, customer, "Löpande", task);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  struct resp r;
  CHECK(cx_post(&s, path, tok_office, &r,
                "{\"task_id\":\"%s\",\"invoice_recipient\":\"customer\"}", task));
  CHECK_INT(r.status, 400);
  json_t *err = json_array_get(json_object_get(r.json, "errors"), 0);
  CHECK_STR(json_string_value(json_object_get(err, "field")), "invoice_recipient");
  const char *msg = json_string_value(json_object_get(err, "message"));
  CHECK_MSG(msg && strstr(msg, "\"office\""), "%s", msg ? msg : "(none)");
  resp_free(&r);
  CHECK(cx_post(&s, path, tok_office, &r, "{\"task_id\":\"%s\",\"invoice_recipient\":\"office\"}",
                task));
  CHECK_INT(r.status, 201);
  CHECK_STR(resp_str(&r, "invoice_recipient"), "office");
  snprintf(id, sizeof id, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  CHECK(cx_action(&s, id, "approve", tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  CHECK_STR(resp_str(&r, "invoice_recipient"), "office");
  CHECK_STR(resp_str(&r, "renews_on"), "2031-01-31");
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/companies/556100-0067", tok_cadmin, NULL, &r));
  CHECK_STR(resp_str(&r, "subscription.invoice_recipient"), "office");
  CHECK_STR(resp_str(&r, "subscription.renews_on"), "2031-01-31");
  resp_free(&r);
  /* the same company invites another office: its agreement, payer included, continues */
  char office2[FX_ID_LEN], tok_office2[FX_TOKEN_LEN];
  fx_office(&s, "Byrå Två AB", "556016-0680", "info@byra-tva.se", office2, tok_office2);
  CHECK(cx_post(&s, "/v1/office-invitations", tok_cadmin, &r,
                "{\"office_corporate_id\":\"556016-0680\"}"));
  CHECK_INT(r.status, 201);
  CHECK_STR(resp_str(&r, "invoice_recipient"), "office");
  CHECK(r.body && strstr(r.body, "\"agreement_continues\":true"));
  resp_free(&r);
}

/* Way 3: no relation; the office names the administrator, who is created. */
static void way_new_customer(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], path[160];
  cx_customer(&s, tok_office, "556100-0034", "Nystart", "hej@nystart.se", customer);
  cx_task(&s, tok_office, customer, "Löpande 2027", task);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  struct resp r;
  CHECK(cx_post(&s, path, tok_office, &r,
                "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":\"customer\","
                "\"agreement_period_months\":3}",
                task));
  CHECK_INT(r.status, 400);
  CHECK(r.body && strstr(r.body, "\"administrator\""));
  resp_free(&r);
  /* with an Idempotency-Key: a retry replays the first answer and creates nothing more */
  char body[512], auth[128];
  snprintf(body, sizeof body,
           "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":\"customer\","
           "\"agreement_period_months\":3,\"administrator\":{\"name\":\"Nils Ny\","
           "\"email\":\"nils@nystart.se\",\"phone\":\"+46 70 123 45 67\"}}",
           task);
  snprintf(auth, sizeof auth, "Authorization: Bearer %s", tok_office);
  const char *hdrs[] = {auth, "Content-Type: application/json",
                        "Idempotency-Key: \"nystart-activation-1\"", NULL};
  CHECK(http(&s, "POST", path, hdrs, body, &r));
  CHECK_INT(r.status, 201);
  char id[FX_ID_LEN];
  snprintf(id, sizeof id, "%s", resp_str(&r, "id"));
  CHECK_STR(resp_str(&r, "way"), "new_customer");
  CHECK(resp_str(&r, "administrator_id") != NULL);
  resp_free(&r);
  CHECK(http(&s, "POST", path, hdrs, body, &r));
  CHECK_INT(r.status, 201);
  CHECK_STR(resp_str(&r, "id"), id);
  char replayed[16];
  CHECK(resp_header(&r, "idempotency-replayed", replayed, sizeof replayed) &&
        strcmp(replayed, "true") == 0);
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE email = ?",
                     "nils@nystart.se"),
            1);
  struct cx_mail m[8];
  int n = cx_mails(&s, id, m, 8);
  CHECK_INT(n, 1);
  CHECK_STR(m[0].template_name, "activation_new_admin");
  CHECK_STR(m[0].recipient, "nils@nystart.se");
  cx_check_facts(&m[0], customer_keys);
  CHECK_STR(json_string_value(json_object_get(m[0].data, "recipient_name")), "Nils Ny");
  char token[SECRET_TOKEN_LEN];
  cx_token(&s, &m[0], token);
  cx_mails_free(m, n);
  snprintf(path, sizeof path, "/v1/invitations/%s/approve", token);
  CHECK(api(&s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "approve:invited>approved",
                         "provision:approved>active", NULL};
  cx_check_events(&s, id, tok_office, steps);
  char kind[FX_ID_LEN], who[FX_ID_LEN], admin_id[FX_ID_LEN];
  snprintf(path, sizeof path, "/v1/collaborations/%s", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  snprintf(admin_id, sizeof admin_id, "%s", resp_str(&r, "administrator_id") ? resp_str(&r, "administrator_id") : "?");
  resp_free(&r);
  cx_event_actor(&s, id, tok_office, 1, kind, who);
  CHECK_STR(kind, "invitation_link");
  CHECK_STR(who, admin_id);
  /* approving through its link confirmed the administrator the office named, who became the
   * company's main contact */
  CHECK_INT(cx_count(&s, "SELECT confirmed + is_main_contact FROM customer_admins WHERE id = ?",
                     admin_id),
            2);
  const char *mails[] = {"activation_new_admin>nils@nystart.se",
                         "approved_office>info@byra-ett.se",
                         "activated_customer>nils@nystart.se", NULL};
  cx_check_mails(&s, id, mails);
  /* the history names who approved: display name and role */
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", id);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  json_t *actor = json_object_get(json_array_get(json_object_get(r.json, "items"), 1), "actor");
  CHECK_STR(json_string_value(json_object_get(actor, "name")), "Nils Ny");
  CHECK_STR(json_string_value(json_object_get(actor, "role")), "administrator");
  resp_free(&r);
}

/* Way 3 again after a withdrawal: the administrator the first activation named was never
 * confirmed, so the withdrawal removed it (and told it); the next activation names the person
 * afresh, with the contact given now. */
static void way_new_customer_again(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], path[160], first[FX_ID_LEN], admin1[FX_ID_LEN];
  cx_customer(&s, tok_office, "556100-0174", "Omstart", "hej@omstart.se", customer);
  cx_task(&s, tok_office, customer, "Löpande 2028", task);
  struct resp r;
  cx_activate_way3(&s, tok_office, customer, task, "Olle Omstart", "olle@omstart.se", &r);
  CHECK_INT(r.status, 201);
  snprintf(first, sizeof first, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  snprintf(admin1, sizeof admin1, "%s",
           resp_str(&r, "administrator_id") ? resp_str(&r, "administrator_id") : "");
  /* the office sees the contact it gave, not yet confirmed */
  CHECK_STR(resp_str(&r, "administrator.email"), "olle@omstart.se");
  CHECK(r.body && strstr(r.body, "\"confirmed\":false"));
  resp_free(&r);
  CHECK(cx_action(&s, first, "withdraw", tok_office, "{\"reason\":\"fel uppdrag\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK(resp_str(&r, "administrator_id") == NULL);
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE id = ?", admin1), 0);
  const char *told[] = {"activation_new_admin>olle@omstart.se",
                        "withdrawn_customer>olle@omstart.se", NULL};
  cx_check_mails(&s, first, told);
  /* the same person again (other name and phone given): named afresh */
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  CHECK(cx_post(&s, path, tok_office, &r,
                "{\"task_id\":\"%s\",\"variant\":\"smart\",\"invoice_recipient\":\"office\","
                "\"agreement_period_months\":12,\"administrator\":{\"name\":\"O. Omstart\","
                "\"email\":\"olle@omstart.se\",\"phone\":\"+46 70 999 99 99\"}}",
                task));
  CHECK_INT(r.status, 201);
  char second[FX_ID_LEN], admin2[FX_ID_LEN];
  snprintf(second, sizeof second, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  snprintf(admin2, sizeof admin2, "%s",
           resp_str(&r, "administrator_id") ? resp_str(&r, "administrator_id") : "");
  CHECK(strcmp(admin2, admin1) != 0);
  resp_free(&r);
  /* named, not confirmed: not the company's main contact until it approves */
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE name = 'O. Omstart' AND "
                         "phone = '+46 70 999 99 99' AND is_main_contact = 0 AND confirmed = 0 "
                         "AND id = ?",
                     admin2),
            1);
  struct cx_mail m[4];
  int n = cx_mails(&s, second, m, 4);
  CHECK_INT(n, 1);
  if (n == 1) {
    CHECK_STR(m[0].template_name, "activation_new_admin");
    CHECK_STR(m[0].recipient, "olle@omstart.se");
    CHECK_STR(json_string_value(json_object_get(m[0].data, "recipient_name")), "O. Omstart");
  }
  cx_mails_free(m, n);
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", second);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  json_t *details = json_object_get(json_array_get(json_object_get(r.json, "items"), 0), "details");
  CHECK(json_is_true(json_object_get(details, "administrator_created")));
  resp_free(&r);
}

/* Way 4: the customer invites the office; it accepts with its corporate ID and e-mail, rests in
 * approved, adds the customer to its register and connects a task: active. */
static void way_customer_invite(void)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN], path[160];
  fx_subscriber(&s, "556100-0042", "Inbjudare AB", "smart", "customer", "3", "2030-06-30", company);
  fx_customer_admin(&s, "556100-0042", "Ida Inbjudare", "ida@inbjudare.se", cadmin, tok_cadmin);
  struct resp r;
  CHECK(cx_post(&s, "/v1/office-invitations", tok_cadmin, &r,
                "{\"office_corporate_id\":\"556036-0793\"}"));
  CHECK_INT(r.status, 201);
  char id[FX_ID_LEN];
  snprintf(id, sizeof id, "%s", resp_str(&r, "id"));
  CHECK_STR(resp_str(&r, "way"), "customer_invite");
  CHECK_STR(resp_str(&r, "initiated_by"), "customer");
  CHECK_STR(resp_str(&r, "variant"), "smart");
  CHECK(r.body && strstr(r.body, "\"customer_id\":null"));
  resp_free(&r);
  struct cx_mail m[8];
  int n = cx_mails(&s, id, m, 8);
  CHECK_INT(n, 1);
  CHECK_STR(m[0].template_name, "invitation_office");
  CHECK_STR(m[0].recipient, "info@byra-ett.se");
  const char *keys[] = {"company_name", "corporate_id", "collaboration_id", "token_nonce",
                        "expires_at", NULL};
  cx_check_facts(&m[0], keys);
  char token[SECRET_TOKEN_LEN];
  cx_token(&s, &m[0], token);
  cx_mails_free(m, n);

  /* the link: approve is not how an office answers; a wrong e-mail is refused and counted */
  snprintf(path, sizeof path, "/v1/invitations/%s", token);
  CHECK(api(&s, "GET", path, NULL, NULL, &r));
  CHECK(r.body && strstr(r.body, "\"answers\":[\"accept\",\"decline\"]"));
  CHECK(r.body && !strstr(r.body, "556036-0793")); /* the office must know its own ID */
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/invitations/%s/approve", token);
  CHECK(api(&s, "POST", path, NULL, NULL, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "not_for_this_way");
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/invitations/%s/accept", token);
  CHECK(cx_post(&s, path, NULL, &r,
                "{\"corporate_id\":\"556036-0793\",\"email\":\"fel@byra-ett.se\",\"terms_version\":\"2026-11\"}"));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "identity_mismatch");
  /* one answer for any mismatch, not naming which of the two is wrong */
  CHECK(r.body && strstr(r.body, "\"attempts_left\":4") && !strstr(r.body, "mismatched") &&
        strstr(r.body, "The corporate ID and e-mail address do not match this invitation"));
  resp_free(&r);
  CHECK_INT(cx_count(&s, "SELECT accept_attempts FROM collaborations WHERE id = ?", id), 1);
  CHECK(cx_post(&s, path, NULL, &r,
                "{\"corporate_id\":\"5560360793\",\"email\":\"INFO@byra-ett.se\",\"terms_version\":\"2026-11\"}"));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "approved");
  resp_free(&r);
  n = cx_mails(&s, id, m, 8);
  CHECK_INT(n, 2);
  CHECK_STR(m[1].template_name, "office_accepted");
  CHECK_STR(m[1].recipient, "ida@inbjudare.se");
  const char *acc_keys[] = {"office_name", "collaboration_id", NULL};
  cx_check_facts(&m[1], acc_keys);
  cx_mails_free(m, n);

  /* it rests in approved until the office connects a task of a customer of that company */
  char state[16];
  cx_state(&s, id, tok_office, state, sizeof state);
  CHECK_STR(state, "approved");
  char other_task[FX_ID_LEN], other_customer[FX_ID_LEN];
  cx_customer(&s, tok_office, "556100-0059", "Någon annan", "annan@example.se", other_customer);
  cx_task(&s, tok_office, other_customer, "Annat uppdrag", other_task);
  char body[128];
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", other_task);
  CHECK(cx_action(&s, id, "activate", tok_limited, body, &r));
  CHECK_INT(r.status, 422);
  CHECK_STR(resp_str(&r, "code"), "task_required");
  resp_free(&r);
  char customer[FX_ID_LEN], task[FX_ID_LEN];
  cx_customer(&s, tok_office, "556100-0042", "Inbjudaren", "ekonomi@inbjudare.se", customer);
  cx_task(&s, tok_office, customer, "Löpande bokföring", task);
  snprintf(body, sizeof body, "{\"task_id\":\"%s\"}", task);
  CHECK(cx_action(&s, id, "activate", tok_limited, body, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "state"), "active");
  CHECK_STR(resp_str(&r, "customer_id"), customer);
  CHECK_STR(resp_str(&r, "task_id"), task);
  CHECK_STR(resp_str(&r, "renews_on"), "2030-06-30");
  resp_free(&r);
  const char *steps[] = {"invite:>invited", "accept:invited>approved",
                         "connect_task:approved>active", NULL};
  cx_check_events(&s, id, tok_cadmin, steps);
  char kind[FX_ID_LEN], who[FX_ID_LEN];
  cx_event_actor(&s, id, tok_cadmin, 1, kind, who);
  CHECK_STR(kind, "invitation_link");
  CHECK_STR(who, office);
  cx_check_events(&s, id, tok_office, steps);
  /* the office's own list and the customer's list both show it */
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  CHECK(api(&s, "GET", path, tok_office, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK(r.body && strstr(r.body, id));
  resp_free(&r);
  CHECK(api(&s, "GET", "/v1/collaborations?initiated_by=customer", tok_cadmin, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK(r.body && strstr(r.body, id));
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
  resp_free(&r);
}

/* Way 3: the administrator's name is a one-line display name like a customer's, task's or
 * company's: a line break (header injection in the e-mail to them) or another control
 * character is refused with 400 naming administrator.name, and nothing is created. */
static void way_new_customer_admin_name(void)
{
  char customer[FX_ID_LEN], task[FX_ID_LEN], path[160];
  cx_customer(&s, tok_office, "556100-0208", "Radbryt", "hej@radbryt.se", customer);
  cx_task(&s, tok_office, customer, "Löpande 2029", task);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  const char *names[] = {"Nils\\r\\nBcc: x@example.com", "Nils\\nNy", "Nils\\u0007Ny",
                         "Nils\\u007fNy", "   "};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    struct resp r;
    CHECK(cx_post(&s, path, tok_office, &r,
                  "{\"task_id\":\"%s\",\"variant\":\"start\",\"invoice_recipient\":"
                  "\"customer\",\"agreement_period_months\":3,\"administrator\":{\"name\":"
                  "\"%s\",\"email\":\"nils@radbryt.se\",\"phone\":\"+46 70 123 45 67\"}}",
                  task, names[i]));
    CHECK_MSG(r.status == 400, "name %s: status %ld", names[i], r.status);
    CHECK_MSG(r.body && strstr(r.body, "\"administrator.name\""), "name %s: %s", names[i],
              r.body ? r.body : "");
    resp_free(&r);
  }
  CHECK_INT(cx_count(&s, "SELECT count(*) FROM customer_admins WHERE email = ?",
                     "nils@radbryt.se"),
            0);
}

int main(void)
{
  const char *env[] = {"ADVISORD_SMTP_URL=", NULL};
  server_start(&s, NULL, env);
  fx_office(&s, "Byrå Ett AB", "5560360793", "info@byra-ett.se", office, tok_office);
  fx_user(&s, office, "limited@byra-ett.se", "limited", limited, tok_limited);
  way_account();
  way_subscriber();
  subscriber_keeps_payer();
  way_new_customer();
  way_new_customer_again();
  way_new_customer_admin_name();
  way_customer_invite();
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
