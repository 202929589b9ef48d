/* Integration test of way 1, end to end over HTTP: a subscriber's proposal follows its
 * subscription (a lower variant is refused), a limited user activates in the current variant;
 * where the office already pays, the agreement continues unchanged, payer included, and another
 * payer is refused (way 4 keeps it too). Each ends in active. Each step's events and outbox rows
 * are checked, and the invitation links are rebuilt from the outbox with the server's secret. */
#include "ways_fx.h"

TEST_MAIN_DEFS

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
  char token[SECRET_LINK_TOKEN_LEN];
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

int main(void)
{
  ways_start();
  way_subscriber();
  subscriber_keeps_payer();
  return ways_stop();
}
