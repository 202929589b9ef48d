/* acceptor.h - the "http-accept" thread (acceptor.c) and its books of connections per pool
 * worker (acceptor_count.c); internal to http/. */
#ifndef ADVISORD_HTTP_ACCEPTOR_H
#define ADVISORD_HTTP_ACCEPTOR_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* A worker inside one request callback this long (a write waiting for the database's lock)
 * counts as held: new connections go to the others while one is not. Long enough that a
 * worker merely preempted on a busy machine does not count. */
enum { BLOCKED_MS = 100 };

struct acceptor;

/* The daemon's MHD_OPTION_CONNECTION_LIMIT for a pool of threads workers: so high that no
 * worker reaches its share while the acceptor keeps max_connections (acceptor_count.c). */
unsigned acceptor_library_limit(unsigned threads, unsigned max_connections);
/* The accept thread's state for a daemon of threads workers (the pool size; 0 or 1: none),
 * which keeps at most max_connections open or handed over. NULL when out of memory. Free
 * with acceptor_free after the daemon is stopped (its workers call it). */
struct acceptor *acceptor_new(unsigned threads, unsigned max_connections);
/* Starts the "http-accept" thread: it accepts connections on listen_fd (not owned: close it
 * after acceptor_stop) and hands them to daemon (MHD_add_connection). False when out of
 * descriptors or threads. */
bool acceptor_start(struct acceptor *a, struct MHD_Daemon *daemon, int listen_fd);
/* Stops and joins the thread (if running). Nothing is accepted afterwards; connections that
 * arrive wait in the backlog until the listening socket is closed. */
void acceptor_stop(struct acceptor *a);
/* acceptor_stop, then frees a (NULL: nothing). */
void acceptor_free(struct acceptor *a);
/* Connections handed to the library that no worker has started yet (the drain waits for
 * them too). */
unsigned acceptor_pending(struct acceptor *a);
/* Called by a pool worker thread around each request callback (busy: entering it). */
void acceptor_worker_busy(struct acceptor *a, bool busy);
/* MHD_OPTION_NOTIFY_CONNECTION, called by the worker: conn started or closed. */
void acceptor_notify(struct acceptor *a, struct MHD_Connection *conn,
                     enum MHD_ConnectionNotificationCode toe);

/* acceptor_count.c: the books. All counts under lock. */
struct book {
  unsigned open;              /* started, not yet closed */
  unsigned pending;           /* handed over, not yet started */
  uint64_t seq;               /* hand-overs so far */
  atomic_llong busy_since_ms; /* when its current request callback began (coarse); 0: none */
};
struct pend {
  int fd;
  unsigned k; /* fd % n: its worker */
  uint64_t seq;
  dev_t dev;  /* the socket's identity at the hand-over (fstat): a pending descriptor that */
  ino_t ino;  /* no longer names it was dropped by the library (acceptor_count.c) */
};
struct books {
  unsigned n, max;      /* workers (residues), --max-connections */
  struct book *workers; /* owned: n */
  struct pend *pend;    /* owned: max; the first n_pend are pending */
  unsigned n_pend;
  bool full;            /* the accept thread waits for a slot: kick it when one is free */
  bool lock_made;
  atomic_bool misrouted;
  void (*kick)(void *arg); /* wakes the accept thread */
  void *kick_arg;
  pthread_mutex_t lock;
};
/* n workers, at most max_connections: false when out of memory (books_free then). */
bool books_init(struct books *b, unsigned n, unsigned max_connections);
void books_free(struct books *b);
/* Whether open + pending reached the limit (then remembered: a slot freed kicks). */
bool books_full(struct books *b);
unsigned books_pending(struct books *b);
/* The worker (residue) a new connection goes to: the one with the fewest open and pending
 * connections among those not held (all held: among all); ties to natural (its descriptor's). */
unsigned books_choose(struct books *b, unsigned natural);
/* fd is being handed over (before MHD_add_connection): counted pending; returns its number. */
uint64_t books_handed(struct books *b, int fd);
/* MHD_add_connection refused the connection (fd, seq) (the library closed it). */
void books_refused(struct books *b, int fd, uint64_t seq);
/* Worker calls (NOTIFY_CONNECTION, the request callback). */
void books_started(struct books *b, int fd);
void books_closed(struct books *b, int fd);
void books_busy(struct books *b, bool busy);

#endif
