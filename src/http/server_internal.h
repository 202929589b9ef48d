/* server_internal.h - the server's state and the checks made before a body is read (internal
 * to http/: server.c runs the daemon, precheck.c decides what to refuse early). */
#ifndef ADVISORD_HTTP_SERVER_INTERNAL_H
#define ADVISORD_HTTP_SERVER_INTERNAL_H

#include "acceptor.h"
#include "conn_watch.h"
#include "guess_limit.h"
#include "http.h"

#include <stdatomic.h>

struct http_server {
  struct MHD_Daemon *daemon;
  struct acceptor *acceptor;    /* owned: the "http-accept" thread and the workers' marks */
  struct http_options opts;
  struct conn_watch *watch;     /* owned */
  struct guess_limit *guesses;  /* owned */
  struct guess_limit *throttle_keys, *throttle_clients; /* owned: http_throttle's counts */
  size_t *route_literal;        /* owned: router_literals of opts.routes */
  atomic_uint suspended;        /* requests between http_suspend and http_resume (later.c) */
  atomic_uint unfinished;       /* suspended requests not yet ended (answered or not) */
  atomic_bool closing;          /* http_stop began: no connection is suspended any more */
};

/* True when the request announces a body (a Content-Length other than 0, or a transfer
 * coding). */
bool request_has_body(const struct request *req);
/* Whether a Content-Type value (NULL: none) names CSV (text/csv), whatever its parameters. */
bool http_is_csv_type(const char *ct);

/* precheck.c: sets req->cors_origin (owned by req) when its Origin is one of o->cors_origins. */
void request_cors(struct request *req, const struct http_options *o);
/* Checks made before any body byte is read: HTTP version and Host, URI, route, method,
 * preflight, authentication, guessing, declared length and type. Returns true when a reply
 * was queued (its result in *result). */
bool precheck(struct request *req, struct http_server *srv, const char *url,
              enum MHD_Result *result);
/* A request without a body, on its last call: precheck, then the handler (request_finish),
 * an authenticated GET or HEAD both inside http_options.snapshot. */
enum MHD_Result answer_bodiless(struct request *req, struct http_server *srv, const char *url);
/* Frees the server's guess and throttle counts (http_start's failure, http_stop). */
void server_limits_free(struct http_server *srv);
/* The last call for a request whose checks passed (server.c): the body is in; answer it. */
enum MHD_Result request_finish(struct request *req);

/* After the handler: a route marked ROUTE_GUESSABLE that answered a failed guess counts it
 * against the client. */
void guess_count(struct request *req, struct http_server *srv);

/* later.c: the call that follows http_resume: answers with the request's resume function. */
enum MHD_Result later_answer(struct request *req);
/* later.c: after a handler that called http_suspend while the server stops: waits on this
 * thread for the work, then answers. */
enum MHD_Result later_wait_here(struct request *req);
/* later.c: at a request's end (answered or not). */
void later_finished(struct request *req);
/* later.c: before the daemon stops, waits until no request is suspended (libmicrohttpd may not
 * stop with one; each waits for a write, which ends within the store's lock wait). */
void later_wait_all(struct http_server *srv);

/* idle_wait.c: marks the calling thread (a worker, at each request) as one whose waits in
 * epoll_wait run its idle hook (thread_idle.h). */
void http_idle_wait_mark(void);

#endif
