/* Unit tests of the router's literal starts (router_literals): over the real route table, every
 * pattern with its parameters filled, cut short, lengthened, with a byte changed at each place,
 * and odd paths, each with every method, router_match answers the same with them as without
 * (the route, the result and the Allow list; methods no route takes too); and a few answers
 * checked as they must be. */
#include "api.h"
#include "router.h"
#include "testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TEST_MAIN_DEFS

static const char *const methods[] = {"GET",     "HEAD", "POST", "PATCH", "DELETE",
                                      "OPTIONS", "PUT",  "GE",   "PROPFIND"};
static size_t *literal;
static int compared;

/* path with each method, with and without the literal starts: the same answer */
static void same(const char *path)
{
  for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
    struct request a = {.method = methods[m], .path = (char *)path}, b = a;
    enum router_result ra = router_match(api_routes, literal, api_routes_count, a.method, &a,
                                         a.allow, sizeof a.allow);
    enum router_result rb = router_match(api_routes, NULL, api_routes_count, b.method, &b,
                                         b.allow, sizeof b.allow);
    CHECK_MSG(ra == rb && a.route == b.route && strcmp(a.allow, b.allow) == 0,
              "%s %s: %d %s [%s] with the literal starts, %d %s [%s] without", methods[m], path,
              ra, a.route ? a.route->pattern : "-", a.allow, rb, b.route ? b.route->pattern : "-",
              b.allow);
    if (a.param_buf && b.param_buf)
      for (size_t i = 0; i < HTTP_MAX_PARAMS && a.param_names[i]; i++)
        CHECK(strcmp(a.param_values[i], b.param_values[i]) == 0);
    free(a.param_buf);
    free(b.param_buf);
    compared++;
  }
}

/* pattern with each {name} replaced by value */
static void fill(const char *pattern, const char *value, char *out, size_t cap)
{
  size_t o = 0;
  for (const char *p = pattern; *p && o + strlen(value) + 2 < cap;) {
    if (*p == '{' && strchr(p, '}')) {
      o += (size_t)snprintf(out + o, cap - o, "%s", value);
      p = strchr(p, '}') + 1;
    } else {
      out[o++] = *p++;
    }
  }
  out[o] = '\0';
}

int main(void)
{
  literal = router_literals(api_routes, api_routes_count);
  CHECK(literal != NULL);
  static const char *const values[] = {"a", "8e3c1d52-0b7e-4c45-9f3a-2b1c9d0e7f61", "{id}", "",
                                       "x/y"};
  char path[512], edit[sizeof path + 8];
  for (size_t r = 0; r < api_routes_count; r++) {
    same(api_routes[r].pattern);
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
      fill(api_routes[r].pattern, values[v], path, sizeof path);
      same(path);
      size_t n = strlen(path);
      for (size_t cut = 0; cut < n; cut++) { /* cut short */
        snprintf(edit, sizeof edit, "%.*s", (int)cut, path);
        same(edit);
      }
      snprintf(edit, sizeof edit, "%s/", path);
      same(edit);
      snprintf(edit, sizeof edit, "%s/more", path);
      same(edit);
      for (size_t at = 0; at < n; at++) { /* a byte changed at each place */
        snprintf(edit, sizeof edit, "%s", path);
        edit[at] = edit[at] == 'z' ? 'q' : 'z';
        same(edit);
        edit[at] = '{';
        same(edit);
      }
    }
  }
  static const char *const odd[] = {"", "/", "//", "/v1", "/v1/", "/{", "/v1/{}", "/v1//x"};
  for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
    same(odd[i]);
  CHECK_MSG(compared > 10000, "only %d requests compared", compared);

  /* answers as they must be */
  struct request q = {.method = "GET", .path = "/v1/collaborations/8e3c1d52-0b7e-4c45-9f3a-2b1c9d0e7f61"};
  CHECK(router_match(api_routes, literal, api_routes_count, q.method, &q, q.allow,
                     sizeof q.allow) == ROUTER_MATCH);
  CHECK(q.route && strcmp(q.route->pattern, "/v1/collaborations/{id}") == 0);
  CHECK(strcmp(http_param(&q, "id"), "8e3c1d52-0b7e-4c45-9f3a-2b1c9d0e7f61") == 0);
  free(q.param_buf);
  struct request u = {.method = "GET", .path = "/v1/nothing-here"};
  CHECK(router_match(api_routes, literal, api_routes_count, u.method, &u, u.allow,
                     sizeof u.allow) == ROUTER_NO_PATH);
  struct request d = {.method = "PUT", .path = "/v1/collaborations"};
  CHECK(router_match(api_routes, literal, api_routes_count, d.method, &d, d.allow,
                     sizeof d.allow) == ROUTER_NO_METHOD);
  CHECK_MSG(strstr(d.allow, "GET") && strstr(d.allow, "OPTIONS"), "Allow: %s", d.allow);
  free(literal);
  return TEST_REPORT();
}
