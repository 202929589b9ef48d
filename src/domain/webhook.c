/* webhook.c - the rules of webhooks (domain/webhook.h). */
#include "domain/webhook.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char *history, *type;
} types[] = {
    {"invite", "collaboration.invited"},
    {"approve", "collaboration.approved"},
    {"accept", "collaboration.accepted"},
    {"provision", "collaboration.activated"},
    {"connect_task", "collaboration.task_connected"},
    {"decline", "collaboration.declined"},
    {"withdraw", "collaboration.withdrawn"},
    {"expire", "collaboration.expired"},
    {"end", "collaboration.ended"},
    {"remind", "collaboration.reminded"},
    {"renewal_requested", "collaboration.renewal_requested"},
    {"change_variant", "collaboration.variant_changed"},
    {"change_task", "collaboration.task_changed"},
    {"change_terms", "collaboration.terms_changed"},
    {"service_decision", "collaboration.service_decided"},
    {"change_administrator", "collaboration.administrator_changed"},
    {"company_changed", "collaboration.company_changed"},
};
#define N_TYPES (sizeof types / sizeof types[0])

const char *webhook_event_type(const char *history_event)
{
  for (size_t i = 0; history_event && i < N_TYPES; i++)
    if (strcmp(types[i].history, history_event) == 0)
      return types[i].type;
  return NULL;
}

bool webhook_event_type_known(const char *type)
{
  for (size_t i = 0; type && i < N_TYPES; i++)
    if (strcmp(types[i].type, type) == 0)
      return true;
  return false;
}

const char *webhook_event_type_at(size_t i)
{
  return i < N_TYPES ? types[i].type : NULL;
}

bool webhook_events_match(const char *list, const char *type)
{
  if (strcmp(type, WEBHOOK_PING) == 0 || strcmp(list, "*") == 0)
    return true;
  size_t n = strlen(type);
  for (const char *p = strstr(list, type); p; p = strstr(p + 1, type))
    if (p > list && p[-1] == ',' && p[n] == ',')
      return true;
  return false;
}

enum webhook_outcome webhook_classify(long status, bool transport_error)
{
  if (transport_error || status == 0)
    return WEBHOOK_RETRY;
  if (status >= 200 && status < 300)
    return WEBHOOK_DELIVERED;
  if (status == 410)
    return WEBHOOK_GONE;
  if (status >= 500 || status == 408 || status == 429)
    return WEBHOOK_RETRY;
  return WEBHOOK_REFUSED;
}

int64_t webhook_backoff_ms(int attempts, int64_t min_ms, int64_t max_ms, uint32_t rnd)
{
  int64_t base = min_ms > 0 ? min_ms : 1;
  for (int i = 1; i < attempts && base < max_ms; i++)
    base *= 2;
  if (base > max_ms)
    base = max_ms;
  int64_t half = base / 2;
  return half + (int64_t)(rnd % (uint64_t)(half + 1));
}

bool webhook_url_check(const char *url, bool allow_http, char *why, size_t why_len)
{
  const char *rest = NULL;
  if (strncmp(url, "https://", 8) == 0)
    rest = url + 8;
  else if (strncmp(url, "http://", 7) == 0 && allow_http)
    rest = url + 7;
  if (!rest) {
    snprintf(why, why_len, "must start with https:%s", allow_http ? " or http:" : "");
    return false;
  }
  size_t host_len = strcspn(rest, "/?#");
  if (host_len == 0 || rest[0] == ':') {
    snprintf(why, why_len, "names no host");
    return false;
  }
  if (memchr(rest, '@', host_len)) {
    snprintf(why, why_len, "must not hold a user name or password");
    return false;
  }
  if (strchr(url, '#')) {
    snprintf(why, why_len, "must not hold a fragment (#...)");
    return false;
  }
  for (const char *p = url; *p; p++)
    if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
      snprintf(why, why_len, "holds a space or a character that must be percent-encoded");
      return false;
    }
  return true;
}

static bool v4_internal(const unsigned char *a)
{
  return a[0] == 0 || a[0] == 10 || a[0] == 127 ||           /* this network, private, loopback */
         (a[0] == 100 && (a[1] & 0xc0) == 64) ||            /* shared (carrier-grade NAT) */
         (a[0] == 169 && a[1] == 254) ||                    /* link-local */
         (a[0] == 172 && (a[1] & 0xf0) == 16) ||            /* private */
         (a[0] == 192 && a[1] == 0 && a[2] == 0) ||         /* IETF protocol assignments */
         (a[0] == 192 && a[1] == 168) ||                    /* private */
         (a[0] == 198 && (a[1] & 0xfe) == 18) ||            /* benchmarking */
         a[0] >= 224;                                       /* multicast, reserved, broadcast */
}

bool webhook_address_internal(const unsigned char *addr, size_t len)
{
  if (len == 4)
    return v4_internal(addr);
  if (len != 16)
    return true;
  static const unsigned char zero[10] = {0};
  if (memcmp(addr, zero, 10) == 0 && addr[10] == 0xff && addr[11] == 0xff)
    return v4_internal(addr + 12); /* IPv4-mapped */
  bool unspecified_or_loopback = true;
  for (int i = 0; i < 15; i++)
    unspecified_or_loopback = unspecified_or_loopback && addr[i] == 0;
  if (unspecified_or_loopback && addr[15] <= 1)
    return true;
  return (addr[0] & 0xfe) == 0xfc ||                  /* unique local fc00::/7 */
         (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80) || /* link-local fe80::/10 */
         (addr[0] == 0xfe && (addr[1] & 0xc0) == 0xc0) || /* site-local fec0::/10 */
         addr[0] == 0xff ||                               /* multicast */
         (addr[0] == 0x20 && addr[1] == 0x01 && addr[2] == 0x0d && addr[3] == 0xb8) ||
         (addr[0] == 0x00 && addr[1] == 0x64 && addr[2] == 0xff && addr[3] == 0x9b); /* NAT64 */
}
