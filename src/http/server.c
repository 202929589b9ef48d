/* server.c - libmicrohttpd glue: daemon start/stop, the per-request context, the capped body
 * reader, CORS, dispatch to the route table, and the access log. */
#include "http.h"
#include "log.h"
#include "router.h"
#include "util.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct http_server {
  struct MHD_Daemon *daemon;
  struct http_options opts;
};

const char *http_param(const struct request *req, const char *name)
{
  for (size_t i = 0; i < HTTP_MAX_PARAMS && req->param_names[i]; i++)
    if (strcmp(req->param_names[i], name) == 0)
      return req->param_values[i];
  return NULL;
}

const char *http_query(const struct request *req, const char *name)
{
  return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(const struct request *req, const char *name)
{
  return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* Echo a client's X-Request-Id when it is a sane token, else make one. */
static void set_request_id(struct request *req)
{
  const char *given = http_header(req, "X-Request-Id");
  size_t n = given ? strlen(given) : 0;
  bool ok = n > 0 && n < sizeof req->request_id;
  for (size_t i = 0; ok && i < n; i++)
    ok = isalnum((unsigned char)given[i]) || strchr("-_.:", given[i]);
  if (ok)
    memcpy(req->request_id, given, n + 1);
  else
    util_uuid(req->request_id);
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

static void set_cors(struct request *req, const struct http_options *o)
{
  const char *origin = http_header(req, "Origin");
  if (origin && origin_allowed(o->cors_origins, origin))
    req->cors_origin = strdup(origin);
}

static enum MHD_Result answer_options(struct request *req)
{
  http_add_header(req, MHD_HTTP_HEADER_ALLOW, req->allow);
  if (req->cors_origin && http_header(req, "Access-Control-Request-Method")) {
    http_add_header(req, "Access-Control-Allow-Methods", req->allow);
    http_add_header(req, "Access-Control-Allow-Headers",
                    "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, "
                    "X-Request-Id");
    http_add_header(req, "Access-Control-Max-Age", "600");
  }
  return reply_empty(req, 204);
}

static bool is_json_type(const char *ct)
{
  if (!ct)
    return false;
  while (*ct == ' ')
    ct++;
  size_t n = strcspn(ct, "; ");
  return (n == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
         (n == 28 && strncasecmp(ct, "application/merge-patch+json", 28) == 0);
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

/* True when the request announces a body (a non-zero Content-Length or chunked encoding). */
static bool request_has_body(const struct request *req)
{
  const char *cl = http_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
  return (cl && strcmp(cl, "0") != 0) || http_header(req, MHD_HTTP_HEADER_TRANSFER_ENCODING);
}

/* Checks done before any body byte is read: URI, route, method, preflight, authentication,
 * declared length and type. Returns true when a reply was queued. */
static bool precheck(struct request *req, const struct http_options *o, const char *url,
                     enum MHD_Result *result)
{
  if (uri_length(req->conn, url) > o->url_max) {
    *result = reply_problem(req, ERR_URI_TOO_LONG, "The request URI is longer than %zu bytes",
                            o->url_max);
    return true;
  }
  enum router_result rr = router_match(o->routes, o->n_routes, req->method, req, req->allow,
                                       sizeof req->allow);
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
  if (req->route->principals) {
    enum err_code e = o->authenticate ? o->authenticate(req) : ERR_UNAUTHENTICATED;
    if (e == ERR_UNAUTHENTICATED)
      http_add_header(req, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"advisord\"");
    if (e != ERR_NONE) {
      *result = reply_problem(req, e, e == ERR_UNAUTHENTICATED
                                          ? "Send a valid token as Authorization: Bearer <token>"
                                          : "The credential could not be checked");
      return true;
    }
    if (!(req->principal.kind & req->route->principals)) {
      *result = reply_problem(req, ERR_FORBIDDEN, "This endpoint is not open to your account");
      return true;
    }
  }
  const char *cl = http_header(req, MHD_HTTP_HEADER_CONTENT_LENGTH);
  if (cl) {
    char *end;
    unsigned long long n = strtoull(cl, &end, 10);
    if (*end == '\0' && n > o->body_max) {
      *result = reply_problem(req, ERR_BODY_TOO_LARGE,
                              "The body has %llu bytes; at most %zu are accepted", n, o->body_max);
      return true;
    }
  }
  bool has_body = request_has_body(req);
  if (has_body && !is_json_type(http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
    *result = reply_problem(req, ERR_UNSUPPORTED_MEDIA_TYPE,
                            "Send the body as Content-Type: application/json");
    return true;
  }
  return false;
}

/* Appends a chunk of body, discarding everything once the cap is passed. */
static void body_append(struct request *req, const char *data, size_t len, size_t max)
{
  if (req->body_too_large || req->body_len + len > max) {
    req->body_too_large = true;
    return;
  }
  if (req->body_len + len + 1 > req->body_cap) {
    size_t cap = req->body_cap ? req->body_cap : 4096;
    while (cap < req->body_len + len + 1)
      cap *= 2;
    char *nb = realloc(req->body, cap);
    if (!nb) {
      req->body_too_large = true;
      return;
    }
    req->body = nb;
    req->body_cap = cap;
  }
  memcpy(req->body + req->body_len, data, len);
  req->body_len += len;
  req->body[req->body_len] = '\0';
}

/* Parses the body and calls the handler. */
static enum MHD_Result dispatch(struct request *req, const struct http_options *o)
{
  if (req->body_too_large)
    return reply_problem(req, ERR_BODY_TOO_LARGE, "The body is larger than %zu bytes",
                         o->body_max);
  unsigned flags = req->route->flags;
  if (req->body_len > 0) {
    if (!(flags & (ROUTE_JSON_BODY | ROUTE_OPTIONAL_BODY)))
      return reply_problem(req, ERR_VALIDATION, "%s %s takes no request body", req->method,
                           req->route->pattern);
    json_error_t jerr;
    req->json = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!req->json)
      return reply_problem(req, ERR_BAD_JSON, "%s (line %d, column %d)", jerr.text, jerr.line,
                           jerr.column);
    if (!json_is_object(req->json))
      return reply_problem(req, ERR_BAD_JSON, "The body must be a JSON object");
  } else if (flags & ROUTE_JSON_BODY) {
    return reply_problem(req, ERR_BODY_REQUIRED, "%s %s needs a JSON object body", req->method,
                         req->route->pattern);
  }
  enum MHD_Result r = req->route->handler(req);
  if (!req->answered)
    return reply_problem(req, ERR_INTERNAL, "The request could not be completed");
  return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
  (void)version;
  struct http_server *srv = cls;
  struct request *req = *con_cls;
  if (!req) {
    req = calloc(1, sizeof *req);
    if (!req)
      return MHD_NO;
    *con_cls = req;
    req->conn = conn;
    req->app = srv->opts.app;
    req->method = method;
    req->started_ms = util_mono_ms();
    req->path = strdup(url);
    if (!req->path)
      return MHD_NO;
    set_request_id(req);
    set_cors(req, &srv->opts);
    /* libmicrohttpd closes the connection after a reply queued on this first call (it will
     * not read a body then). That is right for a body we refuse unread, but a request without
     * a body gets its checks on the next call so that keep-alive survives an error reply. */
    req->checks_deferred = !request_has_body(req);
    enum MHD_Result result;
    if (!req->checks_deferred && precheck(req, &srv->opts, url, &result))
      return result;
    return MHD_YES;
  }
  if (req->answered) {
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    body_append(req, upload_data, *upload_data_size, srv->opts.body_max);
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (req->checks_deferred) {
    req->checks_deferred = false;
    enum MHD_Result result;
    if (precheck(req, &srv->opts, url, &result))
      return result;
  }
  return dispatch(req, &srv->opts);
}

/* The path as logged, at most 256 bytes of valid UTF-8, with secrets left out: the value of a
 * {token} parameter, and everything after a prefix the options name as secret, whether or not
 * a route matched (a link opened with the wrong method must not land its token in the log). */
static json_t *logged_path(const struct request *req, const struct http_options *o)
{
  if (!req->path)
    return NULL;
  char buf[300];
  for (size_t i = 0; o->secret_path_prefixes && o->secret_path_prefixes[i]; i++) {
    const char *prefix = o->secret_path_prefixes[i];
    if (strncmp(req->path, prefix, strlen(prefix)) == 0) {
      snprintf(buf, sizeof buf, "%s[redacted]", prefix);
      return json_string(buf);
    }
  }
  if (req->route && http_param(req, "token"))
    return json_string("[redacted]");
  snprintf(buf, 257, "%s", req->path);
  util_utf8_sanitize(buf);
  return json_string(buf);
}

/* Writes the access-log line. */
static void access_log(const struct request *req, const struct http_options *o)
{
  json_t *f = json_pack("{s:s, s:i, s:I, s:s}", "method", req->method ? req->method : "",
                        "status", (int)req->status,
                        "duration_ms", (json_int_t)(util_mono_ms() - req->started_ms),
                        "request_id", req->request_id);
  if (!f)
    return;
  if (req->route)
    json_object_set_new(f, "route", json_string(req->route->pattern));
  json_t *path = logged_path(req, o);
  if (path)
    json_object_set_new(f, "path", path);
  if (req->principal.kind)
    json_object_set_new(f, "principal", json_string(req->principal.id));
  if (req->body_len)
    json_object_set_new(f, "bytes_in", json_integer((json_int_t)req->body_len));
  log_json(req->status >= 500 ? LOG_ERROR : LOG_INFO, "request", f);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
  (void)conn;
  const struct http_server *srv = cls;
  struct request *req = *con_cls;
  if (!req)
    return;
  if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && !req->status)
    req->status = 499; /* client went away or the server stopped before a reply */
  access_log(req, &srv->opts);
  json_decref(req->json);
  for (size_t i = 0; i < req->n_extra; i++)
    free(req->extra_values[i]);
  free(req->body);
  free(req->param_buf);
  free(req->path);
  free(req->cors_origin);
  free(req);
  *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
  (void)cls;
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  msg[strcspn(msg, "\n")] = '\0';
  log_json(LOG_WARN, "libmicrohttpd", json_pack("{s:s}", "msg", msg));
}

static bool make_addr(const char *bind, uint16_t port, struct sockaddr_storage *ss)
{
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, bind, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return true;
  }
  if (inet_pton(AF_INET6, bind, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return true;
  }
  return false;
}

struct http_server *http_start(const struct http_options *opts)
{
  struct sockaddr_storage addr;
  if (!make_addr(opts->bind, opts->port, &addr)) {
    log_msg(LOG_ERROR, "bind_failed", "'%s' is not an IPv4 or IPv6 address", opts->bind);
    return NULL;
  }
  struct http_server *srv = calloc(1, sizeof *srv);
  if (!srv)
    return NULL;
  srv->opts = *opts;
  unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  if (addr.ss_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  srv->daemon = MHD_start_daemon(
      flags, opts->port, NULL, NULL, on_request, srv,
      MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)opts->threads,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)opts->conn_timeout_s,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
      MHD_OPTION_CONNECTION_LIMIT, (unsigned int)opts->max_connections,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)opts->max_connections_per_ip,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
      MHD_OPTION_END);
  if (!srv->daemon) {
    log_msg(LOG_ERROR, "listen_failed", "could not listen on %s port %u", opts->bind,
            (unsigned)opts->port);
    free(srv);
    return NULL;
  }
  return srv;
}

uint16_t http_port(const struct http_server *srv)
{
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
  return info ? info->port : 0;
}

void http_stop(struct http_server *srv, unsigned drain_s)
{
  if (!srv)
    return;
  MHD_socket listen_fd = MHD_quiesce_daemon(srv->daemon);
  int64_t deadline = util_mono_ms() + (int64_t)drain_s * 1000;
  for (;;) {
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    unsigned open = info ? info->num_connections : 0;
    if (open == 0 || util_mono_ms() >= deadline) {
      log_json(LOG_INFO, "draining_done", json_pack("{s:i}", "open_connections", (int)open));
      break;
    }
    usleep(50 * 1000);
  }
  MHD_stop_daemon(srv->daemon);
  if (listen_fd != MHD_INVALID_SOCKET)
    close(listen_fd);
  free(srv);
}
