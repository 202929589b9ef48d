/* server_stop.c - http_stop (http.h): no new connections, the open ones drained, then the
 * daemon stopped. */
#include "log.h"
#include "server_internal.h"
#include "util.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Stops accepting connections at once: a connection attempt from now on is refused. Not
 * MHD_quiesce_daemon: in 0.9.75 its epoll mode removes the listening socket from each pool
 * worker's epoll set and aborts the process when a worker woken at that moment removed it first
 * (ENOENT). Instead the socket is taken from under the library: its descriptor is made to name
 * another listening socket, a Unix one with an abstract name of the kernel's choosing that no
 * one connects to (a worker that was about to accept gets EAGAIN), and once ours is closed too,
 * the TCP socket is closed, which takes it out of every worker's epoll set. One case is left
 * to the library: a worker that reaches its share of --max-connections (the limit divided among
 * the threads) takes the listening descriptor out of its epoll set by number, which after the
 * swap fails and aborts the process; so near that share (all open connections counted, which
 * bounds any worker's) nothing is swapped, and, as without a descriptor to spare, libmicrohttpd
 * goes on accepting until it stops (the drain may be cut). Returns whether it stopped. */
static bool stop_accepting(struct http_server *srv)
{
  unsigned threads = srv->opts.threads ? srv->opts.threads : 1;
  unsigned share = srv->opts.max_connections / threads;
  /* room for the connections that may arrive between the count and the swap */
  unsigned margin = share / 8 > 64 ? 64 : share / 8 ? share / 8 : 1;
  const union MHD_DaemonInfo *info =
      MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
  if (!info || info->num_connections + margin >= share) {
    log_msg(LOG_WARN, "stop_accepting_skipped",
            "%u connections open, near a worker's share of --max-connections (%u): new ones "
            "are accepted until the stop",
            info ? info->num_connections : 0, share);
    return false;
  }
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  struct sockaddr_un nowhere = {.sun_family = AF_UNIX};
  bool swapped = s >= 0 && bind(s, (struct sockaddr *)&nowhere, sizeof(sa_family_t)) == 0 &&
                 listen(s, 1) == 0 && dup3(s, srv->mhd_fd, O_CLOEXEC) >= 0; /* autobind */
  if (!swapped)
    log_msg(LOG_WARN, "stop_accepting_failed",
            "could not stop accepting connections; they are accepted until the stop");
  if (s >= 0)
    close(s);
  if (swapped)
    close(srv->opts.listen_fd);
  return swapped;
}

void http_stop(struct http_server *srv, unsigned drain_s)
{
  if (!srv)
    return;
  atomic_store(&srv->closing, true); /* from now on requests are not suspended (later.c) */
  bool stopped_accepting = stop_accepting(srv);
  conn_watch_drain(srv->watch); /* idle keep-alive connections go at once */
  int64_t deadline = util_mono_ms() + (int64_t)drain_s * 1000;
  for (;;) {
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    unsigned open = info ? info->num_connections : 0;
    if (open == 0 || util_mono_ms() >= deadline) {
      log_json(LOG_INFO, "draining_done",
               json_pack("{s:i, s:I}", "open_connections", (int)open, "connections_cut",
                         (json_int_t)conn_watch_cut_count(srv->watch)));
      break;
    }
    usleep(50 * 1000);
  }
  later_wait_all(srv);
  MHD_stop_daemon(srv->daemon); /* closes its descriptor (the Unix socket, if swapped) */
  if (!stopped_accepting)
    close(srv->opts.listen_fd);
  conn_watch_stop(srv->watch); /* after the daemon: closing notifies it */
  server_limits_free(srv);
  free(srv);
}
