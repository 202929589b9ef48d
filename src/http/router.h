/* router.h - matches a method and path against the route table (internal to http/). */
#ifndef ADVISORD_HTTP_ROUTER_H
#define ADVISORD_HTTP_ROUTER_H

#include "http.h"

enum router_result { ROUTER_MATCH, ROUTER_NO_PATH, ROUTER_NO_METHOD };

/* Finds the route for method and req->path; on a match fills req->route and the path
 * parameters (allow is then left empty). Otherwise allow receives the methods the path takes
 * ("GET, HEAD, POST, OPTIONS"; OPTIONS itself is never a route's method, so a preflight gets
 * them), empty for an unknown path. allow must hold >= 64 bytes. */
enum router_result router_match(const struct route *routes, size_t n, const char *method,
                                struct request *req, char *allow, size_t allow_len);

#endif
