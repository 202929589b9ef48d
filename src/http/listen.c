/* listen.c - the listening socket, made before the server starts so that the port bound is
 * known first (with port 0, the links in e-mails name the real one); the server's accept thread
 * (acceptor.c) accepts on it. */
#include "http.h"
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static bool make_addr(const char *host, uint16_t port, struct sockaddr_storage *ss)
{
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    return true;
  }
  if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    return true;
  }
  return false;
}

int http_listen(const char *host, uint16_t port, uint16_t *bound)
{
  struct sockaddr_storage addr;
  if (!make_addr(host, port, &addr)) {
    log_msg(LOG_ERROR, "bind_failed", "'%s' is not an IPv4 or IPv6 address", host);
    return -1;
  }
  int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    log_msg(LOG_ERROR, "listen_failed", "socket: %s", strerror(errno));
    return -1;
  }
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (addr.ss_family == AF_INET6) /* as libmicrohttpd does: IPv6 only, no mapped IPv4 */
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  socklen_t len = addr.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                             : sizeof(struct sockaddr_in);
  if (bind(fd, (struct sockaddr *)&addr, len) != 0 || listen(fd, SOMAXCONN) != 0) {
    log_msg(LOG_ERROR, "listen_failed", "could not listen on %s port %u: %s", host,
            (unsigned)port, strerror(errno));
    close(fd);
    return -1;
  }
  *bound = http_socket_port(fd);
  return fd;
}

uint16_t http_socket_port(int fd)
{
  struct sockaddr_storage got;
  socklen_t gl = sizeof got;
  if (getsockname(fd, (struct sockaddr *)&got, &gl) != 0)
    return 0;
  return ntohs(got.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&got)->sin6_port
                                         : ((struct sockaddr_in *)&got)->sin_port);
}
