/* mhd_hello.c - the front end's limit for bench/run.sh: bare libmicrohttpd 0.9.75 answering every
 * request with one fixed JSON body, started the way advisord starts its daemon (internal polling
 * thread, epoll, a thread pool of one thread per core, no listening socket of its own: a thread
 * accepts and hands each connection over with MHD_add_connection, to the worker with the fewest
 * open and pending connections, given a descriptor (F_DUPFD) that names it, as advisord does; see
 * src/http/acceptor.c; the limit is left at the library's default, which wrk's 32 or 64
 * connections are far from). Usage: mhd_hello PORT [THREADS]
 * It runs until SIGTERM or SIGINT. */
#define _GNU_SOURCE /* accept4 */
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* about the size of advisord's answer to GET /v1/variants/smart */
static const char body[] =
    "{\"code\":\"smart\",\"name\":\"Visma eEkonomi Smart\",\"description\":\"Full bookkeeping and "
    "full invoicing\",\"features\":[\"bookkeeping.basic\",\"bookkeeping.full\","
    "\"invoicing.basic\",\"invoicing.full\"]}";

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
  (void)cls; (void)url; (void)method; (void)version; (void)upload;
  if (*state == NULL) { /* first call: headers only */
    *state = (void *)1;
    return MHD_YES;
  }
  if (*upload_size) { /* a body is ignored */
    *upload_size = 0;
    return MHD_YES;
  }
  struct MHD_Response *r =
      MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
  if (!r)
    return MHD_NO;
  MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
  MHD_destroy_response(r);
  return ret;
}

static struct MHD_Daemon *daemon_;
static unsigned n_workers;
/* per worker (descriptor % n_workers): connections started and not closed, handed and not
 * started */
static atomic_int open_[256], pending_[256];

static void on_connection(void *cls, struct MHD_Connection *conn, void **ctx,
                          enum MHD_ConnectionNotificationCode toe)
{
  (void)cls; (void)ctx;
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
  unsigned k = ci ? (unsigned)ci->connect_fd % n_workers : 0;
  if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
    atomic_fetch_sub(&pending_[k], 1);
    atomic_fetch_add(&open_[k], 1);
  } else {
    atomic_fetch_sub(&open_[k], 1);
  }
}

/* c, or a duplicate of it naming the least loaded worker (c closed then) */
static int steer(int c)
{
  unsigned k = (unsigned)c % n_workers, j = k;
  for (unsigned i = 0; i < n_workers; i++)
    if (open_[i] + pending_[i] < open_[j] + pending_[j])
      j = i;
  for (int min = c + (int)((j + n_workers - k) % n_workers), tries = 0; j != k && tries < 16;
       tries++) {
    int d = fcntl(c, F_DUPFD_CLOEXEC, min);
    if (d < 0)
      break;
    if ((unsigned)d % n_workers == j) {
      close(c);
      return d;
    }
    close(d);
    min = d + (int)((j + n_workers - (unsigned)d % n_workers) % n_workers);
  }
  return c;
}

/* accepts until the process ends; libmicrohttpd closes each socket it was given */
static void *accept_loop(void *arg)
{
  int fd = *(int *)arg;
  for (;;) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, -1) < 0)
      continue;
    for (;;) {
      struct sockaddr_storage a;
      socklen_t len = sizeof a;
      int c = accept4(fd, (struct sockaddr *)&a, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (c < 0)
        break;
      c = steer(c);
      atomic_fetch_add(&pending_[(unsigned)c % n_workers], 1);
      if (MHD_add_connection(daemon_, c, (struct sockaddr *)&a, len) != MHD_YES)
        atomic_fetch_sub(&pending_[(unsigned)c % n_workers], 1);
    }
  }
  return NULL;
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: mhd_hello PORT [THREADS]\n");
    return 2;
  }
  int port = atoi(argv[1]);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned threads = argc > 2 ? (unsigned)atoi(argv[2]) : (unsigned)(cores > 0 ? cores : 1);
  n_workers = threads < 2 ? 1 : threads > 256 ? 256 : threads;
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGTERM);
  sigaddset(&s, SIGINT);
  pthread_sigmask(SIG_BLOCK, &s, NULL); /* before the daemon's threads start: they inherit it */
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_ANY)};
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, SOMAXCONN) != 0) {
    fprintf(stderr, "mhd_hello: cannot listen on port %d\n", port);
    return 1;
  }
  daemon_ = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET,
                             0, NULL, NULL, handle, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads,
                             MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                             MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_END);
  pthread_t t;
  if (!daemon_ || pthread_create(&t, NULL, accept_loop, &fd) != 0) {
    fprintf(stderr, "mhd_hello: cannot start the daemon\n");
    return 1;
  }
  int sig;
  sigwait(&s, &sig);
  _exit(0); /* the accept thread never returns; nothing to flush */
}
