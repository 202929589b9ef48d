/* conn_pressure.c - the watchdog's pressure rule (conn_pressure.h, conn_watch.h): which
 * connection gives way to a new one when the table, or one address's share, is nearly full. */
#include "conn_pressure.h"

#include <string.h>

/* The connection to give way to a new one (from the address of from only, when given; never
 * except): the longest idle keep-alive connection, else the connection that has been reading
 * its head the longest, if for the grace at least. NULL when there is none: a request in
 * flight, and a head begun less than the grace ago, never give way. The grace (a quarter of
 * --head-timeout, at most HEAD_GRACE_MS): a new head may be whole in its socket buffer
 * already, waiting for a worker (a burst is handed over at once; a worker may be held). */
static struct slot *victim(struct conn_watch *w, const struct slot *from,
                           const struct slot *except, int64_t now)
{
  struct slot *idle = NULL, *head = NULL;
  int64_t g = w->o.head_timeout_ms / 4, grace = g < HEAD_GRACE_MS ? g : HEAD_GRACE_MS;
  for (unsigned i = 0; i < w->n_slots; i++) {
    struct slot *s = &w->slots[i];
    if (!s->used || s->cut || s == except)
      continue;
    if (from && (s->addr_len != from->addr_len || memcmp(s->addr, from->addr, s->addr_len)))
      continue;
    if (s->phase == PH_IDLE && (!idle || s->since_ms < idle->since_ms))
      idle = s;
    if (s->phase == PH_HEAD && now - s->since_ms >= grace &&
        (!head || s->since_ms < head->since_ms))
      head = s;
  }
  return idle ? idle : head;
}

static unsigned count_from(const struct conn_watch *w, const struct slot *from)
{
  unsigned n = 0;
  for (unsigned i = 0; i < w->n_slots; i++) {
    const struct slot *s = &w->slots[i];
    n += s->used && !s->cut && s->addr_len == from->addr_len &&
         memcmp(s->addr, from->addr, s->addr_len) == 0;
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
 * each tick makes it once one may, while s is open and the level reached (conn_pressure_pay_owed). Else a
 * table filled within the grace would stay full until the head deadline (at the limit the
 * acceptor accepts no new connection to make room for). */
void conn_pressure_make_room(struct conn_watch *w, struct slot *s, int64_t now)
{
  s->owed = !give_way(w, s, false, now);
  s->owed_address = !give_way(w, s, true, now);
}

void conn_pressure_pay_owed(struct conn_watch *w, int64_t now)
{
  bool stuck = false; /* none may give way for the table this tick: the others wait too */
  for (unsigned i = 0; i < w->n_slots; i++) {
    struct slot *s = &w->slots[i];
    if (s->used && !s->cut && s->owed && !stuck)
      stuck = s->owed = !give_way(w, s, false, now);
    if (s->used && !s->cut && s->owed_address)
      s->owed_address = !give_way(w, s, true, now);
  }
}
