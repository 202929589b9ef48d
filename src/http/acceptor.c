/* acceptor.c - the "http-accept" thread: accepts the connections on the listening socket and
 * hands each to libmicrohttpd with MHD_add_connection. In 0.9.75 every pool worker watched the
 * listening socket itself and whichever woke first accepted a series of up to 10 connections
 * (daemon.c, MHD_epoll), so a burst (wrk's 32, a proxy's few keep-alive connections) often all
 * landed on one worker while the other idled. MHD_add_connection gives a connection to worker
 * (i + descriptor) % threads, the first with room: consecutive descriptors alternate. The
 * library still applies its limits there (its per-worker share of --max-connections, the
 * per-address limit in new_connection_prepare_), and closes the socket itself when it refuses
 * one. */
#include "log.h"
#include "server_internal.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
  FULL_WAIT_MS = 10,     /* at --max-connections: look again this often */
  BACKOFF_MS = 100,      /* after accept failed for want of descriptors or memory */
  LOG_EVERY_MS = 10000,  /* such a failure is logged at most this often */
};

struct acceptor {
  struct MHD_Daemon *daemon; /* not owned */
  int listen_fd;             /* not owned: the server closes it after acceptor_stop */
  int stop_fd;               /* owned: an eventfd, readable once acceptor_stop began */
  unsigned max_connections;
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

struct acceptor *acceptor_start(struct MHD_Daemon *daemon, int listen_fd,
                                unsigned max_connections)
{
  struct acceptor *a = calloc(1, sizeof *a);
  if (!a)
    return NULL;
  a->daemon = daemon;
  a->listen_fd = listen_fd;
  a->max_connections = max_connections ? max_connections : 1;
  atomic_init(&a->stopping, false);
  a->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (a->stop_fd >= 0 && pthread_create(&a->thread, NULL, accept_main, a) == 0)
    return a;
  if (a->stop_fd >= 0)
    close(a->stop_fd);
  free(a);
  return NULL;
}

void acceptor_stop(struct acceptor *a)
{
  if (!a)
    return;
  atomic_store(&a->stopping, true);
  uint64_t one = 1;
  while (write(a->stop_fd, &one, sizeof one) < 0 && errno == EINTR)
    ;
  pthread_join(a->thread, NULL);
  close(a->stop_fd);
  free(a);
}
