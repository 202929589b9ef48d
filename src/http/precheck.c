/* precheck.c - what is refused before a body is read: a malformed request, an unknown route,
 * a wrong method or type, a missing or bad credential, and a client that keeps guessing; and
 * a request without a body checked and answered on one call, an authenticated GET or HEAD
 * inside the application's read snapshot (its credential's lookup and its handler's reads
 * then share one read transaction). */
#include "router.h"
#include "server_internal.h"
#include "metrics.h"
#include "util.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static enum MHD_Result answer_options(struct request *req)
{
  http_add_header(req, MHD_HTTP_HEADER_ALLOW, req->allow);
  if (req->cors_origin && http_header(req, "Access-Control-Request-Method")) {
    http_add_header(req, "Access-Control-Allow-Methods", req->allow);
    http_add_header(req, "Access-Control-Allow-Headers",
                    "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, "
                    "X-Request-Id, X-CSRF-Token");
    http_add_header(req, "Access-Control-Max-Age", "600");
  }
  return reply_empty(req, 204);
}

/* The media type of ct without parameters or spaces: its start, its length in *n. */
static const char *media_type(const char *ct, size_t *n)
{
  while (*ct == ' ')
    ct++;
  *n = strcspn(ct, "; ");
  return ct;
}

static bool http_is_json_type(const char *ct)
{
  if (!ct)
    return false;
  size_t n;
  ct = media_type(ct, &n);
  return (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
         (n == 28 && strncasecmp(ct, "application/merge-patch+json", 28) == 0);
}

bool http_is_csv_type(const char *ct)
{
  if (!ct)
    return false;
  size_t n;
  ct = media_type(ct, &n);
  return n == 8 && strncasecmp(ct, "text/csv", 8) == 0;
}

static enum MHD_Result add_arg_len(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
  (void)kind;
  *(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 2;
  return MHD_YES;
}

/* Length of the request target: the path plus its query arguments ("?k=v&..."). */
static size_t uri_length(struct MHD_Connection *conn, const char *url)
{
  size_t n = strlen(url);
  MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg_len, &n);
  return n;
}

bool request_has_body(const struct request *req)
{
  const char *cl = http_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
  return (cl && strcmp(cl, "0") != 0) || http_header(req, MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

/* The key guesses are counted under, in key (>= GUESS_KEY_MAX bytes): the client's address
 * (IPv6: its /64, which one host usually holds whole), then the principal's id when one has
 * authenticated, so that one user's failures never slow another user at the same address.
 * Returns its length, 0 when the address is unknown. */
static size_t guess_key(const struct request *req, unsigned char *key)
{
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  const struct sockaddr *sa = ci ? ci->client_addr : NULL;
  size_t n = 0;
  if (sa && sa->sa_family == AF_INET) {
    key[n++] = 4;
    memcpy(key + n, &((const struct sockaddr_in *)sa)->sin_addr, 4);
    n += 4;
  } else if (sa && sa->sa_family == AF_INET6) {
    key[n++] = 6;
    memcpy(key + n, &((const struct sockaddr_in6 *)sa)->sin6_addr, 8);
    n += 8;
  } else {
    return 0;
  }
  size_t id = strlen(req->principal.id);
  if (req->principal.kind && id <= GUESS_KEY_MAX - n - 1) {
    key[n++] = '|';
    memcpy(key + n, req->principal.id, id);
    n += id;
  }
  return n;
}

unsigned http_throttle(struct request *req, const char *key)
{
  struct http_server *srv = req->srv;
  unsigned char client[GUESS_KEY_MAX];
  char hashed[65]; /* 64 hex digits: any key fits the table */
  size_t n = guess_key(req, client);
  util_sha256_hex(key, hashed);
  int64_t now = util_mono_ms();
  unsigned wk = guess_limit_wait(srv->throttle_keys, hashed, 64, now);
  unsigned wc = guess_limit_wait(srv->throttle_clients, client, n, now);
  if (wk || wc)
    return wk > wc ? wk : wc;
  guess_limit_fail(srv->throttle_keys, hashed, 64, now);
  guess_limit_fail(srv->throttle_clients, client, n, now);
  return 0;
}

static enum MHD_Result too_many(struct request *req, unsigned wait_s)
{
  char v[16];
  snprintf(v, sizeof v, "%u", wait_s ? wait_s : 1);
  http_add_header(req, MHD_HTTP_HEADER_RETRY_AFTER, v);
  metrics_guess(true);
  return reply_problem(req, ERR_RATE_LIMITED,
                       "Too many failed attempts from your address; try again in %s seconds", v);
}

void guess_count(struct request *req, struct http_server *srv)
{
  if (!req->route || !(req->route->flags & ROUTE_GUESSABLE) ||
      (req->error != ERR_NOT_FOUND && req->error != ERR_IDENTITY_MISMATCH))
    return;
  unsigned char key[GUESS_KEY_MAX];
  size_t n = guess_key(req, key);
  guess_limit_fail(srv->guesses, key, n, util_mono_ms());
  metrics_guess(false);
}

/* Authentication for a route that needs it. A bad token shown by an address that must wait
 * is answered 429 (a valid one is served as ever); every bad token counts. */
static bool check_auth(struct request *req, struct http_server *srv, enum MHD_Result *result)
{
  const struct http_options *o = &srv->opts;
  enum err_code e = o->authenticate ? o->authenticate(req) : ERR_UNAUTHENTICATED;
  if (e == ERR_UNAUTHENTICATED &&
      (http_header(req, MHD_HTTP_HEADER_AUTHORIZATION) || http_header(req, "Cookie"))) {
    unsigned char key[GUESS_KEY_MAX];
    size_t n = guess_key(req, key);
    int64_t now = util_mono_ms();
    bool waiting = guess_limit_wait(srv->guesses, key, n, now) > 0;
    unsigned wait_s = guess_limit_fail(srv->guesses, key, n, now);
    metrics_guess(false);
    if (waiting) {
      *result = too_many(req, wait_s);
      return true;
    }
  }
  if (e == ERR_UNAUTHENTICATED)
    http_add_header(req, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"advisord\"");
  if (e != ERR_NONE) {
    *result = reply_problem(req, e, "%s",
                            req->auth_detail ? req->auth_detail
                            : e == ERR_UNAUTHENTICATED
                                ? "Send a valid token as Authorization: Bearer <token>, or "
                                  "sign in for a session cookie"
                                : "The credential could not be checked");
    return true;
  }
  if (!(req->principal.kind & req->route->principals)) {
    *result = reply_problem(req, ERR_FORBIDDEN, "This endpoint is not open to your account");
    return true;
  }
  return false;
}

#define DRAIN_FACTOR 16

/* Body rules: a declared length within the cap, no transfer coding, a JSON type. */
static bool check_body(struct request *req, const struct http_options *o,
                       enum MHD_Result *result)
{
  /* A chunked body is refused before it is read: libmicrohttpd answers a malformed chunk line
   * with its own HTML 500, and every client of a JSON API can say how long its body is. */
  if (http_header(req, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
    *result = reply_problem(req, ERR_LENGTH_REQUIRED,
                            "Send the body with a Content-Length instead of Transfer-Encoding");
    return true;
  }
  const char *cl = http_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (cl) {
    char *end;
    unsigned long long n = strtoull(cl, &end, 10);
    /* A client already sending a body it did not offer with Expect: 100-continue would have
     * the connection reset under it, and lose the reply, if it were closed with the body
     * unread: a body up to DRAIN_FACTOR times the cap is read and thrown away, then answered
     * 413 (server.c); a larger one is refused at once. */
    if (*end == '\0' && n > o->body_max) {
      if (http_header(req, MHD_HTTP_HEADER_EXPECT) || n / DRAIN_FACTOR > o->body_max) {
        *result = reply_problem(req, ERR_BODY_TOO_LARGE,
                                "The body has %llu bytes; at most %zu are accepted", n,
                                o->body_max);
        return true;
      }
      req->body_too_large = true;
    }
  }
  const char *ct = http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
  bool table = req->route->flags & ROUTE_TABLE_BODY;
  if (request_has_body(req) && !http_is_json_type(ct) && !(table && http_is_csv_type(ct))) {
    *result = reply_problem(req, ERR_UNSUPPORTED_MEDIA_TYPE,
                            table ? "Send the body as Content-Type: text/csv (a file with a "
                                    "header line) or application/json (an array of rows)"
                                  : "Send the body as Content-Type: application/json");
    return true;
  }
  return false;
}

/* The request line's checks: version and Host, URI length, route, preflight, method. */
static bool route_checks(struct request *req, struct http_server *srv, const char *url,
                         enum MHD_Result *result)
{
  const struct http_options *o = &srv->opts;
  if (req->version && strcmp(req->version, MHD_HTTP_VERSION_1_1) == 0 &&
      !http_header(req, MHD_HTTP_HEADER_HOST)) {
    *result = reply_problem(req, ERR_BAD_REQUEST, "An HTTP/1.1 request needs a Host header");
    return true;
  }
  if (uri_length(req->conn, url) > o->url_max) {
    *result = reply_problem(req, ERR_URI_TOO_LONG, "The request URI is longer than %zu bytes",
                            o->url_max);
    return true;
  }
  enum router_result rr = router_match(o->routes, srv->route_literal, o->n_routes, req->method,
                                       req, req->allow, sizeof req->allow);
  if (rr == ROUTER_NO_PATH) {
    *result = reply_problem(req, ERR_ROUTE_NOT_FOUND, "No endpoint at %s", req->path);
    return true;
  }
  if (strcmp(req->method, "OPTIONS") == 0) {
    *result = answer_options(req);
    return true;
  }
  if (rr == ROUTER_NO_METHOD) {
    http_add_header(req, MHD_HTTP_HEADER_ALLOW, req->allow);
    *result = reply_problem(req, ERR_METHOD_NOT_ALLOWED, "%s is not allowed on %s; use %s",
                            req->method, req->path, req->allow);
    return true;
  }
  return false;
}

/* The route's checks: authentication, guessing, the declared body. */
static bool access_checks(struct request *req, struct http_server *srv, enum MHD_Result *result)
{
  if (req->route->principals && check_auth(req, srv, result))
    return true;
  if (req->route->flags & ROUTE_GUESSABLE) {
    unsigned char key[GUESS_KEY_MAX];
    size_t n = guess_key(req, key);
    unsigned wait_s = guess_limit_wait(srv->guesses, key, n, util_mono_ms());
    if (wait_s) {
      *result = too_many(req, wait_s);
      return true;
    }
  }
  return check_body(req, &srv->opts, result);
}

bool precheck(struct request *req, struct http_server *srv, const char *url,
              enum MHD_Result *result)
{
  return route_checks(req, srv, url, result) || access_checks(req, srv, result);
}

static enum MHD_Result checked_answer(struct request *req)
{
  enum MHD_Result result;
  return access_checks(req, req->srv, &result) ? result : request_finish(req);
}

enum MHD_Result answer_bodiless(struct request *req, struct http_server *srv, const char *url)
{
  enum MHD_Result result;
  if (route_checks(req, srv, url, &result))
    return result;
  if (!srv->opts.snapshot || !req->route->principals ||
      (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0))
    return checked_answer(req);
  req->in_snapshot = true;
  result = srv->opts.snapshot(req, checked_answer);
  req->in_snapshot = false;
  return result;
}

static bool origin_allowed(const char *list, const char *origin)
{
  if (!list || !*list)
    return false;
  size_t on = strlen(origin);
  for (const char *p = list; *p;) {
    while (*p == ' ' || *p == ',')
      p++;
    const char *e = p;
    while (*e && *e != ',')
      e++;
    const char *t = e;
    while (t > p && t[-1] == ' ')
      t--;
    if ((t - p == 1 && *p == '*') || ((size_t)(t - p) == on && strncmp(p, origin, on) == 0))
      return true;
    p = e;
  }
  return false;
}

void request_cors(struct request *req, const struct http_options *o)
{
  const char *origin = http_header(req, "Origin");
  if (origin && origin_allowed(o->cors_origins, origin))
    req->cors_origin = strdup(origin);
}
