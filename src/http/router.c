/* router.c - segment-by-segment matching of request paths against route patterns. */
#include "router.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The end of the segment that starts at s (its '/' or NUL). */
static const char *segment_end(const char *s)
{
  while (*s && *s != '/')
    s++;
  return s;
}

/* Compares pattern and path segment by segment in one walk (most patterns differ from the
 * path within a few bytes: no segment is measured before it is compared); fills params when
 * out is non-NULL. */
static bool path_matches(const char *pattern, const char *path, struct request *out)
{
  size_t np = 0;
  const char *p = pattern, *s = path;
  char *buf = out ? out->param_buf : NULL;
  while (*p && *s) {
    if (*p != '/' || *s != '/')
      return false;
    p++, s++;
    if (*p == '{') {
      const char *pe = segment_end(p), *se = segment_end(s);
      size_t pl = (size_t)(pe - p), sl = (size_t)(se - s);
      if (pl > 2 && pe[-1] == '}') {
        if (sl == 0 || np >= HTTP_MAX_PARAMS)
          return false;
        if (out) {
          /* Names point into the static pattern: copy "name" without braces into the buffer
           * after the value so that both live as long as the request. */
          memcpy(buf, s, sl);
          buf[sl] = '\0';
          out->param_values[np] = buf;
          buf += sl + 1;
          memcpy(buf, p + 1, pl - 2);
          buf[pl - 2] = '\0';
          out->param_names[np] = buf;
          buf += pl - 1;
        }
        np++;
        p = pe, s = se;
        continue;
      }
    }
    while (*p && *p != '/' && *p == *s) /* a literal segment (or a lone brace) */
      p++, s++;
    if ((*p && *p != '/') || (*s && *s != '/'))
      return false;
  }
  return *p == '\0' && *s == '\0';
}

static void allow_add(char *allow, size_t len, const char *method)
{
  if (strstr(allow, method))
    return;
  if (*allow)
    strncat(allow, ", ", len - strlen(allow) - 1);
  strncat(allow, method, len - strlen(allow) - 1);
}

size_t *router_literals(const struct route *routes, size_t n)
{
  size_t *literal = malloc((n ? n : 1) * sizeof *literal);
  for (size_t i = 0; literal && i < n; i++)
    literal[i] = strcspn(routes[i].pattern, "{");
  return literal;
}

/* Whether path (path_len bytes) may match route i: it starts with the pattern's literal start
 * (up to the first '{', where segments and bytes still pair one to one). */
static bool may_match(const struct route *routes, const size_t *literal, size_t i,
                      const char *path, size_t path_len)
{
  return !literal ||
         (literal[i] <= path_len && memcmp(routes[i].pattern, path, literal[i]) == 0);
}

enum router_result router_match(const struct route *routes, const size_t *literal, size_t n,
                                const char *method, struct request *req, char *allow,
                                size_t allow_len)
{
  const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
  const struct route *found = NULL;
  size_t path_len = strlen(req->path);
  allow[0] = '\0';
  /* The first route of the method whose pattern matches: a match needs no Allow list (only
   * a preflight's and a 405's answers show one), so only patterns of the method are walked. */
  for (size_t i = 0; i < n && !found; i++) /* the first two letters first: a strcmp for */
    if (routes[i].method[0] == want[0] && routes[i].method[1] == want[1] && /* each route was */
        strcmp(routes[i].method, want) == 0 && /* about half of the match's time */
        may_match(routes, literal, i, req->path, path_len) &&
        path_matches(routes[i].pattern, req->path, NULL))
      found = &routes[i];
  if (found) {
    /* Values and names of the parameters together never exceed path + pattern. */
    req->param_buf = malloc(path_len + strlen(found->pattern) + 2 * HTTP_MAX_PARAMS);
    if (!req->param_buf)
      return ROUTER_NO_PATH;
    path_matches(found->pattern, req->path, req);
    req->route = found;
    return ROUTER_MATCH;
  }
  for (size_t i = 0; i < n; i++) {
    if (!may_match(routes, literal, i, req->path, path_len) ||
        !path_matches(routes[i].pattern, req->path, NULL))
      continue;
    allow_add(allow, allow_len, routes[i].method);
    if (strcmp(routes[i].method, "GET") == 0)
      allow_add(allow, allow_len, "HEAD");
  }
  if (!allow[0])
    return ROUTER_NO_PATH;
  allow_add(allow, allow_len, "OPTIONS");
  return ROUTER_NO_METHOD;
}
