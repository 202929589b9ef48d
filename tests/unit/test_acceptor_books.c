/* Unit tests of the accept thread's books (src/http/acceptor_count.c): each connection to the
 * least loaded worker not held in a callback (all held: the least loaded, ties to the one held
 * least long); open + pending counted exactly from hand-over to close, a connection the
 * library dropped unstarted struck off when a later one of its worker starts (also when its
 * descriptor number came back), a refused one at once; at the limit a freed slot wakes the
 * accept thread; one whose descriptor no longer names the socket handed over struck off when
 * the books are full and when the drain counts them. Each worker's calls run on a thread of
 * its own, as in the pool. The descriptor numbers used are open sockets (dup2 of one). */
#include "acceptor.h"
#include "testlib.h"

#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

TEST_MAIN_DEFS

static int kicks;
static void kick(void *arg)
{
  (void)arg;
  kicks++;
}

struct call {
  struct books *b;
  int fd;
  bool close;
};

static void *worker_call(void *arg)
{
  struct call *c = arg;
  if (c->close)
    books_closed(c->b, c->fd);
  else
    books_started(c->b, c->fd);
  return NULL;
}

/* A worker thread starts (or closes) fd. */
static void on_worker(struct books *b, int fd, bool close)
{
  struct call c = {b, fd, close};
  pthread_t t;
  CHECK(pthread_create(&t, NULL, worker_call, &c) == 0);
  pthread_join(t, NULL);
}

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned load(const struct books *b, unsigned k)
{
  return b->workers[k].open + b->workers[k].pending;
}

/* Makes descriptor fd an open socket of its own (another file than before). */
static void socket_at(int fd)
{
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(s >= 0 && dup2(s, fd) == fd);
  close(s);
}

int main(void)
{
  int first = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(first >= 0 && first < 10);
  for (int fd = 10; fd < 100; fd++) /* every number below names an open socket */
    CHECK(dup2(first, fd) == fd);
  close(first);

  CHECK_INT(acceptor_library_limit(2, 8), 18);
  CHECK_INT(acceptor_library_limit(0, 8), 9);

  struct books b = {0};
  CHECK(books_init(&b, 2, 8));
  b.kick = kick;

  /* a burst: whatever the descriptors, 4 and 4 */
  int handed[8];
  for (int i = 0; i < 8; i++) {
    int fd = 10 + 2 * i; /* all even: all name worker 0 */
    unsigned k = books_choose(&b, (unsigned)fd % 2);
    handed[i] = fd + (int)k; /* the accept thread's duplicate names k */
    books_handed(&b, handed[i]);
  }
  int want[8] = {10, 13, 14, 17, 18, 21, 22, 25};
  for (int i = 0; i < 8; i++)
    CHECK_INT(handed[i], want[i]);
  CHECK_INT(load(&b, 0), 4);
  CHECK_INT(load(&b, 1), 4);
  CHECK(books_full(&b));
  CHECK_INT(books_pending(&b), 8);
  for (int i = 0; i < 8; i++)
    on_worker(&b, handed[i], false);
  CHECK_INT(b.workers[0].open, 4);
  CHECK_INT(b.workers[1].open, 4);
  CHECK_INT(books_pending(&b), 0);
  CHECK(books_full(&b));
  kicks = 0;
  on_worker(&b, 10, true); /* a slot frees: the waiting accept thread is woken once */
  CHECK_INT(kicks, 1);
  CHECK(!books_full(&b));
  on_worker(&b, 14, true);
  CHECK_INT(kicks, 1);
  CHECK_INT(load(&b, 0), 2);

  /* dropped unstarted (no pool memory): struck off when a later one on its worker starts */
  uint64_t s40 = books_handed(&b, 40);
  books_handed(&b, 42);
  books_handed(&b, 44);
  CHECK(books_full(&b));
  kicks = 0;
  on_worker(&b, 44, false); /* 40 and 42 never started */
  CHECK_INT(b.workers[0].pending, 0);
  CHECK_INT(b.workers[0].open, 3);
  CHECK_INT(kicks, 1);
  (void)s40;

  /* a dropped one's number came back: the newest with that number is the one started */
  books_handed(&b, 50);
  books_handed(&b, 52);
  books_handed(&b, 50);
  on_worker(&b, 50, false);
  CHECK_INT(b.workers[0].pending, 0);
  CHECK_INT(b.workers[0].open, 4);

  /* refused by MHD_add_connection (per-address limit): at once */
  on_worker(&b, 50, true);
  on_worker(&b, 44, true);
  uint64_t s = books_handed(&b, 61);
  CHECK_INT(b.workers[1].pending, 1);
  books_refused(&b, 61, s);
  CHECK_INT(b.workers[1].pending, 0);
  CHECK_INT(load(&b, 0), 2);
  CHECK_INT(load(&b, 1), 4);

  /* held: worker 0 in a callback for 200 ms gets nothing while worker 1 is free, even with
   * fewer connections */
  on_worker(&b, 13, true);
  on_worker(&b, 17, true);
  on_worker(&b, 21, true); /* worker 1: 1 open */
  on_worker(&b, 18, true);
  on_worker(&b, 22, true); /* worker 0: none */
  CHECK_INT(load(&b, 0), 0);
  CHECK_INT(load(&b, 1), 1);
  CHECK_INT(books_choose(&b, 0), 0);
  CHECK_INT(books_choose(&b, 1), 0);
  atomic_store(&b.workers[0].busy_since_ms, now_ms() - 200);
  CHECK_INT(books_choose(&b, 0), 1);
  /* in a callback for less than BLOCKED_MS: not held */
  atomic_store(&b.workers[0].busy_since_ms, now_ms());
  CHECK_INT(books_choose(&b, 1), 0);
  /* all held: the least loaded; equal loads: the one held least long */
  atomic_store(&b.workers[0].busy_since_ms, now_ms() - 2000);
  atomic_store(&b.workers[1].busy_since_ms, now_ms() - 300);
  CHECK_INT(books_choose(&b, 1), 0);
  books_handed(&b, 70);
  CHECK_INT(load(&b, 0), 1);
  CHECK_INT(books_choose(&b, 0), 1);
  CHECK_INT(books_choose(&b, 1), 1);

  books_free(&b);

  /* dropped, and its descriptor closed or its number taken by another file: struck off when
   * the books are full (the accept thread would wait for good) and when the drain counts */
  struct books c = {0};
  CHECK(books_init(&c, 2, 3));
  c.kick = kick;
  books_handed(&c, 80);
  books_handed(&c, 81);
  books_handed(&c, 82);
  CHECK(books_full(&c)); /* all three still name their sockets */
  CHECK_INT(books_pending(&c), 3);
  close(80);      /* the library closed it unstarted */
  socket_at(81);  /* ... and its number went to another socket */
  CHECK(!books_full(&c));
  CHECK_INT(books_pending(&c), 1);
  CHECK_INT(load(&c, 0) + load(&c, 1), 1);
  close(82);
  CHECK_INT(books_pending(&c), 0);
  books_free(&c);
  for (int fd = 10; fd < 100; fd++)
    if (fd != 80 && fd != 82)
      close(fd);
  return TEST_REPORT();
}
