/* router.h - matches a method and path against the route table (internal to http/). */
#ifndef ADVISORD_HTTP_ROUTER_H
#define ADVISORD_HTTP_ROUTER_H

#include "http.h"

enum router_result { ROUTER_MATCH, ROUTER_NO_PATH, ROUTER_NO_METHOD };

/* Finds the route for method and req->path; on a match fills req->route and the path
 * parameters (allow is then left empty). Otherwise allow receives the methods the path takes
 * ("GET, HEAD, POST, OPTIONS"; OPTIONS itself is never a route's method, so a preflight gets
 * them), empty for an unknown path. allow must hold >= 64 bytes. */
enum router_result router_match(const struct route *routes, const size_t *literal, size_t n,
                                const char *method, struct request *req, char *allow,
                                size_t allow_len);
/* For router_match's literal (NULL: none), a table of the n routes: how many bytes each
 * pattern starts with before its first '{', all of which a path it matches starts with too, so
 * that a route whose start the path does not share is passed over without walking its pattern
 * (a GET one walked some 35 patterns: 5% of its instructions), with each start's first word and
 * each route's method as a number, compared without a call (router.c). Opaque; malloc'd, the
 * caller frees; NULL when out of memory. */
size_t *router_literals(const struct route *routes, size_t n);

#endif
