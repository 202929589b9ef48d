/* Unit tests of the mailer's pace (src/mail/pace.c): while more than PACE_BUSY_REQUESTS
 * requests a second are answered, claims are spaced so that at most PACE_BUSY_MAILS e-mails a
 * second are started; with fewer requests nothing waits; a quiet spell is not saved up. */
#include "pace.h"
#include "testlib.h"

TEST_MAIN_DEFS


int main(void)
{
  struct mail_pace p;
  int64_t t = 5000000; /* any monotonic start */
  uint64_t answered = 777;
  mail_pace_init(&p, t, answered);

  /* no requests: claims of 4 one after another, none waits */
  for (int i = 0; i < 100; i++) {
    CHECK_INT(mail_pace_wait(&p, t, answered), 0);
    mail_pace_claimed(&p, t, 4);
    t += 10;
  }

  /* a window of requests just under the threshold: still not paced */
  t += PACE_WINDOW_US;
  answered += (uint64_t)PACE_BUSY_REQUESTS * (PACE_WINDOW_US + 1000) / 1000000 - 1;
  CHECK_INT(mail_pace_wait(&p, t, answered), 0);
  mail_pace_claimed(&p, t, 4);
  CHECK_INT(mail_pace_wait(&p, t, answered), 0);

  /* a window at twice the threshold: paced from the next look on */
  t += PACE_WINDOW_US;
  answered += 2 * (uint64_t)PACE_BUSY_REQUESTS * PACE_WINDOW_US / 1000000;
  CHECK_INT(mail_pace_wait(&p, t, answered), 0); /* nothing claimed yet while busy */
  mail_pace_claimed(&p, t, 4);
  int64_t share = 4 * 1000000 / PACE_BUSY_MAILS; /* 4 e-mails' share of a second */
  CHECK_INT(mail_pace_wait(&p, t, answered), share);
  CHECK_INT(mail_pace_wait(&p, t + share / 2, answered), share - share / 2);
  CHECK_INT(mail_pace_wait(&p, t + share, answered), 0);
  /* claims over one second of steady requests: about PACE_BUSY_MAILS e-mails, not more */
  int64_t start = t + share, now = start;
  uint64_t claimed = 0;
  while (now < start + 1000000) {
    uint64_t a = answered + (uint64_t)(now - start) * 2 * PACE_BUSY_REQUESTS / 1000000;
    int64_t w = mail_pace_wait(&p, now, a);
    if (w > 0) {
      now += w;
      continue;
    }
    mail_pace_claimed(&p, now, 3); /* three rows this time */
    claimed += 3;
    now += 50; /* the claim's own time */
  }
  CHECK_MSG(claimed >= PACE_BUSY_MAILS - 6 && claimed <= PACE_BUSY_MAILS + 6,
            "%llu e-mails in a busy second", (unsigned long long)claimed);

  /* a claim of one row waits one e-mail's share, not a whole claim's */
  answered += (uint64_t)(now - start) * 2 * PACE_BUSY_REQUESTS / 1000000;
  int64_t w = mail_pace_wait(&p, now, answered);
  now += w;
  CHECK_INT(mail_pace_wait(&p, now, answered), 0);
  mail_pace_claimed(&p, now, 1);
  CHECK_INT(mail_pace_wait(&p, now, answered), 1000000 / PACE_BUSY_MAILS);

  /* a busy spell with no claims for a second: the next claim waits only its own share */
  now += 1000000;
  answered += 2 * PACE_BUSY_REQUESTS; /* still busy */
  CHECK_INT(mail_pace_wait(&p, now, answered), 0);
  mail_pace_claimed(&p, now, 4);
  CHECK_INT(mail_pace_wait(&p, now, answered), share);

  /* requests stop: after one window the workers go at full speed again */
  now += PACE_WINDOW_US;
  CHECK_INT(mail_pace_wait(&p, now, answered), 0);
  mail_pace_claimed(&p, now, 4);
  CHECK_INT(mail_pace_wait(&p, now, answered), 0);

  /* a count older than the window's (read before another worker began the window): it neither
   * ends the window nor, wrapping around, makes the mailer busy */
  now += PACE_WINDOW_US;
  CHECK_INT(mail_pace_wait(&p, now, answered - 5), 0);
  mail_pace_claimed(&p, now, 4);
  CHECK_INT(mail_pace_wait(&p, now, answered - 5), 0);
  now += PACE_WINDOW_US; /* and the window, not moved back, ends with the next true count */
  answered += 2 * (uint64_t)PACE_BUSY_REQUESTS * (uint64_t)(2 * PACE_WINDOW_US) / 1000000;
  CHECK_INT(mail_pace_wait(&p, now, answered), 0);
  mail_pace_claimed(&p, now, 4);
  CHECK_INT(mail_pace_wait(&p, now, answered), share);

  mail_pace_destroy(&p);
  return TEST_REPORT();
}
