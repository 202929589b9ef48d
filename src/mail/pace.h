/* pace.h - how fast the mailer's workers start e-mails while the server is busy answering
 * requests. Each e-mail costs about 100 us of CPU on this side (libcurl's SMTP dialogue, four
 * round trips, each a sleep and a wake-up; rendering; its outcome's write on the store's
 * writer thread) and as much again in the SMTP server when that runs on the same machine: at
 * full speed (9,000+ e-mails/s on 2 cores) the mailer took a core from requests and moved their
 * p99 by 40% (bench/run.sh). While more than PACE_BUSY_REQUESTS requests a second are being
 * answered, the workers together start at most PACE_BUSY_MAILS e-mails a second (still far more
 * than requests of this product make); otherwise as many as they can.
 *
 * While busy, a worker books its claim's share of the second before it claims: the booking
 * says when its turn is (after the shares booked before it), the worker sleeps until then and
 * claims without asking again. So a worker that wakes always claims (no wake-up ends in another
 * wait), two workers never wait for the same moment and then both claim, and the time a claim
 * takes (its write waits for the writer's commit, a millisecond or more under load) or a late
 * wake-up does not lower the rate: the next turn follows the booked one, not the claim's end.
 * A turn never lies more than PACE_LAG_US in the past, so a quiet spell saves up at most that
 * much for a burst. */
#ifndef ADVISORD_MAIL_PACE_H
#define ADVISORD_MAIL_PACE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PACE_BUSY_REQUESTS 1000 /* requests answered per second from which the mailer is paced */
#define PACE_BUSY_MAILS 2000    /* e-mails per second it starts at most while it is */
#define PACE_WINDOW_US 25000    /* the request rate is taken over this long */
#define PACE_LAG_US 2000        /* how far behind the clock the booked turns may fall */

/* Shared by the workers of one mailer (init before they start, destroy after they end). */
struct mail_pace {
  pthread_mutex_t mu;
  int64_t window_at;     /* when the current window began (us, monotonic) */
  uint64_t window_count; /* requests answered at window_at */
  bool busy;             /* the last window's request rate was over PACE_BUSY_REQUESTS */
  int64_t next_at;       /* while busy: when the share not yet booked begins (us) */
};

/* A worker's booking: zero-initialised, filled by mail_pace_book, settled by mail_pace_claimed. */
struct mail_pace_turn {
  int64_t end; /* the booked share ends here (0: nothing booked) */
  size_t rows; /* e-mails booked */
};

void mail_pace_init(struct mail_pace *p, int64_t now_us, uint64_t answered);
void mail_pace_destroy(struct mail_pace *p);
/* Before a claim of up to `rows` e-mails, at now_us with `answered` requests answered so far:
 * while busy, books their share into *turn; returns how many microseconds to wait before the
 * claim (0: claim now). */
int64_t mail_pace_book(struct mail_pace *p, int64_t now_us, uint64_t answered, size_t rows,
                       struct mail_pace_turn *turn);
/* After the claim booked in *turn took n rows: the share of those not taken is given back
 * when no later booking follows it; *turn is cleared. */
void mail_pace_claimed(struct mail_pace *p, struct mail_pace_turn *turn, size_t n);

#endif
