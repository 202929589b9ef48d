/* thread_prio.h - the scheduling priority of the server's background threads (the mailer's and
 * the webhooks' workers, the checkpointer, the batch runner, the expiry sweeper): they run at a
 * higher nice value (--background-nice) than the threads that answer requests
 * (libmicrohttpd's workers, the store's writer), so that under load the kernel gives the cores
 * to requests first and the background work takes what is left (it catches up when the load
 * falls). A background thread's writes are run by the store's writer thread, not by itself (see
 * store_write): a background thread must never hold up requests' writes while it waits for a
 * core. */
#ifndef ADVISORD_THREAD_PRIO_H
#define ADVISORD_THREAD_PRIO_H

#include <stdbool.h>

/* The nice value background threads take (0 to 19; 0: the same as every other thread). Set
 * once at start, before any background thread starts. */
void thread_prio_set_background_nice(int nice);
/* Names the calling thread (for top -H, perf and /proc; at most 15 characters) and makes it a
 * background thread: its nice value goes up by the configured amount (Linux: per thread; it
 * cannot come down again without privileges) and thread_prio_is_background() turns true. */
void thread_prio_background(const char *name);
/* True on a thread that called thread_prio_background. */
bool thread_prio_is_background(void);

#endif
