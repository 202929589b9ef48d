/* Unit tests of the worker pool's wake-ups: worker_pool_wake_one sets one sleeping thread
 * going, not all, and a token left while none sleeps is taken by the next one to sleep;
 * worker_pool_wake sets every thread going; the stop ends every sleep. */
#include "testlib.h"
#include "worker_pool.h"

#include <stdatomic.h>
#include <time.h>

TEST_MAIN_DEFS

static struct worker_pool pool;
static atomic_int woke, asleep;

static void pause_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void *loop(void *arg)
{
  (void)arg;
  unsigned long seen = 0;
  while (!worker_pool_stopping(&pool)) {
    atomic_fetch_add(&asleep, 1);
    worker_pool_sleep(&pool, &seen, 60000); /* far longer than the test: only wake-ups end it */
    atomic_fetch_sub(&asleep, 1);
    if (!worker_pool_stopping(&pool))
      atomic_fetch_add(&woke, 1);
  }
  return NULL;
}

/* Waits (up to 10 s) until woke reaches n and every thread sleeps again, then a little longer
 * to see that no other thread woke. */
static void expect_woken(int n)
{
  for (int i = 0; i < 1000 && (atomic_load(&woke) < n || atomic_load(&asleep) < 4); i++)
    pause_ms(10);
  pause_ms(100);
  CHECK_INT(atomic_load(&woke), n);
}

int main(void)
{
  CHECK_INT(worker_pool_start(&pool, 4, loop, NULL), 4);
  expect_woken(0);
  worker_pool_wake_one(&pool);
  expect_woken(1);
  worker_pool_wake_one(&pool);
  worker_pool_wake_one(&pool);
  expect_woken(3);
  worker_pool_wake(&pool);
  expect_woken(7);
  worker_pool_stop(&pool); /* returns: every sleep ended */
  CHECK_INT(atomic_load(&woke), 7);
  return TEST_REPORT();
}
