/* acceptor_count.c - the accept thread's books (acceptor.h): for each pool worker its open
 * connections and those handed to it but not yet started, which together bound what the
 * library may ever hold, and the choice of the worker a new connection goes to.
 *
 * libmicrohttpd 0.9.75 gives a connection added with MHD_add_connection to worker
 * (i + descriptor) % pool, the first below its share of MHD_OPTION_CONNECTION_LIMIT, and queues
 * it there; queued connections are not counted against the share, and one refused at the
 * worker's firm check (new_connection_process_) leaves the worker's cleanup mutex locked: the
 * worker deadlocks and MHD_stop_daemon never returns (upstream 67061d5c, fixed in 1.0.0 only).
 * So the library's share is made unreachable (acceptor_library_limit: every worker may hold
 * all of --max-connections and one more) and --max-connections is kept here, exactly: a
 * connection is counted from its hand-over to its NOTIFY_CLOSED, so open + pending never
 * passes the limit and the first worker tried, descriptor % pool, always has room: a
 * worker's connections are those whose descriptors have its residue.
 *
 * Pending connections are kept in hand-over order per worker (seq). A worker takes its queue
 * in that order (new_connections_list_process_ is FIFO), so when it starts one, any of its
 * pending connections handed earlier and still listed never started: the library dropped it
 * (no memory for its pool) without a notification, and it is struck off then. A worker that
 * starts nothing more would keep such a slot for good (at the limit the server would stop
 * accepting, and the drain at a stop would wait for it), so when the books are full, and when
 * the drain counts them, each pending descriptor is checked too: one that no longer names the
 * socket handed over (fstat: closed, or its number taken by another file) was dropped. Only a
 * drop can close a pending socket: NOTIFY_STARTED strikes its entry, under the lock, before
 * the connection can be closed. */
#include "acceptor.h"
#include "log.h"
#include "util.h"

#include <stdlib.h>
#include <sys/stat.h>

unsigned acceptor_library_limit(unsigned threads, unsigned max_connections)
{
  /* one more per worker: the library counts a closing connection until just after its
   * NOTIFY_CLOSED, where these books let it go */
  return (max_connections + 1) * (threads > 1 ? threads : 1);
}

bool books_init(struct books *b, unsigned n, unsigned max_connections)
{
  b->n = n;
  b->max = max_connections;
  b->workers = calloc(n, sizeof *b->workers);
  b->pend = calloc(max_connections, sizeof *b->pend);
  if (!b->workers || !b->pend)
    return false;
  pthread_mutex_init(&b->lock, NULL);
  b->lock_made = true;
  return true;
}

void books_free(struct books *b)
{
  if (b->lock_made)
    pthread_mutex_destroy(&b->lock);
  free(b->workers);
  free(b->pend);
}

/* Lock held. */
static unsigned in_use(const struct books *b)
{
  unsigned t = b->n_pend;
  for (unsigned k = 0; k < b->n; k++)
    t += b->workers[k].open;
  return t;
}

/* Lock held: strikes pend[i] off. */
static void strike(struct books *b, unsigned i)
{
  b->workers[b->pend[i].k].pending--;
  b->pend[i] = b->pend[--b->n_pend];
}

/* Lock held: strikes off the pending connections the library dropped before they started
 * (their descriptors no longer name the sockets handed over). */
static void prune_dropped(struct books *b)
{
  unsigned dropped = 0;
  for (unsigned i = 0; i < b->n_pend;) {
    struct stat st;
    if (fstat(b->pend[i].fd, &st) != 0 || st.st_dev != b->pend[i].dev ||
        st.st_ino != b->pend[i].ino) {
      strike(b, i); /* pend[i] is now another one: look at i again */
      dropped++;
    } else {
      i++;
    }
  }
  if (dropped)
    log_json(LOG_WARN, "connections_dropped",
             json_pack("{s:I, s:s}", "count", (json_int_t)dropped, "detail",
                       "libmicrohttpd closed connections handed to it before serving them "
                       "(no memory for their buffers); their places are free again"));
}

bool books_full(struct books *b)
{
  pthread_mutex_lock(&b->lock);
  if (in_use(b) >= b->max)
    prune_dropped(b);
  bool full = in_use(b) >= b->max;
  b->full = full;
  pthread_mutex_unlock(&b->lock);
  return full;
}

unsigned books_pending(struct books *b)
{
  pthread_mutex_lock(&b->lock);
  prune_dropped(b);
  unsigned n = b->n_pend;
  pthread_mutex_unlock(&b->lock);
  return n;
}

unsigned books_choose(struct books *b, unsigned natural)
{
  if (b->n < 2)
    return 0;
  int64_t now = util_mono_ms();
  /* best: among all, the fewest; among equals the one inside its callback least long (all
   * held: a write waiting for the lock holds a worker for seconds, the others' writes wait
   * briefly before their 503). best_free: among those not held, the fewest. */
  unsigned best = natural, best_free = natural, best_load = 0, free_load = 0;
  long long best_since = 0;
  bool any_free = false;
  pthread_mutex_lock(&b->lock);
  for (unsigned c = 0; c < b->n; c++) {
    unsigned k = (natural + c) % b->n; /* the natural worker first: ties stay there */
    const struct book *w = &b->workers[k];
    unsigned load = w->open + w->pending;
    long long since = atomic_load_explicit(&w->busy_since_ms, memory_order_relaxed);
    if (c == 0 || load < best_load ||
        (load == best_load && since != 0 && best_since != 0 && since > best_since))
      best = k, best_load = load, best_since = since;
    if (since != 0 && now - since >= BLOCKED_MS)
      continue; /* held */
    if (!any_free || load < free_load)
      best_free = k, free_load = load;
    any_free = true;
  }
  pthread_mutex_unlock(&b->lock);
  return any_free ? best_free : best;
}

uint64_t books_handed(struct books *b, int fd)
{
  unsigned k = (unsigned)fd % b->n;
  pthread_mutex_lock(&b->lock);
  uint64_t seq = ++b->workers[k].seq;
  struct stat st = {0};
  (void)fstat(fd, &st); /* an open socket of ours: cannot fail (else st is zero: pruned) */
  if (b->n_pend < b->max) { /* always: the caller checked books_full */
    b->pend[b->n_pend++] =
        (struct pend){.fd = fd, .k = k, .seq = seq, .dev = st.st_dev, .ino = st.st_ino};
    b->workers[k].pending++;
  }
  pthread_mutex_unlock(&b->lock);
  return seq;
}

/* Lock held: a connection went, so a slot is free; wakes the accept thread if it waits. */
static void freed(struct books *b)
{
  if (b->full) {
    b->full = false;
    b->kick(b->kick_arg);
  }
}

void books_refused(struct books *b, int fd, uint64_t seq)
{
  unsigned k = (unsigned)fd % b->n;
  pthread_mutex_lock(&b->lock);
  for (unsigned i = 0; i < b->n_pend; i++)
    if (b->pend[i].k == k && b->pend[i].seq == seq) {
      strike(b, i);
      break;
    }
  freed(b);
  pthread_mutex_unlock(&b->lock);
}

/* The worker (residue + 1) of this thread; 0 until it started a connection. A pool worker
 * thread belongs to one daemon, so to one acceptor, for its whole life. */
static _Thread_local unsigned me;

void books_started(struct books *b, int fd)
{
  if (fd < 0)
    return;
  unsigned k = (unsigned)fd % b->n;
  if (me != 0 && me != k + 1 && !atomic_exchange(&b->misrouted, true))
    log_msg(LOG_ERROR, "connection_misrouted",
            "libmicrohttpd started a connection on another worker than its descriptor names; "
            "the count of connections per worker is off from now on");
  me = k + 1;
  pthread_mutex_lock(&b->lock);
  /* the newest pending connection with this descriptor (an older one with the same number was
   * dropped: its number was free again) */
  unsigned found = b->n_pend;
  for (unsigned i = 0; i < b->n_pend; i++)
    if (b->pend[i].k == k && b->pend[i].fd == fd &&
        (found == b->n_pend || b->pend[i].seq > b->pend[found].seq))
      found = i;
  if (found < b->n_pend) {
    uint64_t seq = b->pend[found].seq;
    bool dropped = false;
    for (unsigned i = 0; i < b->n_pend;) {
      if (b->pend[i].k == k && b->pend[i].seq <= seq) {
        dropped |= b->pend[i].seq < seq;
        strike(b, i); /* pend[i] is now another one: look at i again */
      } else {
        i++;
      }
    }
    if (dropped)
      freed(b);
  }
  b->workers[k].open++;
  pthread_mutex_unlock(&b->lock);
}

void books_closed(struct books *b, int fd)
{
  if (fd < 0)
    return;
  unsigned k = (unsigned)fd % b->n;
  pthread_mutex_lock(&b->lock);
  if (b->workers[k].open > 0)
    b->workers[k].open--;
  freed(b);
  pthread_mutex_unlock(&b->lock);
}

void books_busy(struct books *b, bool busy)
{
  if (me != 0)
    atomic_store_explicit(&b->workers[me - 1].busy_since_ms, busy ? util_mono_ms() : 0,
                          memory_order_relaxed);
}
