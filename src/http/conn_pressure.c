/* conn_pressure.c - the watchdog's pressure rule (conn_pressure.h, conn_watch.h): which
 * connection gives way to a new one when the table, or one address's share, is nearly full. */
#include "conn_pressure.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static bool same_addr(const struct slot *a, const struct slot *b)
{
  return a->addr_len == b->addr_len && memcmp(a->addr, b->addr, a->addr_len) == 0;
}

/* Whether a's claim to give way comes before b's: idle keep-alive connections first, each
 * kind the longest in its phase first. */
static bool before(const struct slot *a, const struct slot *b)
{
  if ((a->phase == PH_IDLE) != (b->phase == PH_IDLE))
    return a->phase == PH_IDLE;
  return a->since_ms < b->since_ms;
}

/* Whether s's client has sent what it is waited for, still unread in its socket buffer: a
 * whole head (PH_HEAD), any byte of its next request (PH_IDLE). Mutex held: s->fd is the
 * connection's own (see conn_watch_notify). The library reads a socket whenever its worker
 * runs, so bytes stay there only while the worker is held in another request's callback: such
 * a client did nothing wrong and waits its turn. What the library has read is not seen: a head
 * still incomplete in its buffer after the grace, its worker free, is a trickler's. A head
 * longer than PEEK_BYTES, or whose end is split between the two buffers, is not seen whole. */
static bool waiting(struct conn_watch *w, struct slot *s, int64_t now)
{
  size_t want = s->phase == PH_IDLE ? 1 : sizeof w->peek;
  ssize_t n = recv(s->fd, w->peek, want, MSG_PEEK | MSG_DONTWAIT);
  bool whole = n > 0 && s->phase == PH_IDLE;
  for (ssize_t i = 1; !whole && i < n; i++) /* the head's end: an empty line, bare "\n" too */
    whole = w->peek[i] == '\n' &&
            (w->peek[i - 1] == '\n' ||
             (i >= 2 && w->peek[i - 1] == '\r' && w->peek[i - 2] == '\n'));
  if (whole)
    s->waiting_ms = now ? now : 1;
  return whole; /* else nothing unread (EAGAIN), part of a head, or the client closed */
}

/* The connection to give way to a new one (from the address of from only, when given; never
 * except): the longest idle keep-alive connection, else the connection that has been reading
 * its head the longest, if for the grace at least; but not one whose request (or next
 * request) is waiting unread in its socket buffer (its worker is held). NULL when there is
 * none: a request in flight, and a head begun less than the grace ago, never give way. The
 * grace (a quarter of --head-timeout, at most HEAD_GRACE_MS): a new head may be whole in the
 * library's buffer already, waiting for a worker (a burst is handed over at once). At most
 * PEEK_MAX candidates are peeked at per decision, in that order: when all are waiting, none
 * gives way this time. One seen waiting is passed over unpeeked for PEEK_MEMORY_MS (or until
 * its phase changes), so that the next decision (a new connection, or the next tick's room
 * owed) looks further: behind many waiting connections a trickler is found in a few ticks. */
static struct slot *victim(struct conn_watch *w, const struct slot *from,
                           const struct slot *except, int64_t now)
{
  struct slot *best[PEEK_MAX];
  unsigned n = 0;
  int64_t g = w->o.head_timeout_ms / 4, grace = g < HEAD_GRACE_MS ? g : HEAD_GRACE_MS;
  for (unsigned i = 0; i < w->n_slots; i++) {
    struct slot *s = &w->slots[i];
    if (!s->used || s->cut || s == except)
      continue;
    if (from && !same_addr(s, from))
      continue;
    if (s->phase != PH_IDLE && (s->phase != PH_HEAD || now - s->since_ms < grace))
      continue;
    if (s->waiting_ms && now - s->waiting_ms < PEEK_MEMORY_MS)
      continue;
    if (n == PEEK_MAX && !before(s, best[n - 1]))
      continue;
    unsigned k = n < PEEK_MAX ? n++ : n - 1; /* insertion into best[], kept in order */
    for (; k > 0 && before(s, best[k - 1]); k--)
      best[k] = best[k - 1];
    best[k] = s;
  }
  for (unsigned k = 0; k < n; k++)
    if (!waiting(w, best[k], now))
      return best[k];
  return NULL;
}

static unsigned count_from(const struct conn_watch *w, const struct slot *from)
{
  unsigned n = 0;
  for (unsigned i = 0; i < w->n_slots; i++) {
    const struct slot *s = &w->slots[i];
    n += s->used && !s->cut && same_addr(s, from);
  }
  return n;
}

/* The level at which room is made: an eighth of the limit (at least one) is kept free. */
static unsigned high_water(unsigned limit)
{
  unsigned keep = limit / 8 ? limit / 8 : 1;
  return limit > keep ? limit - keep : 1;
}

/* Room for s (mutex held): when the table (or, by_address, the share of s's address) is
 * nearly full, a connection gives way to s. False when none may yet. */
static bool give_way(struct conn_watch *w, struct slot *s, bool by_address, int64_t now)
{
  bool full = by_address ? count_from(w, s) >= high_water(w->o.max_connections_per_ip)
                         : w->live >= high_water(w->o.max_connections);
  if (!full)
    return true;
  struct slot *v = victim(w, by_address ? s : NULL, s, now);
  if (v)
    conn_watch_cut(w, v, by_address ? "pressure_address" : "pressure", now);
  return v != NULL;
}

/* A new connection s arrived (mutex held): make room when the table or its address's share
 * is nearly full, so that a client sending a whole request promptly finds a place. When none
 * may give way yet, s still has a place (the level is below the limit) and is owed the room:
 * each tick makes it once one may, while s is open and the level reached (pay_owed). Else a
 * table filled within the grace would stay full until the head deadline (at the limit the
 * acceptor accepts no new connection to make room for). */
void conn_pressure_make_room(struct conn_watch *w, struct slot *s, int64_t now)
{
  s->owed = !give_way(w, s, false, now);
  s->owed_address = !give_way(w, s, true, now);
}

static int owed_addr_cmp(const void *a, const void *b)
{
  const struct owed_addr *x = a, *y = b;
  if (x->len != y->len)
    return x->len < y->len ? -1 : 1;
  return memcmp(x->addr, y->addr, x->len);
}

/* The entry of s's address among the n in w->oa (sorted), or NULL. */
static struct owed_addr *entry_of(struct conn_watch *w, unsigned n, const struct slot *s)
{
  struct owed_addr key = {.len = s->addr_len};
  memcpy(key.addr, s->addr, s->addr_len);
  return n ? bsearch(&key, w->oa, n, sizeof *w->oa, owed_addr_cmp) : NULL;
}

/* v is cut (mutex held): one less from its address. */
static void cut_for(struct conn_watch *w, unsigned n, struct slot *v, const char *why,
                    int64_t now)
{
  conn_watch_cut(w, v, why, now);
  struct owed_addr *e = entry_of(w, n, v);
  if (e)
    e->count--;
}

/* Each tick: the room owed, made where a connection may now give way, in slot order as at
 * their arrival. One pass finds the debtors (w->pfd_slot) and their addresses (w->oa, sorted,
 * one entry each), one more counts each address's connections; then each debt costs a search
 * only while its level is reached (a search per cut, and one that finds no victim for the
 * table, or for an address, makes the table's, or that address's, other debts wait till the
 * next tick), instead of a count and a search for every debt at every tick. */
void conn_pressure_pay_owed(struct conn_watch *w, int64_t now)
{
  unsigned nd = 0, na = 0;
  for (unsigned i = 0; i < w->n_slots; i++) {
    struct slot *s = &w->slots[i];
    if (!s->used || s->cut || !(s->owed || s->owed_address))
      continue;
    w->pfd_slot[nd++] = i;
    if (s->owed_address) {
      w->oa[na] = (struct owed_addr){.len = s->addr_len};
      memcpy(w->oa[na++].addr, s->addr, s->addr_len);
    }
  }
  if (nd == 0)
    return;
  if (na) {
    qsort(w->oa, na, sizeof *w->oa, owed_addr_cmp);
    unsigned u = 1;
    for (unsigned k = 1; k < na; k++)
      if (owed_addr_cmp(&w->oa[k], &w->oa[u - 1]) != 0)
        w->oa[u++] = w->oa[k];
    na = u;
    for (unsigned i = 0; i < w->n_slots; i++) {
      struct slot *s = &w->slots[i];
      struct owed_addr *e = s->used && !s->cut ? entry_of(w, na, s) : NULL;
      if (e)
        e->count++;
    }
  }
  bool stuck = false; /* none may give way for the table this tick: the others wait too */
  unsigned table_level = high_water(w->o.max_connections),
           addr_level = high_water(w->o.max_connections_per_ip);
  for (unsigned k = 0; k < nd; k++) {
    struct slot *s = &w->slots[w->pfd_slot[k]], *v;
    if (s->cut) /* gave way to an earlier debt of this pass */
      continue;
    if (s->owed && !stuck) {
      if (w->live < table_level)
        s->owed = false;
      else if ((v = victim(w, NULL, s, now)) != NULL) {
        cut_for(w, na, v, "pressure", now);
        s->owed = false;
      } else {
        stuck = true;
      }
    }
    struct owed_addr *e = s->owed_address ? entry_of(w, na, s) : NULL;
    if (!e || e->stuck)
      continue;
    if (e->count < addr_level)
      s->owed_address = false;
    else if ((v = victim(w, s, s, now)) != NULL ||
             /* again with s: s may give way to a later debt of its address (and those just
              * seen waiting are passed over: one further may give way now) */
             ((v = victim(w, s, NULL, now)) != NULL && v != s)) {
      cut_for(w, na, v, "pressure_address", now);
      s->owed_address = false;
    } else {
      e->stuck = v == NULL;
    }
  }
}
