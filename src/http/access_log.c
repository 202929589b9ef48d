/* access_log.c - the access-log line of each request, with secrets left out of its path. */
#include "access_log.h"
#include "json_text.h"
#include "log.h"
#include "mbuf.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A segment that could be a secret: 20 or more base64url characters and not a UUID (ids are
 * worth keeping in the log; links and tokens are 43 base64url characters). */
static bool token_like(const char *seg, size_t n)
{
  if (n < 20)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!((seg[i] >= 'A' && seg[i] <= 'Z') || (seg[i] >= 'a' && seg[i] <= 'z') ||
          (seg[i] >= '0' && seg[i] <= '9') || seg[i] == '-' || seg[i] == '_'))
      return false;
  char uuid[37];
  if (n != 36)
    return true;
  memcpy(uuid, seg, 36);
  uuid[36] = '\0';
  return !util_is_uuid(uuid);
}

static bool names_secret(const char *const *after, const char *seg, size_t n)
{
  for (size_t i = 0; after && after[i]; i++)
    if (strlen(after[i]) == n && strncasecmp(after[i], seg, n) == 0)
      return true;
  return false;
}

/* The path as logged into buf (>= 300 bytes), at most 256 bytes of valid UTF-8. Segment by
 * segment, whatever route matched (or none: "//v1/invitations/T", "/V1/INVITATIONS/T" must
 * not land T in the log), a segment is "[redacted]" when it follows one the options name as
 * secret-bearing or when it looks like a token. */
static void logged_path(const char *path, const char *const *secret_after, char *buf)
{
  size_t o = 0;
  bool secret_next = false;
  for (const char *p = path; *p && o < 257;) {
    if (*p == '/') {
      buf[o++] = *p++;
      continue;
    }
    size_t n = strcspn(p, "/");
    bool hide = secret_next || token_like(p, n);
    secret_next = names_secret(secret_after, p, n);
    const char *text = hide ? "[redacted]" : p;
    size_t len = hide ? strlen(text) : n;
    if (len > 257 - o)
      len = 257 - o;
    memcpy(buf + o, text, len);
    o += len;
    p += n;
  }
  buf[o > 256 ? 256 : o] = '\0';
  util_utf8_sanitize(buf);
}

void access_log_write(const struct request *req, const char *const *secret_after)
{
  enum log_level level = req->status >= 500 ? LOG_ERROR : LOG_INFO;
  if (!log_enabled(level))
    return;
  /* Written as JSON text (json_text.h), the members in the order the jansson object had:
   * building that object and serialising it was a quarter of a GET's CPU time at the default
   * log level. A field that is not UTF-8 drops the line, as it did the object. */
  struct json_text w = {0};
  json_text_open(&w, NULL, '{');
  json_text_str(&w, "method", req->method ? req->method : "");
  json_text_int(&w, "status", (int)req->status);
  json_text_int(&w, "duration_ms", util_mono_ms() - req->started_ms);
  json_text_str(&w, "request_id", req->request_id);
  if (req->route)
    json_text_str(&w, "route", req->route->pattern);
  if (req->path) {
    char path[300];
    logged_path(req->path, secret_after, path);
    json_text_str(&w, "path", path);
  }
  if (req->principal.kind)
    json_text_str(&w, "principal", req->principal.id);
  if (req->body_len)
    json_text_int(&w, "bytes_in", (int64_t)req->body_len);
  json_text_close(&w, '}');
  size_t len;
  char *text = json_text_take(&w, &len);
  if (text)
    log_json_text(level, "request", text + 1, len - 2); /* the members, without braces */
  mbuf_recycle(text); /* the reply's text is given back after this: two blocks take turns */
}
