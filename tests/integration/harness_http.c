/* harness_http.c - the HTTP side of harness.h: one exchange with the server over libcurl (appended
 * to $ADVISORD_TRACE_DIR for the contract check unless it is a web page), the api shorthands, and
 * a response's headers and JSON members. The server process, its log and the CLI: harness.c. */
#include "harness.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct buf {
  char *data;
  size_t len;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
  struct buf *b = userdata;
  size_t n = size * nmemb;
  char *nd = realloc(b->data, b->len + n + 1);
  if (!nd)
    return 0;
  b->data = nd;
  for (size_t i = 0; i < n; i++) /* header names compared lower-case; values untouched */
    nd[b->len + i] = ptr[i];
  b->len += n;
  nd[b->len] = '\0';
  return n;
}

/* Appends one exchange to $ADVISORD_TRACE_DIR/trace-<pid>.jsonl for the contract check. */
static void trace(const char *method, const char *path, const char *const *headers,
                  const char *body, const struct resp *r)
{
  const char *dir = getenv("ADVISORD_TRACE_DIR");
  if (!dir || !*dir)
    return;
  json_t *req_h = json_object(), *resp_h = json_object();
  for (size_t i = 0; headers && headers[i]; i++) {
    const char *colon = strchr(headers[i], ':');
    if (!colon)
      continue;
    char name[128];
    size_t nl = (size_t)(colon - headers[i]) < sizeof name - 1 ? (size_t)(colon - headers[i])
                                                                : sizeof name - 1;
    for (size_t k = 0; k < nl; k++)
      name[k] = (char)(headers[i][k] >= 'A' && headers[i][k] <= 'Z' ? headers[i][k] + 32
                                                                       : headers[i][k]);
    name[nl] = '\0';
    const char *v = colon + 1;
    while (*v == ' ')
      v++;
    json_object_set_new(req_h, name, json_string(v));
  }
  for (const char *line = r->headers; line && *line;) {
    const char *end = strstr(line, "\r\n");
    size_t len = end ? (size_t)(end - line) : strlen(line);
    const char *colon = memchr(line, ':', len);
    if (colon) {
      char name[128], value[1024];
      size_t nl = (size_t)(colon - line) < sizeof name - 1 ? (size_t)(colon - line) : sizeof name - 1;
      for (size_t k = 0; k < nl; k++)
        name[k] = (char)(line[k] >= 'A' && line[k] <= 'Z' ? line[k] + 32 : line[k]);
      name[nl] = '\0';
      const char *v = colon + 1;
      while (*v == ' ')
        v++;
      size_t vl = (size_t)(line + len - v) < sizeof value - 1 ? (size_t)(line + len - v)
                                                               : sizeof value - 1;
      memcpy(value, v, vl);
      value[vl] = '\0';
      json_object_set_new(resp_h, name, json_string(value));
    }
    line = end ? end + 2 : line + len;
  }
  size_t blen = body ? strlen(body) : 0;
  json_t *rec = json_pack("{s:s, s:s, s:o, s:o?, s:i, s:o, s:o?}", "method", method, "path",
                          path, "request_headers", req_h, "request_body",
                          blen > 0 && blen < 65536 ? json_string(body) : NULL, "status",
                          (int)r->status, "response_headers", resp_h, "response_body",
                          r->body && r->body_len ? json_stringn(r->body, r->body_len) : NULL);
  char file[512];
  snprintf(file, sizeof file, "%s/trace-%d.jsonl", dir, (int)getpid());
  FILE *f = fopen(file, "a");
  if (f && rec) {
    char *line = json_dumps(rec, JSON_COMPACT);
    if (line)
      fprintf(f, "%s\n", line);
    free(line);
  }
  if (f)
    fclose(f);
  json_decref(rec);
}

static bool exchange(struct server *s, const char *method, const char *path,
                     const char *const *headers, const char *body, struct resp *r, bool traced)
{
  memset(r, 0, sizeof *r);
  CURL *c = curl_easy_init();
  if (!c)
    return false;
  char url[65536];
  snprintf(url, sizeof url, "%s%s", s->base, path);
  struct buf b = {0}, h = {0};
  struct curl_slist *hl = NULL;
  for (size_t i = 0; headers && headers[i]; i++)
    hl = curl_slist_append(hl, headers[i]);
  hl = curl_slist_append(hl, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  if (strcmp(method, "HEAD") == 0)
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
  curl_slist_free_all(hl);
  curl_easy_cleanup(c);
  r->body = b.data ? b.data : calloc(1, 1);
  r->body_len = b.len;
  r->headers = h.data ? h.data : calloc(1, 1);
  if (r->body_len)
    r->json = json_loadb(r->body, r->body_len, 0, NULL);
  if (rc != CURLE_OK) {
    fprintf(stderr, "harness: %s %s: %s\n", method, path, curl_easy_strerror(rc));
    return false;
  }
  if (traced)
    trace(method, path, headers, body, r);
  return true;
}

bool http(struct server *s, const char *method, const char *path, const char *const *headers,
          const char *body, struct resp *r)
{
  return exchange(s, method, path, headers, body, r, true);
}

bool http_web(struct server *s, const char *method, const char *path,
              const char *const *headers, struct resp *r)
{
  return exchange(s, method, path, headers, NULL, r, false);
}

bool api_with(struct server *s, const char *method, const char *path, const char *token,
              const char *body, const char *const *extra, struct resp *r)
{
  char auth[512];
  const char *headers[16];
  int n = 0;
  if (token) {
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
    headers[n++] = auth;
  }
  if (body)
    headers[n++] = "Content-Type: application/json";
  for (size_t i = 0; extra && extra[i] && n < 15; i++)
    headers[n++] = extra[i];
  headers[n] = NULL;
  return http(s, method, path, headers, body, r);
}

bool api(struct server *s, const char *method, const char *path, const char *token,
         const char *body, struct resp *r)
{
  return api_with(s, method, path, token, body, NULL, r);
}

void resp_free(struct resp *r)
{
  free(r->body);
  free(r->headers);
  json_decref(r->json);
  memset(r, 0, sizeof *r);
}

bool resp_header(const struct resp *r, const char *name, char *buf, size_t len)
{
  size_t nl = strlen(name);
  for (const char *line = r->headers; line && *line;) {
    const char *end = strstr(line, "\r\n");
    if (strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
      const char *v = line + nl + 1;
      while (*v == ' ')
        v++;
      size_t vl = end ? (size_t)(end - v) : strlen(v);
      if (vl >= len)
        vl = len - 1;
      memcpy(buf, v, vl);
      buf[vl] = '\0';
      return true;
    }
    if (!end)
      break;
    line = end + 2;
  }
  return false;
}

const char *resp_str(const struct resp *r, const char *path)
{
  json_t *cur = r->json;
  char part[128];
  const char *p = path;
  while (cur && *p) {
    size_t n = strcspn(p, ".");
    if (n >= sizeof part)
      return NULL;
    memcpy(part, p, n);
    part[n] = '\0';
    cur = json_object_get(cur, part);
    p += n + (p[n] == '.');
  }
  return json_string_value(cur);
}
