/* retry.c - the delivery outcome classification and backoff policy (see mail_retry.h). */
#include "mail_retry.h"

#include <curl/curl.h>

enum mail_class mail_retry_classify(int curl_code, long smtp_code)
{
  if (smtp_code >= 500 && smtp_code <= 599)
    return MAIL_PERMANENT;
  if (smtp_code >= 400 && smtp_code <= 499)
    return MAIL_TEMPORARY;
  if (curl_code == CURLE_OK)
    return MAIL_DELIVERED;
  /* No usable reply: refused or reset connection, timeout, TLS trouble, a bad URL. All of
   * these can heal (a server comes back, the operator fixes the setting and restarts), so
   * the message waits rather than fails. */
  return MAIL_TEMPORARY;
}

int64_t mail_retry_delay_ms(const struct mail_retry_policy *p, int attempts, uint32_t random)
{
  int64_t lo = p->min_ms > 0 ? p->min_ms : 1;
  int64_t hi = p->max_ms >= lo ? p->max_ms : lo;
  int64_t base = lo;
  for (int i = 1; i < attempts && base < hi; i++)
    base *= 2;
  if (base > hi)
    base = hi;
  int64_t spread = base / 2; /* the delay falls in [0.75 base, 1.25 base] */
  int64_t d = base - spread / 2 + (spread > 0 ? (int64_t)(random % (uint64_t)(spread + 1)) : 0);
  return d < lo ? lo : d > hi ? hi : d;
}

enum mail_decision mail_retry_decide(const struct mail_retry_policy *p, enum mail_class c,
                                     int attempts, uint32_t random, int64_t *delay_ms)
{
  *delay_ms = 0;
  switch (c) {
  case MAIL_DELIVERED:
    return MAIL_MARK_SENT;
  case MAIL_UNSENDABLE:
    return MAIL_MARK_FAILED;
  case MAIL_PERMANENT:
    if (attempts >= p->max_attempts)
      return MAIL_MARK_FAILED;
    break;
  case MAIL_TEMPORARY:
    break;
  }
  *delay_ms = mail_retry_delay_ms(p, attempts, random);
  return MAIL_RETRY_LATER;
}

const char *mail_class_str(enum mail_class c)
{
  switch (c) {
  case MAIL_DELIVERED:
    return "delivered";
  case MAIL_TEMPORARY:
    return "temporary";
  case MAIL_PERMANENT:
    return "permanent";
  case MAIL_UNSENDABLE:
    return "unsendable";
  }
  return "unknown";
}
