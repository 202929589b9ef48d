/* fuzz_router.c - libFuzzer target: a request target as libmicrohttpd hands it over (the path
 * and each query argument percent-decoded by MHD_http_unescape, the decoder the server's
 * daemon uses), then the route table (api/routes.c) matched by router_match, and every path
 * parameter read back. The first byte picks the method. */
#include "api.h"
#include "router.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const methods[] = {"GET", "HEAD", "POST", "PATCH", "DELETE", "OPTIONS", "PUT"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes each "k=v" of the query string in place, as the daemon does before lookups. */
static void decode_query(char *q)
{
  for (char *arg = strtok(q, "&"); arg; arg = strtok(NULL, "&")) {
    char *eq = strchr(arg, '=');
    if (eq) {
      *eq = '\0';
      MHD_http_unescape(eq + 1);
    }
    MHD_http_unescape(arg);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  struct request req = {0};
  req.method = methods[data[0] % (sizeof methods / sizeof methods[0])];
  req.path = malloc(size);
  if (!req.path)
    return 0;
  memcpy(req.path, data + 1, size - 1);
  req.path[size - 1] = '\0';
  char *q = strchr(req.path, '?');
  if (q) {
    *q++ = '\0';
    decode_query(q);
  }
  MHD_http_unescape(req.path);
  /* with the literal starts (as the server matches) and without: the same answer */
  static size_t *literal;
  if (!literal && !(literal = router_literals(api_routes, api_routes_count)))
    abort();
  struct request plain = req;
  enum router_result rr = router_match(api_routes, literal, api_routes_count, req.method, &req,
                                       req.allow, sizeof req.allow);
  enum router_result rp = router_match(api_routes, NULL, api_routes_count, plain.method,
                                       &plain, plain.allow, sizeof plain.allow);
  if (rr != rp || req.route != plain.route || strcmp(req.allow, plain.allow) != 0)
    abort();
  free(plain.param_buf);
  if (rr == ROUTER_MATCH) {
    const char *want = strcmp(req.method, "HEAD") == 0 ? "GET" : req.method;
    if (!req.route || strcmp(req.route->method, want) != 0)
      abort();
    for (size_t i = 0; i < HTTP_MAX_PARAMS && req.param_names[i]; i++)
      if (http_param(&req, req.param_names[i]) != req.param_values[i] ||
          strlen(req.param_values[i]) == 0)
        abort(); /* a parameter is a non-empty segment, found by its own name */
  }
  free(req.param_buf);
  free(req.path);
  return 0;
}
