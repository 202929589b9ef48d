/* worker_pool.c - see worker_pool.h. */
#include "worker_pool.h"
#include "util.h"

#include <errno.h>
#include <time.h>

unsigned worker_pool_start(struct worker_pool *p, unsigned n, void *(*fn)(void *), void *arg)
{
  p->n_threads = 0;
  p->wakes = 0;
  p->tokens = 0;
  atomic_init(&p->stop, false);
  pthread_mutex_init(&p->mu, NULL);
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&p->cond, &ca);
  pthread_condattr_destroy(&ca);
  while (p->n_threads < n && p->n_threads < WORKER_POOL_MAX &&
         pthread_create(&p->threads[p->n_threads], NULL, fn, arg) == 0)
    p->n_threads++;
  return p->n_threads;
}

bool worker_pool_stopping(struct worker_pool *p) { return atomic_load(&p->stop); }

void worker_pool_sleep(struct worker_pool *p, unsigned long *seen, int64_t ms)
{
  if (ms <= 0)
    return;
  struct timespec until = util_mono_after(ms);
  pthread_mutex_lock(&p->mu);
  while (p->wakes == *seen && !p->tokens && !atomic_load(&p->stop))
    if (pthread_cond_timedwait(&p->cond, &p->mu, &until) == ETIMEDOUT)
      break;
  if (p->wakes == *seen && p->tokens)
    p->tokens--;
  *seen = p->wakes;
  pthread_mutex_unlock(&p->mu);
}

void worker_pool_pause(int64_t us)
{
  if (us <= 0)
    return;
  struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

void worker_pool_wake(struct worker_pool *p)
{
  pthread_mutex_lock(&p->mu);
  p->wakes++;
  pthread_cond_broadcast(&p->cond);
  pthread_mutex_unlock(&p->mu);
}

void worker_pool_wake_one(struct worker_pool *p)
{
  pthread_mutex_lock(&p->mu);
  if (p->tokens < p->n_threads)
    p->tokens++;
  pthread_cond_signal(&p->cond);
  pthread_mutex_unlock(&p->mu);
}

void worker_pool_stop(struct worker_pool *p)
{
  atomic_store(&p->stop, true);
  worker_pool_wake(p);
  for (unsigned i = 0; i < p->n_threads; i++)
    pthread_join(p->threads[i], NULL);
  p->n_threads = 0;
  pthread_cond_destroy(&p->cond);
  pthread_mutex_destroy(&p->mu);
}
