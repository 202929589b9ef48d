/* acceptor.c - the "http-accept" thread: accepts the connections on the listening socket and
 * hands each to libmicrohttpd with MHD_add_connection. In 0.9.75 every pool worker watched the
 * listening socket itself and whichever woke first accepted a series of up to 10 connections
 * (daemon.c, MHD_epoll), so a burst (wrk's 32, a proxy's few keep-alive connections) often all
 * landed on one worker while the other idled. MHD_add_connection gives a connection to worker
 * (i + descriptor) % threads, the first with room: consecutive descriptors alternate. The
 * library still applies its limits there (its per-worker share of --max-connections, the
 * per-address limit in new_connection_prepare_), and closes the socket itself when it refuses
 * one. A worker held in a callback (a write waiting for the database's lock: store.h lets
 * threads - 1 workers wait so that one stays free) would get connections it cannot serve,
 * where the library's own accept left them to the free worker; so each worker marks when it
 * is inside a callback, and a connection whose descriptor names a worker held for
 * BLOCKED_MS (long enough that a worker merely preempted on a busy machine does not count) is
 * given a descriptor (F_DUPFD) that names a free one. */
#include "log.h"
#include "server_internal.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
  FULL_WAIT_MS = 10,     /* at --max-connections: look again this often */
  BACKOFF_MS = 100,      /* after accept failed for want of descriptors or memory */
  LOG_EVERY_MS = 10000,  /* such a failure is logged at most this often */
  BLOCKED_MS = 100,      /* a worker inside one callback this long gets no new connections */
};

/* One pool worker: claimed by the worker thread on its first callback. */
struct worker {
  atomic_bool taken;
  atomic_llong busy_since_ms; /* coarse_ms() when its current callback began; 0: none */
};

struct acceptor {
  struct MHD_Daemon *daemon; /* not owned */
  int listen_fd;             /* not owned: the server closes it after acceptor_stop */
  int stop_fd;               /* owned: an eventfd, readable once acceptor_stop began */
  unsigned max_connections;
  unsigned n;                /* workers: the daemon's thread pool (1: no pool) */
  struct worker *workers;    /* owned: n of them */
  atomic_int *owner;         /* owned: n; owner[fd % n] is the worker (index into workers) that
                              * started the last connection with such a descriptor; -1: none */
  atomic_bool stopping;
  int64_t logged_ms;         /* when the last accept failure was logged (this thread's) */
  pthread_t thread;
};

/* The connections the library holds (all workers). Only this thread asks while it runs:
 * 0.9.75 sums the workers' counts into the master daemon's field, so two askers at once would
 * write it together; http_stop asks only after acceptor_stop. */
static unsigned open_connections(struct acceptor *a)
{
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(a->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
  return info ? info->num_connections : 0;
}

/* accept(2) failed with err (not EAGAIN, EINTR or ECONNABORTED): logged at most once every
 * LOG_EVERY_MS. */
static void accept_failed(struct acceptor *a, int err)
{
  int64_t now = util_mono_ms();
  if (a->logged_ms != 0 && now - a->logged_ms < LOG_EVERY_MS)
    return;
  a->logged_ms = now;
  log_msg(LOG_WARN, "accept_failed",
          "could not accept a connection (%s); trying again in %d ms", strerror(err),
          BACKOFF_MS);
}

static int64_t coarse_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* This thread's worker (NULL until its first callback). A pool worker thread belongs to one
 * daemon, so to one acceptor, for its whole life. */
static _Thread_local struct worker *me;

static struct worker *my_worker(struct acceptor *a)
{
  for (unsigned i = 0; !me && i < a->n; i++) {
    bool no = false;
    if (atomic_compare_exchange_strong(&a->workers[i].taken, &no, true))
      me = &a->workers[i];
  }
  return me;
}

void acceptor_worker_busy(struct acceptor *a, bool busy)
{
  struct worker *w = my_worker(a);
  if (w)
    atomic_store_explicit(&w->busy_since_ms, busy ? coarse_ms() : 0, memory_order_relaxed);
}

void acceptor_worker_started(struct acceptor *a, int fd)
{
  struct worker *w = my_worker(a);
  if (w && fd >= 0)
    atomic_store_explicit(&a->owner[(unsigned)fd % a->n], (int)(w - a->workers),
                          memory_order_relaxed);
}

/* How long the worker that descriptors with residue k go to has been inside its current
 * callback (0: not inside one, or not known). */
static int64_t held_ms(struct acceptor *a, unsigned k, int64_t now)
{
  int w = atomic_load_explicit(&a->owner[k], memory_order_relaxed);
  if (w < 0)
    return 0;
  long long since = atomic_load_explicit(&a->workers[w].busy_since_ms, memory_order_relaxed);
  return since != 0 ? now - since : 0;
}

/* fd, or when its worker has been held in a callback for BLOCKED_MS, a duplicate of it whose
 * number names the worker held least long (all may be: a write waiting for the lock holds one,
 * the others' writes wait shortly before their 503), fd closed then. */
static int steer(struct acceptor *a, int fd)
{
  if (a->n < 2)
    return fd;
  int64_t now = coarse_ms();
  unsigned k = (unsigned)fd % a->n, j = k;
  int64_t best = held_ms(a, k, now);
  if (best < BLOCKED_MS)
    return fd;
  for (unsigned c = 0; c < a->n; c++) {
    int64_t h = held_ms(a, c, now);
    if (h < best && atomic_load_explicit(&a->owner[c], memory_order_relaxed) >= 0)
      best = h, j = c;
  }
  if (j == k)
    return fd;
  int min = fd + (int)((j + a->n - k) % a->n);
  for (int tries = 0; tries < 16; tries++) {
    int d = fcntl(fd, F_DUPFD_CLOEXEC, min);
    if (d < 0)
      return fd;
    if ((unsigned)d % a->n == j) {
      close(fd);
      return d;
    }
    close(d); /* taken numbers in between: the next with residue j above d */
    min = d + (int)((j + a->n - (unsigned)d % a->n) % a->n);
  }
  return fd;
}

/* Accepts until the backlog is empty or the limit is reached. Returns false when accept
 * failed otherwise (out of descriptors or memory, or worse): the caller backs off. */
static bool accept_all(struct acceptor *a)
{
  unsigned open = open_connections(a);
  /* handed: the connections given to the library in this call, which it may not count yet
   * (a worker takes them from its queue when it wakes) */
  for (unsigned handed = 0; open + handed < a->max_connections;) {
    if (atomic_load(&a->stopping))
      return true;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = accept4(a->listen_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return true;
      accept_failed(a, errno);
      return false;
    }
    fd = steer(a, fd);
    /* The socket is the library's from here, also when it refuses it (it closes it then, and
     * logs why through on_mhd_log). */
    (void)MHD_add_connection(a->daemon, fd, (struct sockaddr *)&ss, len);
    handed++;
  }
  return true;
}

static void *accept_main(void *arg)
{
  struct acceptor *a = arg;
  pthread_setname_np(pthread_self(), "http-accept");
  bool back_off = false;
  for (;;) {
    /* At the limit, or backing off, the listening socket is not watched: new connections wait
     * in the kernel's backlog (as with the library's own accept at its limit). */
    int wait_ms = -1;
    if (back_off)
      wait_ms = BACKOFF_MS;
    else if (open_connections(a) >= a->max_connections)
      wait_ms = FULL_WAIT_MS;
    struct pollfd p[2] = {{.fd = a->stop_fd, .events = POLLIN},
                          {.fd = a->listen_fd, .events = POLLIN}};
    int n = poll(p, wait_ms < 0 ? 2 : 1, wait_ms);
    if (atomic_load(&a->stopping))
      break;
    back_off = n < 0 && errno != EINTR && errno != EAGAIN;
    if (n > 0 && wait_ms < 0 && p[1].revents)
      back_off = !accept_all(a);
  }
  return NULL;
}

struct acceptor *acceptor_new(unsigned threads, unsigned max_connections)
{
  struct acceptor *a = calloc(1, sizeof *a);
  if (!a)
    return NULL;
  a->stop_fd = -1;
  a->n = threads > 1 ? threads : 1;
  a->max_connections = max_connections ? max_connections : 1;
  a->workers = calloc(a->n, sizeof *a->workers);
  a->owner = calloc(a->n, sizeof *a->owner);
  if (!a->workers || !a->owner) {
    acceptor_free(a);
    return NULL;
  }
  for (unsigned i = 0; i < a->n; i++)
    atomic_init(&a->owner[i], -1);
  atomic_init(&a->stopping, false);
  return a;
}

bool acceptor_start(struct acceptor *a, struct MHD_Daemon *daemon, int listen_fd)
{
  a->daemon = daemon;
  a->listen_fd = listen_fd;
  a->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (a->stop_fd >= 0 && pthread_create(&a->thread, NULL, accept_main, a) == 0)
    return true;
  if (a->stop_fd >= 0)
    close(a->stop_fd);
  a->stop_fd = -1;
  return false;
}

void acceptor_stop(struct acceptor *a)
{
  if (!a || a->stop_fd < 0)
    return;
  atomic_store(&a->stopping, true);
  uint64_t one = 1;
  while (write(a->stop_fd, &one, sizeof one) < 0 && errno == EINTR)
    ;
  pthread_join(a->thread, NULL);
  close(a->stop_fd);
  a->stop_fd = -1;
}

void acceptor_free(struct acceptor *a)
{
  if (!a)
    return;
  acceptor_stop(a);
  free(a->workers);
  free(a->owner);
  free(a);
}
