/* test_http_dropped: connections that libmicrohttpd drops before serving them (no memory for
 * their buffers: it closes them without a notification) do not keep their places in the
 * accept thread's books (src/http/acceptor_count.c). With --max-connections 8 and every pool
 * failing (fault_pool.c, preloaded into the server), ten connections are dropped; afterwards
 * the server must serve again at once, and SIGTERM must not wait for the dropped ones.
 * Without the check of pending descriptors the books stay full for good: nothing more is
 * accepted, and the stop waits its whole drain. */
#include "harness.h"
#include "rawclient.h"
#include "testlib.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

TEST_MAIN_DEFS

static struct server s;

/* true when GET /healthz on a new connection is answered 200 within 3 s */
static bool healthz(void)
{
  int fd = raw_connect(&s, "127.0.0.1", false);
  const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  (void)!send(fd, req, strlen(req), MSG_NOSIGNAL);
  struct timeval tv = {.tv_sec = 3};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[512];
  ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
  close(fd);
  return n > 12 && strncmp(buf, "HTTP/1.1 200", 12) == 0;
}

int main(void)
{
#if defined(__SANITIZE_ADDRESS__)
  return 77; /* the preloaded malloc and ASan's own cannot both hold */
#endif
  if (getenv("ADVISORD_VALGRIND"))
    return 77;
  char flag[] = "/tmp/advisord-dropped-XXXXXX";
  int ffd = mkstemp(flag); /* a name of our own; the pools fail while it exists */
  CHECK(ffd >= 0);
  close(ffd);
  unlink(flag); /* the harness's own readiness check must be served */
  char preload[600], flag_env[200];
  snprintf(preload, sizeof preload, "LD_PRELOAD=%s", FAULT_POOL_SO);
  snprintf(flag_env, sizeof flag_env, "FAULT_POOL_FLAG=%s", flag);
  const char *env[] = {preload, flag_env, NULL};
  const char *args[] = {"--threads", "2", "--max-connections", "8", "--drain-timeout", "10",
                        NULL};
  server_start(&s, args, env);
  CHECK(healthz());

  ffd = open(flag, O_CREAT | O_WRONLY, 0600); /* every pool fails now */
  CHECK(ffd >= 0);
  close(ffd);
  int fds[10];
  for (int i = 0; i < 10; i++)
    fds[i] = raw_connect(&s, "127.0.0.1", false);
  usleep(500 * 1000); /* all ten handed over and dropped (or waiting in the backlog) */
  for (int i = 0; i < 10; i++)
    close(fds[i]);
  unlink(flag);

  int served = 0;
  for (int i = 0; i < 10; i++)
    served += healthz();
  fprintf(stderr, "served after the drops: %d of 10\n", served);
  CHECK(served == 10);

  double t0 = raw_now_ms();
  kill(s.pid, SIGTERM);
  int status;
  waitpid(s.pid, &status, 0);
  double took = raw_now_ms() - t0;
  s.pid = 0;
  fprintf(stderr, "SIGTERM: stopped in %.0f ms\n", took);
  CHECK(took < 5000);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return TEST_REPORT();
}
