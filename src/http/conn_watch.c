/* conn_watch.c - the connection watchdog: one slot per open connection (its phase, start time,
 * client address and socket) and a thread that cuts late sockets every tick; the room made
 * under pressure is conn_pressure.c. See conn_watch.h for the rules. */
#include "conn_pressure.h"
#include "log.h"
#include "metrics.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

static const char *const phase_names[] = {"head", "body", "busy", "idle"};

void conn_watch_cut(struct conn_watch *w, struct slot *s, const char *why, int64_t now)
{
  if (s->cut)
    return;
  s->cut = true;
  w->live--;
  w->cuts++;
  if (w->o.metrics)
    metrics_connection_cut(why);
  /* logged first, so that the line is there by the time the client sees the close */
  log_json(LOG_INFO, "connection_cut",
           json_pack("{s:s, s:s, s:s, s:I, s:I}", "reason", why, "client", s->ip, "phase",
                     phase_names[s->phase], "phase_ms", (json_int_t)(now - s->since_ms),
                     "cut_total", (json_int_t)w->cuts));
  shutdown(s->fd, SHUT_RDWR);
}

static void set_addr(struct slot *s, struct MHD_Connection *conn)
{
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  const struct sockaddr *sa = ci ? ci->client_addr : NULL;
  s->addr_len = 0;
  snprintf(s->ip, sizeof s->ip, "?");
  if (sa && sa->sa_family == AF_INET) {
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;
    memcpy(s->addr, &v4->sin_addr, 4);
    s->addr_len = 4;
    inet_ntop(AF_INET, &v4->sin_addr, s->ip, sizeof s->ip);
  } else if (sa && sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;
    memcpy(s->addr, &v6->sin6_addr, 16);
    s->addr_len = 16;
    inet_ntop(AF_INET6, &v6->sin6_addr, s->ip, sizeof s->ip);
  }
}

void conn_watch_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                       enum MHD_ConnectionNotificationCode toe)
{
  struct conn_watch *w = cls;
  int64_t now = util_mono_ms();
  pthread_mutex_lock(&w->mu);
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *fi =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (fi && w->free_head < w->n_slots) {
      struct slot *s = &w->slots[w->free_head];
      w->free_head = s->next_free;
      memset(s, 0, sizeof *s);
      s->used = true;
      s->fd = fi->connect_fd;
      s->phase = PH_HEAD;
      s->since_ms = now;
      set_addr(s, conn);
      w->live++;
      if (w->o.metrics)
        metrics_connection_opened();
      *socket_context = s;
      conn_pressure_make_room(w, s, now);
      if (w->draining)
        conn_watch_cut(w, s, "shutdown", now);
    }
  } else if (*socket_context) {
    /* libmicrohttpd calls this before it closes the socket, so under the mutex a slot's fd
     * is always the connection's own: the watchdog never shuts down a reused descriptor. */
    struct slot *s = *socket_context;
    if (!s->cut)
      w->live--;
    if (w->o.metrics)
      metrics_connection_closed();
    s->used = false;
    s->next_free = w->free_head;
    w->free_head = (unsigned)(s - w->slots);
    *socket_context = NULL;
  }
  pthread_mutex_unlock(&w->mu);
}

static struct slot *slot_of(struct MHD_Connection *conn)
{
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return ci ? ci->socket_context : NULL;
}

static void set_phase(struct conn_watch *w, struct MHD_Connection *conn, enum phase p)
{
  struct slot *s = slot_of(conn);
  if (!s)
    return;
  pthread_mutex_lock(&w->mu);
  s->phase = p;
  s->since_ms = util_mono_ms();
  s->waiting_ms = 0;
  s->body_bytes = 0;
  s->hup_seen = false;
  pthread_mutex_unlock(&w->mu);
}

void conn_watch_head_done(struct conn_watch *w, struct MHD_Connection *conn, bool has_body)
{
  set_phase(w, conn, has_body ? PH_BODY : PH_BUSY);
}

void conn_watch_body(struct conn_watch *w, struct MHD_Connection *conn, size_t n)
{
  struct slot *s = slot_of(conn);
  if (!s)
    return;
  pthread_mutex_lock(&w->mu);
  s->body_bytes += n;
  s->hup_seen = false;
  pthread_mutex_unlock(&w->mu);
}

void conn_watch_busy(struct conn_watch *w, struct MHD_Connection *conn)
{
  set_phase(w, conn, PH_BUSY);
}

void conn_watch_idle(struct conn_watch *w, struct MHD_Connection *conn)
{
  set_phase(w, conn, PH_IDLE);
}

/* The reason s is late at now, or NULL. */
static const char *late(const struct conn_watch *w, const struct slot *s, int64_t now)
{
  int64_t age = now - s->since_ms, head = w->o.head_timeout_ms;
  switch (s->phase) {
  case PH_HEAD:
    return w->draining ? "shutdown" : age > head ? "head_timeout" : NULL;
  case PH_IDLE:
    return w->draining ? "shutdown"
           : age > (int64_t)w->o.idle_timeout_ms + head ? "idle_timeout"
                                                         : NULL;
  case PH_BODY:
    return w->o.body_min_rate && age > head &&
                   s->body_bytes * 1000 < (uint64_t)(age - head) * w->o.body_min_rate
               ? "body_too_slow"
               : NULL;
  default:
    return NULL;
  }
}

/* Cuts connections whose client has gone while no request was in flight. A hang-up counts
 * only when nothing is left unread and it is still there one tick later: by then a complete
 * request that came with it would have been taken up. */
static void reap_closed(struct conn_watch *w, int64_t now)
{
  unsigned n = 0;
  for (unsigned i = 0; i < w->n_slots; i++) {
    struct slot *s = &w->slots[i];
    if (s->used && !s->cut && s->phase != PH_BUSY) {
      w->pfd[n] = (struct pollfd){.fd = s->fd, .events = POLLRDHUP};
      w->pfd_slot[n++] = i;
    }
  }
  if (n == 0 || poll(w->pfd, n, 0) <= 0)
    return;
  for (unsigned k = 0; k < n; k++) {
    struct slot *s = &w->slots[w->pfd_slot[k]];
    int unread = 0;
    if (!(w->pfd[k].revents & (POLLRDHUP | POLLHUP | POLLERR)) ||
        ioctl(s->fd, FIONREAD, &unread) != 0 || unread > 0) {
      s->hup_seen = false;
      continue;
    }
    if (s->hup_seen)
      conn_watch_cut(w, s, "client_closed", now);
    else
      s->hup_seen = true;
  }
}

static void *watch_main(void *arg)
{
  struct conn_watch *w = arg;
  pthread_mutex_lock(&w->mu);
  while (!w->stopping) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += TICK_MS * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
      ts.tv_sec++;
      ts.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&w->wake, &w->mu, &ts);
    int64_t now = util_mono_ms();
    for (unsigned i = 0; i < w->n_slots; i++) {
      struct slot *s = &w->slots[i];
      const char *why = s->used && !s->cut ? late(w, s, now) : NULL;
      if (why)
        conn_watch_cut(w, s, why, now);
    }
    reap_closed(w, now);
    conn_pressure_pay_owed(w, now);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

/* Frees w's table, its scratch and w (its thread stopped or never started). */
static void watch_free(struct conn_watch *w)
{
  free(w->slots);
  free(w->pfd);
  free(w->pfd_slot);
  free(w->oa);
  free(w);
}

struct conn_watch *conn_watch_start(const struct conn_watch_options *o)
{
  struct conn_watch *w = calloc(1, sizeof *w);
  if (!w)
    return NULL;
  w->o = *o;
  /* the acceptor never lets more than max_connections be open (acceptor_count.c), and a
   * connection leaves this table before the acceptor's books */
  w->n_slots = o->max_connections + 16;
  w->slots = calloc(w->n_slots, sizeof *w->slots);
  w->pfd = calloc(w->n_slots, sizeof *w->pfd);
  w->pfd_slot = calloc(w->n_slots, sizeof *w->pfd_slot);
  w->oa = calloc(w->n_slots, sizeof *w->oa);
  if (!w->slots || !w->pfd || !w->pfd_slot || !w->oa)
    goto fail;
  for (unsigned i = 0; i < w->n_slots; i++)
    w->slots[i].next_free = i + 1;
  pthread_mutex_init(&w->mu, NULL);
  pthread_cond_init(&w->wake, NULL);
  if (pthread_create(&w->thread, NULL, watch_main, w) == 0)
    return w;
  pthread_cond_destroy(&w->wake);
  pthread_mutex_destroy(&w->mu);
fail:
  watch_free(w);
  return NULL;
}

void conn_watch_drain(struct conn_watch *w)
{
  pthread_mutex_lock(&w->mu);
  w->draining = true;
  pthread_cond_signal(&w->wake);
  pthread_mutex_unlock(&w->mu);
}

uint64_t conn_watch_cut_count(struct conn_watch *w)
{
  pthread_mutex_lock(&w->mu);
  uint64_t n = w->cuts;
  pthread_mutex_unlock(&w->mu);
  return n;
}

void conn_watch_stop(struct conn_watch *w)
{
  if (!w)
    return;
  pthread_mutex_lock(&w->mu);
  w->stopping = true;
  pthread_cond_signal(&w->wake);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  pthread_cond_destroy(&w->wake);
  pthread_mutex_destroy(&w->mu);
  watch_free(w);
}
