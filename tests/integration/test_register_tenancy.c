/* Integration tests of the customer register's tenancy and roles: two offices with the same
 * company each see only their own entry, and every cross-office read, write and list is 404 or
 * absent; a limited user works in the register but may not delete, company data is the vendor's, a
 * customer administrator sees only its company, support has no register. At the end no token is in
 * the database or the log. */
#include "register_fx.h"

TEST_MAIN_DEFS

static void test_tenancy(const char *tok_a, const char *tok_b, const char *user_a)
{
  char ca[FX_ID_LEN], cb[FX_ID_LEN], ta[FX_ID_LEN];
  /* The same company, spelled two ways, in both registers. */
  customer(tok_a, "5560360793", "Volvo (A)", ca);
  customer(tok_b, "165560360793", "Volvo (B)", cb);
  CHECK(strcmp(ca, cb) != 0);
  struct resp ra, rb;
  char path[160];
  snprintf(path, sizeof path, "/v1/customers/%s", ca);
  call("GET", path, tok_a, NULL, NULL, &ra);
  snprintf(path, sizeof path, "/v1/customers/%s", cb);
  call("GET", path, tok_b, NULL, NULL, &rb);
  CHECK_INT(ra.status, 200);
  CHECK_INT(rb.status, 200);
  CHECK_STR(resp_str(&ra, "company.corporate_id"), "556036-0793");
  CHECK_STR(resp_str(&ra, "company.id"), resp_str(&rb, "company.id")); /* one company */
  CHECK_STR(resp_str(&ra, "company.relation"), "none");
  CHECK_STR(resp_str(&rb, "name"), "Volvo (B)");
  CHECK(json_object_get(json_object_get(ra.json, "company"), "name") == NULL);
  resp_free(&ra);
  resp_free(&rb);
  /* Each list holds only its own entry. */
  struct resp r;
  call("GET", "/v1/customers?q=Volvo", tok_a, NULL, NULL, &r);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
  CHECK(strstr(r.body, ca) && !strstr(r.body, cb) && !strstr(r.body, "(B)"));
  resp_free(&r);
  call("GET", "/v1/customers?q=556036", tok_b, NULL, NULL, &r);
  CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
  CHECK(strstr(r.body, cb) && !strstr(r.body, ca) && !strstr(r.body, "(A)"));
  resp_free(&r);

  /* Every cross-office read and write is 404, exactly like an id that does not exist. */
  task(tok_a, ca, "Bokslut 2026", ta);
  const char *missing = "00000000-0000-4000-8000-000000000000";
  const char *if1[] = {"If-Match: \"1\"", NULL};
  struct {
    const char *method, *suffix, *body;
    const char *const *extra;
  } probes[] = {
      {"GET", "", NULL, NULL},
      {"PATCH", "", "{\"notes\":\"mine now\"}", if1},
      {"DELETE", "", NULL, NULL},
      {"GET", "/tasks", NULL, NULL},
      {"POST", "/tasks", "{\"name\":\"Intrång\"}", NULL},
  };
  for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
    struct resp theirs, none;
    snprintf(path, sizeof path, "/v1/customers/%s%s", ca, probes[i].suffix);
    call(probes[i].method, path, tok_b, probes[i].body, probes[i].extra, &theirs);
    snprintf(path, sizeof path, "/v1/customers/%s%s", missing, probes[i].suffix);
    call(probes[i].method, path, tok_b, probes[i].body, probes[i].extra, &none);
    CHECK_MSG(theirs.status == 404, "%s %s: %ld", probes[i].method, path, theirs.status);
    CHECK_INT(none.status, 404);
    CHECK_STR(resp_str(&theirs, "detail"), resp_str(&none, "detail"));
    resp_free(&theirs);
    resp_free(&none);
  }
  snprintf(path, sizeof path, "/v1/tasks/%s", ta);
  CHECK_INT(status_of("GET", path, tok_b, NULL, NULL), 404);
  CHECK_INT(status_of("PATCH", path, tok_b, "{\"status\":\"closed\"}", if1), 404);
  /* B cannot assign A's user to its own task. */
  snprintf(path, sizeof path, "/v1/customers/%s/tasks", cb);
  char body[160];
  snprintf(body, sizeof body, "{\"name\":\"X\",\"assignee_id\":\"%s\"}", user_a);
  call("POST", path, tok_b, body, NULL, &r);
  CHECK_INT(r.status, 400);
  const char *assignee[] = {"assignee_id", NULL};
  CHECK(names_fields(&r, assignee));
  resp_free(&r);
  /* Nothing of A's changed. */
  snprintf(path, sizeof path, "/v1/customers/%s", ca);
  call("GET", path, tok_a, NULL, NULL, &r);
  CHECK_INT(r.status, 200);
  CHECK(json_is_null(json_object_get(r.json, "notes")));
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/tasks/%s", ta);
  call("GET", path, tok_a, NULL, NULL, &r);
  CHECK_STR(resp_str(&r, "status"), "open");
  resp_free(&r);
  snprintf(path, sizeof path, "/v1/customers/%s/tasks", ca);
  CHECK_INT(list_count(path, tok_a), 1);
  /* The same company twice in one register is a conflict. */
  call("POST", "/v1/customers", tok_a,
       "{\"corporate_id\":\"556036-0793\",\"name\":\"Again\",\"email\":\"a@b.se\"}", NULL, &r);
  CHECK_INT(r.status, 409);
  CHECK_STR(resp_str(&r, "code"), "already_exists");
  resp_free(&r);
}

static void test_roles(const char *tok_a, const char *tok_limited, const char *tok_cadmin,
                       const char *tok_support)
{
  char c1[FX_ID_LEN], t1[FX_ID_LEN], path[160];
  /* A limited user works in the register but may not delete. */
  customer(tok_limited, "212000-0142", "Kommunen", c1);
  task(tok_limited, c1, "Löpande bokföring 2027", t1);
  snprintf(path, sizeof path, "/v1/customers/%s", c1);
  struct resp r;
  call("DELETE", path, tok_limited, NULL, NULL, &r);
  CHECK_INT(r.status, 403);
  CHECK_STR(resp_str(&r, "code"), "forbidden");
  resp_free(&r);
  CHECK_INT(status_of("GET", path, tok_a, NULL, NULL), 200); /* still there */
  /* Company data is the vendor's: office users and customer admins may not change it. */
  const char *company = "{\"corporate_id\":\"556677-8899\",\"name\":\"N\",\"relation\":\"none\"}";
  CHECK_INT(status_of("POST", "/v1/companies", tok_limited, company, NULL), 403);
  CHECK_INT(status_of("POST", "/v1/companies", tok_a, company, NULL), 403);
  CHECK_INT(status_of("GET", "/v1/companies/212000-0142", tok_a, NULL, NULL), 403);
  const char *if1[] = {"If-Match: \"1\"", NULL};
  CHECK_INT(status_of("PATCH", "/v1/companies/802002-4280", tok_cadmin, "{\"name\":\"Mine\"}", if1),
            403);
  /* A customer administrator sees only their company (802002-4280). */
  call("GET", "/v1/companies/8020024280", tok_cadmin, NULL, NULL, &r);
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "corporate_id"), "802002-4280");
  resp_free(&r);
  CHECK_INT(status_of("GET", "/v1/companies/212000-0142", tok_cadmin, NULL, NULL), 404);
  CHECK_INT(status_of("GET", "/v1/companies/556036-0793", tok_cadmin, NULL, NULL), 404);
  CHECK_INT(status_of("GET", "/v1/customers", tok_cadmin, NULL, NULL), 403);
  CHECK_INT(status_of("GET", path, tok_cadmin, NULL, NULL), 403);
  snprintf(path, sizeof path, "/v1/tasks/%s", t1);
  CHECK_INT(status_of("GET", path, tok_cadmin, NULL, NULL), 403);
  /* Support reads any company but has no customer register. */
  CHECK_INT(status_of("GET", "/v1/companies/212000-0142", tok_support, NULL, NULL), 200);
  CHECK_INT(status_of("GET", "/v1/customers", tok_support, NULL, NULL), 403);
  /* The full user can delete; the customer and its tasks are gone. */
  snprintf(path, sizeof path, "/v1/customers/%s", c1);
  CHECK_INT(status_of("DELETE", path, tok_a, NULL, NULL), 204);
  CHECK_INT(status_of("GET", path, tok_a, NULL, NULL), 404);
  snprintf(path, sizeof path, "/v1/tasks/%s", t1);
  CHECK_INT(status_of("GET", path, tok_a, NULL, NULL), 404);
  /* The company stays (it is the vendor's record). */
  CHECK_INT(status_of("GET", "/v1/companies/212000-0142", tok_support, NULL, NULL), 200);
}

int main(void)
{
  struct principals p;
  register_start(&p);
  test_tenancy(p.tok_a, p.tok_b, p.user_a);
  test_roles(p.tok_a, p.tok_limited, p.tok_cadmin, p.tok_support);
  return register_stop(&p);
}
