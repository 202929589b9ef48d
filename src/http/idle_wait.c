/* idle_wait.c - runs an HTTP worker's idle hook (thread_idle.h) before the worker waits.
 *
 * libmicrohttpd 0.9.75's workers (MHD_USE_EPOLL_INTERNAL_THREAD with a thread pool) wait for
 * their connections in epoll_wait (daemon.c, MHD_epoll) and call nothing of ours while they
 * wait; the library has no hook for "about to wait". This file defines epoll_wait in the
 * executable: the library's calls (through its PLT) and any of ours come here (the executable's
 * definition comes first in the dynamic linker's search; ld exports it because the library
 * refers to it), and it calls the C library's own (dlsym RTLD_NEXT: libc's, or a sanitizer's
 * interceptor before it). A call that would wait (timeout not 0) by a thread with a hook set
 * first asks without waiting: events ready are returned as they are (the worker goes on
 * working, the hook stays set); when none is, the hook runs and then the call waits. A thread
 * without a hook costs one thread-local read. */

#include "server_internal.h"
#include "thread_idle.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef int (*wait_fn)(int epfd, struct epoll_event *events, int maxevents, int timeout);

static wait_fn libc_wait;
static pthread_once_t libc_once = PTHREAD_ONCE_INIT;

static void find_libc_wait(void)
{
  void *f = dlsym(RTLD_NEXT, "epoll_wait");
  /* a function's address comes back as void *: copied, not cast (ISO C has no such cast) */
  if (f)
    memcpy(&libc_wait, &f, sizeof libc_wait);
}

/* The C library's epoll_wait, or the system call itself when it cannot be found. */
static int wait_events(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
  pthread_once(&libc_once, find_libc_wait);
  if (libc_wait)
    return libc_wait(epfd, events, maxevents, timeout);
  return (int)syscall(SYS_epoll_pwait, epfd, events, maxevents, timeout, NULL, (size_t)8);
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout)
{
  if (timeout != 0 && thread_idle_pending()) {
    int n = wait_events(epfd, events, maxevents, 0);
    if (n != 0)
      return n;
    thread_idle_run();
  }
  return wait_events(epfd, events, maxevents, timeout);
}

void http_idle_wait_mark(void) { thread_idle_mark(); }
