/* pace.c - see pace.h. */
#include "pace.h"

void mail_pace_init(struct mail_pace *p, int64_t now_us, uint64_t answered)
{
  pthread_mutex_init(&p->mu, NULL);
  p->window_at = now_us;
  p->window_count = answered;
  p->busy = false;
  p->next_at = now_us;
}

void mail_pace_destroy(struct mail_pace *p) { pthread_mutex_destroy(&p->mu); }

int64_t mail_pace_wait(struct mail_pace *p, int64_t now_us, uint64_t answered)
{
  pthread_mutex_lock(&p->mu);
  int64_t span = now_us - p->window_at;
  /* a count read before another worker's window began (it was preempted between the two
   * reads) is older than the window's: it neither ends the window nor wraps around */
  if (span >= PACE_WINDOW_US && answered >= p->window_count) {
    uint64_t n = answered - p->window_count;
    p->busy = n * 1000000u >= (uint64_t)PACE_BUSY_REQUESTS * (uint64_t)span;
    p->window_at = now_us;
    p->window_count = answered;
  }
  int64_t wait = p->busy && p->next_at > now_us ? p->next_at - now_us : 0;
  pthread_mutex_unlock(&p->mu);
  return wait;
}

void mail_pace_claimed(struct mail_pace *p, int64_t now_us, size_t n)
{
  pthread_mutex_lock(&p->mu);
  if (p->busy) /* a quiet spell is not saved up for a burst later */
    p->next_at = (p->next_at > now_us ? p->next_at : now_us) +
                 (int64_t)n * 1000000 / PACE_BUSY_MAILS;
  pthread_mutex_unlock(&p->mu);
}
