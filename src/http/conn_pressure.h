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

enum phase { PH_HEAD, PH_BODY, PH_BUSY, PH_IDLE };

struct slot {
  bool used, cut, hup_seen, owed, owed_address; /* owed: room is to be made for it */
  enum phase phase;
  int fd;
  int64_t since_ms;         /* start of the current phase */
  uint64_t body_bytes;
  unsigned char addr[16];   /* client address (IPv4: 4 bytes) */
  uint8_t addr_len;
  char ip[INET6_ADDRSTRLEN];
  unsigned next_free;
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
};

/* Cuts s (mutex held): the socket is shut down; libmicrohttpd sees the close and frees it. */
void conn_watch_cut(struct conn_watch *w, struct slot *s, const char *why, int64_t now);

/* A new connection s arrived (mutex held): makes room for it, or marks it owed the room. */
void conn_pressure_make_room(struct conn_watch *w, struct slot *s, int64_t now);
/* Each tick (mutex held): makes the room owed, where a connection may now give way. */
void conn_pressure_pay_owed(struct conn_watch *w, int64_t now);

#endif
