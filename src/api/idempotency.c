/* idempotency.c - the Idempotency-Key header on creating POSTs (IETF draft): the same key and
 * request replays the first response; the same key with another request is 422; a retry while
 * the first is still running is 409. Keys are per principal and kept at least 24 hours. */
#include "app.h"
#include "log.h"
#include "resource.h"
#include "store_idempotency.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const char *api_idem_parse_key(const char *h, char *out, size_t len)
{
  size_t o = 0;
  if (h[0] == '"') {
    const char *p = h + 1;
    for (; *p && *p != '"'; p++) {
      if (*p == '\\') {
        p++;
        if (*p != '"' && *p != '\\')
          return "has a bad escape in its quoted string";
      }
      if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
        return "may contain only visible ASCII characters";
      if (o + 1 >= len)
        return "must have at most 255 characters";
      out[o++] = *p;
    }
    if (*p != '"' || p[1] != '\0')
      return "must be a quoted string like \"8e03978e-40d5-43e8-bc93-6894a57f9324\"";
  } else {
    for (const char *p = h; *p; p++) {
      if ((unsigned char)*p <= 0x20 || (unsigned char)*p > 0x7e || *p == '"' || *p == ',')
        return "may contain only visible ASCII characters (quote it: \"...\")";
      if (o + 1 >= len)
        return "must have at most 255 characters";
      out[o++] = *p;
    }
  }
  out[o] = '\0';
  return o == 0 ? "must not be empty" : NULL;
}

/* The request's fingerprint into out; false when out of memory (then nothing may be compared:
 * a fingerprint without the body would let another body replay this one's answer). */
static bool fingerprint(const struct request *req, char *out)
{
  /* JSON as parsed (spacing and key order do not count); any other body (a CSV file) as sent */
  char *dumped = req->json ? json_dumps(req->json, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  const char *body = req->json ? dumped : req->body ? req->body : "";
  if (!body)
    return false;
  size_t n = strlen(req->method) + strlen(req->path) + strlen(body) + 3;
  char *text = malloc(n);
  if (text) {
    snprintf(text, n, "%s %s\n%s", req->method, req->path, body);
    util_sha256_hex(text, out);
  }
  free(text);
  free(dumped);
  return text != NULL;
}

static enum MHD_Result replay(struct request *req, struct idem_saved *saved)
{
  json_t *body = json_loads(saved->response, 0, NULL);
  if (!body)
    return reply_problem(req, ERR_INTERNAL, "The stored response could not be replayed");
  if (saved->location[0])
    http_add_header(req, "Location", saved->location);
  http_add_header(req, "Idempotency-Replayed", "true");
  return reply_json_etag(req, saved->status, body, saved->etag[0] ? saved->etag : NULL);
}

/* Reads the request's Idempotency-Key into key (IDEM_KEY_LEN bytes): false without one; true after
 * answering 400 when it is malformed (*r), or with key filled and *r untouched. */
static bool read_key(struct request *req, char *key, bool *bad, enum MHD_Result *r)
{
  *bad = false;
  const char *h = http_header(req, "Idempotency-Key");
  if (!h)
    return false;
  const char *why = api_idem_parse_key(h, key, IDEM_KEY_LEN);
  if (why) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s", why);
    *r = reply_problem_extra(req, ERR_VALIDATION,
                             json_pack("{s:[{s:s, s:s}]}", "errors", "field", "Idempotency-Key",
                                       "message", msg),
                             "Invalid header Idempotency-Key: %s", why);
    *bad = true;
  }
  return true;
}

bool api_idem_key_bad(struct request *req, enum MHD_Result *r)
{
  char key[IDEM_KEY_LEN];
  bool bad;
  read_key(req, key, &bad, r);
  return bad;
}

bool api_idem_begin(struct request *req, struct idem *ik, enum MHD_Result *r)
{
  memset(ik, 0, sizeof *ik);
  bool bad;
  if (!read_key(req, ik->key, &bad, r))
    return false;
  if (bad)
    return true;
  if (!fingerprint(req, ik->fingerprint)) {
    *r = reply_problem(req, ERR_INTERNAL, "The request could not be checked against its "
                                          "Idempotency-Key: out of memory");
    return true;
  }
  enum idem_outcome outcome = IDEM_NEW;
  struct idem_saved saved = {0};
  enum store_status st = store_idem_begin(req->app->store, req->principal.id, ik->key,
                                          ik->fingerprint, &outcome, &saved);
  if (st != STORE_OK) {
    free(saved.response);
    *r = api_store_failure(req, st, "idempotency key");
    return true;
  }
  switch (outcome) {
  case IDEM_NEW:
    ik->active = true;
    return false;
  case IDEM_REPLAY:
    *r = replay(req, &saved);
    break;
  case IDEM_MISMATCH:
    *r = reply_problem(req, ERR_IDEMPOTENCY_MISMATCH,
                       "This Idempotency-Key was used with a different request (method, path "
                       "or body); use a new key for a new request");
    break;
  case IDEM_IN_FLIGHT:
    http_add_header(req, "Retry-After", "1");
    *r = reply_problem(req, ERR_IDEMPOTENCY_IN_FLIGHT,
                       "The first request with this Idempotency-Key is still running; retry "
                       "shortly to get its response");
    break;
  }
  free(saved.response);
  return true;
}

enum store_status api_idem_finish_text(struct store_conn *c, const char *principal_id,
                                       const struct idem *ik, unsigned status, const char *text,
                                       const char *location, const char *etag)
{
  if (!ik->active)
    return STORE_OK;
  return text ? store_idem_finish(c, principal_id, ik->key, status, text, location, etag)
              : STORE_ERROR;
}

enum store_status api_idem_finish(struct store_conn *c, const char *principal_id,
                                  const struct idem *ik, unsigned status, json_t *body,
                                  const char *location, const char *etag)
{
  if (!ik->active)
    return STORE_OK;
  char *text = json_dumps(body, JSON_COMPACT);
  enum store_status st = api_idem_finish_text(c, principal_id, ik, status, text, location, etag);
  free(text);
  return st;
}

void api_idem_abandon(struct request *req, const struct idem *ik)
{
  if (ik->active && store_idem_release(req->app->store, req->principal.id, ik->key) != STORE_OK)
    log_msg(LOG_WARN, "idempotency_release_failed",
            "the key of request %s stays reserved until it goes stale", req->request_id);
}
