/* Integration tests of the customer register, tasks and companies: tenancy (two offices with
 * the same company each see only their own entry; every cross-office read, write and list is
 * 404 or absent), roles (limited users, customer administrators, support), bad input (400
 * naming every field, nothing written), If-Match (412/428), Idempotency-Key (replay, 422,
 * 409), cursor pagination and the list filters. */
#include "fixtures.h"
#include "testdb.h"
#include "util.h"

#include <stdarg.h>

TEST_MAIN_DEFS

static struct server s;

/* One exchange with extra headers (NULL-terminated list, may be NULL). */
static void call(const char *method, const char *path, const char *token, const char *body,
                 const char *const *extra, struct resp *r)
{
  CHECK(api_with(&s, method, path, token, body, extra, r));
}

static long status_of(const char *method, const char *path, const char *token, const char *body,
                      const char *const *extra)
{
  struct resp r;
  call(method, path, token, body, extra, &r);
  long st = r.status;
  resp_free(&r);
  return st;
}

/* Creates a customer; its id into id. */
static void customer(const char *token, const char *cid, const char *name, char *id)
{
  char body[512];
  snprintf(body, sizeof body, "{\"corporate_id\":\"%s\",\"name\":\"%s\",\"email\":\"k@kund.se\"}",
           cid, name);
  struct resp r;
  call("POST", "/v1/customers", token, body, NULL, &r);
  CHECK_MSG(r.status == 201, "POST customer %s: %ld %s", name, r.status, r.body);
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
}

static void task(const char *token, const char *customer_id, const char *name, char *id)
{
  char path[128], body[256];
  snprintf(path, sizeof path, "/v1/customers/%s/tasks", customer_id);
  snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
  struct resp r;
  call("POST", path, token, body, NULL, &r);
  CHECK_MSG(r.status == 201, "POST task: %ld %s", r.status, r.body);
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
}

/* Number of items in GET path (one page). */
static long list_count(const char *path, const char *token)
{
  struct resp r;
  call("GET", path, token, NULL, NULL, &r);
  CHECK_INT(r.status, 200);
  long n = (long)json_array_size(json_object_get(r.json, "items"));
  resp_free(&r);
  return n;
}

/* True when the 400 names exactly these fields (in any order). */
static bool names_fields(const struct resp *r, const char *const *fields)
{
  json_t *errors = json_object_get(r->json, "errors");
  size_t n = 0;
  while (fields[n])
    n++;
  if (json_array_size(errors) != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    bool found = false;
    for (size_t k = 0; k < n && !found; k++)
      found = strcmp(json_string_value(json_object_get(json_array_get(errors, k), "field")),
                     fields[i]) == 0;
    if (!found)
      return false;
  }
  return true;
}

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

static void test_idempotency(const char *tok_a, const char *tok_b, const char *tok_limited)
{
  const char *body = "{\"corporate_id\":\"802002-4280\",\"name\":\"Idem AB\",\"email\":\"i@d.se\"}";
  const char *quoted[] = {"Idempotency-Key: \"key-1\"", NULL};
  const char *bare[] = {"Idempotency-Key: key-1", NULL};
  struct resp first, again;
  call("POST", "/v1/customers", tok_a, body, quoted, &first);
  CHECK_INT(first.status, 201);
  call("POST", "/v1/customers", tok_a, body, bare, &again); /* same key, bare form */
  CHECK_INT(again.status, 201);
  CHECK_STR(again.body, first.body);
  char h[64] = "", l1[128] = "", l2[128] = "";
  CHECK(resp_header(&again, "idempotency-replayed", h, sizeof h));
  CHECK_STR(h, "true");
  resp_header(&first, "location", l1, sizeof l1);
  resp_header(&again, "location", l2, sizeof l2);
  CHECK_STR(l1, l2);
  resp_free(&again);
  /* Key order and spacing do not change the request. */
  call("POST", "/v1/customers", tok_a,
       "{ \"email\":\"i@d.se\", \"name\":\"Idem AB\", \"corporate_id\":\"802002-4280\" }", quoted,
       &again);
  CHECK_INT(again.status, 201);
  CHECK_STR(resp_str(&again, "id"), resp_str(&first, "id"));
  resp_free(&again);
  /* The same key with another body: 422, nothing written. */
  long before = list_count("/v1/customers?limit=200", tok_a);
  call("POST", "/v1/customers", tok_a,
       "{\"corporate_id\":\"802002-4280\",\"name\":\"Other AB\",\"email\":\"i@d.se\"}", quoted,
       &again);
  CHECK_INT(again.status, 422);
  CHECK_STR(resp_str(&again, "code"), "idempotency_key_reused");
  resp_free(&again);
  CHECK_INT(list_count("/v1/customers?limit=200", tok_a), before);
  /* Keys are per principal: the limited user of the same office gets its own (and then the
   * register conflict), office B creates its own customer. */
  CHECK_INT(status_of("POST", "/v1/customers", tok_limited, body, quoted), 409);
  CHECK_INT(status_of("POST", "/v1/customers", tok_b, body, quoted), 201);
  /* A failed request does not consume its key. */
  const char *k2[] = {"Idempotency-Key: \"key-2\"", NULL};
  CHECK_INT(status_of("POST", "/v1/customers", tok_a, body, k2), 409);
  CHECK_INT(status_of("POST", "/v1/customers", tok_a,
                      "{\"corporate_id\":\"556036-0793\",\"name\":\"Dup\",\"email\":\"a@b.se\"}",
                      k2),
            409); /* not 422: the first try left nothing behind */
  /* Malformed keys. */
  const char *empty[] = {"Idempotency-Key: \"\"", NULL};
  const char *unterminated[] = {"Idempotency-Key: \"abc", NULL};
  CHECK_INT(status_of("POST", "/v1/customers", tok_a, body, empty), 400);
  CHECK_INT(status_of("POST", "/v1/customers", tok_a, body, unterminated), 400);
  /* A retry while the first request is still running: 409. The first request is simulated by
   * an in-flight record with the same fingerprint (method, path, canonical body). */
  const char *body3 = "{\"corporate_id\":\"556036-0793\",\"name\":\"Slow\",\"email\":\"s@l.se\"}";
  json_t *j = json_loads(body3, 0, NULL);
  char *canon = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(j);
  char text[512], fp[65], me_id[64] = "";
  snprintf(text, sizeof text, "POST /v1/customers\n%s", canon);
  free(canon);
  util_sha256_hex(text, fp);
  struct resp me;
  call("GET", "/v1/me", tok_b, NULL, NULL, &me);
  snprintf(me_id, sizeof me_id, "%s", resp_str(&me, "id"));
  resp_free(&me);
  char sql[512];
  snprintf(sql, sizeof sql,
           "INSERT INTO idempotency_keys (principal_id, key, fingerprint, state, created_ms) "
           "VALUES ('%s', 'slow-1', '%s', 'in_flight', %lld)", me_id, fp,
           (long long)util_now_ms());
  CHECK(testdb_exec(s.db, sql, NULL));
  const char *slow[] = {"Idempotency-Key: \"slow-1\"", NULL};
  struct resp busy;
  call("POST", "/v1/customers", tok_b, body3, slow, &busy);
  CHECK_INT(busy.status, 409);
  CHECK_STR(resp_str(&busy, "code"), "idempotency_key_in_use");
  resp_free(&busy);
  CHECK_INT(status_of("POST", "/v1/customers", tok_b,
                      "{\"corporate_id\":\"556036-0793\",\"name\":\"Fast\",\"email\":\"s@l.se\"}",
                      slow),
            422);
  resp_free(&first);
  /* Tasks and companies honour the key too. */
  char c[FX_ID_LEN], path[160];
  customer(tok_a, "2120000142", "Task Idem", c);
  snprintf(path, sizeof path, "/v1/customers/%s/tasks", c);
  const char *tk[] = {"Idempotency-Key: \"task-1\"", NULL};
  struct resp t1, t2;
  call("POST", path, tok_a, "{\"name\":\"Once\"}", tk, &t1);
  call("POST", path, tok_a, "{\"name\":\"Once\"}", tk, &t2);
  CHECK_INT(t1.status, 201);
  CHECK_INT(t2.status, 201);
  CHECK_STR(resp_str(&t1, "id"), resp_str(&t2, "id"));
  resp_free(&t1);
  resp_free(&t2);
  CHECK_INT(list_count(path, tok_a), 1);
}

static void test_pagination(const char *tok)
{
  const char *ids[] = {"5562345677", "5563456788", "5564567898", "5565678900", "5566789912"};
  char id[FX_ID_LEN], name[32], t[FX_ID_LEN];
  for (int i = 0; i < 5; i++) {
    snprintf(name, sizeof name, "Page %c", 'E' - i); /* created in reverse name order */
    customer(tok, ids[i], name, id);
    if (i % 2 == 0)
      task(tok, id, "Open work", t);
  }
  char path[4096] = "/v1/customers?q=Page&limit=2";
  char seen[5][32];
  int n = 0, pages = 0;
  for (;;) {
    struct resp r;
    call("GET", path, tok, NULL, NULL, &r);
    CHECK_INT(r.status, 200);
    json_t *items = json_object_get(r.json, "items");
    for (size_t i = 0; i < json_array_size(items) && n < 5; i++)
      snprintf(seen[n++], sizeof seen[0], "%s",
               json_string_value(json_object_get(json_array_get(items, i), "name")));
    pages++;
    const char *next = resp_str(&r, "next_cursor");
    if (!next || pages > 5) {
      CHECK(json_is_null(json_object_get(r.json, "next_cursor")));
      resp_free(&r);
      break;
    }
    snprintf(path, sizeof path, "/v1/customers?q=Page&limit=2&cursor=%s", next);
    resp_free(&r);
  }
  CHECK_INT(pages, 3);
  CHECK_INT(n, 5);
  for (int i = 0; i < n; i++) {
    char want[16];
    snprintf(want, sizeof want, "Page %c", 'A' + i);
    CHECK_STR(seen[i], want);
  }
  /* Filters: customers with an open task (3 of the 5), with an open collaboration (none). */
  CHECK_INT(list_count("/v1/customers?q=Page&task_status=open", tok), 3);
  CHECK_INT(list_count("/v1/customers?q=Page&task_status=closed", tok), 0);
  CHECK_INT(list_count("/v1/customers?q=Page&has_open_collaboration=true", tok), 0);
  CHECK_INT(list_count("/v1/customers?q=Page&has_open_collaboration=false", tok), 5);
  CHECK_INT(list_count("/v1/customers?q=page%20c", tok), 1); /* case-insensitive for ASCII */
  CHECK_INT(list_count("/v1/customers?q=%25", tok), 0);      /* % is matched literally */
}

int main(void)
{
  server_start(&s, NULL, NULL);
  char office_a[FX_ID_LEN], office_b[FX_ID_LEN], tok_a[FX_TOKEN_LEN], tok_b[FX_TOKEN_LEN];
  char user_a[FX_ID_LEN], tok_limited[FX_TOKEN_LEN], lim[FX_ID_LEN];
  char company[FX_ID_LEN], cadmin[FX_ID_LEN], tok_cadmin[FX_TOKEN_LEN];
  char support[FX_ID_LEN], tok_support[FX_TOKEN_LEN];
  fx_office(&s, "Byrå A", "556016-0680", "a@byra-a.se", office_a, tok_a);
  fx_office(&s, "Byrå B", "556703-7485", "b@byra-b.se", office_b, tok_b);
  fx_user(&s, office_a, "limited@byra-a.se", "limited", lim, tok_limited);
  struct resp r;
  call("GET", "/v1/me", tok_a, NULL, NULL, &r);
  snprintf(user_a, sizeof user_a, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
  fx_company(&s, "802002-4280", "Kund AB", "account", company);
  fx_customer_admin(&s, "802002-4280", "Kim Kund", "kim@kund.se", cadmin, tok_cadmin);
  fx_support(&s, "support@vendor.se", support, tok_support);

  test_tenancy(tok_a, tok_b, user_a);
  test_roles(tok_a, tok_limited, tok_cadmin, tok_support);
  test_bad_input(tok_a, tok_support);
  test_preconditions(tok_a, tok_support);
  test_idempotency(tok_a, tok_b, tok_limited);
  test_pagination(tok_b);

  CHECK_INT(server_stop(&s, true), 0);
  const char *toks[] = {tok_a, tok_b, tok_limited, tok_cadmin, tok_support};
  for (size_t i = 0; i < 5; i++) {
    CHECK_MSG(!testdb_contains(s.db, toks[i]),
              "token %zu in the database", i);
    CHECK_MSG(!fx_file_contains(s.log, toks[i]), "token %zu in the log", i);
  }
  char rm[400];
  snprintf(rm, sizeof rm, "rm -rf '%s'", s.dir);
  CHECK_INT(system(rm), 0);
  return TEST_REPORT();
}
