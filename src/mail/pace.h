/* pace.h - how fast the mailer's workers start e-mails while the server is busy answering
 * requests. Each e-mail costs about 100 us of CPU on this side (libcurl's SMTP dialogue, four
 * round trips, each a sleep and a wake-up; rendering; its outcome's write on the store's
 * writer thread) and as much again in the SMTP server when that runs on the same machine: at
 * full speed (9,000+ e-mails/s on 2 cores) the mailer took a core from requests and moved their
 * p99 by 40% (bench/run.sh). While more than PACE_BUSY_REQUESTS requests a second are being
 * answered, the workers together start at most PACE_BUSY_MAILS e-mails a second (still far more
 * than requests of this product make); otherwise as many as they can. */
#ifndef ADVISORD_MAIL_PACE_H
#define ADVISORD_MAIL_PACE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PACE_BUSY_REQUESTS 1000 /* requests answered per second from which the mailer is paced */
#define PACE_BUSY_MAILS 2000    /* e-mails per second it starts at most while it is */
#define PACE_WINDOW_US 25000    /* the request rate is taken over this long */

/* Shared by the workers of one mailer (init before they start, destroy after they end). */
struct mail_pace {
  pthread_mutex_t mu;
  int64_t window_at;     /* when the current window began (us, monotonic) */
  uint64_t window_count; /* requests answered at window_at */
  bool busy;             /* the last window's request rate was over PACE_BUSY_REQUESTS */
  int64_t next_at;       /* while busy: when the next claim may begin (us) */
};

void mail_pace_init(struct mail_pace *p, int64_t now_us, uint64_t answered);
void mail_pace_destroy(struct mail_pace *p);
/* Before a claim, at now_us with `answered` requests answered so far: 0 when it may claim now,
 * else how many microseconds to wait first. */
int64_t mail_pace_wait(struct mail_pace *p, int64_t now_us, uint64_t answered);
/* After a claim of n rows at now_us: while busy, the next claim waits n e-mails' share. */
void mail_pace_claimed(struct mail_pace *p, int64_t now_us, size_t n);

#endif
