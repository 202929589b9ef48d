/* Integration tests of Idempotency-Key on the customer register, tasks and companies: a replay
 * answers the first response (quoted or bare key, any key order in the body), the same key with
 * another body is 422 and writes nothing, keys are per principal, a failed request does not
 * consume its key, malformed keys are 400, and a retry while the first is in flight is 409. At the
 * end no token is in the database or the log. */
#include "register_fx.h"
#include "util.h"

TEST_MAIN_DEFS

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


int main(void)
{
  struct principals p;
  register_start(&p);
  /* office A's register holds 556036-0793 (made by test_register_tenancy.c's first step when the
   * two ran on one server): a retry with key-2 meets that register conflict */
  char volvo[FX_ID_LEN];
  customer(p.tok_a, "5560360793", "Volvo (A)", volvo);
  test_idempotency(p.tok_a, p.tok_b, p.tok_limited);
  return register_stop(&p);
}
