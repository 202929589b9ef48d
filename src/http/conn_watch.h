/* conn_watch.h - the connection watchdog (internal to http/). libmicrohttpd 0.9.75 only knows
 * an idle timeout, which a client sending one byte at a time never reaches. The watchdog keeps
 * every connection's phase and start time and shuts a socket down (shutdown(2), which the
 * library then notices as a closed connection) when:
 *   - its request head is not complete within head_timeout_ms ("head_timeout");
 *   - its body arrives slower than body_min_rate bytes/s after a grace of head_timeout_ms
 *     ("body_too_slow");
 *   - between requests it has waited longer than idle_timeout_ms + head_timeout_ms
 *     ("idle_timeout", a backstop for a next head trickled in byte by byte);
 *   - the client closed it while no request was in flight ("client_closed": the library
 *     misses a close that arrives together with the last bytes of a half-sent head);
 *   - the connection table, or one address's share of it, is nearly full at a new
 *     connection: a connection without a request in flight makes room for it ("pressure",
 *     "pressure_address"): the longest idle keep-alive connection, else the one reading its
 *     head the longest, but not within a grace (a quarter of head_timeout_ms, at most
 *     500 ms: its request may be waiting for a busy worker), nor, peeked at (MSG_PEEK), one
 *     whose whole head, or next request's first byte, waits unread in its socket buffer (its
 *     worker held in another request). When none may give way yet, the room is made at the
 *     first tick at which one may.
 * Every cut is logged ("connection_cut") and counted. */
#ifndef ADVISORD_HTTP_CONN_WATCH_H
#define ADVISORD_HTTP_CONN_WATCH_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conn_watch_options {
  unsigned max_connections;
  unsigned max_connections_per_ip;
  unsigned head_timeout_ms;
  unsigned idle_timeout_ms;
  unsigned body_min_rate; /* bytes per second; 0: no minimum */
  bool metrics;           /* count connections opened, closed and cut in metrics.h */
};

struct conn_watch;

/* Starts the watchdog thread. NULL when out of memory or threads. Free with conn_watch_stop
 * after the daemon is stopped (it still calls conn_watch_notify while closing). */
struct conn_watch *conn_watch_start(const struct conn_watch_options *o);
void conn_watch_stop(struct conn_watch *w);

/* MHD_OPTION_NOTIFY_CONNECTION callback; cls is the struct conn_watch. */
void conn_watch_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode toe);

/* The request head of conn is complete; a body follows when has_body. */
void conn_watch_head_done(struct conn_watch *w, struct MHD_Connection *conn, bool has_body);
/* n more body bytes arrived. */
void conn_watch_body(struct conn_watch *w, struct MHD_Connection *conn, size_t n);
/* The request is being answered (no deadline applies). */
void conn_watch_busy(struct conn_watch *w, struct MHD_Connection *conn);
/* The request is over; the connection waits for the next one. */
void conn_watch_idle(struct conn_watch *w, struct MHD_Connection *conn);
/* Shutdown: from now on a connection without a request in flight is closed at once. */
void conn_watch_drain(struct conn_watch *w);
/* Connections cut so far. */
uint64_t conn_watch_cut_count(struct conn_watch *w);

#endif
