/* Unit tests of the mailer's circuit breaker (src/mail/breaker.c): it opens after
 * BREAKER_FAILURES tries in a row that reached no server (not before, and an answer between
 * them starts the count again); while open no worker claims but one probe at a time, the
 * first BREAKER_FIRST_MS after the opening, then after twice the pause each failed probe, at
 * most --mail-retry-max or BREAKER_LONGEST_MS; a probe that tried nothing lets the next worker
 * probe; the first try that reaches the server closes it; what a try showed, from its codes. */
#include "breaker.h"
#include "testlib.h"

#include <curl/curl.h>

TEST_MAIN_DEFS

static void fail(struct mail_breaker *b, int64_t now, int times)
{
  for (int i = 0; i < times; i++)
    mail_breaker_report(b, now, BREAKER_UNREACHED, false);
}

int main(void)
{
  struct mail_breaker b;
  bool probe = true;
  mail_breaker_init(&b, 3600 * 1000);

  /* closed: every worker claims; failures short of the count, or broken by an answer, no */
  CHECK(mail_breaker_ask(&b, 1000, &probe) == 0 && !probe);
  fail(&b, 1000, BREAKER_FAILURES - 1);
  CHECK(mail_breaker_report(&b, 1000, BREAKER_REACHED, false) == BREAKER_SAME);
  fail(&b, 1000, BREAKER_FAILURES - 1);
  CHECK(mail_breaker_report(&b, 1000, BREAKER_NOTHING, false) == BREAKER_SAME);
  CHECK(mail_breaker_closed(&b));
  CHECK(mail_breaker_ask(&b, 1000, &probe) == 0 && !probe);

  /* the count reached: open; the workers wait until the first probe */
  CHECK(mail_breaker_report(&b, 2000, BREAKER_UNREACHED, false) == BREAKER_OPENED);
  CHECK(!mail_breaker_closed(&b));
  CHECK_INT((int)mail_breaker_ask(&b, 2000, &probe), BREAKER_FIRST_MS);
  CHECK(!probe);
  CHECK_INT((int)mail_breaker_ask(&b, 2300, &probe), BREAKER_FIRST_MS - 300);
  CHECK_INT((int)mail_breaker_open_ms(&b, 2300), 300);
  /* tries begun before the opening that fail too change nothing */
  CHECK(mail_breaker_report(&b, 2300, BREAKER_UNREACHED, false) == BREAKER_SAME);
  CHECK_INT((int)mail_breaker_ask(&b, 2300, &probe), BREAKER_FIRST_MS - 300);

  /* its time: one worker probes, the others wait while it does */
  int64_t t = 2000 + BREAKER_FIRST_MS;
  CHECK(mail_breaker_ask(&b, t, &probe) == 0 && probe);
  bool other = true;
  CHECK(mail_breaker_ask(&b, t, &other) > 0 && !other);
  CHECK(mail_breaker_ask(&b, t + 5000, &other) > 0 && !other);
  /* it found nothing to try: the next worker probes */
  mail_breaker_no_probe(&b);
  CHECK(mail_breaker_ask(&b, t + 10, &probe) == 0 && probe);

  /* failed probes: the pause doubles each time */
  int64_t pause = BREAKER_FIRST_MS;
  for (int i = 0; i < 20; i++) {
    CHECK(mail_breaker_report(&b, t, BREAKER_UNREACHED, true) == BREAKER_SAME);
    pause = pause * 2 < BREAKER_LONGEST_MS ? pause * 2 : BREAKER_LONGEST_MS;
    CHECK(mail_breaker_ask(&b, t, &probe) == pause && !probe);
    CHECK(mail_breaker_ask(&b, t + pause - 1, &probe) == 1 && !probe);
    t += pause;
    CHECK(mail_breaker_ask(&b, t, &probe) == 0 && probe);
  }
  CHECK_INT((int)pause, BREAKER_LONGEST_MS); /* the longest */

  /* a probe that reaches the server (an answer, even a refusal) closes it */
  CHECK(mail_breaker_report(&b, t, BREAKER_REACHED, true) == BREAKER_CLOSED);
  CHECK(mail_breaker_closed(&b));
  CHECK(mail_breaker_ask(&b, t, &probe) == 0 && !probe);
  CHECK_INT((int)mail_breaker_open_ms(&b, t), 0);
  /* and it opens again as at first, with the first pause */
  fail(&b, t, BREAKER_FAILURES - 1);
  CHECK(mail_breaker_report(&b, t, BREAKER_UNREACHED, false) == BREAKER_OPENED);
  CHECK_INT((int)mail_breaker_ask(&b, t, &probe), BREAKER_FIRST_MS);
  mail_breaker_destroy(&b);

  /* the pause never grows beyond --mail-retry-max (here 2 s), nor starts below the first */
  mail_breaker_init(&b, 2000);
  fail(&b, 0, BREAKER_FAILURES);
  t = BREAKER_FIRST_MS;
  for (int i = 0; i < 5; i++) {
    CHECK(mail_breaker_ask(&b, t, &probe) == 0 && probe);
    mail_breaker_report(&b, t, BREAKER_UNREACHED, true);
    int64_t w = mail_breaker_ask(&b, t, &probe);
    CHECK(w <= 2000 && w >= BREAKER_FIRST_MS);
    t += w;
  }
  CHECK(mail_breaker_ask(&b, t - 1, &probe) == 1);
  mail_breaker_destroy(&b);
  mail_breaker_init(&b, 100); /* a retry max under the first pause: the first pause */
  fail(&b, 0, BREAKER_FAILURES);
  CHECK_INT((int)mail_breaker_ask(&b, 0, &probe), BREAKER_FIRST_MS);
  mail_breaker_destroy(&b);

  /* what a try showed */
  CHECK(mail_breaker_seen_of(CURLE_COULDNT_CONNECT, 0) == BREAKER_UNREACHED);
  CHECK(mail_breaker_seen_of(CURLE_OPERATION_TIMEDOUT, 0) == BREAKER_UNREACHED);
  CHECK(mail_breaker_seen_of(CURLE_GOT_NOTHING, 0) == BREAKER_UNREACHED);
  CHECK(mail_breaker_seen_of(CURLE_OK, 250) == BREAKER_REACHED);
  CHECK(mail_breaker_seen_of(CURLE_WEIRD_SERVER_REPLY, 451) == BREAKER_REACHED);
  CHECK(mail_breaker_seen_of(CURLE_WEIRD_SERVER_REPLY, 550) == BREAKER_REACHED);
  /* answers out of step with a batch (smtp_batch: every message then smtp_code 0) */
  CHECK(mail_breaker_seen_of(CURLE_WEIRD_SERVER_REPLY, 0) == BREAKER_REACHED);
  CHECK(mail_breaker_seen_of(CURLE_OPERATION_TIMEDOUT, 220) == BREAKER_REACHED);
  CHECK(mail_breaker_seen_of(CURLE_BAD_FUNCTION_ARGUMENT, 553) == BREAKER_NOTHING);
  return TEST_REPORT();
}
