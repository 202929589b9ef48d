/* Unit tests of the delivery outcome classification and the backoff policy (mail_retry.h). */
#include "mail_retry.h"
#include "testlib.h"

#include <curl/curl.h>

TEST_MAIN_DEFS

static void test_classify(void)
{
  struct {
    int curl;
    long smtp;
    enum mail_class want;
  } cases[] = {
      {CURLE_OK, 250, MAIL_DELIVERED},
      {CURLE_OK, 0, MAIL_DELIVERED},
      {CURLE_COULDNT_CONNECT, 0, MAIL_TEMPORARY},        /* refused */
      {CURLE_OPERATION_TIMEDOUT, 0, MAIL_TEMPORARY},     /* timeout */
      {CURLE_COULDNT_RESOLVE_HOST, 0, MAIL_TEMPORARY},
      {CURLE_GOT_NOTHING, 0, MAIL_TEMPORARY},
      {CURLE_RECV_ERROR, 250, MAIL_TEMPORARY},           /* dropped after RCPT's 250 */
      {CURLE_SEND_ERROR, 354, MAIL_TEMPORARY},           /* dropped during DATA */
      {CURLE_WEIRD_SERVER_REPLY, 451, MAIL_TEMPORARY},   /* 451 after DATA in libcurl 7.88 */
      {CURLE_SEND_ERROR, 421, MAIL_TEMPORARY},
      {CURLE_SEND_ERROR, 450, MAIL_TEMPORARY},
      {CURLE_SEND_ERROR, 452, MAIL_TEMPORARY},
      {CURLE_SEND_ERROR, 499, MAIL_TEMPORARY},
      {CURLE_SEND_ERROR, 550, MAIL_PERMANENT},           /* RCPT refused */
      {CURLE_WEIRD_SERVER_REPLY, 554, MAIL_PERMANENT},   /* DATA refused */
      {CURLE_LOGIN_DENIED, 535, MAIL_PERMANENT},
      {CURLE_SEND_ERROR, 500, MAIL_PERMANENT},
      {CURLE_SEND_ERROR, 599, MAIL_PERMANENT},
      {CURLE_URL_MALFORMAT, 0, MAIL_TEMPORARY},          /* a setting to fix, not a lost mail */
      {CURLE_SSL_CONNECT_ERROR, 0, MAIL_TEMPORARY},
      {CURLE_ABORTED_BY_CALLBACK, 0, MAIL_TEMPORARY},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    enum mail_class got = mail_retry_classify(cases[i].curl, cases[i].smtp);
    CHECK_MSG(got == cases[i].want, "curl %d smtp %ld: got %s, want %s", cases[i].curl,
              cases[i].smtp, mail_class_str(got), mail_class_str(cases[i].want));
  }
}

static void test_delay_bounds_and_growth(void)
{
  struct mail_retry_policy p = {.min_ms = 5000, .max_ms = 3600000, .max_attempts = 5};
  /* With no spread (random at the middle) the delays double until the cap. */
  int64_t prev = 0;
  for (int a = 1; a <= 40; a++) {
    int64_t lo = INT64_MAX, hi = 0;
    for (uint32_t r = 0; r < 5000; r += 7) {
      int64_t d = mail_retry_delay_ms(&p, a, r * 2654435761u);
      CHECK_MSG(d >= p.min_ms && d <= p.max_ms, "attempt %d: %lld outside [min, max]", a,
                (long long)d);
      lo = d < lo ? d : lo;
      hi = d > hi ? d : hi;
    }
    int64_t base = p.min_ms;
    for (int i = 1; i < a && base < p.max_ms; i++)
      base *= 2;
    base = base > p.max_ms ? p.max_ms : base;
    CHECK_MSG(lo >= base * 3 / 4 || lo == p.min_ms, "attempt %d: lowest %lld under 0.75 base",
              a, (long long)lo);
    CHECK_MSG(hi <= base * 5 / 4, "attempt %d: highest %lld over 1.25 base", a, (long long)hi);
    if (a > 1 && base < p.max_ms)
      CHECK_MSG(hi > lo, "attempt %d: no jitter", a);
    CHECK(hi >= prev || hi == p.max_ms);
    prev = hi;
  }
  CHECK_INT(mail_retry_delay_ms(&p, 1, 0), 5000); /* first retry never before min */
  CHECK(mail_retry_delay_ms(&p, 2, 0) >= 7500 && mail_retry_delay_ms(&p, 2, 0) <= 12500);
  CHECK(mail_retry_delay_ms(&p, 30, 12345) >= 2700000); /* at the cap: still jittered below */
  CHECK(mail_retry_delay_ms(&p, 1000000, 1) <= p.max_ms); /* no overflow for huge counts */
  struct mail_retry_policy same = {.min_ms = 1000, .max_ms = 1000, .max_attempts = 1};
  for (int a = 1; a < 10; a++)
    CHECK_INT(mail_retry_delay_ms(&same, a, (uint32_t)a * 977u), 1000);
  struct mail_retry_policy bad = {.min_ms = 0, .max_ms = 0, .max_attempts = 1};
  CHECK(mail_retry_delay_ms(&bad, 3, 5) >= 1);
}

static void test_decide(void)
{
  struct mail_retry_policy p = {.min_ms = 1000, .max_ms = 2000, .max_attempts = 3};
  int64_t d = -1;
  CHECK(mail_retry_decide(&p, MAIL_DELIVERED, 1, 0, &d) == MAIL_MARK_SENT);
  CHECK_INT(d, 0);
  CHECK(mail_retry_decide(&p, MAIL_UNSENDABLE, 1, 0, &d) == MAIL_MARK_FAILED);
  /* permanent: retried until the third try, then failed */
  CHECK(mail_retry_decide(&p, MAIL_PERMANENT, 1, 0, &d) == MAIL_RETRY_LATER);
  CHECK(d >= 1000 && d <= 2000);
  CHECK(mail_retry_decide(&p, MAIL_PERMANENT, 2, 99, &d) == MAIL_RETRY_LATER);
  CHECK(mail_retry_decide(&p, MAIL_PERMANENT, 3, 0, &d) == MAIL_MARK_FAILED);
  CHECK(mail_retry_decide(&p, MAIL_PERMANENT, 4, 0, &d) == MAIL_MARK_FAILED);
  /* temporary: never given up, the delay stays within the bounds */
  for (int a = 1; a < 200; a += 13) {
    CHECK(mail_retry_decide(&p, MAIL_TEMPORARY, a, (uint32_t)a, &d) == MAIL_RETRY_LATER);
    CHECK(d >= 1000 && d <= 2000);
  }
  struct mail_retry_policy once = {.min_ms = 1000, .max_ms = 2000, .max_attempts = 1};
  CHECK(mail_retry_decide(&once, MAIL_PERMANENT, 1, 0, &d) == MAIL_MARK_FAILED);
}

int main(void)
{
  test_classify();
  test_delay_bounds_and_growth();
  test_decide();
  return TEST_REPORT();
}
