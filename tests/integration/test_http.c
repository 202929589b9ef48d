/* Integration tests of the HTTP core over real HTTP: variants, the preview, and every kind of
 * bad request the foundation answers (413, 400, 415, 404, 405, 414), CORS, HEAD and request ids;
 * the server must keep serving after each. */
#include "harness.h"
#include "testlib.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

TEST_MAIN_DEFS

static const char *const JSON_CT[] = {"Content-Type: application/json", NULL};

static void check_problem(const struct resp *r, long status, const char *code)
{
  char ct[128] = "";
  CHECK_INT(r->status, status);
  CHECK(resp_header(r, "content-type", ct, sizeof ct));
  CHECK_STR(ct, "application/problem+json");
  CHECK_STR(resp_str(r, "code"), code);
  CHECK_INT(json_integer_value(json_object_get(r->json, "status")), status);
  CHECK(resp_str(r, "title") != NULL);
  CHECK(resp_str(r, "request_id") != NULL);
}

static void check_alive(struct server *s)
{
  struct resp r;
  CHECK(http(s, "GET", "/healthz", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
}

/* Sends raw bytes on a new connection and returns the status code of the reply (0: none). */
static int raw_exchange(struct server *s, const char *data, size_t len)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return 0;
  }
  size_t off = 0;
  while (off < len) {
    ssize_t n = send(fd, data + off, len - off, MSG_NOSIGNAL);
    if (n <= 0)
      break;
    off += (size_t)n;
  }
  char buf[512] = "";
  ssize_t got = recv(fd, buf, sizeof buf - 1, 0);
  close(fd);
  int status = 0;
  if (got > 12)
    sscanf(buf, "HTTP/1.1 %d", &status);
  return status;
}

static void test_variants(struct server *s)
{
  struct resp r;
  CHECK(http(s, "GET", "/v1/variants", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  json_t *items = json_object_get(r.json, "items");
  CHECK_INT(json_array_size(items), 5);
  const char *codes[] = {"start", "bokforing", "fakturering", "smart", "pro"};
  for (size_t i = 0; i < 5 && i < json_array_size(items); i++)
    CHECK_STR(json_string_value(json_object_get(json_array_get(items, i), "code")), codes[i]);
  json_t *pro = json_array_get(items, 4);
  CHECK_INT(json_array_size(json_object_get(pro, "features")), 7);
  resp_free(&r);

  CHECK(http(s, "GET", "/v1/variants/bokforing", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "name"), "Visma eEkonomi Bokf\xc3\xb6ring");
  /* JSON in UTF-8 as it is (RFC 8259), not "Bokf\u00f6ring". */
  CHECK(strstr(r.body, "\"name\":\"Visma eEkonomi Bokf\xc3\xb6ring\"") != NULL);
  CHECK(strstr(r.body, "\\u") == NULL);
  resp_free(&r);

  CHECK(http(s, "GET", "/v1/variants/gold", NULL, NULL, &r));
  check_problem(&r, 404, "not_found");
  resp_free(&r);

  CHECK(http(s, "GET", "/v1/variants/%C3%A5%F0%9F%98%80", NULL, NULL, &r));
  check_problem(&r, 404, "not_found");
  /* A problem too, also beyond the BMP (no surrogate pair escapes). */
  CHECK(strstr(r.body, "/v1/variants/\xc3\xa5\xf0\x9f\x98\x80\"") != NULL);
  CHECK(strstr(r.body, "\\u") == NULL);
  resp_free(&r);

  CHECK(http(s, "HEAD", "/healthz", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT(r.body_len, 0);
  resp_free(&r);

  CHECK(http(s, "HEAD", "/v1/variants", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT(r.body_len, 0);
  resp_free(&r);
}

static void preview(struct server *s, const char *from, const char *to, const char *kind,
                    bool support, size_t gained, size_t lost)
{
  char body[128];
  snprintf(body, sizeof body, "{\"from\":\"%s\",\"to\":\"%s\"}", from, to);
  struct resp r;
  CHECK(http(s, "POST", "/v1/variant-changes/preview", JSON_CT, body, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "kind"), kind);
  CHECK(json_is_true(json_object_get(r.json, "requires_support")) == support);
  CHECK_INT(json_array_size(json_object_get(r.json, "gained_features")), gained);
  CHECK_INT(json_array_size(json_object_get(r.json, "lost_features")), lost);
  resp_free(&r);
}

static void test_preview(struct server *s)
{
  preview(s, "start", "pro", "upgrade", false, 5, 0);
  preview(s, "bokforing", "smart", "upgrade", false, 1, 0);
  preview(s, "bokforing", "fakturering", "downgrade", true, 1, 1);
  preview(s, "pro", "start", "downgrade", true, 0, 5);
  preview(s, "smart", "smart", "same", false, 0, 0);

  struct resp r;
  CHECK(http(s, "POST", "/v1/variant-changes/preview", JSON_CT, "{\"from\":\"start\",\"to\":\"gold\"}", &r));
  check_problem(&r, 400, "validation_failed");
  json_t *errs = json_object_get(r.json, "errors");
  CHECK_INT(json_array_size(errs), 1);
  CHECK_STR(json_string_value(json_object_get(json_array_get(errs, 0), "field")), "to");
  resp_free(&r);

  CHECK(http(s, "POST", "/v1/variant-changes/preview", JSON_CT, "{\"from\":1,\"extra\":true}", &r));
  check_problem(&r, 400, "validation_failed");
  CHECK_INT(json_array_size(json_object_get(r.json, "errors")), 3); /* extra, from, to */
  CHECK(strstr(resp_str(&r, "detail"), "extra") != NULL);
  resp_free(&r);

  CHECK(http(s, "POST", "/v1/variant-changes/preview", JSON_CT, "{\"a\":1,\"a\":2}", &r));
  check_problem(&r, 400, "malformed_json");
  resp_free(&r);
  check_alive(s);

  CHECK(http(s, "POST", "/v1/variant-changes/preview", JSON_CT, "[1,2]", &r));
  check_problem(&r, 400, "malformed_json");
  resp_free(&r);

  CHECK(http(s, "POST", "/v1/variant-changes/preview", JSON_CT, "{\"from\":", &r));
  check_problem(&r, 400, "malformed_json");
  resp_free(&r);

  CHECK(http(s, "POST", "/v1/variant-changes/preview", NULL, NULL, &r));
  check_problem(&r, 400, "body_required");
  resp_free(&r);

  const char *text[] = {"Content-Type: text/plain", NULL};
  CHECK(http(s, "POST", "/v1/variant-changes/preview", text, "from=start", &r));
  check_problem(&r, 415, "unsupported_media_type");
  resp_free(&r);
  check_alive(s);

  size_t big = 2u << 20;
  char *body = malloc(big + 1);
  memset(body, ' ', big);
  body[0] = '{';
  body[big - 1] = '}';
  body[big] = '\0';
  CHECK(http(s, "POST", "/v1/variant-changes/preview", JSON_CT, body, &r));
  check_problem(&r, 413, "body_too_large");
  resp_free(&r);
  free(body);
  check_alive(s);

  /* No Content-Length: a chunked body is refused before it is read (411): the reply comes
   * to the head alone. (Sent after a body, the reply could be lost to the connection reset
   * that closing with the body unread causes.) */
  char head[] = "POST /v1/variant-changes/preview HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  CHECK_INT(raw_exchange(s, head, strlen(head)), 411);
  check_alive(s);

  /* The 2 MiB body above was sent whole (the harness sends no Expect) and read before the
   * 413; a body offered with Expect: 100-continue is refused before it is sent. */
  char offer[] = "POST /v1/variant-changes/preview HTTP/1.1\r\nHost: x\r\n"
                 "Content-Type: application/json\r\nContent-Length: 20000000\r\n"
                 "Expect: 100-continue\r\n\r\n";
  CHECK_INT(raw_exchange(s, offer, strlen(offer)), 413);
  check_alive(s);
}

static void test_routing(struct server *s)
{
  struct resp r;
  CHECK(http(s, "GET", "/v1/nothing-here", NULL, NULL, &r));
  check_problem(&r, 404, "route_not_found");
  resp_free(&r);

  CHECK(http(s, "DELETE", "/v1/variants", NULL, NULL, &r));
  check_problem(&r, 405, "method_not_allowed");
  char allow[128] = "";
  CHECK(resp_header(&r, "allow", allow, sizeof allow));
  CHECK(strstr(allow, "GET") != NULL);
  CHECK(strstr(allow, "HEAD") != NULL);
  resp_free(&r);
  check_alive(s);

  CHECK(http(s, "OPTIONS", "/v1/variants", NULL, NULL, &r));
  CHECK_INT(r.status, 204);
  CHECK(resp_header(&r, "allow", allow, sizeof allow));
  CHECK(strstr(allow, "GET") != NULL);
  resp_free(&r);

  char long_path[9000] = "/v1/variants/";
  memset(long_path + strlen(long_path), 'x', sizeof long_path - strlen(long_path) - 1);
  long_path[sizeof long_path - 1] = '\0';
  CHECK(http(s, "GET", long_path, NULL, NULL, &r));
  check_problem(&r, 414, "uri_too_long");
  resp_free(&r);

  size_t n = 10000;
  char *path = malloc(n + 32);
  strcpy(path, "/v1/variants?q=");
  memset(path + strlen(path), 'x', n);
  path[n + 15] = '\0';
  CHECK(http(s, "GET", path, NULL, NULL, &r));
  check_problem(&r, 414, "uri_too_long");
  resp_free(&r);
  free(path);
  check_alive(s);
}

static void test_headers(struct server *s)
{
  struct resp r;
  const char *rid[] = {"X-Request-Id: trace-123.abc", NULL};
  char got[128] = "";
  CHECK(http(s, "GET", "/healthz", rid, NULL, &r));
  CHECK(resp_header(&r, "x-request-id", got, sizeof got));
  CHECK_STR(got, "trace-123.abc");
  resp_free(&r);

  const char *bad_rid[] = {"X-Request-Id: <script>", NULL};
  CHECK(http(s, "GET", "/healthz", bad_rid, NULL, &r));
  CHECK(resp_header(&r, "x-request-id", got, sizeof got));
  CHECK(strcmp(got, "<script>") != 0 && strlen(got) == 36);
  resp_free(&r);

  const char *pre[] = {"Origin: https://app.example", "Access-Control-Request-Method: POST",
                       "Access-Control-Request-Headers: content-type", NULL};
  CHECK(http(s, "OPTIONS", "/v1/variant-changes/preview", pre, NULL, &r));
  CHECK_INT(r.status, 204);
  CHECK(resp_header(&r, "access-control-allow-origin", got, sizeof got));
  CHECK_STR(got, "https://app.example");
  CHECK(resp_header(&r, "access-control-allow-methods", got, sizeof got));
  CHECK(strstr(got, "POST") != NULL);
  resp_free(&r);

  const char *other[] = {"Origin: https://evil.example", NULL};
  CHECK(http(s, "GET", "/v1/variants", other, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK(!resp_header(&r, "access-control-allow-origin", got, sizeof got));
  resp_free(&r);

  const char *ok[] = {"Origin: https://app.example", NULL};
  CHECK(http(s, "GET", "/v1/variants", ok, NULL, &r));
  CHECK(resp_header(&r, "access-control-allow-origin", got, sizeof got));
  resp_free(&r);
}

/* A link token must never reach the log, whatever the method or a trailing bit of path. */
static void test_log_redaction(struct server *s)
{
  const char *token = "SeCrEtInViTaTiOnToKeN0123456789abcdefghijklm";
  const char *methods[] = {"GET", "DELETE", "GET", "PUT", "GET"};
  const char *suffix[] = {"/accept", "", "/approve/", "", ""};
  for (size_t i = 0; i < 5; i++) {
    char path[256];
    snprintf(path, sizeof path, "/v1/invitations/%s%s", token, suffix[i]);
    struct resp r;
    CHECK(http(s, methods[i], path, NULL, NULL, &r));
    CHECK(r.status == 404 || r.status == 405);
    resp_free(&r);
  }
  char long_path[9100];
  int n = snprintf(long_path, sizeof long_path, "/v1/invitations/%s/", token);
  memset(long_path + n, 'x', sizeof long_path - (size_t)n - 1);
  long_path[sizeof long_path - 1] = '\0';
  struct resp r;
  CHECK(http(s, "GET", long_path, NULL, NULL, &r));
  check_problem(&r, 414, "uri_too_long");
  resp_free(&r);
  check_alive(s);
  /* the access log line is written when a request completes, just after its answer: wait */
  char line[16384];
  int hits = 0, logged = 0;
  for (int tries = 0; tries < 40 && logged < 6; tries++) {
    if (tries)
      usleep(50000);
    FILE *f = fopen(s->log, "r");
    CHECK(f != NULL);
    hits = logged = 0;
    while (f && fgets(line, sizeof line, f)) {
      hits += strstr(line, token) != NULL;
      logged += strstr(line, "/v1/invitations/[redacted]") != NULL;
    }
    if (f)
      fclose(f);
  }
  CHECK_INT(hits, 0);
  CHECK(logged >= 6);
}

/* libmicrohttpd's memory per connection follows --url-max (src/http/server.c, conn_memory):
 * a URI one byte over the largest cap is still refused by advisord in problem+json, not by the
 * library, and a 20 KB header block (a big cookie) and a 40,000-byte URI still reach advisord at
 * the default cap. */
static void test_request_head_room(struct server *dflt)
{
  struct resp r;
  char *pad = malloc(20001);
  memset(pad, 'a', 20000);
  pad[20000] = '\0';
  char *hdr = malloc(20016);
  snprintf(hdr, 20016, "X-Pad: %s", pad);
  const char *big[] = {hdr, NULL};
  CHECK(http(dflt, "GET", "/v1/variants", big, NULL, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  free(hdr);
  free(pad);
  /* a 40,000-byte URI at the default cap: advisord's 414, not the library's HTML page */
  char *uri = malloc(40001);
  memcpy(uri, "/v1/customers/", 14);
  memset(uri + 14, 'a', 40000 - 14);
  uri[40000] = '\0';
  CHECK(http(dflt, "GET", uri, NULL, NULL, &r));
  check_problem(&r, 414, "uri_too_long");
  resp_free(&r);
  free(uri);

  struct server s;
  const char *args[] = {"--url-max", "32768", NULL};
  server_start(&s, args, NULL);
  size_t n = 32769;
  char *path = malloc(n + 1);
  memcpy(path, "/v1/variants/", 13);
  memset(path + 13, 'x', n - 13);
  path[n] = '\0';
  CHECK(http(&s, "GET", path, NULL, NULL, &r));
  check_problem(&r, 414, "uri_too_long");
  resp_free(&r);
  path[n - 1] = '\0'; /* 32768: within the cap */
  CHECK(http(&s, "GET", path, NULL, NULL, &r));
  check_problem(&r, 404, "not_found");
  resp_free(&r);
  free(path);
  CHECK_INT(server_stop(&s, false), 0);
}

int main(void)
{
  struct server s;
  const char *args[] = {"--cors-origins", "https://app.example, https://other.example", NULL};
  server_start(&s, args, NULL);
  check_alive(&s);
  struct resp r;
  CHECK(http(&s, "GET", "/readyz", NULL, NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_STR(resp_str(&r, "status"), "ready");
  CHECK(json_integer_value(json_object_get(r.json, "schema_version")) >= 1);
  resp_free(&r);
  test_variants(&s);
  test_preview(&s);
  test_routing(&s);
  test_headers(&s);
  test_log_redaction(&s);
  test_request_head_room(&s);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
