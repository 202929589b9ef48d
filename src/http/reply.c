/* reply.c - the one way responses leave the server: serialize, set the common headers
 * (Content-Type, X-Request-Id, Cache-Control, CORS, ETag, extras), queue, release. A GET answered
 * 200 always has an ETag (the resource's version when the handler gives one, else a weak tag of
 * the body), and If-None-Match naming it turns the answer into 304 without a body. */
#include "domain/etag.h"
#include "http.h"
#include "log.h"
#include "mbuf.h"
#include "util.h"
#include "words_sv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void http_add_header(struct request *req, const char *name, const char *value)
{
  if (req->n_extra >= HTTP_MAX_EXTRA_HEADERS)
    return;
  char *copy = strdup(value);
  if (!copy)
    return;
  req->extra_names[req->n_extra] = name;
  req->extra_values[req->n_extra] = copy;
  req->n_extra++;
}

/* Adds the common headers to resp, queues and releases it. cache_control NULL: no-store. */
static enum MHD_Result queue_response(struct request *req, unsigned status,
                                      struct MHD_Response *resp, const char *content_type,
                                      const char *etag, const char *cache_control)
{
  if (content_type)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  MHD_add_response_header(resp, "X-Request-Id", req->request_id);
  MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                          cache_control ? cache_control : "no-store");
  if (etag)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
  if (req->cors_origin) {
    MHD_add_response_header(resp, "Access-Control-Allow-Origin", req->cors_origin);
    MHD_add_response_header(resp, "Access-Control-Expose-Headers",
                            "ETag, Link, Location, X-Request-Id, Retry-After, Idempotency-Replayed");
    MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Origin");
  }
  for (size_t i = 0; i < req->n_extra; i++)
    MHD_add_response_header(resp, req->extra_names[i], req->extra_values[i]);
  req->status = status;
  req->answered = true;
  enum MHD_Result r = MHD_queue_response(req->conn, status, resp);
  MHD_destroy_response(resp);
  return r;
}

static bool is_read(const struct request *req)
{
  return strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
}

static enum MHD_Result queue(struct request *req, unsigned status, char *text, size_t len,
                             const char *content_type, const char *etag)
{
  /* the library hands text to mbuf_recycle (a free() that keeps a few for the thread's next
   * replies) when it is done with it */
  struct MHD_Response *resp =
      text ? MHD_create_response_from_buffer_with_free_callback(len, text, mbuf_recycle)
           : MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
  if (!resp) {
    free(text);
    return MHD_NO;
  }
  return queue_response(req, status, resp, content_type, etag, NULL);
}

enum MHD_Result reply_static(struct request *req, unsigned status, const void *data,
                             size_t len, const char *content_type, const char *etag,
                             const char *cache_control)
{
  const char *inm = http_header(req, MHD_HTTP_HEADER_IF_NONE_MATCH);
  if (status == 200 && etag && inm && is_read(req) && etag_list_has(inm, etag, true))
    status = 304, len = 0; /* the client has it: the tag again, no body */
  /* PERSISTENT: the library neither copies nor frees it (the data lives in the binary). */
  struct MHD_Response *resp =
      MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);
  if (!resp)
    return MHD_NO;
  return queue_response(req, status, resp, content_type, etag, cache_control);
}

/* Sends JSON text (malloc'd; freed here; NULL: it could not be made, a 500 problem): a read's
 * 200 gets its ETag (a weak digest of the text when etag is NULL) and becomes 304 when
 * If-None-Match names it. */
static enum MHD_Result send_text(struct request *req, unsigned status, char *text, size_t len,
                                 const char *content_type, const char *etag)
{
  if (!text) {
    log_msg(LOG_ERROR, "reply_failed", "could not serialize a reply (request %s)",
            req->request_id);
    if (content_type && strcmp(content_type, "application/problem+json") == 0)
      return queue(req, 500, NULL, 0, NULL, NULL); /* not even a problem could be made */
    return reply_problem(req, ERR_INTERNAL,
                         "The answer could not be made; any change the request asked for may "
                         "have been saved: read the resource again before retrying");
  }
  char weak[48];
  if (status == 200 && is_read(req)) {
    if (!etag) { /* no version to name: a digest of what is sent (weak: same meaning); not
                  * SHA-256, which was 13% of a list page's CPU */
      char hex[33];
      util_digest128_hex(text, len, hex);
      snprintf(weak, sizeof weak, "W/\"%s\"", hex);
      etag = weak;
    }
    const char *inm = http_header(req, "If-None-Match");
    if (inm && etag_list_has(inm, etag, true)) {
      free(text);
      return queue(req, 304, NULL, 0, NULL, etag);
    }
  }
  return queue(req, status, text, len, content_type, etag);
}

static enum MHD_Result send_json(struct request *req, unsigned status, json_t *body,
                                 const char *content_type, const char *etag)
{
  /* UTF-8 as it is (RFC 8259): "Byrå", not "Byr\u00e5"; jansson still escapes control
   * characters, quotes and backslashes. */
  char *text = json_dumps(body, JSON_COMPACT);
  json_decref(body);
  return send_text(req, status, text, text ? strlen(text) : 0, content_type, etag);
}

enum MHD_Result reply_json_text(struct request *req, unsigned status, char *text, size_t len,
                                const char *etag)
{
  return send_text(req, status, text, len, "application/json", etag);
}

enum MHD_Result reply_json_etag(struct request *req, unsigned status, json_t *body,
                                const char *etag)
{
  return send_json(req, status, body, "application/json", etag);
}

enum MHD_Result reply_json(struct request *req, unsigned status, json_t *body)
{
  return send_json(req, status, body, "application/json", NULL);
}

enum MHD_Result reply_text(struct request *req, unsigned status, const char *content_type,
                           char *text, size_t len)
{
  return queue(req, status, text, len, content_type, NULL);
}

enum MHD_Result reply_empty(struct request *req, unsigned status)
{
  return queue(req, status, NULL, 0, NULL, NULL);
}

static bool has_extra_header(const struct request *req, const char *name)
{
  for (size_t i = 0; i < req->n_extra; i++)
    if (strcasecmp(req->extra_names[i], name) == 0)
      return true;
  return false;
}

/* A reader who prefers Swedish (Accept-Language) gets the title, the detail and each field's
 * message in Swedish where words_sv.h has them; the rest stays English. */
static void in_swedish(char *title, size_t title_len, char *detail, size_t len, json_t *extra)
{
  words_sv(title, title, title_len); /* in place: unchanged when it has no Swedish or it */
  words_sv(detail, detail, len);     /* would not fit */
  char sv[1024];
  json_t *errors = json_object_get(extra, "errors"), *e;
  size_t i;
  json_array_foreach(errors, i, e) {
    if (words_sv(json_string_value(json_object_get(e, "message")), sv, sizeof sv))
      json_object_set_new(e, "message", json_string(sv));
  }
}

static enum MHD_Result problem(struct request *req, enum err_code err, json_t *extra,
                               const char *fmt, va_list ap)
{
  /* detail and instance may carry client bytes (a path parameter, a truncated message):
   * JSON needs UTF-8, so stray bytes become '?' rather than failing the whole reply. */
  char detail[1024];
  vsnprintf(detail, sizeof detail, fmt, ap);
  util_utf8_sanitize(detail);
  char title[160];
  snprintf(title, sizeof title, "%s", err_title(err));
  if (http_prefers_sv(req))
    in_swedish(title, sizeof title, detail, sizeof detail, extra);
  char instance[2048];
  snprintf(instance, sizeof instance, "%s", req->path ? req->path : "/");
  util_utf8_sanitize(instance);
  char type[128];
  snprintf(type, sizeof type, "urn:advisord:problem:%s", err_code_str(err));
  unsigned status = err_status(err);
  req->error = err;
  json_t *body = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "type", type, "title",
                           title, "status", (int)status, "detail", detail, "code",
                           err_code_str(err), "instance", instance,
                           "request_id", req->request_id);
  if (body && extra)
    json_object_update(body, extra);
  json_decref(extra);
  if (!body)
    return queue(req, 500, NULL, 0, NULL, NULL);
  /* Every 503 says when to come back, whichever layer found the database unavailable. */
  if (status == 503 && !has_extra_header(req, "Retry-After"))
    http_add_header(req, "Retry-After", "1");
  if (status >= 500)
    log_json(LOG_ERROR, "server_error",
             json_pack("{s:s, s:s, s:s}", "code", err_code_str(err), "detail", detail,
                       "request_id", req->request_id));
  return send_json(req, status, body, "application/problem+json", NULL);
}

enum MHD_Result reply_problem(struct request *req, enum err_code err, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  enum MHD_Result r = problem(req, err, NULL, fmt, ap);
  va_end(ap);
  return r;
}

enum MHD_Result reply_problem_extra(struct request *req, enum err_code err, json_t *extra,
                                    const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  enum MHD_Result r = problem(req, err, extra, fmt, ap);
  va_end(ap);
  return r;
}
