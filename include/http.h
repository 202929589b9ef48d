/* http.h - the HTTP layer on libmicrohttpd: the per-request context, the route table type,
 * the reply helpers and the server's start/stop. Handlers in api/ see only this header. */
#ifndef ADVISORD_HTTP_H
#define ADVISORD_HTTP_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"
#include "principal.h"

struct request;
struct app;
struct http_server;

typedef enum MHD_Result (*route_handler)(struct request *req);
/* Answers a suspended request once resumed (http_suspend); queues exactly one reply. */
typedef enum MHD_Result (*http_resume_fn)(struct request *req, void *ctx);

enum route_flags {
  ROUTE_JSON_BODY = 1u << 0,     /* a JSON object body is required */
  ROUTE_OPTIONAL_BODY = 1u << 1, /* a JSON object body may be sent (empty is fine) */
  /* The path or body holds something a client could guess (a link token, an identity): an
   * answer 404 not_found or 422 identity_mismatch counts as a failed guess from the client's
   * address, and while the address must wait the route answers 429 without looking. */
  ROUTE_GUESSABLE = 1u << 2,
  /* A table is required: text/csv (left as it is in req->body, req->json NULL) or a JSON
   * array (parsed into req->json). */
  ROUTE_TABLE_BODY = 1u << 3,
};

/* One row of the route table: api/routes.c owns the table. */
struct route {
  const char *method;  /* "GET", "POST", "PATCH", "DELETE" (HEAD follows GET) */
  const char *pattern; /* "/v1/variants/{code}": {name} matches one path segment */
  route_handler handler;
  unsigned principals; /* bitmask of enum principal_kind allowed; 0: public, no token needed */
  unsigned flags;      /* enum route_flags */
};

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_EXTRA_HEADERS 8

/* Authenticates the request from its headers, filling req->principal.
 * Returns ERR_NONE, or ERR_UNAUTHENTICATED for a missing or invalid credential. */
typedef enum err_code (*http_authenticator)(struct request *req);
/* Runs answer(req) exactly once inside one read snapshot of the application's data and returns
 * its result: an authenticated GET or HEAD without a body is checked (its credential looked
 * up) and answered in it, so that its reads share one read of the database. */
typedef enum MHD_Result (*http_snapshot)(struct request *req, route_handler answer);

/* One request's state, created on libmicrohttpd's first call and freed in the completion
 * callback. Strings here are owned by the context unless noted. */
struct request {
  struct MHD_Connection *conn;
  struct app *app;
  struct http_server *srv;         /* the server answering it */
  const char *method;              /* libmicrohttpd's storage */
  const char *version;             /* "HTTP/1.1", libmicrohttpd's storage */
  char *path;                      /* decoded path, no query */
  const struct route *route;
  const char *param_names[HTTP_MAX_PARAMS];
  char *param_values[HTTP_MAX_PARAMS]; /* point into param_buf */
  char *param_buf;
  char request_id[65];
  char *body;
  size_t body_len, body_cap;
  bool body_too_large;
  bool answered;                   /* a response was queued */
  bool checks_deferred;            /* bodyless request: route/auth checks run on 2nd call */
  json_t *json;                    /* parsed body, NULL when none */
  struct principal principal;
  unsigned status;                 /* status sent, for the access log */
  enum err_code error;             /* the problem sent, ERR_NONE for a success */
  int64_t started_ms;
  int64_t started_us;              /* the same moment in µs, for the latency histogram */
  const char *extra_names[HTTP_MAX_EXTRA_HEADERS];
  char *extra_values[HTTP_MAX_EXTRA_HEADERS];
  size_t n_extra;
  char *cors_origin;               /* echoed in Access-Control-Allow-Origin when allowed */
  char allow[64];                  /* methods the matched path takes (all seven: 45 bytes) */
  const char *auth_detail;         /* why authentication refused, in plain words (static);
                                      NULL: the usual words for the error */
  bool in_snapshot;                /* answer runs inside http_options.snapshot */
  bool touch_due;                  /* the credential's use is to be noted after it (api/) */
  http_resume_fn resume;           /* set by http_suspend until the resumed call answers */
  void *resume_ctx;                /* http_suspend's ctx: freed with resume_ctx_free at the end */
  void (*resume_ctx_free)(void *);
  bool wait_here;                  /* http_suspend while the server stops: waited for on the
                                      handler's thread instead (http/later.c) */
  bool resumed;                    /* wait_here's work is done (under later.c's mutex) */
  bool suspended_once;             /* counted in the server's unfinished requests */
};

struct http_options {
  const char *bind;
  uint16_t port;
  int listen_fd;                   /* from http_listen (the server owns it from then on), or
                                      -1: http_start listens on bind and port itself */
  unsigned threads;
  unsigned conn_timeout_s;
  unsigned head_timeout_s;         /* a whole request head (line and headers) within this */
  unsigned body_min_rate;          /* bytes/s a body must average after head_timeout_s; 0: any */
  unsigned guess_limit;            /* failed guesses from one address before it is slowed; 0: off */
  unsigned guess_forget_s;         /* an address without a failure this long starts afresh */
  unsigned throttle_per_key;       /* http_throttle: uses per key before it is slowed; 0: off */
  unsigned throttle_per_client;    /* http_throttle: uses per client address; 0: off */
  unsigned throttle_forget_s;      /* a key or address unused this long starts afresh */
  unsigned max_connections;        /* in all */
  unsigned max_connections_per_ip; /* from one client address: a slow client cannot take all */
  size_t body_max;
  size_t url_max;
  const char *cors_origins;
  const struct route *routes;
  size_t n_routes;
  const char *const *secret_after; /* NULL-terminated segment names: the next segment of a
                                      path is never logged ("invitations") */
  http_authenticator authenticate;
  http_snapshot snapshot;          /* NULL: every request answered without one */
  struct app *app;
  bool metrics;                    /* count this server's requests and connections in
                                      metrics.h (the main server; not the --metrics-bind one) */
};

struct http_server;
/* A listening socket on bind and port (the port bound into *bound: port 0 picks one), for
 * http_options.listen_fd; -1 with a logged reason on failure. */
int http_listen(const char *bind, uint16_t port, uint16_t *bound);
/* The local port of socket fd, 0 when it has none. */
uint16_t http_socket_port(int fd);

/* Starts listening; returns NULL with a logged reason on failure. */
struct http_server *http_start(const struct http_options *opts);
/* The port actually bound (useful with port 0). */
uint16_t http_port(const struct http_server *srv);
/* Stops accepting, closes connections without a request in flight, waits up to drain_s
 * seconds for requests in flight, then stops and frees. */
void http_stop(struct http_server *srv, unsigned drain_s);

/* ---- request accessors ---- */
/* A path parameter by name, NULL when the route has none of that name. */
const char *http_param(const struct request *req, const char *name);
/* A query-string argument, NULL when absent. libmicrohttpd's storage. */
const char *http_query(const struct request *req, const char *name);
/* A request header (case-insensitive), NULL when absent. libmicrohttpd's storage. */
const char *http_header(const struct request *req, const char *name);
/* True when the request's Accept-Language prefers Swedish to English (words_prefer_sv): its
 * refusals, and texts kept in English such as a batch row's problem, are then in Swedish. */
bool http_prefers_sv(const struct request *req);
/* A cookie of the request by name, NULL when absent. libmicrohttpd's storage. */
const char *http_cookie(const struct request *req, const char *name);

/* Counts one use of an action that sends something to someone (a sign-in e-mail) under key
 * (hashed here; e.g. the e-mail address) and under the client's address. Past
 * throttle_per_key uses of a key, or throttle_per_client of an address, each further use must
 * wait, twice as long each time (1 s, 2 s, 4 s ... at most 600 s). Returns the seconds still
 * to wait (nothing counted: answer 429 with them), or 0 when the use may go ahead. */
unsigned http_throttle(struct request *req, const char *key);

/* ---- answering later ---- */
/* From a handler whose answer waits for work done on another thread (a write queued for the
 * group commit), before that work starts: libmicrohttpd stops serving the connection (this
 * thread serves other connections meanwhile) until http_resume(req); then resume(req, ctx)
 * answers, on one of libmicrohttpd's threads. ctx (may be NULL) belongs to the request from
 * now on and is freed with ctx_free (may be NULL) when the request ends. The handler then
 * returns MHD_YES without a reply. A client that goes away meanwhile is noticed only then (with
 * libmicrohttpd 0.9.75, a client that closed or half-closed its side is then not answered).
 * While the server stops, the connection is not suspended: the handler's thread waits for the
 * work after the handler returns, and answers. */
void http_suspend(struct request *req, http_resume_fn resume, void *ctx,
                  void (*ctx_free)(void *));
/* From any thread, exactly once after http_suspend, when the work is done (its results in
 * ctx): the request's answer can be made. Nothing of req may be touched after this call. */
void http_resume(struct request *req);

/* ---- replies: each queues exactly one response and returns libmicrohttpd's result ---- */
/* Adds a header to the coming reply (the value is copied). */
void http_add_header(struct request *req, const char *name, const char *value);
/* Adds `Link: <path?query>; rel="next"` to the coming reply: this request's path and query
 * with the argument name set to value (a list page's next cursor). */
void http_link_next(struct request *req, const char *name, const char *value);
/* Sends body (reference stolen) as application/json. etag may be NULL: a GET or HEAD answered
 * 200 then gets a weak ETag of the body. A GET or HEAD whose If-None-Match names the ETag is
 * answered 304 with the ETag and no body instead. */
enum MHD_Result reply_json(struct request *req, unsigned status, json_t *body);
enum MHD_Result reply_json_etag(struct request *req, unsigned status, json_t *body,
                                const char *etag);
/* The same for JSON already written as text (json_text.h; malloc'd, taken; NULL when it could
 * not be made: 500). */
enum MHD_Result reply_json_text(struct request *req, unsigned status, char *text, size_t len,
                                const char *etag);
/* Sends text (malloc'd, taken: freed by the library) of len bytes as content_type. */
enum MHD_Result reply_text(struct request *req, unsigned status, const char *content_type,
                           char *text, size_t len);
/* Sends len bytes of data that outlive the server (a file built into the binary; not copied,
 * not freed) as content_type, with etag (may be NULL) and cache_control (NULL: no-store). A
 * GET or HEAD answered 200 whose If-None-Match names etag is answered 304 without a body. */
enum MHD_Result reply_static(struct request *req, unsigned status, const void *data,
                             size_t len, const char *content_type, const char *etag,
                             const char *cache_control);
/* Sends an empty reply (204, 304 ...). */
enum MHD_Result reply_empty(struct request *req, unsigned status);
/* Sends an RFC 9457 problem for the catalogue entry, with a printf-style detail. */
enum MHD_Result reply_problem(struct request *req, enum err_code err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As reply_problem, merging the members of extra (reference stolen; may be NULL). */
enum MHD_Result reply_problem_extra(struct request *req, enum err_code err, json_t *extra,
                                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
