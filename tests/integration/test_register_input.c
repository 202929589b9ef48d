/* Integration tests of bad input and preconditions in the customer register, tasks and companies:
 * every 400 names every wrong field and writes nothing (a bad field among good ones too; not JSON,
 * bad queries and path parameters), and If-Match is required (428) and must be current (412) on
 * PATCH and DELETE of customers, tasks and companies. At the end no token is in the database or
 * the log. */
#include "register_fx.h"

TEST_MAIN_DEFS

static void test_bad_input(const char *tok_a, const char *tok_support)
{
  long before = list_count("/v1/customers?limit=200", tok_a);
  char longname[260];
  memset(longname, 'x', 201);
  longname[201] = '\0';
  char body[1024];
  struct resp r;
  /* Invalid corporate ID, over-long name, wrong type, unknown field, bad e-mail. */
  snprintf(body, sizeof body, "{\"corporate_id\":\"556036-0794\",\"name\":\"%s\",\"email\":5,"
                              "\"colour\":\"red\",\"notes\":[]}", longname);
  call("POST", "/v1/customers", tok_a, body, NULL, &r);
  CHECK_INT(r.status, 400);
  CHECK_STR(resp_str(&r, "code"), "validation_failed");
  const char *all[] = {"corporate_id", "name", "email", "colour", "notes", NULL};
  CHECK_MSG(names_fields(&r, all), "%s", r.body);
  resp_free(&r);
  /* Missing fields. */
  call("POST", "/v1/customers", tok_a, "{\"notes\":\"only notes\"}", NULL, &r);
  CHECK_INT(r.status, 400);
  const char *missing[] = {"corporate_id", "name", "email", NULL};
  CHECK_MSG(names_fields(&r, missing), "%s", r.body);
  resp_free(&r);
  /* One bad field among good ones: still nothing written, and the company not created. */
  call("POST", "/v1/customers", tok_a,
       "{\"corporate_id\":\"5566778899\",\"name\":\"Fin AB\",\"email\":\"no-at-sign\"}", NULL, &r);
  CHECK_INT(r.status, 400);
  const char *email[] = {"email", NULL};
  CHECK(names_fields(&r, email));
  resp_free(&r);
  CHECK_INT(list_count("/v1/customers?limit=200", tok_a), before);
  CHECK_INT(status_of("GET", "/v1/companies/556677-8899", tok_support, NULL, NULL), 404);
  /* Not JSON, not an object, no body. */
  CHECK_INT(status_of("POST", "/v1/customers", tok_a, "{\"name\":", NULL), 400);
  CHECK_INT(status_of("POST", "/v1/customers", tok_a, "[1,2]", NULL), 400);
  CHECK_INT(status_of("POST", "/v1/customers", tok_a, NULL, NULL), 400);
  /* Companies: a subscriber without a subscription; a subscription with bad members. */
  call("POST", "/v1/companies", tok_support,
       "{\"corporate_id\":\"5566778899\",\"name\":\"P AB\",\"relation\":\"subscriber\"}", NULL, &r);
  CHECK_INT(r.status, 400);
  const char *sub[] = {"subscription", NULL};
  CHECK(names_fields(&r, sub));
  resp_free(&r);
  call("POST", "/v1/companies", tok_support,
       "{\"corporate_id\":\"5566778899\",\"name\":\"P AB\",\"relation\":\"subscriber\","
       "\"subscription\":{\"variant\":\"smart\",\"invoice_recipient\":\"bank\","
       "\"agreement_period_months\":6,\"starts_on\":\"2026-02-30\"}}", NULL, &r);
  CHECK_INT(r.status, 400);
  const char *subf[] = {"subscription.invoice_recipient", "subscription.agreement_period_months",
                        "subscription.starts_on", "subscription.renews_on", NULL};
  CHECK_MSG(names_fields(&r, subf), "%s", r.body);
  resp_free(&r);
  CHECK_INT(status_of("GET", "/v1/companies/556677-8899", tok_support, NULL, NULL), 404);
  /* Bad queries and path parameters. */
  CHECK_INT(status_of("GET", "/v1/customers?limit=0", tok_a, NULL, NULL), 400);
  CHECK_INT(status_of("GET", "/v1/customers?limit=1000", tok_a, NULL, NULL), 400);
  CHECK_INT(status_of("GET", "/v1/customers?task_status=maybe", tok_a, NULL, NULL), 400);
  CHECK_INT(status_of("GET", "/v1/customers?has_open_collaboration=yes", tok_a, NULL, NULL), 400);
  CHECK_INT(status_of("GET", "/v1/customers?cursor=bm9wZQ", tok_a, NULL, NULL), 400);
  CHECK_INT(status_of("GET", "/v1/customers?sort=name", tok_a, NULL, NULL), 400);
  CHECK_INT(status_of("GET", "/v1/companies/12345", tok_support, NULL, NULL), 400);
}

static void test_preconditions(const char *tok_a, const char *tok_support)
{
  char c[FX_ID_LEN], t[FX_ID_LEN], path[160];
  customer(tok_a, "556677-8899", "Precis AB", c);
  snprintf(path, sizeof path, "/v1/customers/%s", c);
  struct resp r;
  const char *none[] = {NULL};
  const char *wrong[] = {"If-Match: \"7\"", NULL};
  const char *weak[] = {"If-Match: W/\"1\"", NULL};
  const char *right[] = {"If-Match: \"1\"", NULL};
  call("PATCH", path, tok_a, "{\"notes\":\"n\"}", none, &r);
  CHECK_INT(r.status, 428);
  CHECK_STR(resp_str(&r, "code"), "precondition_required");
  resp_free(&r);
  call("PATCH", path, tok_a, "{\"notes\":\"n\"}", wrong, &r);
  CHECK_INT(r.status, 412);
  CHECK_STR(resp_str(&r, "code"), "precondition_failed");
  resp_free(&r);
  CHECK_INT(status_of("PATCH", path, tok_a, "{\"notes\":\"n\"}", weak), 412);
  call("PATCH", path, tok_a, "{\"notes\":\"n\",\"name\":\"Precis Aktiebolag\"}", right, &r);
  CHECK_INT(r.status, 200);
  char etag[64] = "";
  CHECK(resp_header(&r, "etag", etag, sizeof etag));
  CHECK_STR(etag, "\"2\"");
  CHECK_STR(resp_str(&r, "notes"), "n");
  CHECK_STR(resp_str(&r, "name"), "Precis Aktiebolag");
  resp_free(&r);
  CHECK_INT(status_of("PATCH", path, tok_a, "{\"notes\":null}", right), 412); /* stale */
  call("GET", path, tok_a, NULL, NULL, &r);
  CHECK(resp_header(&r, "etag", etag, sizeof etag));
  CHECK_STR(etag, "\"2\"");
  CHECK_STR(resp_str(&r, "notes"), "n");
  resp_free(&r);
  /* Unknown fields and corporate_id cannot be patched; an empty patch is refused. */
  const char *v2[] = {"If-Match: \"2\"", NULL};
  call("PATCH", path, tok_a, "{\"corporate_id\":\"212000-0142\"}", v2, &r);
  CHECK_INT(r.status, 400);
  const char *cid[] = {"corporate_id", NULL};
  CHECK(names_fields(&r, cid));
  resp_free(&r);
  CHECK_INT(status_of("PATCH", path, tok_a, "{}", v2), 400);
  /* DELETE with a stale If-Match is refused too. */
  CHECK_INT(status_of("DELETE", path, tok_a, NULL, right), 412);
  /* Tasks. */
  task(tok_a, c, "Deklaration", t);
  snprintf(path, sizeof path, "/v1/tasks/%s", t);
  CHECK_INT(status_of("PATCH", path, tok_a, "{\"status\":\"closed\"}", none), 428);
  CHECK_INT(status_of("PATCH", path, tok_a, "{\"status\":\"closed\"}", wrong), 412);
  call("PATCH", path, tok_a, "{\"status\":\"closed\"}", right, &r);
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "status"), "closed");
  resp_free(&r);
  CHECK_INT(status_of("PATCH", path, tok_a, "{\"status\":\"done\"}", v2), 400);
  /* Companies (support). */
  call("POST", "/v1/companies", tok_support,
       "{\"corporate_id\":\"19811218-9876\",\"name\":\"Enskild firma\",\"relation\":\"subscriber\","
       "\"subscription\":{\"variant\":\"bokforing\",\"invoice_recipient\":\"customer\","
       "\"agreement_period_months\":12,\"starts_on\":\"2026-01-01\",\"renews_on\":\"2027-01-01\"}}",
       NULL, &r);
  CHECK_INT(r.status, 201);
  CHECK_STR(resp_str(&r, "corporate_id"), "811218-9876");
  CHECK_STR(resp_str(&r, "subscription.variant"), "bokforing");
  char loc[128] = "";
  CHECK(resp_header(&r, "location", loc, sizeof loc));
  CHECK_STR(loc, "/v1/companies/811218-9876");
  resp_free(&r);
  CHECK_INT(status_of("PATCH", loc, tok_support, "{\"relation\":\"account\"}", none), 428);
  CHECK_INT(status_of("PATCH", loc, tok_support, "{\"relation\":\"account\"}", wrong), 412);
  call("PATCH", loc, tok_support, "{\"relation\":\"account\"}", right, &r);
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "relation"), "account");
  CHECK(json_object_get(r.json, "subscription") == NULL);
  resp_free(&r);
  CHECK_INT(status_of("POST", "/v1/companies", tok_support,
                      "{\"corporate_id\":\"811218-9876\",\"name\":\"X\",\"relation\":\"none\"}",
                      NULL),
            409);
  /* An office's customer shows the subscription of its company. */
  call("PATCH", loc, tok_support,
       "{\"relation\":\"subscriber\",\"subscription\":{\"variant\":\"smart\","
       "\"invoice_recipient\":\"office\",\"agreement_period_months\":3,"
       "\"starts_on\":\"2026-10-01\",\"renews_on\":\"2027-01-01\"}}", v2, &r);
  CHECK_INT(r.status, 200);
  resp_free(&r);
  customer(tok_a, "811218-9876", "Firman", c);
  snprintf(path, sizeof path, "/v1/customers/%s", c);
  call("GET", path, tok_a, NULL, NULL, &r);
  CHECK_STR(resp_str(&r, "company.relation"), "subscriber");
  CHECK_STR(resp_str(&r, "company.subscription.variant"), "smart");
  CHECK_INT(json_integer_value(json_object_get(
                json_object_get(json_object_get(r.json, "company"), "subscription"),
                "agreement_period_months")),
            3);
  resp_free(&r);
}


int main(void)
{
  struct principals p;
  register_start(&p);
  test_bad_input(p.tok_a, p.tok_support);
  test_preconditions(p.tok_a, p.tok_support);
  return register_stop(&p);
}
