/* worker_pool.h - a few threads that each run one loop until told to stop, sleeping between
 * rounds until a wake-up (each sleeping thread notices every one), the stop, or a time,
 * whichever comes first. The mailer's and the webhooks' delivery workers are such pools. */
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
  atomic_bool stop;     /* set by worker_pool_stop; transfers in flight may watch it too */
};

/* Initialises p (owned by the caller) and starts n threads (at most WORKER_POOL_MAX) running
 * fn(arg); returns how many started. Call worker_pool_stop(p) afterwards in every case. */
unsigned worker_pool_start(struct worker_pool *p, unsigned n, void *(*fn)(void *), void *arg);
/* True once worker_pool_stop has begun. */
bool worker_pool_stopping(struct worker_pool *p);
/* Sleeps up to ms milliseconds, less when woken after *seen (a thread's own counter, 0 at
 * first) or stopped; updates *seen. */
void worker_pool_sleep(struct worker_pool *p, unsigned long *seen, int64_t ms);
/* Wakes every sleeping thread of p. */
void worker_pool_wake(struct worker_pool *p);
/* Stops the threads (each ends its round first), joins them and releases p's resources. */
void worker_pool_stop(struct worker_pool *p);

#endif
