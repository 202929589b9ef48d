/* worker_pool.h - a few threads that each run one loop until told to stop, sleeping between
 * rounds until a wake-up, the stop, or a time, whichever comes first. A wake-up is either for
 * every thread (worker_pool_wake: each sleeping thread notices it) or for one
 * (worker_pool_wake_one: one sleeping thread, or the next to sleep, takes it), so that one new
 * row of work does not set every thread looking for it. The mailer's and the webhooks'
 * delivery workers are such pools. */
#ifndef ADVISORD_WORKER_POOL_H
#define ADVISORD_WORKER_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define WORKER_POOL_MAX 64

struct worker_pool {
  pthread_t threads[WORKER_POOL_MAX];
  unsigned n_threads;
  pthread_mutex_t mu;
  pthread_cond_t cond;  /* on the monotonic clock */
  unsigned long wakes;  /* counts worker_pool_wake calls (under mu) */
  unsigned tokens;      /* worker_pool_wake_one calls no thread has taken yet (under mu) */
  atomic_bool stop;     /* set by worker_pool_stop; transfers in flight may watch it too */
};

/* Initialises p (owned by the caller) and starts n threads (at most WORKER_POOL_MAX) running
 * fn(arg); returns how many started. Call worker_pool_stop(p) afterwards in every case. */
unsigned worker_pool_start(struct worker_pool *p, unsigned n, void *(*fn)(void *), void *arg);
/* True once worker_pool_stop has begun. */
bool worker_pool_stopping(struct worker_pool *p);
/* Sleeps up to ms milliseconds, less when woken after *seen (a thread's own counter, 0 at
 * first), given a token of worker_pool_wake_one (it takes one left earlier at once), or
 * stopped; updates *seen. */
void worker_pool_sleep(struct worker_pool *p, unsigned long *seen, int64_t ms);
/* Sleeps us microseconds (a short pause: a pace), neither cut short by wake-ups nor taking
 * them: they are left to the threads that sleep for want of work, and a paused thread is not
 * woken for nothing by every new row (the stop waits for the pause). */
void worker_pool_pause(int64_t us);
/* Wakes every sleeping thread of p. */
void worker_pool_wake(struct worker_pool *p);
/* Wakes one sleeping thread of p; when none sleeps, the next one to sleep returns at once
 * (at most one such token per thread is kept). */
void worker_pool_wake_one(struct worker_pool *p);
/* Stops the threads (each ends its round first), joins them and releases p's resources. */
void worker_pool_stop(struct worker_pool *p);

#endif
