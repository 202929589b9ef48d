/* hook_sink.c - the webhook receiver of the integration tests (hook_sink.h). Paths ending in
 * "/redirect" are answered 302 to "/landing"; "/gone" 410. */
#include "hook_sink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void header_value(const char *head, const char *name, char *out, size_t len)
{
  out[0] = '\0';
  size_t n = strlen(name);
  for (const char *p = strstr(head, "\r\n"); p; p = strstr(p + 2, "\r\n"))
    if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
      const char *v = p + 3 + n;
      while (*v == ' ')
        v++;
      size_t m = strcspn(v, "\r\n");
      snprintf(out, len, "%.*s", (int)(m < len ? m : len - 1), v);
      return;
    }
}

/* Reads one request from fd; false when the peer closed or it is malformed. */
static bool read_request(int fd, struct hook_req *r)
{
  char *buf = malloc(1 << 20);
  size_t used = 0, cap = (1 << 20) - 1;
  char *end = NULL;
  while (!end && used < cap) {
    ssize_t got = read(fd, buf + used, cap - used);
    if (got <= 0) {
      free(buf);
      return false;
    }
    used += (size_t)got;
    buf[used] = '\0';
    end = strstr(buf, "\r\n\r\n");
  }
  if (!end) {
    free(buf);
    return false;
  }
  *end = '\0';
  char cl[32];
  header_value(buf, "Content-Length", cl, sizeof cl);
  header_value(buf, "Advisord-Event-Id", r->event_id, sizeof r->event_id);
  header_value(buf, "Advisord-Signature", r->signature, sizeof r->signature);
  header_value(buf, "Content-Type", r->content_type, sizeof r->content_type);
  sscanf(buf, "%*s %255s", r->path);
  size_t want = (size_t)atol(cl), have = used - (size_t)(end + 4 - buf);
  r->body = malloc(want + 1);
  memcpy(r->body, end + 4, have < want ? have : want);
  while (have < want) {
    ssize_t got = read(fd, r->body + have, want - have);
    if (got <= 0)
      break;
    have += (size_t)got;
  }
  r->body[have < want ? have : want] = '\0';
  free(buf);
  return true;
}

static void *serve(void *arg)
{
  struct hook_sink *k = arg;
  for (;;) {
    struct pollfd p = {.fd = k->listen_fd, .events = POLLIN};
    pthread_mutex_lock(&k->mu);
    bool running = k->running;
    pthread_mutex_unlock(&k->mu);
    if (!running)
      return NULL;
    if (poll(&p, 1, 50) <= 0)
      continue;
    int fd = accept(k->listen_fd, NULL, NULL);
    if (fd < 0)
      continue;
    struct hook_req r = {0};
    while (read_request(fd, &r)) {
      pthread_mutex_lock(&k->mu);
      int seq = k->started++;
      int pause = k->pause_ms;
      int status = seq < k->fail_first ? k->fail_status : k->status;
      pthread_mutex_unlock(&k->mu);
      if (pause) {
        struct timespec ts = {pause / 1000, (pause % 1000) * 1000000L};
        nanosleep(&ts, NULL);
      }
      size_t plen = strlen(r.path);
      const char *extra = "";
      if (plen >= 9 && strcmp(r.path + plen - 9, "/redirect") == 0) {
        status = 302;
        extra = "Location: /landing\r\n";
      } else if (plen >= 5 && strcmp(r.path + plen - 5, "/gone") == 0) {
        status = 410;
      }
      pthread_mutex_lock(&k->mu);
      if (k->n < HOOK_SINK_MAX)
        k->reqs[k->n++] = r;
      else
        free(r.body);
      pthread_mutex_unlock(&k->mu);
      memset(&r, 0, sizeof r);
      char resp[256];
      int len = snprintf(resp, sizeof resp,
                         "HTTP/1.1 %d X\r\n%sContent-Type: text/plain\r\nContent-Length: 2\r\n"
                         "\r\nok",
                         status, extra);
      if (write(fd, resp, (size_t)len) != len)
        break;
    }
    free(r.body);
    close(fd);
  }
}

void hook_sink_start(struct hook_sink *k, int port)
{
  if (!k->status) {
    pthread_mutex_init(&k->mu, NULL);
    k->status = 200;
  }
  k->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(k->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(k->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(k->listen_fd, 64) != 0) {
    fprintf(stderr, "hook_sink: cannot listen on %d: %s\n", port, strerror(errno));
    exit(2);
  }
  socklen_t al = sizeof a;
  getsockname(k->listen_fd, (struct sockaddr *)&a, &al);
  k->port = ntohs(a.sin_port);
  k->running = true;
  pthread_create(&k->thread, NULL, serve, k);
}

void hook_sink_stop(struct hook_sink *k)
{
  pthread_mutex_lock(&k->mu);
  k->running = false;
  pthread_mutex_unlock(&k->mu);
  pthread_join(k->thread, NULL);
  close(k->listen_fd);
}

void hook_sink_free(struct hook_sink *k)
{
  for (int i = 0; i < k->n; i++)
    free(k->reqs[i].body);
  k->n = 0;
}

int hook_sink_count(struct hook_sink *k)
{
  pthread_mutex_lock(&k->mu);
  int n = k->n;
  pthread_mutex_unlock(&k->mu);
  return n;
}

int hook_sink_wait(struct hook_sink *k, int n, int ms)
{
  for (int waited = 0;; waited += 20) {
    int have = hook_sink_count(k);
    if (have >= n || waited >= ms)
      return have;
    struct timespec ts = {0, 20000000L};
    nanosleep(&ts, NULL);
  }
}
