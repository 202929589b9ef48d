/* HTTP conventions over real HTTP: a list page names the next one in `Link: <...>; rel="next"`
 * (followed here to the end), a GET answered 200 carries an ETag (the version's, or a weak
 * digest of the body) and If-None-Match naming it is answered 304 without a body until the
 * resource changes, and answers carrying personal data say Cache-Control: no-store. */
#include "fixtures.h"
#include "harness.h"
#include "testlib.h"

#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

static void customer(struct server *s, const char *token, const char *cid, const char *name,
                     char *id)
{
  char body[256];
  snprintf(body, sizeof body, "{\"corporate_id\":\"%s\",\"name\":\"%s\",\"email\":\"k@kund.se\"}",
           cid, name);
  struct resp r;
  CHECK(api(s, "POST", "/v1/customers", token, body, &r));
  CHECK_INT(r.status, 201);
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  resp_free(&r);
}

/* GETs path with If-None-Match: inm (and the token); returns the status, the ETag in etag. */
static long get_inm(struct server *s, const char *method, const char *path, const char *token,
                    const char *inm, char *etag, size_t etag_len, size_t *body_len)
{
  char h[256];
  snprintf(h, sizeof h, "If-None-Match: %s", inm);
  const char *extra[] = {h, NULL};
  struct resp r;
  CHECK(api_with(s, method, path, token, NULL, inm ? extra : NULL, &r));
  etag[0] = '\0';
  resp_header(&r, "etag", etag, etag_len);
  if (body_len)
    *body_len = r.body_len;
  long st = r.status;
  resp_free(&r);
  return st;
}

static void test_link(struct server *s, const char *token)
{
  /* Three customers, a page of one: two Links to follow, none on the last page. */
  char path[1024] = "/v1/customers?limit=1&q=%C3%85";
  int pages = 0;
  for (;;) {
    struct resp r;
    CHECK(api(s, "GET", path, token, NULL, &r));
    CHECK_INT(r.status, 200);
    CHECK_INT(json_array_size(json_object_get(r.json, "items")), 1);
    pages++;
    char link[1024] = "";
    bool has = resp_header(&r, "link", link, sizeof link);
    bool last = json_is_null(json_object_get(r.json, "next_cursor"));
    CHECK_MSG(has != last, "page %d: Link %s, next_cursor %s", pages, has ? link : "absent",
              last ? "null" : "set");
    resp_free(&r);
    if (!has || pages > 5)
      break;
    /* <path?query>; rel="next": the same filter and limit, and the cursor. */
    char *end = strstr(link, ">; rel=\"next\"");
    CHECK_MSG(link[0] == '<' && end, "Link is '%s'", link);
    if (link[0] != '<' || !end)
      break;
    *end = '\0';
    CHECK_MSG(strncmp(link + 1, "/v1/customers?", 14) == 0, "Link target '%s'", link + 1);
    CHECK_MSG(strstr(link, "limit=1") && strstr(link, "q=%C3%85") && strstr(link, "cursor="),
              "Link target '%s' keeps the query", link + 1);
    snprintf(path, sizeof path, "%s", link + 1);
  }
  CHECK_INT(pages, 3);
}

static void test_etag(struct server *s, const char *token, const char *id)
{
  char path[128], etag[128], again[128];
  size_t len = 0;
  snprintf(path, sizeof path, "/v1/customers/%s", id);
  CHECK_INT(get_inm(s, "GET", path, token, NULL, etag, sizeof etag, NULL), 200);
  CHECK_STR(etag, "\"1\"");
  CHECK_INT(get_inm(s, "GET", path, token, "\"1\"", again, sizeof again, &len), 304);
  CHECK_STR(again, "\"1\"");
  CHECK_INT(len, 0);
  CHECK_INT(get_inm(s, "HEAD", path, token, "W/\"1\", \"7\"", again, sizeof again, NULL), 304);
  CHECK_INT(get_inm(s, "GET", path, token, "\"2\"", again, sizeof again, &len), 200);
  CHECK(len > 0);
  CHECK_INT(get_inm(s, "GET", path, token, "*", again, sizeof again, NULL), 304);

  /* A change moves the version on: the old tag no longer matches. */
  struct resp r;
  const char *if1[] = {"If-Match: \"1\"", NULL};
  CHECK(api_with(s, "PATCH", path, token, "{\"name\":\"\xc3\x85ngen AB\"}", if1, &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
  CHECK_INT(get_inm(s, "GET", path, token, "\"1\"", again, sizeof again, NULL), 200);
  CHECK_STR(again, "\"2\"");

  /* A list has no version: its tag is a digest of the page, weak, and moves with it. */
  char list[128];
  CHECK_INT(get_inm(s, "GET", "/v1/customers", token, NULL, list, sizeof list, NULL), 200);
  CHECK_MSG(strncmp(list, "W/\"", 3) == 0, "list ETag '%s'", list);
  CHECK_INT(get_inm(s, "GET", "/v1/customers", token, list, again, sizeof again, &len), 304);
  CHECK_STR(again, list);
  CHECK_INT(len, 0);
  char other[FX_ID_LEN];
  customer(s, token, "556677-8899", "\xc3\x85nnu en AB", other);
  CHECK_INT(get_inm(s, "GET", "/v1/customers", token, list, again, sizeof again, NULL), 200);
  CHECK(strcmp(again, list) != 0);
  /* Public answers too; a change (POST) is never answered 304. */
  CHECK_INT(get_inm(s, "GET", "/v1/variants", NULL, NULL, list, sizeof list, NULL), 200);
  CHECK_INT(get_inm(s, "GET", "/v1/variants", NULL, list, again, sizeof again, NULL), 304);
  const char *star[] = {"If-None-Match: *", "Content-Type: application/json", NULL};
  CHECK(http(s, "POST", "/v1/variant-changes/preview", star,
             "{\"from\":\"bokforing\",\"to\":\"smart\"}", &r));
  CHECK_INT(r.status, 200);
  resp_free(&r);
}

static void test_no_store(struct server *s, const char *token, const char *id)
{
  char path[128], cc[128] = "";
  snprintf(path, sizeof path, "/v1/customers/%s", id);
  struct resp r;
  CHECK(api(s, "GET", path, token, NULL, &r));
  CHECK(resp_header(&r, "cache-control", cc, sizeof cc));
  CHECK_STR(cc, "no-store");
  resp_free(&r);
  CHECK(api(s, "GET", "/v1/me", token, NULL, &r));
  CHECK(resp_header(&r, "cache-control", cc, sizeof cc));
  CHECK_STR(cc, "no-store");
  resp_free(&r);
}

int main(void)
{
  struct server s;
  server_start(&s, NULL, NULL);
  char office[FX_ID_LEN], token[FX_TOKEN_LEN], a[FX_ID_LEN], b[FX_ID_LEN], c[FX_ID_LEN];
  fx_office(&s, "Byr\xc3\xa5 Ett AB", "556036-0793", "info@byra-ett.se", office, token);
  customer(&s, token, "802002-4280", "\xc3\x85 Kund AB", a);
  customer(&s, token, "556036-0793", "\xc3\x85 Volvo", b);
  customer(&s, token, "556016-0680", "\xc3\x85 Ericsson", c);
  test_link(&s, token);
  test_etag(&s, token, a);
  test_no_store(&s, token, a);
  server_stop(&s, false);
  return TEST_REPORT();
}
