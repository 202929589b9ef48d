/* conn_pressure.h - internal to the watchdog (conn_watch.c, conn_pressure.c): its table of
 * slots and the pressure rule, which makes room for a new connection when the table or one
 * address's share of it is nearly full (conn_watch.h says when). */
#ifndef ADVISORD_HTTP_CONN_PRESSURE_H
#define ADVISORD_HTTP_CONN_PRESSURE_H

#include "conn_watch.h"

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>

#define TICK_MS 100
#define HEAD_GRACE_MS 500
#define PEEK_MAX 4      /* candidates to give way peeked at, at most, per decision */
#define PEEK_BYTES 8192 /* a request head longer than this is not seen whole by a peek */
#define PEEK_MEMORY_MS 1000 /* a connection seen waiting is passed over for so long unpeeked */

enum phase { PH_HEAD, PH_BODY, PH_BUSY, PH_IDLE };

struct slot {
  bool used, cut, hup_seen, owed, owed_address; /* owed: room is to be made for it */
  enum phase phase;
  int fd;
  int64_t since_ms;         /* start of the current phase */
  int64_t waiting_ms;       /* when a peek saw its request waiting in this phase; 0: never */
  uint64_t body_bytes;
  unsigned char addr[16];   /* client address (IPv4: 4 bytes) */
  uint8_t addr_len;
  char ip[INET6_ADDRSTRLEN];
  unsigned next_free;
};

/* An address owed room, for a tick's pass (conn_pressure_pay_owed). */
struct owed_addr {
  unsigned char addr[16];
  uint8_t len;
  bool stuck;     /* none of its connections may give way this tick */
  unsigned count; /* its connections open and not cut */
};

struct conn_watch {
  struct conn_watch_options o;
  pthread_mutex_t mu;
  pthread_cond_t wake;
  pthread_t thread;
  bool stopping, draining;
  struct slot *slots;
  unsigned n_slots, free_head, live; /* live: used and not cut */
  uint64_t cuts;
  struct pollfd *pfd;                /* scratch for the tick */
  unsigned *pfd_slot;
  struct owed_addr *oa;              /* scratch for the tick: n_slots entries */
  char peek[PEEK_BYTES];             /* scratch for a peek (mutex held) */
};

/* Cuts s (mutex held): the socket is shut down; libmicrohttpd sees the close and frees it. */
void conn_watch_cut(struct conn_watch *w, struct slot *s, const char *why, int64_t now);

/* A new connection s arrived (mutex held): makes room for it, or marks it owed the room. */
void conn_pressure_make_room(struct conn_watch *w, struct slot *s, int64_t now);
/* Each tick (mutex held): makes the room owed, where a connection may now give way. */
void conn_pressure_pay_owed(struct conn_watch *w, int64_t now);

#endif
