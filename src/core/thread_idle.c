/* thread_idle.c - see thread_idle.h. */
#include "thread_idle.h"

#include <stddef.h>

static _Thread_local bool waits_run_hook;
static _Thread_local void (*hook_fn)(void *arg);
static _Thread_local void *hook_arg;

void thread_idle_mark(void) { waits_run_hook = true; }

bool thread_idle_waits(void) { return waits_run_hook; }

void thread_idle_set(void (*fn)(void *arg), void *arg)
{
  hook_fn = fn;
  hook_arg = fn ? arg : NULL;
}

void thread_idle_cancel(const void *arg)
{
  if (hook_fn && hook_arg == arg)
    thread_idle_set(NULL, NULL);
}

bool thread_idle_pending(void) { return hook_fn != NULL; }

void thread_idle_run(void)
{
  void (*fn)(void *arg) = hook_fn;
  void *arg = hook_arg;
  hook_fn = NULL;
  hook_arg = NULL;
  if (fn)
    fn(arg);
}
