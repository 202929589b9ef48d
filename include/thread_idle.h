/* thread_idle.h - work a thread leaves until it is about to wait for more: one hook a thread.
 * The SQLite engine keeps an HTTP worker's read transaction open from one request to the next
 * while nothing is committed (sqlite_db.c, sq_snapshot) and ends it here, before the worker
 * waits for its connections again, so that an idle worker never holds an old snapshot (which
 * would keep the checkpointer from copying the log past it). A thread leaves work here only if
 * its waits run the hook: an HTTP worker's (http/idle_wait.c marks it at each request). */
#ifndef ADVISORD_THREAD_IDLE_H
#define ADVISORD_THREAD_IDLE_H

#include <stdbool.h>

/* Marks the calling thread as one whose waits run its hook (http/idle_wait.c, on a worker). */
void thread_idle_mark(void);
/* Whether the calling thread's waits run its hook. */
bool thread_idle_waits(void);
/* Sets the calling thread's hook (fn(arg), once; NULL fn: none), replacing any. */
void thread_idle_set(void (*fn)(void *arg), void *arg);
/* Clears the calling thread's hook if it was set with arg. */
void thread_idle_cancel(const void *arg);
/* Whether the calling thread has a hook set. */
bool thread_idle_pending(void);
/* Runs the calling thread's hook, if any, and clears it first (fn may set another). */
void thread_idle_run(void);

#endif
