/* test_http_accept_errors: an accept(2) error that Linux says to retry (a network error
 * pending on the new socket, or EPERM from a firewall rule) loses that one connection only;
 * the accept thread takes the next at once (src/http/acceptor.c), without the 100 ms back-off
 * and the accept_failed warning meant for want of descriptors or memory. fault_accept.c,
 * preloaded into the server, turns the first 3 accepts into EPROTO (the socket closed) while a
 * file exists; of 4 connections opened at once the fourth must be answered, no accept_failed
 * logged, and each loss logged at debug (accept_retried). Before, each loss cost a 100 ms
 * back-off and a warning. */
#include "harness.h"
#include "rawclient.h"
#include "testlib.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

TEST_MAIN_DEFS

#define LOST 3

int main(void)
{
  if (getenv("ADVISORD_VALGRIND"))
    return 77; /* the preload would go to valgrind */
  char flag[] = "/tmp/advisord-accept-XXXXXX";
  int ffd = mkstemp(flag); /* a name of our own; accepts fail while it exists */
  CHECK(ffd >= 0);
  close(ffd);
  unlink(flag); /* the harness's own readiness check must be served */
  char preload[600], flag_env[200], n_env[32];
  snprintf(preload, sizeof preload, "LD_PRELOAD=%s", FAULT_ACCEPT_SO);
  snprintf(flag_env, sizeof flag_env, "FAULT_ACCEPT_FLAG=%s", flag);
  snprintf(n_env, sizeof n_env, "FAULT_ACCEPT_N=%d", LOST);
#if defined(__SANITIZE_ADDRESS__) /* the preload comes before ASan's runtime: allowed, as it
                                     only wraps accept4 (ASan's own wrapper is called next) */
  const char *env[] = {preload, flag_env, n_env, "ASAN_OPTIONS=verify_asan_link_order=0", NULL};
#else
  const char *env[] = {preload, flag_env, n_env, NULL};
#endif
  const char *args[] = {"--threads", "2", "--log-level", "debug", NULL};
  struct server s;
  server_start(&s, args, env);

  ffd = open(flag, O_CREAT | O_WRONLY, 0600);
  CHECK(ffd >= 0);
  close(ffd);
  const char *req = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  int fds[LOST + 1], answered = 0, lost = 0;
  for (int i = 0; i <= LOST; i++) {
    fds[i] = raw_connect(&s, "127.0.0.1", false);
    CHECK(fds[i] >= 0 && send(fds[i], req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req));
  }
  double t0 = raw_now_ms(), slowest = 0;
  for (int i = 0; i <= LOST; i++) {
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buf[512];
    ssize_t n = recv(fds[i], buf, sizeof buf - 1, 0);
    if (n > 12 && strncmp(buf, "HTTP/1.1 200", 12) == 0) {
      answered++;
      slowest = raw_now_ms() - t0;
    } else {
      lost += n <= 0;
    }
    close(fds[i]);
  }
  unlink(flag);
  fprintf(stderr, "%d lost by accept errors, %d answered after %.0f ms\n", lost, answered,
          slowest);
  CHECK_INT(lost, LOST);
  CHECK_INT(answered, 1);
  CHECK_INT(server_log_count(&s, "accept_failed"), 0);
  CHECK_INT(server_log_count(&s, "\"accept_retried\""), LOST);
  struct resp r;
  CHECK(http(&s, "GET", "/healthz", NULL, NULL, &r) && r.status == 200);
  resp_free(&r);
  CHECK_INT(server_stop(&s, false), 0);
  return TEST_REPORT();
}
