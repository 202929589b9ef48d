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

static int64_t share_us(size_t rows) { return (int64_t)rows * 1000000 / PACE_BUSY_MAILS; }

int64_t mail_pace_book(struct mail_pace *p, int64_t now_us, uint64_t answered, size_t rows,
                       struct mail_pace_turn *turn)
{
  *turn = (struct mail_pace_turn){0, 0};
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
  int64_t wait = 0;
  if (p->busy) {
    int64_t at = p->next_at > now_us - PACE_LAG_US ? p->next_at : now_us - PACE_LAG_US;
    p->next_at = at + share_us(rows);
    *turn = (struct mail_pace_turn){p->next_at, rows};
    wait = at > now_us ? at - now_us : 0;
  }
  pthread_mutex_unlock(&p->mu);
  return wait;
}

void mail_pace_claimed(struct mail_pace *p, struct mail_pace_turn *turn, size_t n)
{
  pthread_mutex_lock(&p->mu);
  if (turn->end != 0 && turn->end == p->next_at && n < turn->rows)
    p->next_at -= share_us(turn->rows - n); /* the last booking: the rows not taken are free */
  pthread_mutex_unlock(&p->mu);
  *turn = (struct mail_pace_turn){0, 0};
}
