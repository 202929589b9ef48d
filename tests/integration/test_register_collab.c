/* Integration test of the register's view of collaborations: a customer with an open
 * collaboration cannot be deleted (409 open_collaboration_exists), shows
 * has_open_collaboration and matches the list filter; once the collaboration is withdrawn the
 * customer can be deleted and the collaboration's history stays readable. The company's own
 * invitation to the office (way 4, no customer_id) counts the same for the office's entry. */
#include "collab_fx.h"

TEST_MAIN_DEFS

static long list_count(struct server *s, const char *path, const char *token)
{
  struct resp r;
  CHECK(api(s, "GET", path, token, NULL, &r));
  CHECK_INT(r.status, 200);
  long n = (long)json_array_size(json_object_get(r.json, "items"));
  resp_free(&r);
  return n;
}

/* The company's own invitation to the office (way 4; no customer_id until the office connects a
 * task) is the office's open collaboration with the company too: its register entry shows it,
 * the filter finds it, the entry cannot be deleted, and an activation is refused the same way. */
static void company_invites_office(struct server *s, const char *tok)
{
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN], customer[FX_ID_LEN];
  char task[FX_ID_LEN], path[160];
  fx_company(s, "556100-0224", "Bjuder In AB", "account", company);
  fx_customer_admin(s, "556100-0224", "Ina", "ina@bjuderin.se", cadmin, tok_cadmin);
  struct resp r;
  CHECK(cx_post(s, "/v1/office-invitations", tok_cadmin, &r,
                "{\"office_corporate_id\":\"556016-0680\",\"variant\":\"start\"}"));
  CHECK_MSG(r.status == 201, "status %ld: %s", r.status, r.body ? r.body : "");
  CHECK(r.body && strstr(r.body, "\"customer_id\":null"));
  resp_free(&r);
  /* the office adds the company to its register after the invitation came */
  cx_customer(s, tok, "556100-0224", "Bjuder In", "kontakt@bjuderin.se", customer);
  cx_task(s, tok, customer, "Bokslut 2027", task);
  snprintf(path, sizeof path, "/v1/customers/%s", customer);
  CHECK(api(s, "GET", path, tok, NULL, &r));
  CHECK_MSG(json_is_true(json_object_get(r.json, "has_open_collaboration")), "%s",
            r.body ? r.body : "");
  resp_free(&r);
  CHECK(api(s, "GET", "/v1/customers?has_open_collaboration=true&q=Bjuder", tok, NULL, &r));
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
  resp_free(&r);
  CHECK(api(s, "DELETE", path, tok, NULL, &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "open_collaboration_exists");
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/customers/%s/collaborations", customer);
  CHECK(cx_post(s, path, tok, &r,
                "{\"task_id\":\"%s\",\"variant\":\"smart\",\"invoice_recipient\":"
                "\"office\",\"agreement_period_months\":12}",
                task));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "open_collaboration_exists");
  resp_free(&r);
}

int main(void)
{
  struct server s;
  server_start(&s, NULL, NULL);
  char office[FX_ID_LEN], tok[FX_TOKEN_LEN], company[FX_ID_LEN];
  char customer[FX_ID_LEN], other[FX_ID_LEN], task[FX_ID_LEN], path[160];
  fx_office(&s, "Byrå AB", "556016-0680", "byra@byra.se", office, tok);
  fx_company(&s, "802002-4280", "Konto AB", "account", company);
  char cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN]; /* who the invitation goes to */
  fx_customer_admin(&s, "802002-4280", "Kim", "kim@konto.se", cadmin, tok_cadmin);
  cx_customer(&s, tok, "802002-4280", "Konto AB", "kontakt@konto.se", customer);
  cx_customer(&s, tok, "212000-0142", "Utan samarbete", "u@s.se", other);
  cx_task(&s, tok, customer, "Löpande bokföring 2027", task);

  char collab[FX_ID_LEN];
  cx_activate(&s, tok, customer, task, "smart", "office", 12, collab);
  struct resp r;

  /* Open: shown, filtered, and the customer cannot be deleted. */
  snprintf(path, sizeof path, "/v1/customers/%s", customer);
  CHECK(api(&s, "GET", path, tok, NULL, &r));
  CHECK(json_is_true(json_object_get(r.json, "has_open_collaboration")));
  resp_free(&r);
  CHECK_INT(list_count(&s, "/v1/customers?has_open_collaboration=true", tok), 1);
  CHECK_INT(list_count(&s, "/v1/customers?has_open_collaboration=false", tok), 1);
  CHECK(api(&s, "DELETE", path, tok, NULL, &r));
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "open_collaboration_exists");
  resp_free(&r);
  CHECK(api(&s, "GET", path, tok, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);

  /* Withdrawn: no longer open; the customer can go, the history stays. */
  CHECK(cx_action(&s, collab, "withdraw", tok, NULL, &r));
  CHECK_MSG(r.status == 200 || r.status == 204, "withdraw: %ld %s", r.status, r.body);
  resp_free(&r);
  CHECK_INT(list_count(&s, "/v1/customers?has_open_collaboration=true", tok), 0);
  CHECK(api(&s, "DELETE", path, tok, NULL, &r));
  CHECK_INT(r.status, 204);
  resp_free(&r);
  CHECK(api(&s, "GET", path, tok, NULL, &r));
  CHECK_INT(r.status, 404);
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/collaborations/%s/events", collab);
  CHECK(api(&s, "GET", path, tok, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);

  company_invites_office(&s, tok);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
