/* resource.c - ETags and If-Match, opaque cursors, and transaction errors for the register
 * handlers. */
#include "resource.h"
#include "app.h"
#include "json_text.h"
#include "util.h"
#include "validate.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum if_match api_if_match(const struct request *req, int64_t version)
{
  return etag_if_match(http_header(req, "If-Match"), version);
}

bool api_require_if_match(struct request *req, enum MHD_Result *r)
{
  if (http_header(req, "If-Match"))
    return false;
  *r = reply_problem(req, ERR_PRECONDITION_REQUIRED,
                     "Send If-Match with the ETag of the version you are changing "
                     "(from a GET of %s)", req->path);
  return true;
}

char *api_cursor_encode(const char *const *parts, size_t n)
{
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, json_string(parts[i]));
  char *text = json_dumps(a, JSON_COMPACT);
  json_decref(a);
  if (!text)
    return NULL;
  size_t len = strlen(text);
  char *out = malloc(4 * len / 3 + 4);
  if (out)
    util_base64url((const unsigned char *)text, len, out);
  free(text);
  return out;
}

static int b64_value(char ch)
{
  if (ch >= 'A' && ch <= 'Z')
    return ch - 'A';
  if (ch >= 'a' && ch <= 'z')
    return ch - 'a' + 26;
  if (ch >= '0' && ch <= '9')
    return ch - '0' + 52;
  return ch == '-' ? 62 : ch == '_' ? 63 : -1;
}

bool api_cursor_decode(const char *cursor, size_t n, char bufs[][1024])
{
  size_t len = strlen(cursor);
  if (len == 0 || len > API_CURSOR_MAX)
    return false;
  unsigned char raw[API_CURSOR_MAX];
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; i++) {
    int v = b64_value(cursor[i]);
    if (v < 0)
      return false;
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      raw[o++] = (unsigned char)((acc >> bits) & 0xff);
    }
  }
  json_t *a = json_loadb((const char *)raw, o, 0, NULL);
  bool ok = json_is_array(a) && json_array_size(a) == n;
  for (size_t i = 0; ok && i < n; i++) {
    const char *s = json_string_value(json_array_get(a, i));
    ok = s && strlen(s) < 1024;
    if (ok)
      memcpy(bufs[i], s, strlen(s) + 1);
  }
  json_decref(a);
  return ok;
}

enum MHD_Result api_bad_cursor(struct request *req)
{
  return reply_problem_extra(req, ERR_BAD_QUERY,
                             json_pack("{s:[{s:s, s:s}]}", "errors", "field", "cursor",
                                       "message", "is not a cursor this server gave out"),
                             "Invalid query parameter: cursor");
}

int api_list_limit(const struct request *req, int dflt)
{
  const char *limit = http_query(req, "limit");
  return limit ? atoi(limit) : dflt;
}

bool api_page_add(struct api_page *p, json_t *item, const char *key0, const char *key1)
{
  if (p->seen == p->limit) {
    p->more = true;
    json_decref(item);
    return false;
  }
  p->seen++;
  json_array_append_new(p->items, item);
  snprintf(p->keys[0], sizeof p->keys[0], "%s", key0);
  snprintf(p->keys[1], sizeof p->keys[1], "%s", key1);
  return true;
}

/* The next page's cursor (malloc'd, the caller frees; NULL on the last page), announced in a
 * Link header. */
static char *next_cursor(struct request *req, const char *const *next, size_t n)
{
  char *cursor = next ? api_cursor_encode(next, n) : NULL;
  if (cursor)
    http_link_next(req, "cursor", cursor);
  return cursor;
}

enum MHD_Result api_page_reply(struct request *req, json_t *items, const char *const *next,
                               size_t n)
{
  char *text = next_cursor(req, next, n);
  json_t *cursor = text ? json_string(text) : json_null();
  free(text);
  return reply_json(req, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", cursor));
}

enum MHD_Result api_page_reply_text(struct request *req, struct json_text *w,
                                    const char *const *next, size_t n)
{
  json_text_close(w, ']');
  char *cursor = next_cursor(req, next, n);
  json_text_str(w, "next_cursor", cursor);
  free(cursor);
  json_text_close(w, '}');
  size_t len;
  char *text = json_text_take(w, &len);
  return reply_json_text(req, 200, text, len, NULL);
}

enum MHD_Result api_list_run(struct request *req, api_page_fill fill, void *arg,
                             const char *what)
{
  char parts[2][1024];
  const char *cursor = http_query(req, "cursor");
  if (cursor && !api_cursor_decode(cursor, 2, parts))
    return api_bad_cursor(req);
  const char *after[2] = {cursor ? parts[0] : NULL, cursor ? parts[1] : NULL};
  struct api_page *p = calloc(1, sizeof *p);
  if (!p) {
    free(p);
    return api_store_failure(req, STORE_ERROR, what);
  }
  *p = (struct api_page){.items = json_array(),
                         .limit = api_list_limit(req, API_LIST_DEFAULT_LIMIT)};
  enum store_status st = fill(after, p, arg);
  enum MHD_Result r;
  if (st == STORE_ABORT) /* the fill found the cursor unusable */
    r = api_bad_cursor(req);
  else if (st != STORE_OK)
    r = api_store_failure(req, st, what);
  else {
    const char *next[] = {p->keys[0], p->keys[1]};
    r = api_page_reply(req, json_incref(p->items), p->more ? next : NULL, 2);
  }
  json_decref(p->items);
  free(p);
  return r;
}

enum MHD_Result api_reply_refusal(struct request *req, struct refusal *r)
{
  if (r->retry_after > 0) {
    char secs[24];
    snprintf(secs, sizeof secs, "%ld", r->retry_after);
    http_add_header(req, "Retry-After", secs);
  }
  enum MHD_Result res;
  if (r->errors && !r->detail[0] && !r->extra) {
    json_t *errors = r->errors;
    r->errors = NULL;
    res = reply_validation(req, errors);
  } else {
    json_t *extra = r->extra;
    r->extra = NULL;
    if (r->errors) {
      if (!extra)
        extra = json_object();
      json_object_set_new(extra, "errors", r->errors);
      r->errors = NULL;
    }
    res = reply_problem_extra(req, r->code, extra, "%s", r->detail);
  }
  refusal_clear(r);
  return res;
}

enum MHD_Result tx_reply(struct request *req, struct refusal *e, enum store_status st,
                         const char *what)
{
  if (refused(e) && (st == STORE_ABORT || st == STORE_OK))
    return api_reply_refusal(req, e);
  refusal_clear(e);
  return api_store_failure(req, st == STORE_ABORT ? STORE_ERROR : st, what);
}

bool api_reject_empty_patch(struct request *req, const char *fields, enum MHD_Result *r)
{
  if (req->json && json_object_size(req->json) > 0)
    return false;
  *r = reply_problem(req, ERR_VALIDATION, "Send at least one of %s", fields);
  return true;
}

enum store_status api_render_keep(struct store_conn *c, const void *created, void *arg)
{
  struct api_render *w = arg;
  json_decref(w->body);
  w->body = NULL;
  w->render(created, w);
  if (!w->body)
    return STORE_ERROR;
  return api_idem_finish(c, w->principal_id, w->ik, 201, w->body, w->location,
                         w->etag[0] ? w->etag : NULL);
}

enum MHD_Result api_render_reply(struct request *req, struct api_render *w,
                                 enum store_status st, struct refusal *rf,
                                 const void *resource, unsigned status, const char *what)
{
  if ((st != STORE_OK || refused(rf)) && w->ik)
    api_idem_abandon(req, w->ik);
  enum MHD_Result r;
  if (st != STORE_OK || refused(rf)) {
    r = tx_reply(req, rf, st == STORE_OK ? STORE_ABORT : st, what);
  } else if (status == 204) {
    r = reply_empty(req, 204);
  } else {
    if (!w->body)
      w->render(resource, w);
    if (w->location[0])
      http_add_header(req, "Location", w->location);
    r = reply_json_etag(req, status, w->body, w->etag[0] ? w->etag : NULL);
    w->body = NULL;
  }
  json_decref(w->body);
  w->body = NULL;
  return r;
}
