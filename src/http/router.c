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

/* router_literals' table for n routes, in four parts of n: each pattern's literal start (the
 * bytes before its first '{'), its method's code (method_code), and the start's first W bytes
 * (head) with the mask that keeps as many of a word (both zero-padded, laid out by memcpy, so
 * the same in either byte order). */
enum { T_LITERAL, T_METHOD, T_HEAD, T_MASK, T_PARTS };
#define W sizeof(size_t)

/* 1 + the method's place among the methods routes take; 0 for any other (compared as text) */
static size_t method_code(const char *m)
{
  static const char *const known[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if (strcmp(m, known[i]) == 0)
      return i + 1;
  return 0;
}

/* The first min(n, W) bytes at s in a zero-padded word */
static size_t head_of(const char *s, size_t n)
{
  size_t h = 0;
  memcpy(&h, s, n < W ? n : W);
  return h;
}

size_t *router_literals(const struct route *routes, size_t n)
{
  size_t *t = malloc((n ? n : 1) * T_PARTS * sizeof *t);
  for (size_t i = 0; t && i < n; i++) {
    size_t lit = strcspn(routes[i].pattern, "{"), mask = 0;
    memset(&mask, 0xff, lit < W ? lit : W);
    t[T_LITERAL * n + i] = lit;
    t[T_METHOD * n + i] = method_code(routes[i].method);
    t[T_HEAD * n + i] = head_of(routes[i].pattern, lit);
    t[T_MASK * n + i] = mask;
  }
  return t;
}

/* A path as may_match compares it: its length and its first W bytes */
struct path_key {
  const char *path;
  size_t len, head;
};

/* Whether the path may match route i: it starts with the pattern's literal start (up to the
 * first '{', where segments and bytes still pair one to one): its first word under the mask,
 * then the rest of the start by memcmp (a path differs from most patterns within "/v1/" and
 * the next four bytes). */
static bool may_match(const struct route *routes, const size_t *t, size_t n, size_t i,
                      const struct path_key *k)
{
  if (!t)
    return true;
  size_t lit = t[T_LITERAL * n + i];
  return lit <= k->len && (k->head & t[T_MASK * n + i]) == t[T_HEAD * n + i] &&
         (lit <= W || memcmp(routes[i].pattern + W, k->path + W, lit - W) == 0);
}

/* Whether route i is of the method (want_code: method_code(want)) */
static bool of_method(const struct route *routes, const size_t *t, size_t n, size_t i,
                      const char *want, size_t want_code)
{
  if (t && want_code)
    return t[T_METHOD * n + i] == want_code;
  /* the first two letters first: a strcmp for each route was about half of the match's time */
  return routes[i].method[0] == want[0] && routes[i].method[1] == want[1] &&
         strcmp(routes[i].method, want) == 0;
}

enum router_result router_match(const struct route *routes, const size_t *literal, size_t n,
                                const char *method, struct request *req, char *allow,
                                size_t allow_len)
{
  const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
  size_t want_code = method_code(want);
  const struct route *found = NULL;
  size_t path_len = strlen(req->path);
  struct path_key k = {req->path, path_len, head_of(req->path, path_len)};
  allow[0] = '\0';
  /* The first route of the method whose pattern matches: a match needs no Allow list (only
   * a preflight's and a 405's answers show one), so only patterns of the method are walked. */
  for (size_t i = 0; i < n && !found; i++)
    if (of_method(routes, literal, n, i, want, want_code) &&
        may_match(routes, literal, n, i, &k) && path_matches(routes[i].pattern, req->path, NULL))
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
    if (!may_match(routes, literal, n, i, &k) ||
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
