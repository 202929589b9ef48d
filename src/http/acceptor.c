/* acceptor.c - the "http-accept" thread: accepts the connections on the listening socket and
 * hands each to libmicrohttpd with MHD_add_connection. In 0.9.75 every pool worker watched the
 * listening socket itself and whichever woke first accepted a series of up to 10 connections
 * (daemon.c, MHD_epoll), so a burst (wrk's 32, a proxy's few keep-alive connections) often all
 * landed on one worker while the other idled.
 *
 * Each connection goes to the worker with the fewest open and pending connections among
 * those not held in a request callback for BLOCKED_MS (a write waiting for the database's
 * lock: store.h lets threads - 1 workers wait so that one stays free; the library's own accept
 * left new connections to the free worker); when all are held, to the least loaded. The
 * library gives a connection to worker descriptor % pool (it never reaches a worker's share,
 * acceptor_count.c), so the connection is given a descriptor naming that worker: a duplicate
 * (F_DUPFD) from the next number with the right residue when its own names another.
 *
 * --max-connections is kept here (acceptor_count.c): at the limit the listening socket is not
 * watched and new connections wait in the kernel's backlog, as with the library's own accept
 * at its limit, until a connection closes (its notification wakes this thread). The library
 * still applies the per-address limit (new_connection_prepare_) and closes a socket it
 * refuses. */
#include "acceptor.h"
#include "log.h"
#include "server_internal.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
  BACKOFF_MS = 100,       /* after accept failed for want of descriptors or memory */
  LOG_EVERY_MS = 10000,   /* such a failure is logged at most this often */
  FULL_RECHECK_MS = 1000, /* at the limit, the books are looked at again this often anyway */
  RETRY_MAX = 64          /* accept errors of one connection retried at once in a row */
};

struct acceptor {
  struct MHD_Daemon *daemon; /* not owned */
  int listen_fd;             /* not owned: the server closes it after acceptor_stop */
  int wake_fd;               /* owned: an eventfd, written at the stop and when a slot frees */
  unsigned n;                /* workers: the daemon's thread pool (1: no pool) */
  struct books books;        /* owned */
  atomic_bool stopping;
  bool started;
  int64_t logged_ms;         /* when the last accept failure was logged (this thread's) */
  pthread_t thread;
};

/* True when accept(2) failed with err for that one connection only, so that the next is
 * accepted at once: a signal, a connection aborted, or the errors accept(2) says Linux passes
 * on from the new socket and to retry like EAGAIN (network errors; EPERM: a firewall rule
 * forbade the connection). */
static bool retry_at_once(int err)
{
  return err == EINTR || err == ECONNABORTED || err == ENETDOWN || err == EPROTO ||
         err == ENOPROTOOPT || err == EHOSTDOWN || err == ENONET || err == EHOSTUNREACH ||
         err == EOPNOTSUPP || err == ENETUNREACH || err == EPERM;
}

/* accept(2) failed with err (not EAGAIN, nor one to retry at once): logged at most once every
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

static void wake(void *arg)
{
  struct acceptor *a = arg;
  uint64_t one = 1;
  while (write(a->wake_fd, &one, sizeof one) < 0 && errno == EINTR)
    ;
}

/* fd, or a duplicate of it whose number names worker j (fd closed then). When no such number
 * can be had (out of descriptors), fd itself: the books count it where it goes. */
static int steer(struct acceptor *a, int fd, unsigned j)
{
  unsigned k = (unsigned)fd % a->n;
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
  unsigned retried = 0; /* in a row: one that leaves the connection queued would spin */
  while (!atomic_load(&a->stopping) && !books_full(&a->books)) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int fd = accept4(a->listen_fd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        return true;
      if (retry_at_once(errno) && ++retried < RETRY_MAX) {
        if (errno != EINTR)
          log_msg(LOG_DEBUG, "accept_retried", "a connection was lost before it could be "
                  "accepted (%s); accepting the next", strerror(errno));
        continue;
      }
      accept_failed(a, errno);
      return false;
    }
    retried = 0;
    if (a->n > 1)
      fd = steer(a, fd, books_choose(&a->books, (unsigned)fd % a->n));
    uint64_t seq = books_handed(&a->books, fd); /* before: the worker may start it at once */
    /* The socket is the library's from here, also when it refuses it (it closes it then, and
     * logs why through on_mhd_log). */
    if (MHD_add_connection(a->daemon, fd, (struct sockaddr *)&ss, len) != MHD_YES)
      books_refused(&a->books, fd, seq);
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
    bool full = !back_off && books_full(&a->books);
    bool watch = !back_off && !full;
    struct pollfd p[2] = {{.fd = a->wake_fd, .events = POLLIN},
                          {.fd = a->listen_fd, .events = POLLIN}};
    int n = poll(p, watch ? 2 : 1, back_off ? BACKOFF_MS : full ? FULL_RECHECK_MS : -1);
    if (atomic_load(&a->stopping))
      break;
    if (n > 0 && p[0].revents) {
      uint64_t v;
      (void)!read(a->wake_fd, &v, sizeof v);
    }
    back_off = n < 0 && errno != EINTR && errno != EAGAIN;
    if (n > 0 && watch && p[1].revents)
      back_off = !accept_all(a);
  }
  return NULL;
}

struct acceptor *acceptor_new(unsigned threads, unsigned max_connections)
{
  struct acceptor *a = calloc(1, sizeof *a);
  if (!a)
    return NULL;
  a->wake_fd = -1;
  a->n = threads > 1 ? threads : 1;
  atomic_init(&a->stopping, false);
  if (!books_init(&a->books, a->n, max_connections ? max_connections : 1)) {
    acceptor_free(a);
    return NULL;
  }
  a->books.kick = wake;
  a->books.kick_arg = a;
  a->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (a->wake_fd < 0) {
    acceptor_free(a);
    return NULL;
  }
  return a;
}

bool acceptor_start(struct acceptor *a, struct MHD_Daemon *daemon, int listen_fd)
{
  a->daemon = daemon;
  a->listen_fd = listen_fd;
  int rc = pthread_create(&a->thread, NULL, accept_main, a);
  if (rc != 0)
    log_msg(LOG_ERROR, "start_failed", "could not start the accept thread: %s", strerror(rc));
  a->started = rc == 0;
  return a->started;
}

void acceptor_stop(struct acceptor *a)
{
  if (!a || !a->started)
    return;
  atomic_store(&a->stopping, true);
  wake(a);
  pthread_join(a->thread, NULL);
  a->started = false;
}

void acceptor_free(struct acceptor *a)
{
  if (!a)
    return;
  acceptor_stop(a);
  if (a->wake_fd >= 0)
    close(a->wake_fd);
  books_free(&a->books);
  free(a);
}

unsigned acceptor_pending(struct acceptor *a)
{
  return books_pending(&a->books);
}

void acceptor_worker_busy(struct acceptor *a, bool busy)
{
  books_busy(&a->books, busy);
}

void acceptor_notify(struct acceptor *a, struct MHD_Connection *conn,
                     enum MHD_ConnectionNotificationCode toe)
{
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
  int fd = ci ? ci->connect_fd : -1;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED)
    books_started(&a->books, fd);
  else if (toe == MHD_CONNECTION_NOTIFY_CLOSED)
    books_closed(&a->books, fd);
}
