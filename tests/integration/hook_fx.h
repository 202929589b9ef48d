/* hook_fx.h - helpers of the webhook integration tests (header-only): valid corporate IDs by
 * number, registering an endpoint, checking a delivery's signature the way the README tells a
 * receiver to, and reading what a receiver got. */
#ifndef ADVISORD_TEST_HOOK_FX_H
#define ADVISORD_TEST_HOOK_FX_H

#include "collab_fx.h"
#include "hook_sink.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* An organisation number "5569" + i (5 digits) + its Luhn digit, into out (>= 11). */
static inline void hx_cid(int i, char *out)
{
  snprintf(out, 11, "5569%05d", i);
  int sum = 0;
  for (int k = 0; k < 9; k++) {
    int d = (out[k] - '0') * (k % 2 == 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  out[9] = (char)('0' + (10 - sum % 10) % 10);
  out[10] = '\0';
}

/* POST /v1/webhooks for token's holder; checks 201 and fills id and secret (>= 64). */
static inline void hx_hook(struct server *s, const char *token, const char *url,
                           const char *events_json, char *id, char *secret)
{
  struct resp r;
  CHECK(cx_post(s, "/v1/webhooks", token, &r, "{\"url\":\"%s\",\"events\":%s}", url,
                events_json));
  CHECK_MSG(r.status == 201, "create %s: %ld %s", url, r.status, r.body);
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  snprintf(secret, 64, "%s", resp_str(&r, "secret") ? resp_str(&r, "secret") : "");
  resp_free(&r);
}

/* How many v1= signatures of the header match body under secret, with t within 300 s of now
 * (-1 when t is missing or too old): what the README tells a receiver to check. */
static inline int hx_sig_matches(const char *header, const char *body, const char *secret)
{
  long long t = 0;
  if (sscanf(header, "t=%lld", &t) != 1 || llabs((long long)time(NULL) - t) > 300)
    return -1;
  char ts[24], *msg = malloc(strlen(body) + 32), want[65];
  snprintf(ts, sizeof ts, "%lld", t);
  sprintf(msg, "%s.%s", ts, body);
  unsigned char mac[32];
  unsigned n = 0;
  HMAC(EVP_sha256(), secret, (int)strlen(secret), (unsigned char *)msg, strlen(msg), mac, &n);
  free(msg);
  for (unsigned i = 0; i < n; i++)
    sprintf(want + 2 * i, "%02x", mac[i]);
  int ok = 0;
  for (const char *p = strstr(header, "v1="); p; p = strstr(p + 3, "v1="))
    if (strncmp(p + 3, want, 64) == 0 && (p[67] == ',' || p[67] == '\0'))
      ok++;
  return ok;
}

/* The requests of k with event id (copied under the lock); returns their number. */
static inline int hx_with_event(struct hook_sink *k, const char *event_id)
{
  int n = 0;
  pthread_mutex_lock(&k->mu);
  for (int i = 0; i < k->n; i++)
    n += strcmp(k->reqs[i].event_id, event_id) == 0;
  pthread_mutex_unlock(&k->mu);
  return n;
}

/* GET a delivery of hook by id through the deliveries list; its status into out ("" when
 * absent) and the JSON item (new reference, may be NULL) returned. */
static inline json_t *hx_delivery(struct server *s, const char *token, const char *hook,
                                  const char *delivery, char *status, size_t len)
{
  char path[160];
  snprintf(path, sizeof path, "/v1/webhooks/%s/deliveries?limit=200", hook);
  struct resp r;
  status[0] = '\0';
  json_t *found = NULL;
  if (api(s, "GET", path, token, NULL, &r) && r.json) {
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r.json, "items"), i, it)
      if (strcmp(json_string_value(json_object_get(it, "id")), delivery) == 0) {
        found = json_incref(it);
        snprintf(status, len, "%s", json_string_value(json_object_get(it, "status")));
      }
  }
  resp_free(&r);
  return found;
}

/* Waits up to ms until the delivery's status is want; returns the item (new reference). */
static inline json_t *hx_wait_status(struct server *s, const char *token, const char *hook,
                                     const char *delivery, const char *want, int ms)
{
  char st[16];
  for (int waited = 0;; waited += 50) {
    json_t *d = hx_delivery(s, token, hook, delivery, st, sizeof st);
    if (strcmp(st, want) == 0 || waited >= ms)
      return d;
    json_decref(d);
    struct timespec ts = {0, 50000000L};
    nanosleep(&ts, NULL);
  }
}

/* POST /v1/webhooks/{hook}/ping; the delivery's id and event id (>= 37 each). */
static inline void hx_ping(struct server *s, const char *token, const char *hook, char *id,
                           char *event_id)
{
  char path[160];
  snprintf(path, sizeof path, "/v1/webhooks/%s/ping", hook);
  struct resp r;
  CHECK(api(s, "POST", path, token, NULL, &r));
  CHECK_INT(r.status, 202);
  snprintf(id, FX_ID_LEN, "%s", resp_str(&r, "id") ? resp_str(&r, "id") : "");
  snprintf(event_id, FX_ID_LEN, "%s", resp_str(&r, "event_id") ? resp_str(&r, "event_id") : "");
  resp_free(&r);
}

#endif
