/* breaker.c - see breaker.h. */
#include "breaker.h"

#include "log.h"
#include "metrics.h"
#include "util.h"

#include <curl/curl.h>

#define PROBE_WAIT_MS 100 /* a worker's pause while another's probe is under way */

enum mail_breaker_seen mail_breaker_seen_of(int curl_code, long smtp_code)
{
  if (curl_code == CURLE_BAD_FUNCTION_ARGUMENT) /* an unusable address: nothing was sent */
    return BREAKER_NOTHING;
  /* an answer that is not SMTP, or answers out of step with a batch (smtp_code 0 then), came
   * from a server too */
  return curl_code == CURLE_OK || curl_code == CURLE_WEIRD_SERVER_REPLY || smtp_code != 0
             ? BREAKER_REACHED
             : BREAKER_UNREACHED;
}

void mail_breaker_init(struct mail_breaker *b, int64_t retry_max_ms)
{
  pthread_mutex_init(&b->mu, NULL);
  b->failures = 0;
  b->open = false;
  b->probing = false;
  b->opened_at = b->probe_at = 0;
  b->pause_ms = BREAKER_FIRST_MS;
  b->longest_ms = retry_max_ms > 0 && retry_max_ms < BREAKER_LONGEST_MS ? retry_max_ms
                                                                         : BREAKER_LONGEST_MS;
  if (b->longest_ms < BREAKER_FIRST_MS)
    b->longest_ms = BREAKER_FIRST_MS;
}

void mail_breaker_destroy(struct mail_breaker *b) { pthread_mutex_destroy(&b->mu); }

int64_t mail_breaker_ask(struct mail_breaker *b, int64_t now, bool *probe)
{
  *probe = false;
  int64_t wait = 0;
  pthread_mutex_lock(&b->mu);
  if (b->open) {
    if (b->probing)
      wait = PROBE_WAIT_MS;
    else if (now < b->probe_at)
      wait = b->probe_at - now;
    else
      *probe = b->probing = true;
  }
  pthread_mutex_unlock(&b->mu);
  return wait;
}

bool mail_breaker_closed(struct mail_breaker *b)
{
  pthread_mutex_lock(&b->mu);
  bool closed = !b->open;
  pthread_mutex_unlock(&b->mu);
  return closed;
}

enum mail_breaker_change mail_breaker_report(struct mail_breaker *b, int64_t now,
                                             enum mail_breaker_seen seen, bool probe)
{
  enum mail_breaker_change change = BREAKER_SAME;
  pthread_mutex_lock(&b->mu);
  if (probe)
    b->probing = false;
  if (seen == BREAKER_REACHED) {
    b->failures = 0;
    change = b->open ? BREAKER_CLOSED : BREAKER_SAME;
    b->open = false;
    b->pause_ms = BREAKER_FIRST_MS;
  } else if (seen == BREAKER_UNREACHED) {
    if (b->failures < BREAKER_FAILURES)
      b->failures++;
    if (!b->open && b->failures >= BREAKER_FAILURES) {
      b->open = true;
      b->opened_at = now;
      b->pause_ms = BREAKER_FIRST_MS < b->longest_ms ? BREAKER_FIRST_MS : b->longest_ms;
      b->probe_at = now + b->pause_ms;
      change = BREAKER_OPENED;
    } else if (b->open && probe) { /* a failed probe: the next one after twice the pause */
      b->pause_ms = b->pause_ms * 2 < b->longest_ms ? b->pause_ms * 2 : b->longest_ms;
      b->probe_at = now + b->pause_ms;
    } /* a try begun before the opening failed too: no change */
  }
  pthread_mutex_unlock(&b->mu);
  return change;
}

void mail_breaker_no_probe(struct mail_breaker *b)
{
  pthread_mutex_lock(&b->mu);
  b->probing = false;
  pthread_mutex_unlock(&b->mu);
}

int64_t mail_breaker_open_ms(struct mail_breaker *b, int64_t now)
{
  pthread_mutex_lock(&b->mu);
  int64_t ms = b->open ? now - b->opened_at : 0;
  pthread_mutex_unlock(&b->mu);
  return ms;
}

void mail_breaker_note(struct mail_breaker *b, enum mail_breaker_seen seen, bool probe,
                       const char *detail)
{
  int64_t now = util_mono_ms(), paused = mail_breaker_open_ms(b, now);
  enum mail_breaker_change ch = mail_breaker_report(b, now, seen, probe);
  /* logged first, so that the line is there by the time the gauge shows the change */
  if (ch == BREAKER_OPENED)
    log_json(LOG_WARN, "mail_paused",
             json_pack("{s:s, s:i, s:i}", "reason", detail ? detail : "", "failures",
                       BREAKER_FAILURES, "probe_in_ms", BREAKER_FIRST_MS));
  else if (ch == BREAKER_CLOSED)
    log_json(LOG_INFO, "mail_resumed", json_pack("{s:I}", "paused_ms", (json_int_t)paused));
  if (ch != BREAKER_SAME)
    metrics_mail_circuit(ch == BREAKER_OPENED);
}
