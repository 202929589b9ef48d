/* Integration tests of the service endpoints (/healthz, /readyz, /v1/variants,
 * /v1/variant-changes/preview) and of the HTTP layer's refusals (unknown route, wrong method,
 * URI and body caps, content type, malformed JSON), against the real server. Every exchange is
 * traced and checked against openapi.yaml by the contract tests. */
#include "harness.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

static void check_problem(const struct resp *r, long status, const char *code)
{
  char ct[128] = "";
  CHECK_INT(r->status, status);
  CHECK(resp_header(r, "content-type", ct, sizeof ct));
  CHECK_STR(ct, "application/problem+json");
  CHECK_STR(resp_str(r, "code"), code);
  CHECK(json_integer_value(json_object_get(r->json, "status")) == status);
}

static void test_health(struct server *s)
{
  struct resp r;
  CHECK(api(s, "GET", "/healthz", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "status"), "ok");
  resp_free(&r);

  CHECK(api(s, "GET", "/readyz", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "status"), "ready");
  CHECK(json_integer_value(json_object_get(r.json, "schema_version")) >= 1);
  resp_free(&r);

  CHECK(api(s, "HEAD", "/healthz", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT(r.body_len, 0);
  resp_free(&r);

  const char *rid[] = {"X-Request-Id: trace-me-42", NULL};
  CHECK(http(s, "GET", "/healthz", rid, NULL, &r));
  char got[80] = "";
  CHECK(resp_header(&r, "x-request-id", got, sizeof got));
  CHECK_STR(got, "trace-me-42");
  resp_free(&r);
}

static void test_variants(struct server *s)
{
  struct resp r;
  CHECK(api(s, "GET", "/v1/variants", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  json_t *items = json_object_get(r.json, "items");
  CHECK_INT(json_array_size(items), 5);
  const char *codes[] = {"start", "bokforing", "fakturering", "smart", "pro"};
  for (size_t i = 0; i < 5 && i < json_array_size(items); i++)
    CHECK_STR(json_string_value(json_object_get(json_array_get(items, i), "code")), codes[i]);
  resp_free(&r);

  CHECK(api(s, "GET", "/v1/variants/smart", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "code"), "smart");
  resp_free(&r);

  CHECK(api(s, "GET", "/v1/variants/gold", NULL, NULL, &r));
  check_problem(&r, 404, "not_found");
  resp_free(&r);

  CHECK(api(s, "GET", "/v1/variants/%C3%A5%F0%9F%98%80", NULL, NULL, &r));
  check_problem(&r, 404, "not_found");
  resp_free(&r);
}

static void test_preview(struct server *s)
{
  struct resp r;
  CHECK(api(s, "POST", "/v1/variant-changes/preview", NULL, "{\"from\":\"bokforing\",\"to\":\"smart\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "kind"), "upgrade");
  CHECK(json_is_false(json_object_get(r.json, "requires_support")));
  resp_free(&r);

  CHECK(api(s, "POST", "/v1/variant-changes/preview", NULL, "{\"from\":\"pro\",\"to\":\"start\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "kind"), "downgrade");
  CHECK(json_is_true(json_object_get(r.json, "requires_support")));
  resp_free(&r);

  CHECK(api(s, "POST", "/v1/variant-changes/preview", NULL, "{\"from\":\"smart\",\"to\":\"smart\"}", &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "kind"), "same");
  resp_free(&r);

  /* Every bad field is named. */
  CHECK(api(s, "POST", "/v1/variant-changes/preview", NULL, "{\"from\":\"start\",\"to\":\"gold\"}", &r));
  check_problem(&r, 400, "validation_failed");
  CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "errors"), 0), "field")), "to");
  resp_free(&r);

  CHECK(api(s, "POST", "/v1/variant-changes/preview", NULL, "{\"from\":1,\"extra\":true}", &r));
  check_problem(&r, 400, "validation_failed");
  CHECK(json_array_size(json_object_get(r.json, "errors")) >= 3);
  resp_free(&r);

  CHECK(api(s, "POST", "/v1/variant-changes/preview", NULL, "{\"from\":", &r));
  check_problem(&r, 400, "malformed_json");
  resp_free(&r);

  CHECK(api(s, "POST", "/v1/variant-changes/preview", NULL, "[1,2]", &r));
  check_problem(&r, 400, "malformed_json");
  resp_free(&r);

  CHECK(api(s, "POST", "/v1/variant-changes/preview", NULL, "{\"from\":\"a\",\"from\":\"b\"}", &r));
  check_problem(&r, 400, "malformed_json");
  resp_free(&r);

  CHECK(api(s, "POST", "/v1/variant-changes/preview", NULL, NULL, &r));
  check_problem(&r, 400, "body_required");
  resp_free(&r);

  const char *text[] = {"Content-Type: text/plain", NULL};
  CHECK(http(s, "POST", "/v1/variant-changes/preview", text, "{\"from\":\"start\",\"to\":\"pro\"}", &r));
  check_problem(&r, 415, "unsupported_media_type");
  resp_free(&r);

  size_t big = 1024 * 1024 + 16;
  char *huge = malloc(big + 1);
  CHECK(huge != NULL);
  if (huge) {
    memset(huge, ' ', big);
    huge[0] = '{';
    huge[big - 1] = '}';
    huge[big] = '\0';
    CHECK(api(s, "POST", "/v1/variant-changes/preview", NULL, huge, &r));
    check_problem(&r, 413, "body_too_large");
    resp_free(&r);
    free(huge);
  }
}

static void test_refusals(struct server *s)
{
  struct resp r;
  CHECK(api(s, "GET", "/v1/nothing-here", NULL, NULL, &r));
  check_problem(&r, 404, "route_not_found");
  resp_free(&r);

  CHECK(api(s, "DELETE", "/v1/variants", NULL, NULL, &r));
  check_problem(&r, 405, "method_not_allowed");
  char allow[64] = "";
  CHECK(resp_header(&r, "allow", allow, sizeof allow));
  CHECK(strstr(allow, "GET") != NULL);
  resp_free(&r);

  CHECK(api(s, "OPTIONS", "/v1/variants", NULL, NULL, &r));
  CHECK_INT(r.status, 204);
  resp_free(&r);

  char path[9000] = "/v1/variants/";
  size_t n = strlen(path);
  memset(path + n, 'x', sizeof path - n - 1);
  path[sizeof path - 1] = '\0';
  CHECK(api(s, "GET", path, NULL, NULL, &r));
  check_problem(&r, 414, "uri_too_long");
  resp_free(&r);
}

int main(void)
{
  struct server s;
  server_start(&s, NULL, NULL);
  test_health(&s);
  test_variants(&s);
  test_preview(&s);
  test_refusals(&s);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
