/* Unit tests of the mailer's pace (src/mail/pace.c): while more than PACE_BUSY_REQUESTS
 * requests a second are answered, claims are booked turns spaced so that at most
 * PACE_BUSY_MAILS e-mails a second are started, whatever a claim's own time or a worker's late
 * wake-up; with fewer requests nothing waits; a quiet spell saves up at most PACE_LAG_US. */
#include "pace.h"
#include "testlib.h"

TEST_MAIN_DEFS

#define SHARE(rows) ((int64_t)(rows) * 1000000 / PACE_BUSY_MAILS)

/* Books a claim of `rows` at now and claims `took` of them at once; returns the wait. */
static int64_t book_claim(struct mail_pace *p, int64_t now, uint64_t answered, size_t rows,
                          size_t took)
{
  struct mail_pace_turn turn;
  int64_t w = mail_pace_book(p, now, answered, rows, &turn);
  mail_pace_claimed(p, &turn, took);
  return w;
}

/* workers workers over one busy second (2x the threshold), each booking 4 rows, sleeping until
 * its turn and waking `late` us after it, its claim taking claim_us and its deliveries
 * deliver_us: how many e-mails their claims took in that second. */
static uint64_t busy_second(int workers, int64_t late, int64_t claim_us, int64_t deliver_us)
{
  struct mail_pace p;
  int64_t start = 7000000, at[8];
  uint64_t base = 5000, claimed = 0;
  mail_pace_init(&p, start - PACE_WINDOW_US, base);
  for (int i = 0; i < workers; i++)
    at[i] = start + i * 7;
  for (;;) {
    int k = 0; /* the worker whose next step comes first */
    for (int i = 1; i < workers; i++)
      k = at[i] < at[k] ? i : k;
    int64_t now = at[k];
    if (now >= start + 1000000)
      break;
    uint64_t answered = base + (uint64_t)(now - start + PACE_WINDOW_US) * 2 *
                                   PACE_BUSY_REQUESTS / 1000000;
    struct mail_pace_turn turn;
    int64_t w = mail_pace_book(&p, now, answered, 4, &turn);
    int64_t claim_at = now + (w > 0 ? w + late : 0);
    mail_pace_claimed(&p, &turn, 4);
    if (claim_at < start + 1000000)
      claimed += 4;
    at[k] = claim_at + claim_us + deliver_us;
  }
  mail_pace_destroy(&p);
  return claimed;
}

int main(void)
{
  struct mail_pace p;
  struct mail_pace_turn turn;
  int64_t t = 5000000; /* any monotonic start */
  uint64_t answered = 777;
  mail_pace_init(&p, t, answered);

  /* no requests: claims of 4 one after another, none waits, nothing is booked */
  for (int i = 0; i < 100; i++) {
    CHECK_INT(mail_pace_book(&p, t, answered, 4, &turn), 0);
    CHECK_INT(turn.end, 0);
    mail_pace_claimed(&p, &turn, 4);
    t += 10;
  }

  /* a window of requests just under the threshold: still not paced */
  t += PACE_WINDOW_US;
  answered += (uint64_t)PACE_BUSY_REQUESTS * (PACE_WINDOW_US + 1000) / 1000000 - 1;
  CHECK_INT(book_claim(&p, t, answered, 4, 4), 0);
  CHECK_INT(book_claim(&p, t, answered, 4, 4), 0);

  /* a window at twice the threshold: paced from the next booking on; the quiet time before
   * gives at most PACE_LAG_US at once, then each claim waits for the shares booked before it */
  t += PACE_WINDOW_US;
  answered += 2 * (uint64_t)PACE_BUSY_REQUESTS * PACE_WINDOW_US / 1000000;
  int64_t at_once = 0, w0;
  while ((w0 = book_claim(&p, t, answered, 4, 4)) == 0)
    at_once += SHARE(4);
  CHECK_MSG(at_once >= PACE_LAG_US && at_once <= PACE_LAG_US + SHARE(4),
            "%lld us of claims at once after a quiet spell", (long long)at_once);
  CHECK(w0 > 0 && w0 <= SHARE(4));
  /* the booking that waited holds its turn: the next one queues behind it, not beside it */
  CHECK_INT(book_claim(&p, t, answered, 4, 4), w0 + SHARE(4));

  /* one booking at a time per moment: two workers asking at once get different turns */
  t += 1000000;
  answered += 2 * PACE_BUSY_REQUESTS;
  while (book_claim(&p, t, answered, 4, 4) == 0)
    ;
  int64_t a = book_claim(&p, t, answered, 4, 4), b = book_claim(&p, t, answered, 4, 4);
  CHECK_INT(b - a, SHARE(4));

  /* a claim that took fewer rows than booked: the last booking gives their share back */
  t += 1000000;
  answered += 2 * PACE_BUSY_REQUESTS;
  while (book_claim(&p, t, answered, 4, 4) == 0)
    ;
  int64_t before = book_claim(&p, t, answered, 4, 1); /* 4 booked, 1 taken */
  CHECK_INT(book_claim(&p, t, answered, 4, 4), before + SHARE(1));
  /* ... but not when a later booking follows it (that turn would be given twice) */
  t += 1000000;
  answered += 2 * PACE_BUSY_REQUESTS;
  while (book_claim(&p, t, answered, 4, 4) == 0)
    ;
  struct mail_pace_turn first, second;
  int64_t wf = mail_pace_book(&p, t, answered, 4, &first);
  int64_t ws = mail_pace_book(&p, t, answered, 4, &second);
  mail_pace_claimed(&p, &first, 0);
  mail_pace_claimed(&p, &second, 4);
  CHECK_INT(ws - wf, SHARE(4));
  CHECK_INT(book_claim(&p, t, answered, 4, 4), ws + SHARE(4));

  /* requests stop: after one window the workers go at full speed again */
  t += 1000000;
  CHECK_INT(book_claim(&p, t, answered, 4, 4), 0);
  t += PACE_WINDOW_US;
  CHECK_INT(book_claim(&p, t, answered, 4, 4), 0);
  CHECK_INT(book_claim(&p, t, answered, 4, 4), 0);

  /* a count older than the window's (read before another worker began the window): it neither
   * ends the window nor, wrapping around, makes the mailer busy */
  t += PACE_WINDOW_US;
  CHECK_INT(book_claim(&p, t, answered - 5, 4, 4), 0);
  CHECK_INT(book_claim(&p, t, answered - 5, 4, 4), 0);
  t += PACE_WINDOW_US; /* and the window, not moved back, ends with the next true count */
  answered += 2 * (uint64_t)PACE_BUSY_REQUESTS * (uint64_t)(2 * PACE_WINDOW_US) / 1000000;
  while (book_claim(&p, t, answered, 4, 4) == 0)
    ;
  mail_pace_destroy(&p);

  /* a busy second: PACE_BUSY_MAILS e-mails, not fewer when each claim waits for the writer
   * (1.5 ms) and each wake-up is late (300 us), nor more; with one worker whose deliveries are
   * slower than its share, as many as it can */
  uint64_t n = busy_second(4, 0, 50, 200);
  CHECK_MSG(n >= PACE_BUSY_MAILS - 8 && n <= PACE_BUSY_MAILS + 8, "%llu e-mails, quick claims",
            (unsigned long long)n);
  n = busy_second(4, 300, 1500, 1200);
  CHECK_MSG(n >= PACE_BUSY_MAILS - 8 && n <= PACE_BUSY_MAILS + 8, "%llu e-mails, slow claims",
            (unsigned long long)n);
  n = busy_second(1, 300, 1500, 4000);
  CHECK_MSG(n >= 700 && n <= 730, "%llu e-mails, one slow worker", (unsigned long long)n);
  return TEST_REPORT();
}
