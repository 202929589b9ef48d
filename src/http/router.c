/* router.c - segment-by-segment matching of request paths against route patterns. */
#include "router.h"

#include <stdlib.h>
#include <string.h>

/* Compares pattern and path segment by segment; fills params when out is non-NULL. */
static bool path_matches(const char *pattern, const char *path, struct request *out)
{
  size_t np = 0;
  const char *p = pattern, *s = path;
  char *buf = out ? out->param_buf : NULL;
  while (*p && *s) {
    if (*p != '/' || *s != '/')
      return false;
    p++, s++;
    const char *pe = strchr(p, '/'), *se = strchr(s, '/');
    size_t pl = pe ? (size_t)(pe - p) : strlen(p), sl = se ? (size_t)(se - s) : strlen(s);
    if (pl > 2 && p[0] == '{' && p[pl - 1] == '}') {
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
    } else if (pl != sl || memcmp(p, s, pl) != 0) {
      return false;
    }
    p += pl, s += sl;
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

enum router_result router_match(const struct route *routes, size_t n, const char *method,
                                struct request *req, char *allow, size_t allow_len)
{
  const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;
  const struct route *found = NULL;
  allow[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    if (!path_matches(routes[i].pattern, req->path, NULL))
      continue;
    if (!found && strcmp(routes[i].method, want) == 0)
      found = &routes[i];
    allow_add(allow, allow_len, routes[i].method);
    if (strcmp(routes[i].method, "GET") == 0)
      allow_add(allow, allow_len, "HEAD");
  }
  if (!allow[0])
    return ROUTER_NO_PATH;
  allow_add(allow, allow_len, "OPTIONS");
  if (!found)
    return ROUTER_NO_METHOD;
  /* Values and names of the parameters together never exceed path + pattern. */
  req->param_buf = malloc(strlen(req->path) + strlen(found->pattern) + 2 * HTTP_MAX_PARAMS);
  if (!req->param_buf)
    return ROUTER_NO_PATH;
  path_matches(found->pattern, req->path, req);
  req->route = found;
  return ROUTER_MATCH;
}
