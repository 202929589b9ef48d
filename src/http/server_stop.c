/* server_stop.c - http_stop (http.h): no new connections, the open ones drained, then the
 * daemon stopped. */
#include "log.h"
#include "server_internal.h"
#include "util.h"

#include <unistd.h>

void http_stop(struct http_server *srv, unsigned drain_s)
{
  if (!srv)
    return;
  atomic_store(&srv->closing, true); /* from now on requests are not suspended (later.c) */
  /* No new connections: the accept thread ends, then the listening socket is closed (an
   * attempt from now on is refused; one left in the backlog is reset). The thread must be
   * joined before MHD_stop_daemon below: 0.9.75's close_all_connections walks each worker's
   * queue of added connections (new_connections) without its mutex, so an MHD_add_connection
   * running meanwhile would race it (fixed upstream in 0d85d573, after 0.9.75). */
  acceptor_stop(srv->acceptor);
  close(srv->opts.listen_fd);
  conn_watch_drain(srv->watch); /* idle keep-alive connections go at once */
  int64_t deadline = util_mono_ms() + (int64_t)drain_s * 1000;
  for (;;) {
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    /* and those handed over before the accept thread ended that no worker started yet */
    unsigned open = (info ? info->num_connections : 0) + acceptor_pending(srv->acceptor);
    if (open == 0 || util_mono_ms() >= deadline) {
      log_json(LOG_INFO, "draining_done",
               json_pack("{s:i, s:I}", "open_connections", (int)open, "connections_cut",
                         (json_int_t)conn_watch_cut_count(srv->watch)));
      break;
    }
    usleep(50 * 1000);
  }
  later_wait_all(srv);
  MHD_stop_daemon(srv->daemon);
  acceptor_free(srv->acceptor); /* after the daemon: its workers mark themselves in it */
  conn_watch_stop(srv->watch); /* after the daemon: closing notifies it */
  server_limits_free(srv);
  free(srv);
}
