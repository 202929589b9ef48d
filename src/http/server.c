/* server.c - libmicrohttpd glue: daemon start/stop, the per-request context, the capped body
 * reader, CORS and dispatch to the route table (checks in precheck.c, the access log in
 * access_log.c, deadlines for slow clients in conn_watch.c). */
#include "access_log.h"
#include "json_read.h"
#include "log.h"
#include "metrics.h"
#include "router.h"
#include "server_internal.h"
#include "util.h"
#include "words_sv.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

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

bool http_prefers_sv(const struct request *req)
{
  return words_prefer_sv(http_header(req, "Accept-Language"));
}

const char *http_cookie(const struct request *req, const char *name)
{
  return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
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

/* Appends a chunk of body, discarding everything once the cap is passed. */
static void body_append(struct request *req, const char *data, size_t len, size_t max)
{
  if (req->body_too_large || req->body_len + len > max) {
    req->body_too_large = true;
    return;
  }
  if (req->body_len + len + 1 > req->body_cap) {
    /* the first chunk's size: a small body usually comes whole in one, and a buffer of a few
     * hundred bytes is served from the thread's cache where 4 KiB went to malloc's bins */
    size_t cap = req->body_cap ? req->body_cap : len + 1;
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
    return reply_problem(req, ERR_BODY_TOO_LARGE, "The body is larger than the %zu bytes "
                         "accepted", o->body_max);
  unsigned flags = req->route->flags;
  if ((flags & ROUTE_TABLE_BODY) && req->body_len == 0)
    return reply_problem(req, ERR_BODY_REQUIRED,
                         "%s %s needs a body: a CSV file (text/csv) or a JSON array of rows",
                         req->method, req->route->pattern);
  if ((flags & ROUTE_TABLE_BODY) && http_is_csv_type(http_header(req, "Content-Type"))) {
    /* the handler reads req->body as it is */
  } else if (req->body_len > 0) {
    if (!(flags & (ROUTE_JSON_BODY | ROUTE_OPTIONAL_BODY | ROUTE_TABLE_BODY)))
      return reply_problem(req, ERR_VALIDATION, "%s %s takes no request body", req->method,
                           req->route->pattern);
    json_error_t jerr;
    req->json = json_read(req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (!req->json)
      return reply_problem(req, ERR_BAD_JSON, "%s (line %d, column %d)", jerr.text, jerr.line,
                           jerr.column);
    if ((flags & ROUTE_TABLE_BODY) && !json_is_array(req->json))
      return reply_problem(req, ERR_BAD_JSON, "The body must be a JSON array of row objects");
    if (!(flags & ROUTE_TABLE_BODY) && !json_is_object(req->json))
      return reply_problem(req, ERR_BAD_JSON, "The body must be a JSON object");
  } else if (flags & ROUTE_JSON_BODY) {
    return reply_problem(req, ERR_BODY_REQUIRED, "%s %s needs a JSON object body", req->method,
                         req->route->pattern);
  }
  enum MHD_Result r = req->route->handler(req);
  if (req->wait_here) /* http_suspend while the server stops: answered on this thread */
    return later_wait_here(req);
  if (!req->answered && !req->resume) /* not suspended (http_suspend) to answer later */
    return reply_problem(req, ERR_INTERNAL, "The request could not be completed");
  return r;
}

enum MHD_Result request_finish(struct request *req)
{
  struct http_server *srv = req->srv;
  conn_watch_busy(srv->watch, req->conn);
  enum MHD_Result r = dispatch(req, &srv->opts);
  if (!req->resume)
    guess_count(req, srv);
  return r;
}

static enum MHD_Result handle_request(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls)
{
  struct http_server *srv = cls;
  struct request *req = *con_cls;
  if (!req) {
    /* at most 1,000 bytes, a size glibc's calloc serves from its small bins; a larger context
     * (1,016 bytes) was a large request, and each one consolidated the fast bins first */
    _Static_assert(sizeof *req <= 1000, "struct request outgrew glibc's small bins");
    req = calloc(1, sizeof *req);
    if (!req)
      return MHD_NO;
    *con_cls = req;
    req->conn = conn;
    req->app = srv->opts.app;
    req->srv = srv;
    req->method = method;
    req->version = version;
    req->started_ms = util_mono_ms();
    req->started_us = util_mono_us();
    req->path = strdup(url);
    if (!req->path)
      return MHD_NO;
    set_request_id(req);
    request_cors(req, &srv->opts);
    /* libmicrohttpd closes the connection after a reply queued on this first call (it will
     * not read a body then). That is right for a body we refuse unread, but a request without
     * a body gets its checks on the next call so that keep-alive survives an error reply. */
    req->checks_deferred = !request_has_body(req);
    conn_watch_head_done(srv->watch, conn, !req->checks_deferred);
    enum MHD_Result result;
    if (!req->checks_deferred && precheck(req, srv, url, &result)) {
      conn_watch_busy(srv->watch, conn);
      return result;
    }
    return MHD_YES;
  }
  if (req->resume) /* resumed after http_suspend */
    return later_answer(req);
  if (req->answered) {
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (*upload_data_size > 0) {
    conn_watch_body(srv->watch, conn, *upload_data_size);
    body_append(req, upload_data, *upload_data_size, srv->opts.body_max);
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (req->checks_deferred) {
    req->checks_deferred = false;
    return answer_bodiless(req, srv, url);
  }
  return request_finish(req);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
  const struct http_server *srv = cls;
  struct request *req = *con_cls;
  conn_watch_idle(srv->watch, conn);
  if (!req)
    return;
  if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && !req->status)
    req->status = 499; /* client went away or the server stopped before a reply */
  access_log_write(req, srv->opts.secret_after);
  if (srv->opts.metrics)
    metrics_request(req->route ? (size_t)(req->route - srv->opts.routes) : SIZE_MAX,
                    req->status, util_mono_us() - req->started_us);
  later_finished(req);
  if (req->resume_ctx_free)
    req->resume_ctx_free(req->resume_ctx);
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

/* libmicrohttpd's request callback: handle_request, marked as the worker's busy time (a
 * worker held in it gets no new connections, acceptor.c). */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
  struct http_server *srv = cls;
  http_idle_wait_mark(); /* this worker's waits end a held read (idle_wait.c) */
  acceptor_worker_busy(srv->acceptor, true);
  enum MHD_Result r = handle_request(cls, conn, url, method, version, upload_data,
                                     upload_data_size, con_cls);
  acceptor_worker_busy(srv->acceptor, false);
  return r;
}

/* MHD_OPTION_NOTIFY_CONNECTION: the acceptor's books and the watchdog (a connection leaves the
 * watchdog before the books, which bound its table). */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
  struct http_server *srv = cls;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED)
    acceptor_notify(srv->acceptor, conn, toe);
  conn_watch_notify(srv->watch, conn, socket_context, toe);
  if (toe != MHD_CONNECTION_NOTIFY_STARTED)
    acceptor_notify(srv->acceptor, conn, toe);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
  (void)cls;
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  msg[strcspn(msg, "\n")] = '\0';
  log_json(LOG_WARN, "libmicrohttpd", json_pack("{s:s}", "msg", msg));
}

/* The labels of route i for metrics_init: the table is static, so its strings live on. */
static void route_name(size_t i, void *arg, const char **method, const char **pattern)
{
  const struct route *routes = arg;
  *method = routes[i].method;
  *pattern = routes[i].pattern;
}

void server_limits_free(struct http_server *srv)
{
  guess_limit_free(srv->guesses);
  guess_limit_free(srv->throttle_keys);
  guess_limit_free(srv->throttle_clients);
  free(srv->route_literal);
}

/* libmicrohttpd's memory for each connection: the request's head (line and headers, so the URI up
 * to url_max must fit, with room for the headers, to be refused by precheck with a problem+json
 * 414 rather than by the library's HTML page), then the reply's head. 0.9.75 zeroes all of it
 * after every request (MHD_pool_reset): at 64 KiB that memset is 3 to 4% of GET one's samples,
 * but 32 KiB let a 40,000-byte URI (the contract fuzzer's) reach only the library's HTML 414.
 * 64 KiB, or 4 times url_max when that is more. */
static size_t conn_memory(size_t url_max)
{
  size_t m = 4 * url_max;
  return m < 64 * 1024 ? 64 * 1024 : m;
}

struct http_server *http_start(const struct http_options *opts)
{
  uint16_t bound = opts->port;
  int listen_fd = opts->listen_fd >= 0 ? opts->listen_fd
                                       : http_listen(opts->bind, opts->port, &bound);
  if (listen_fd < 0)
    return NULL;
  struct http_server *srv = calloc(1, sizeof *srv);
  if (!srv) {
    close(listen_fd);
    return NULL;
  }
  srv->opts = *opts;
  srv->opts.listen_fd = listen_fd;
  struct conn_watch_options wo = {
      .max_connections = opts->max_connections,
      .max_connections_per_ip = opts->max_connections_per_ip,
      .head_timeout_ms = opts->head_timeout_s * 1000,
      .idle_timeout_ms = opts->conn_timeout_s * 1000,
      .body_min_rate = opts->body_min_rate,
      .metrics = opts->metrics,
  };
  if (opts->metrics && !metrics_init(opts->n_routes, route_name, (void *)opts->routes))
    goto fail;
  srv->watch = conn_watch_start(&wo);
  srv->guesses = guess_limit_new(opts->guess_limit, opts->guess_forget_s);
  srv->throttle_keys = guess_limit_new(opts->throttle_per_key, opts->throttle_forget_s);
  srv->throttle_clients = guess_limit_new(opts->throttle_per_client, opts->throttle_forget_s);
  srv->route_literal = router_literals(opts->routes, opts->n_routes);
  srv->acceptor = acceptor_new(opts->threads, opts->max_connections);
  if (!srv->watch || !srv->acceptor || !srv->guesses || !srv->throttle_keys ||
      !srv->throttle_clients || !srv->route_literal) {
    log_msg(LOG_ERROR, "start_failed", "out of memory, descriptors or threads for the "
            "connection watchdog or the accept thread");
    goto fail;
  }
  /* The socket is ours (http_listen) and so is accepting on it (acceptor.c): the library's
   * own accept let one pool worker take a series of up to 10 connections, often all of them.
   * epoll, not poll(2): each wake of a worker polled all its connections (at 64 connections 13%
   * of GET one's samples were poll's kernel side). MHD_USE_ITC: a worker is woken for a
   * connection added to its queue. The acceptor keeps --max-connections; the library's
   * limit is set where no worker reaches its share (0.9.75 deadlocks there). */
  srv->daemon = MHD_start_daemon(
      MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME |
          MHD_USE_NO_LISTEN_SOCKET,
      0, NULL, NULL,
      on_request, srv,
      MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, srv,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)opts->threads,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)opts->conn_timeout_s,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, conn_memory(opts->url_max),
      MHD_OPTION_CONNECTION_LIMIT, acceptor_library_limit(opts->threads, opts->max_connections),
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)opts->max_connections_per_ip,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
      MHD_OPTION_END);
  if (srv->daemon && acceptor_start(srv->acceptor, srv->daemon, listen_fd))
    return srv;
  if (srv->daemon) /* acceptor_start logged why */
    MHD_stop_daemon(srv->daemon);
  else
    log_msg(LOG_ERROR, "listen_failed", "could not start serving on %s port %u", opts->bind,
            (unsigned)bound);
fail:
  acceptor_free(srv->acceptor);
  conn_watch_stop(srv->watch);
  server_limits_free(srv);
  free(srv);
  close(listen_fd);
  return NULL;
}

uint16_t http_port(const struct http_server *srv)
{
  return http_socket_port(srv->opts.listen_fd);
}
