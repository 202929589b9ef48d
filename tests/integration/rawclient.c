/* rawclient.c - HTTP over plain sockets from a chosen source address (see rawclient.h). */
#include "rawclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

double raw_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

int raw_connect(const struct server *s, const char *src, bool nonblock)
{
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  if (src) {
    struct sockaddr_in b = {.sin_family = AF_INET};
    inet_pton(AF_INET, src, &b.sin_addr);
    if (bind(fd, (struct sockaddr *)&b, sizeof b) != 0) {
      close(fd);
      return -1;
    }
  }
  if (nonblock)
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && !(nonblock && errno == EINPROGRESS)) {
    close(fd);
    return -1;
  }
  return fd;
}

int raw_request(const struct server *s, const char *src, const char *request, size_t len,
                char *out, size_t cap, int timeout_ms)
{
  out[0] = '\0';
  int fd = raw_connect(s, src, false);
  if (fd < 0)
    return 0;
  for (size_t off = 0; off < len;) {
    ssize_t n = send(fd, request + off, len - off, MSG_NOSIGNAL);
    if (n <= 0)
      break;
    off += (size_t)n;
  }
  size_t got = 0;
  double end = raw_now_ms() + timeout_ms;
  while (got + 1 < cap) {
    int left = (int)(end - raw_now_ms());
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (left <= 0 || poll(&p, 1, left) <= 0)
      break;
    ssize_t n = recv(fd, out + got, cap - got - 1, 0);
    if (n <= 0)
      break;
    got += (size_t)n;
  }
  out[got] = '\0';
  close(fd);
  int status = 0;
  sscanf(out, "HTTP/1.%*d %d", &status);
  return status;
}

bool raw_header(const char *reply, const char *name, char *buf, size_t len)
{
  size_t n = strlen(name);
  for (const char *p = strstr(reply, "\r\n"); p && p[2] && !(p[2] == '\r');
       p = strstr(p + 2, "\r\n")) {
    if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
      const char *v = p + 3 + n;
      while (*v == ' ')
        v++;
      size_t vl = strcspn(v, "\r\n");
      snprintf(buf, len, "%.*s", (int)vl, v);
      return true;
    }
  }
  return false;
}
