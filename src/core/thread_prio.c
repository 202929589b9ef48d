/* thread_prio.c - see thread_prio.h. */
#include "thread_prio.h"
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static atomic_int background_nice;
static _Thread_local bool background;

void thread_prio_set_background_nice(int nice)
{
  atomic_store(&background_nice, nice < 0 ? 0 : nice > 19 ? 19 : nice);
}

void thread_prio_background(const char *name)
{
  pthread_setname_np(pthread_self(), name);
  background = true;
  int nice = atomic_load(&background_nice);
  if (nice == 0)
    return;
  /* on Linux a nice value belongs to a thread: PRIO_PROCESS with the thread's own id sets its
   * alone, relative to the process's (errno: getpriority may return -1) */
  errno = 0;
  int now = getpriority(PRIO_PROCESS, (id_t)gettid());
  if (now == -1 && errno != 0)
    now = 0;
  int want = now + nice > 19 ? 19 : now + nice;
  if (setpriority(PRIO_PROCESS, (id_t)gettid(), want) != 0)
    log_msg(LOG_WARN, "thread_priority", "thread %s stays at nice %d: %s", name, now,
            strerror(errno));
}

bool thread_prio_is_background(void) { return background; }
