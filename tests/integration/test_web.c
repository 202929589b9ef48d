/* Integration test of what advisord serves besides the API, from files built into the binary:
 * every page route answers the app shell; every file of src/web/ is served under /assets/
 * byte for byte with the type of its extension; /openapi.yaml is the repository's file byte
 * for byte and /openapi.json the same document; /docs loads the pinned Redoc bundle; each
 * answer has an ETag that If-None-Match turns into a 304 (any other tag: 200), Cache-Control
 * no-cache, nosniff, no referrer and a Content-Security-Policy without inline script, which
 * the pages keep (no inline script or style in any HTML file); unknown paths stay
 * problem+json 404s. */
#include "harness.h"
#include "testlib.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

static const char *type_of(const char *name)
{
  const char *dot = strrchr(name, '.');
  if (dot && strcmp(dot, ".html") == 0)
    return "text/html; charset=utf-8";
  if (dot && strcmp(dot, ".js") == 0)
    return "text/javascript; charset=utf-8";
  if (dot && strcmp(dot, ".css") == 0)
    return "text/css; charset=utf-8";
  if (dot && strcmp(dot, ".svg") == 0)
    return "image/svg+xml";
  return "?";
}

/* path answers 200 with the bytes of file, its type, an ETag that gives 304. */
static void check_file(struct server *s, const char *path, const char *file, const char *type)
{
  size_t len = 0;
  char *want = file_slurp(file, &len);
  CHECK_MSG(want != NULL, "cannot read %s", file);
  struct resp r;
  CHECK(http_web(s, "GET", path, NULL, &r));
  CHECK_MSG(r.status == 200, "%s: %ld", path, r.status);
  CHECK_MSG(want && r.body_len == len && memcmp(r.body, want, len) == 0,
            "%s is not %s byte for byte (%zu vs %zu bytes)", path, file, r.body_len, len);
  char v[512], etag[128] = "";
  CHECK_MSG(resp_header(&r, "content-type", v, sizeof v) && strcmp(v, type) == 0, "%s: %s",
            path, v);
  CHECK(resp_header(&r, "cache-control", v, sizeof v) && strcmp(v, "no-cache") == 0);
  CHECK(resp_header(&r, "x-content-type-options", v, sizeof v) && strcmp(v, "nosniff") == 0);
  CHECK(resp_header(&r, "etag", etag, sizeof etag) && strlen(etag) == 34 && etag[0] == '"');
  resp_free(&r);
  char inm[300];
  const char *before[] = {"", "W/", "\"other\", ", NULL};
  for (size_t i = 0; i < 4; i++) {
    if (before[i])
      snprintf(inm, sizeof inm, "If-None-Match: %s%s", before[i], etag);
    else
      snprintf(inm, sizeof inm, "If-None-Match: *");
    const char *h[] = {inm, NULL};
    CHECK(http_web(s, "GET", path, h, &r));
    CHECK_MSG(r.status == 304 && r.body_len == 0, "%s with %s: %ld", path, inm, r.status);
    char e2[128];
    CHECK(resp_header(&r, "etag", e2, sizeof e2) && strcmp(e2, etag) == 0);
    resp_free(&r);
  }
  const char *other[] = {"If-None-Match: \"0123456789abcdef0123456789abcdef\"", NULL};
  CHECK(http_web(s, "GET", path, other, &r));
  CHECK_MSG(r.status == 200 && r.body_len == len, "%s with another tag: %ld", path, r.status);
  resp_free(&r);
  free(want);
}

/* An HTML file keeps the pages' policy: scripts only from files, no style attribute or
 * element, no inline event handler. */
static void check_no_inline(const char *name, const char *html)
{
  for (const char *p = html; (p = strstr(p, "<script")); p++) {
    const char *end = strchr(p, '>');
    CHECK_MSG(end && memmem(p, (size_t)(end - p), " src=", 5), "%s: an inline script", name);
  }
  CHECK_MSG(!strstr(html, "<style") && !strstr(html, " style=") && !strstr(html, " onclick=") &&
                !strstr(html, " onload="),
            "%s: inline style or handler", name);
}

static void test_pages(struct server *s)
{
  char shell_path[512];
  snprintf(shell_path, sizeof shell_path, "%s/src/web/index.html", ADVISORD_SOURCE_DIR);
  const char *pages[] = {"/", "/sign-in", "/invitation", "/customers",
                         "/customers/0b9f3c56-1111-4222-8333-444455556666", "/collaborations",
                         "/collaborations/0b9f3c56-1111-4222-8333-444455556666", "/batches",
                         "/batches/0b9f3c56-1111-4222-8333-444455556666"};
  for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
    check_file(s, pages[i], shell_path, "text/html; charset=utf-8");
    struct resp r;
    CHECK(http_web(s, "GET", pages[i], NULL, &r));
    char csp[1024], ref[64];
    CHECK(resp_header(&r, "content-security-policy", csp, sizeof csp));
    CHECK_MSG(strstr(csp, "script-src 'self';") && !strstr(csp, "unsafe") &&
                  strstr(csp, "frame-ancestors 'none'") && strstr(csp, "default-src 'none'"),
              "%s: CSP %s", pages[i], csp);
    CHECK(resp_header(&r, "referrer-policy", ref, sizeof ref) && strcmp(ref, "no-referrer") == 0);
    resp_free(&r);
  }
  struct resp r;
  CHECK(http_web(s, "HEAD", "/", NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK_INT(r.body_len, 0);
  resp_free(&r);
}

static void test_assets(struct server *s)
{
  char dir[512];
  snprintf(dir, sizeof dir, "%s/src/web", ADVISORD_SOURCE_DIR);
  DIR *d = opendir(dir);
  CHECK(d != NULL);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) {
    if (e->d_name[0] == '.')
      continue;
    char path[300], file[900];
    snprintf(path, sizeof path, "/assets/%s", e->d_name);
    snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
    check_file(s, path, file, type_of(e->d_name));
    n++;
    const char *dot = strrchr(e->d_name, '.');
    if (dot && strcmp(dot, ".html") == 0) {
      size_t len;
      char *html = file_slurp(file, &len);
      if (html)
        check_no_inline(e->d_name, html);
      free(html);
    }
  }
  if (d)
    closedir(d);
  CHECK_MSG(n >= 4, "only %d files in src/web", n);
  /* a name not built in, and unknown paths, are problem+json 404s as ever */
  const char *missing[] = {"/assets/nope.js", "/assets/..%2Fopenapi.yaml", "/nope", "/v1/nope"};
  for (size_t i = 0; i < 4; i++) {
    struct resp r;
    CHECK(i == 3 ? http(s, "GET", missing[i], NULL, NULL, &r)
                 : http_web(s, "GET", missing[i], NULL, &r));
    char ct[128];
    CHECK_MSG(r.status == 404 && resp_header(&r, "content-type", ct, sizeof ct) &&
                  strcmp(ct, "application/problem+json") == 0,
              "%s: %ld", missing[i], r.status);
    CHECK_STR(resp_str(&r, "code"), "route_not_found");
    resp_free(&r);
  }
}

/* Lines of the YAML file that open a path ("  /v1/...:"): the JSON must have as many. */
static size_t yaml_paths(const char *yaml)
{
  size_t n = 0;
  for (const char *p = yaml; (p = strstr(p, "\n  /")); p++)
    n++;
  return n;
}

static void test_contract(struct server *s)
{
  char file[512];
  snprintf(file, sizeof file, "%s/openapi.yaml", ADVISORD_SOURCE_DIR);
  check_file(s, "/openapi.yaml", file, "application/yaml");
  size_t len;
  char *yaml = file_slurp(file, &len);
  struct resp r;
  CHECK(http_web(s, "GET", "/openapi.json", NULL, &r));
  CHECK_INT(r.status, 200);
  char ct[128];
  CHECK(resp_header(&r, "content-type", ct, sizeof ct) && strcmp(ct, "application/json") == 0);
  CHECK_STR(resp_str(&r, "openapi"), "3.1.0");
  json_t *paths = json_object_get(r.json, "paths");
  CHECK(json_object_get(paths, "/v1/invitations/{token}") != NULL);
  CHECK_MSG(yaml && json_object_size(paths) == yaml_paths(yaml), "%zu paths in JSON, %zu in YAML",
            json_object_size(paths), yaml ? yaml_paths(yaml) : 0);
  /* the version in both is the same (info.version: "x.y.z") */
  const char *v = resp_str(&r, "info.version");
  char line[128];
  snprintf(line, sizeof line, "\n  version: %s\n", v ? v : "?");
  CHECK_MSG(yaml && strstr(yaml, line), "info.version %s not in openapi.yaml", v ? v : "?");
  resp_free(&r);
  free(yaml);

  CHECK(http_web(s, "GET", "/docs", NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK(strstr(r.body, "<redoc spec-url=\"/openapi.json\"") != NULL);
  CHECK(strstr(r.body, "<link rel=\"stylesheet\" href=\"/assets/docs.css\">") != NULL);
  CHECK(strstr(r.body, "<script src=\"/assets/redoc.standalone.js\">") != NULL);
  char csp[1024];
  CHECK(resp_header(&r, "content-security-policy", csp, sizeof csp) &&
        strstr(csp, "script-src 'self';"));
  resp_free(&r);
  CHECK(http_web(s, "GET", "/assets/redoc.standalone.js", NULL, &r));
  CHECK_INT(r.status, 200);
  CHECK(resp_header(&r, "content-type", ct, sizeof ct) &&
        strcmp(ct, "text/javascript; charset=utf-8") == 0);
  CHECK_MSG(r.body_len > 500000 && strstr(r.body, "Redoc"), "redoc bundle: %zu bytes",
            r.body_len);
  resp_free(&r);
}

int main(void)
{
  struct server s;
  server_start(&s, NULL, NULL);
  test_pages(&s);
  test_assets(&s);
  test_contract(&s);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
