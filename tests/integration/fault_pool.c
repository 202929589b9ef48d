/* fault_pool.c - an LD_PRELOAD library for test_http_dropped: while the file named by
 * FAULT_POOL_FLAG exists, every per-connection memory pool a libmicrohttpd worker thread
 * makes (MHD_pool_create in 0.9.75: an anonymous mmap of the pool's size, then malloc of the
 * same size) fails, so the worker drops the connection without a notification. Only sizes
 * of FAULT_POOL_SIZE bytes (advisord's connection memory, 65536 by default) on threads named
 * MHD-worker are touched. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
static __thread int fail_next_malloc;

static int failing(size_t len)
{
  const char *flag = getenv("FAULT_POOL_FLAG");
  const char *size = getenv("FAULT_POOL_SIZE");
  if (!flag || len != (size ? strtoul(size, NULL, 10) : 65536) || access(flag, F_OK) != 0)
    return 0;
  char name[17] = {0};
  prctl(PR_GET_NAME, name);
  return strncmp(name, "MHD-worker", 10) == 0;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
  static void *(*real)(void *, size_t, int, int, int, off_t);
  if (!real)
    real = (void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, "mmap");
  if (fd == -1 && (flags & MAP_ANONYMOUS) && failing(len)) {
    fail_next_malloc = 1; /* the pool's fallback is malloc of the same size */
    errno = ENOMEM;
    return MAP_FAILED;
  }
  return real(addr, len, prot, flags, fd, off);
}

void *malloc(size_t n)
{
  if (fail_next_malloc) {
    fail_next_malloc = 0;
    if (failing(n)) {
      errno = ENOMEM;
      return NULL;
    }
  }
  return __libc_malloc(n);
}
