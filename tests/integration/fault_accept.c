/* fault_accept.c - an LD_PRELOAD library for test_http_accept_errors: while the file named by
 * FAULT_ACCEPT_FLAG exists, the first FAULT_ACCEPT_N connections accepted on the thread named
 * http-accept are lost with a network error, as Linux reports one that was pending on a new
 * socket (accept(2)): the socket is closed and accept4 fails with EPROTO. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int failed;

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
  static int (*real)(int, struct sockaddr *, socklen_t *, int);
  if (!real)
    real = (int (*)(int, struct sockaddr *, socklen_t *, int))dlsym(RTLD_NEXT, "accept4");
  int got = real(fd, addr, len, flags);
  const char *flag = getenv("FAULT_ACCEPT_FLAG"), *n = getenv("FAULT_ACCEPT_N");
  char name[17] = {0};
  prctl(PR_GET_NAME, name);
  if (got >= 0 && flag && access(flag, F_OK) == 0 && strcmp(name, "http-accept") == 0 &&
      failed < (n ? atoi(n) : 1)) {
    failed++;
    close(got);
    errno = EPROTO;
    return -1;
  }
  return got;
}
